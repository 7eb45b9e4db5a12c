import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A JupyterHub-like REST API on 127.0.0.1 for the live-run benches, shaped as the JupyterHub 3.0 docs
 * (examples/jupyterhub) describe it and as test/run/live-run.test.ts serves it: `token` auth,
 * offset/limit paging on `/users` and `/groups`, `/services` as an array, `/users/{name}/tokens` in one
 * page. Records are made on request from their index, so the server's own memory stays small whatever
 * the count.
 *
 * Run as a script (`node bench/jupyterhub-like-server.ts '<HubShape JSON>'`), it prints
 * `{"url": …}` on one line once listening, and serves until killed: the benches run it in a process
 * of its own, so its work and memory are not counted as the host's.
 */

export interface HubShape {
  users: number;
  tokensPerUser: number;
  groups: number;
  services: number;
  /** The token the server accepts (`Authorization: token …`). */
  token: string;
  /** Characters of each token's `note` (mapped to the record's display_name): makes records larger. */
  noteChars?: number;
}

/** Identities the server holds: users, their tokens, groups and services. */
export function identitiesOf(shape: HubShape): number {
  return shape.users * (1 + shape.tokensPerUser) + shape.groups + shape.services;
}

const SCOPES = ['read:users', 'read:users:name', 'read:users:groups', 'read:users:activity', 'read:servers', 'read:tokens', 'read:groups', 'read:services', 'access:servers', 'users:activity'];

export function startHub(shape: HubShape): Promise<{ url: string; server: Server }> {
  const note = 'n'.repeat(shape.noteChars ?? 40);
  const user = (i: number) => ({ name: `user${i}`, kind: 'user', admin: i === 0, roles: ['user'], groups: [], created: '2024-01-01T00:00:00Z', last_activity: null, servers: {} });
  const token = (name: string, j: number) => ({ id: `a${name}-${j}`, kind: 'api_token', user: name, scopes: SCOPES, roles: [], note, created: '2024-01-01T00:00:00Z', last_activity: null, expires_at: null, oauth_client: 'JupyterHub' });
  const group = (i: number) => ({ name: `group${i}`, kind: 'group', users: [], roles: [] });
  const service = (i: number) => ({ name: `service${i}`, kind: 'service', admin: false, roles: [], url: null, prefix: `/services/service${i}/`, command: null, pid: 0, info: {} });
  const range = <T>(count: number, offset: number, limit: number, make: (i: number) => T): T[] => {
    const out: T[] = [];
    for (let i = Math.max(0, offset); i < Math.min(count, offset + limit); i++) out.push(make(i));
    return out;
  };

  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { status: 405, message: 'Method Not Allowed' });
    if (req.headers.authorization !== `token ${shape.token}`) return send(403, { status: 403, message: 'Forbidden' });
    const url = new URL(req.url ?? '/', 'http://x');
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 200), 200);
    const p = url.pathname.replace(/^\/hub\/api/, '');
    if (p === '/users') return send(200, range(shape.users, offset, limit, user));
    if (p === '/groups') return send(200, range(shape.groups, offset, limit, group));
    if (p === '/services') return send(200, range(shape.services, 0, shape.services, service));
    const tokens = /^\/users\/user(\d+)\/tokens$/.exec(p);
    if (tokens && Number(tokens[1]) < shape.users) return send(200, range(shape.tokensPerUser, 0, shape.tokensPerUser, (j) => token(`user${tokens[1]}`, j)));
    send(404, { status: 404, message: 'Not Found' });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub/api`, server })));
}

if (import.meta.main) {
  const { url } = await startHub(JSON.parse(process.argv[2] ?? '{}') as HubShape);
  console.log(JSON.stringify({ url }));
}
