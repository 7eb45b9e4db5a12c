import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { ObservedShapes } from '../../agent/observed/observed-shapes.ts';
import type { LiveRunReport } from '../../agent/run/live-run.ts';
import { generateExampleConnector } from '../helpers/example-connector.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

/**
 * `fetchwright run --observe` and the run report's drift (issue 9, "Learn shapes, never data"): a
 * live run against a loopback server answering as JupyterHub 3.0.0 really does names the drift
 * (exit 30), writes the shapes file even though the run is incomplete, and no value the server
 * sent — names, emails, ids, map keys, header values, query strings — is in that file.
 */

const TOKEN = 'fw-observe-test-token-5e8a1c3f9d';
const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-observe-'));
const connector = path.join(root, 'connectors', 'jupyterhub');

/** Values no shape may hold: the test finds each one in the server's answers first. */
const SEEDED = {
  user: 'zq-secret-alice-71',
  email: 'zq71@secret.example',
  group: 'zq-secret-group-71',
  service: 'zq-secret-svc-71',
  serverName: 'zq-secret-server-71',
  tokenId: 'zq-secret-token-id-71',
  note: 'zq-secret-note-71',
  header: 'zq-secret-header-71',
  query: 'zq-secret-query-71',
  created: '2031-07-01T10:11:12.345678Z',
};

const USERS = [SEEDED.user, 'zq-secret-bob-72'].map((name, i) => ({
  name,
  kind: 'user',
  admin: i === 0,
  roles: ['user'],
  groups: [SEEDED.group],
  created: SEEDED.created,
  last_activity: null,
  // Undocumented (additive): JupyterHub has no email; a deployment may add one.
  email: SEEDED.email,
  servers: { [SEEDED.serverName]: { name: SEEDED.serverName, ready: true, url: `/user/${name}/` } },
}));
const GROUPS = [{ name: SEEDED.group, kind: 'group', users: [SEEDED.user], roles: [] }];
const SERVICES = [{ name: SEEDED.service, kind: 'service', admin: false, roles: [], url: null, prefix: `/services/${SEEDED.service}/`, command: null, pid: 0, info: {} }];
const tokensOf = (user: string) => [{ id: `${SEEDED.tokenId}-${user.length}`, kind: 'api_token', user, scopes: ['read:users'], roles: [], note: SEEDED.note, created: SEEDED.created, last_activity: null, expires_at: null, oauth_client: 'JupyterHub' }];

interface HubOptions {
  /** Answer as JupyterHub 3.0.0 does: /services keyed by name, tokens as `{"api_tokens": [...]}`. */
  real?: boolean;
  /** Headers added to every answer. */
  headers?: Record<string, string>;
  /** Redirect the first /groups request to this path on the same server (with a seeded query). */
  redirectGroupsTo?: string;
  /** Answer the first /services request 429 with `Retry-After: 1`. */
  throttleServices?: boolean;
  /** Reflect the credential, base64url-encoded (a form that has the shape of a name), in field names, header names and retirement headers. */
  echoToken?: boolean;
}

/** The token as base64url: letters and digits only, so it has the form of a field name (the test checks). */
const TOKEN_B64 = Buffer.from(TOKEN).toString('base64url');

async function hub(opts: HubOptions = {}): Promise<{ url: string; server: Server; paths: string[] }> {
  const paths: string[] = [];
  let redirected = false;
  let throttled = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    paths.push(url.pathname);
    const send = (status: number, body: unknown) => {
      const echo = opts.echoToken ? { [`x-${TOKEN_B64.toLowerCase()}`]: '1', sunset: `tok ${TOKEN_B64.toLowerCase()}`, link: `<https://hub.example.test/${TOKEN_B64}>; rel="deprecation"` } : {};
      res.writeHead(status, { 'content-type': 'application/json', 'x-zq-trace': SEEDED.header, ...echo, ...opts.headers });
      const echoed = opts.echoToken && Array.isArray(body) ? body.map((r: Record<string, unknown>) => ({ ...r, [TOKEN_B64]: 1, [TOKEN_B64.toLowerCase()]: 2 })) : body;
      res.end(JSON.stringify(echoed));
    };
    if (req.headers.authorization !== `token ${TOKEN}`) return send(403, { status: 403, message: 'Forbidden' });
    const p = url.pathname.replace(/^\/hub\/api/, '');
    if (p === '/groups' && opts.redirectGroupsTo && !redirected) {
      redirected = true;
      res.writeHead(302, { location: `/hub/api${opts.redirectGroupsTo}?zqq=${SEEDED.query}&${url.searchParams}` });
      return void res.end();
    }
    if (p === '/services' && opts.throttleServices && !throttled) {
      throttled = true;
      res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
      return void res.end('{"status": 429, "message": "slow down"}');
    }
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 200);
    const page = <T>(all: T[]) => all.slice(offset, offset + limit);
    if (p === '/users') return send(200, page(USERS));
    if (p === '/groups' || p === opts.redirectGroupsTo) return send(200, page(GROUPS));
    if (p === '/services') return send(200, opts.real ? Object.fromEntries(SERVICES.map((s) => [s.name, s])) : SERVICES);
    const tokens = /^\/users\/([^/]+)\/tokens$/.exec(p);
    if (tokens) {
      const list = tokensOf(decodeURIComponent(tokens[1]!));
      return send(200, opts.real ? { api_tokens: list } : list);
    }
    send(404, { status: 404, message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub/api`, server, paths };
}

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
});

beforeAll(async () => {
  await generateExampleConnector(root);
}, 120_000);

async function live(args: string[]) {
  const io = captureIo();
  const code = await main(['run', connector, '--credential-env', 'HUB_API_TOKEN', ...args], io, { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state'), HUB_API_TOKEN: TOKEN });
  return { code, out: io.out(), err: io.err() };
}

const breaking = (r: LiveRunReport) => r.drift.filter((d) => d.severity === 'breaking').map((d) => `${d.class} ${d.stream}`);

describe('fetchwright run --observe, and drift in the report', () => {
  it('the real server\'s shapes: drift named (exit 30), shapes written though the run is incomplete, no value in them', async () => {
    const h = await hub({ real: true, redirectGroupsTo: '/groups' });
    const shapesFile = path.join(root, 'first', 'shapes.json');
    const reportFile = path.join(root, 'first', 'report.json');
    const recordsFile = path.join(root, 'first', 'records.jsonl');
    const r = await live(['--base-url', h.url, '--observe', shapesFile, '--report', reportFile, '--out', recordsFile]);
    expect(r.code, r.err + r.out).toBe(30);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as LiveRunReport;
    expect(report.complete).toBe(false);
    expect(breaking(report)).toEqual(['list-shape-changed services', 'list-shape-changed user_tokens']);
    expect(report.drift.find((d) => d.stream === 'user_tokens')).toMatchObject({ operation: 'GET /users/{name}/tokens', path: '$', expected: 'a list', observed: 'an object whose records are at `api_tokens`' });
    // Additive: fields the docs do not give.
    expect(report.drift.filter((d) => d.severity === 'additive').map((d) => d.path)).toEqual(expect.arrayContaining(['$[*].email', '$[*].created']));
    // The text report: the state, one line per breaking difference, how to regenerate.
    expect(r.out).toMatch(/jupyterhub: DRIFT \(incomplete\)/);
    expect(r.out).toMatch(/list-shape-changed GET \/services \$: services: a list was expected as the body, the API answered a map of records keyed by their `name`/);
    expect(r.out).toMatch(/list-shape-changed GET \/users\/\{name\}\/tokens \$: /);
    expect(r.out).toContain(`fetchwright generate <docs> --observed ${shapesFile}`);

    // The shapes: the file the reader side parses, the map kept as a map, the wrapper as an object with its list.
    const text = readFileSync(shapesFile, 'utf8');
    const shapes = ObservedShapes.parse(JSON.parse(text));
    const op = (p: string) => shapes.operations.find((o) => o.path === p)!;
    expect(shapes.operations.map((o) => o.path)).toEqual(['/users', '/groups', '/services', '/users/{name}/tokens']);
    expect(op('/services').responses).toEqual([expect.objectContaining({ status: 200, content_type: 'application/json', body: expect.objectContaining({ type: 'object', additionalProperties: expect.objectContaining({ type: 'object' }), 'x-map-key': 'name' }) })]);
    expect(op('/services').responses[0]!.body!.properties).toBeUndefined();
    expect(op('/users/{name}/tokens').responses[0]!.body).toMatchObject({ type: 'object', properties: { api_tokens: { type: 'array', items: { type: 'object' } } } });
    expect(op('/users').responses[0]!.body!.items!.properties!.servers).toMatchObject({ additionalProperties: { type: 'object' }, 'x-map-key': 'name' });
    expect(op('/users').responses[0]!.header_names).toContain('x-zq-trace');
    expect(op('/groups').responses.map((x) => x.status)).toEqual([200, 302]);
    // The seeded values reached the connector (its records, its requests), and none is in the shapes.
    const records = readFileSync(recordsFile, 'utf8');
    expect(records).toContain(SEEDED.user);
    expect(h.paths).toContain(`/hub/api/users/${SEEDED.user}/tokens`);
    for (const value of Object.values(SEEDED)) expect(text).not.toContain(value);
    expect(text).not.toContain('zq-secret');
    expect(text).not.toContain(TOKEN);
    // The drift entries hold shapes only.
    for (const value of Object.values(SEEDED)) expect(JSON.stringify(report.drift)).not.toContain(value);
  }, 60_000);

  it('the documented shapes with an undocumented field: additive drift only, exit 0, and the shapes written for a complete run too', async () => {
    const h = await hub();
    const shapesFile = path.join(root, 'complete-shapes.json');
    const r = await live(['--base-url', h.url, '--observe', shapesFile, '--json']);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as LiveRunReport;
    expect(report.complete).toBe(true);
    expect(breaking(report)).toEqual([]);
    expect(report.drift).toContainEqual(expect.objectContaining({ class: 'field-undocumented', severity: 'additive', stream: 'users', path: '$[*].email' }));
    expect(report.calls_outside_plan).toEqual({ total: 0, calls: [] });
    expect(report.streams.every((s) => s.retries === 0 && s.waited_ms === 0)).toBe(true);
    expect(ObservedShapes.parse(JSON.parse(readFileSync(shapesFile, 'utf8'))).operations).toHaveLength(4);
  }, 60_000);

  it('Sunset and Deprecation headers, retries and waits are in the report; a redirect to a path outside the plan is a call outside the plan (and that stream fails closed)', async () => {
    const h = await hub({ headers: { sunset: 'Wed, 11 Nov 2026 11:11:11 GMT', deprecation: '@1688169599', link: '<https://hub.example.test/deprecation>; rel="deprecation"' }, redirectGroupsTo: '/legacy/groups', throttleServices: true });
    const reportFile = path.join(root, 'deprecated.json');
    const r = await live(['--base-url', h.url, '--report', reportFile]);
    // The connector refuses records from a page it did not ask for: groups is incomplete.
    expect(r.code, r.err + r.out).toBe(28);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as LiveRunReport;
    expect(report.deprecations).toContainEqual({ stream: 'users', operation: 'GET /users', sunset: '2026-11-11T11:11:11.000Z', deprecation: '2023-06-30T23:59:59.000Z', links: [{ rel: 'deprecation', url: 'https://hub.example.test/deprecation' }], responses: expect.any(Number) });
    expect(report.calls_outside_plan).toEqual({ total: 1, calls: [{ method: 'GET', path: '/hub/api/legacy/groups', count: 1 }] });
    expect(r.out).toMatch(/GET \/users: deprecated 2023-06-30T23:59:59\.000Z; sunset 2026-11-11T11:11:11\.000Z; deprecation notice https:\/\/hub\.example\.test\/deprecation/);
    expect(r.out).toMatch(/outside the plan 1/);
    expect(r.out).toMatch(/outside the plan: GET \/hub\/api\/legacy\/groups/);
    // The 429's wait, as the server asked (Retry-After: 1), per stream.
    expect(report.streams.find((s) => s.name === 'services')).toMatchObject({ complete: true, retries: 1, waited_ms: 1000 });
    expect(r.out).toMatch(/services \(service_account\): 1 record, 1 page, 1 retry, waited 1\.0 s/);
    expect(report.drift).toContainEqual(expect.objectContaining({ class: 'status-undocumented', severity: 'info', stream: 'services', observed: 'status 429' }));
  }, 60_000);

  it('a server reflecting the credential in names (field names, header names, retirement headers, any case): no form of it in the shapes or the report', async () => {
    expect(/^[A-Za-z][A-Za-z0-9_]*$/.test(TOKEN_B64)).toBe(true);
    const h = await hub({ echoToken: true });
    const shapesFile = path.join(root, 'echo', 'shapes.json');
    const reportFile = path.join(root, 'echo', 'report.json');
    const r = await live(['--base-url', h.url, '--observe', shapesFile, '--report', reportFile]);
    expect(r.code, r.err + r.out).toBe(0);
    const written = [readFileSync(shapesFile, 'utf8'), readFileSync(reportFile, 'utf8'), r.out, r.err].join('\n').toLowerCase();
    for (const form of [TOKEN, TOKEN_B64, Buffer.from(TOKEN).toString('hex')]) expect(written).not.toContain(form.toLowerCase().slice(0, 16));
    const shapes = ObservedShapes.parse(JSON.parse(readFileSync(shapesFile, 'utf8')));
    const users = shapes.operations.find((o) => o.path === '/users')!.responses[0]!;
    // The records' other fields are kept; the reflected names folded, the header left out.
    expect(users.body!.items!.properties).toHaveProperty('admin');
    expect(users.header_names).toContain('x-zq-trace');
    expect(users.header_names.some((n) => n.startsWith('x-') && n !== 'x-zq-trace')).toBe(false);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as LiveRunReport;
    expect(report.deprecations[0]).toMatchObject({ sunset: 'REDACTED', links: [{ rel: 'deprecation', url: 'REDACTED' }] });
  }, 60_000);

  it('--observe inside the connector folder, or the same file as --report, is refused before any request', async () => {
    const h = await hub();
    const inside = await live(['--base-url', h.url, '--observe', path.join(connector, 'shapes.json')]);
    expect(inside.code).toBe(2);
    expect(inside.err).toMatch(/--observe .* is inside the connector folder/);
    const same = path.join(root, 'same.json');
    const twice = await live(['--base-url', h.url, '--observe', same, '--report', same]);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/--report and --observe name the same file/);
    expect(h.paths).toEqual([]);
    expect(existsSync(path.join(connector, 'shapes.json'))).toBe(false);
  }, 60_000);
});
