import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';

/**
 * `fetchwright run` with OAuth 2.0 client credentials (RFC 6749 §4.4; issue 9): the host obtains the
 * access token at the docs' token URL, renews it before it expires and once after a 401, and the
 * fetcher, the records, the report and the logs never hold the client secret or a token. Docs are
 * hostile: their token URL on another domain, or over plain http off loopback, gets no secret.
 */

const CLIENT_ID = 'acme connector';
const CLIENT_SECRET = 'fw-cc-secret:9f8e/7d+6c';
/** What RFC 6749 §2.3.1 puts in HTTP Basic: id and secret form-urlencoded, then joined. */
const BASIC_DECODED = 'acme+connector:fw-cc-secret%3A9f8e%2F7d%2B6c';
const SCOPES = 'users:read groups:read';

const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-oauth2-'));
const state = path.join(root, 'state');
const USERS = Array.from({ length: 120 }, (_, i) => ({ id: `u${i}`, email: `user${i}@acme-directory.test`, name: `User ${i}` }));
const GROUPS = Array.from({ length: 7 }, (_, i) => ({ id: `g${i}`, name: `Group ${i}` }));

/** The invented API's docs: two lists behind an oauth2 scheme whose only flow is client credentials. */
function spec(title: string, tokenUrl: string): object {
  const list = (noun: string, scope: string, props: Record<string, object>) => ({
    get: {
      operationId: `list_${noun}`,
      summary: `List ${noun}`,
      security: [{ oauth: [scope] }],
      parameters: [
        { name: 'offset', in: 'query', description: 'Offset to paginate from.', schema: { type: 'integer' } },
        { name: 'limit', in: 'query', description: 'Page size.', schema: { type: 'integer', maximum: 50 } },
      ],
      responses: {
        '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { [noun]: { type: 'array', items: { type: 'object', properties: props } }, more: { type: 'boolean' } } } } } },
        '401': { description: 'the access token is missing, expired or revoked' },
        '429': { description: 'rate limited' },
      },
    },
  });
  return {
    openapi: '3.0.3',
    info: { title, version: '1.0.0' },
    servers: [{ url: 'https://api.acme-directory.test/v1' }],
    components: {
      securitySchemes: {
        oauth: { type: 'oauth2', description: 'OAuth 2.0 with the client credentials grant.', flows: { clientCredentials: { tokenUrl, scopes: { 'users:read': 'Read users', 'groups:read': 'Read groups', 'directory:write': 'Change the directory' } } } },
      },
    },
    paths: {
      '/users': list('users', 'users:read', { id: { type: 'string' }, email: { type: 'string', format: 'email' }, name: { type: 'string' } }),
      '/groups': list('groups', 'groups:read', { id: { type: 'string' }, name: { type: 'string' } }),
    },
  };
}

interface TokenRequest {
  authorization: string | undefined;
  contentType: string | undefined;
  form: Record<string, string>;
}

/** The token endpoint: issues `fwat_N_…` tokens whose lives are `lifetimes` (seconds; the last repeats), or refuses the client. */
const tokens = {
  requests: [] as TokenRequest[],
  issued: new Map<string, number>(),
  lifetimes: [3600],
  refuse: false,
  reset() {
    this.requests = [];
    this.issued.clear();
    this.lifetimes = [3600];
    this.refuse = false;
  },
};

/** The API: Bearer tokens the token endpoint issued and that have not expired or been revoked. */
const api = {
  seen: [] as { path: string; headers: IncomingHttpHeaders; status: number }[],
  revoked: new Set<string>(),
  /** Revoke the token in use after this many answered requests. */
  revokeAfter: Infinity,
  /** Delay the first page of /users (ms): the run outlives a short token. */
  slowFirstPage: 0,
  /** Put the request's Authorization value into each user's name: a server that echoes the credential. */
  echo: false,
  /** Also put the token, upper-cased, into a field NAME of every user: for the shapes file. */
  echoName: false,
  reset() {
    this.seen = [];
    this.revoked.clear();
    this.revokeAfter = Infinity;
    this.slowFirstPage = 0;
    this.echo = false;
    this.echoName = false;
  },
};

const servers: Server[] = [];
let tokenUrl = '';
let apiUrl = '';
const connector = path.join(root, 'connectors', 'acme-directory');
const otherConnector = path.join(root, 'connectors', 'other-directory');

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  // The token endpoint on the API's own origin (as the docs' token URL must be to get the secret without --token-url).
  const tokenEndpoint = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      tokens.requests.push({ authorization: req.headers.authorization, contentType: req.headers['content-type'], form: Object.fromEntries(new URLSearchParams(body)) });
      res.setHeader('content-type', 'application/json');
      if (tokens.refuse) {
        res.writeHead(401);
        return res.end(JSON.stringify({ error: 'invalid_client', error_description: `Client authentication failed (got ${CLIENT_SECRET})` }));
      }
      const life = tokens.lifetimes[Math.min(tokens.issued.size, tokens.lifetimes.length - 1)]!;
      const token = `fwat_${tokens.issued.size + 1}_${Math.random().toString(36).slice(2, 12)}`;
      tokens.issued.set(token, Date.now() + life * 1000);
      res.end(JSON.stringify({ access_token: token, token_type: 'bearer', expires_in: life, scope: SCOPES }));
    });
  };

  let answered = 0;
  const apiServer = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/oauth/token') return tokenEndpoint(req, res);
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        api.seen.push({ path: url.pathname, headers: req.headers, status });
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const auth = req.headers.authorization ?? '';
      const token = /^Bearer (\S+)$/.exec(auth)?.[1] ?? '';
      const expiresAt = tokens.issued.get(token);
      if (expiresAt === undefined || Date.now() >= expiresAt || api.revoked.has(token)) return send(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
      if (++answered >= api.revokeAfter) {
        api.revoked.add(token);
        api.revokeAfter = Infinity;
      }
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Math.min(50, Number(url.searchParams.get('limit') ?? 50));
      const page = <T>(all: T[]) => ({ items: all.slice(offset, offset + limit), more: offset + limit < all.length });
      if (url.pathname === '/v1/users') {
        if (offset === 0 && api.slowFirstPage) await new Promise((resolve) => setTimeout(resolve, api.slowFirstPage));
        const { items, more } = page(USERS);
        const echoed = api.echo ? items.map((u) => ({ ...u, name: `echo ${auth}` })) : items;
        return send(200, { users: api.echoName ? echoed.map((u) => ({ ...u, [token.toUpperCase()]: 1 })) : echoed, more });
      }
      if (url.pathname === '/v1/groups') {
        const { items, more } = page(GROUPS);
        return send(200, { groups: items, more });
      }
      send(404, { error: 'not found' });
    })();
  });
  const port = await listen(apiServer);
  apiUrl = `http://127.0.0.1:${port}/v1`;
  tokenUrl = `http://127.0.0.1:${port}/oauth/token`;

  // The docs give the token URL as a path on the API's origin: a loopback one in the docs is never kept (docs-view/public-host.ts).
  for (const [title, url] of [['Acme Directory', '/oauth/token'], ['Other Directory', 'https://login.other-idp.test/oauth/token']] as const) {
    const file = path.join(root, `${title.replace(/ /g, '-').toLowerCase()}.json`);
    writeFileSync(file, JSON.stringify(spec(title, url), null, 2));
    const io = captureIo();
    const code = await main(['generate', file, '--out', path.join(root, 'connectors')], io, { ...process.env, FETCHWRIGHT_STATE_DIR: state });
    if (code !== 0) throw new Error(`generate ${title} failed: ${io.err()}`);
  }
}, 180_000);

afterAll(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
});

beforeEach(() => {
  tokens.reset();
  api.reset();
});

async function run(dir: string, args: string[]) {
  const io = captureIo();
  const code = await main(['run', dir, '--base-url', apiUrl, '--client-id-env', 'ACME_CC_ID', '--client-secret-env', 'ACME_CC_S', ...args], io, { ...process.env, FETCHWRIGHT_STATE_DIR: state, ACME_CC_ID: CLIENT_ID, ACME_CC_S: CLIENT_SECRET });
  return { code, out: io.out(), err: io.err() };
}

/** Neither the client secret (plain or in its Basic form) nor any token issued is in any of `texts`. */
function expectNoSecretIn(texts: string[]): void {
  const basic = Buffer.from(BASIC_DECODED).toString('base64');
  const secrets = [CLIENT_SECRET, encodeURIComponent(CLIENT_SECRET), basic, ...tokens.issued.keys()];
  expect(tokens.issued.size).toBeGreaterThan(0);
  for (const text of texts) for (const s of secrets) expect(text.includes(s), `a secret (${s.slice(0, 6)}…) was written`).toBe(false);
}

function outputs(r: { out: string; err: string }, files: string[]): string[] {
  return [r.out, r.err, ...files.map((f) => readFileSync(f, 'utf8')), readFileSync(path.join(state, 'audit.jsonl'), 'utf8')];
}

function recordIds(file: string, kind: string): string[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; kind?: string; id?: string })
    .filter((r) => r.type === 'identity' && r.kind === kind)
    .map((r) => r.id!);
}

describe('fetchwright run with OAuth 2.0 client credentials', () => {
  it('the docs\' token URL, Basic client auth and the least scopes; every record with only the Bearer token at the API; a short-lived token renewed before it expires; no secret written', async () => {
    tokens.lifetimes = [1, 3600];
    api.slowFirstPage = 700;
    const out = path.join(root, 'records-basic.jsonl');
    const report = path.join(root, 'report-basic.json');
    const r = await run(connector, ['--out', out, '--report', report]);
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toMatch(/acme-directory: COMPLETE/);
    expect(recordIds(out, 'human').sort()).toEqual(USERS.map((u) => u.id).sort());
    expect(recordIds(out, 'group').sort()).toEqual(GROUPS.map((g) => g.id).sort());

    // The token endpoint: HTTP Basic with id and secret form-urlencoded first (RFC 6749 §2.3.1), the plan's scopes, nothing in the body but the grant.
    const first = tokens.requests[0]!;
    expect(first.authorization?.startsWith('Basic ')).toBe(true);
    expect(Buffer.from(first.authorization!.slice(6), 'base64').toString('utf8')).toBe(BASIC_DECODED);
    expect(first.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(first.form).toEqual({ grant_type: 'client_credentials', scope: SCOPES });

    // The API: only Bearer tokens the endpoint issued, never the client; the short-lived one was renewed before it expired (no 401).
    expect(api.seen.length).toBeGreaterThan(3);
    for (const s of api.seen) {
      expect(s.headers.authorization).toMatch(/^Bearer fwat_\d+_/);
      expect(JSON.stringify(s.headers)).not.toMatch(/Basic|acme connector|fw-cc-secret/);
    }
    expect(api.seen.map((s) => s.status)).not.toContain(401);
    expect(tokens.requests.length).toBeGreaterThanOrEqual(2);
    expect(new Set(api.seen.map((s) => s.headers.authorization)).size).toBeGreaterThanOrEqual(2);

    expectNoSecretIn(outputs(r, [out, report]));
  }, 60_000);

  it('a 401 to a revoked token: renewed once and the request sent again, transparently; post client auth; a renewed token the API echoes is scrubbed from the records', async () => {
    api.revokeAfter = 2;
    api.echo = true;
    const out = path.join(root, 'records-401.jsonl');
    const report = path.join(root, 'report-401.json');
    const r = await run(connector, ['--client-auth', 'post', '--out', out, '--report', report]);
    expect(r.code, r.err + r.out).toBe(0);
    expect(recordIds(out, 'human')).toHaveLength(USERS.length);
    expect(api.seen.filter((s) => s.status === 401)).toHaveLength(1);
    expect(tokens.requests).toHaveLength(2);
    for (const t of tokens.requests) {
      expect(t.authorization).toBeUndefined();
      expect(t.form).toEqual({ grant_type: 'client_credentials', scope: SCOPES, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    }
    expect(readFileSync(out, 'utf8')).toMatch(/echo REDACTED/);
    expectNoSecretIn(outputs(r, [out, report]));
  }, 60_000);

  it('a token obtained mid-run that the API puts into field names (upper-cased) never reaches the shapes file', async () => {
    api.echoName = true;
    const shapes = path.join(root, 'shapes-echo.json');
    const r = await run(connector, ['--observe', shapes]);
    expect([0, 30], r.err + r.out).toContain(r.code);
    const text = readFileSync(shapes, 'utf8').toLowerCase();
    expect(tokens.issued.size).toBeGreaterThan(0);
    for (const token of tokens.issued.keys()) expect(text, 'a token in shapes.json').not.toContain(token.toLowerCase());
    expect(text).toContain('"users"');
  }, 60_000);

  it('a docs\' token URL on another domain gets no secret unless the human gives --token-url', async () => {
    const refused = await run(otherConnector, []);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/the docs' token URL https:\/\/login\.other-idp\.test\/oauth\/token is not on the API's origin/);
    expect(refused.err).toMatch(/--token-url/);
    expect(tokens.requests).toHaveLength(0);
    expect(api.seen).toHaveLength(0);
    const given = await run(otherConnector, ['--token-url', tokenUrl]);
    expect(given.code, given.err).toBe(0);
    expect(tokens.requests).toHaveLength(1);
  }, 60_000);

  it('plain http to a token endpoint off loopback is refused before anything is sent', async () => {
    const r = await run(connector, ['--token-url', 'http://login.acme-directory.test/oauth/token']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--token-url: plain http is allowed only to a loopback test server/);
    expect(tokens.requests).toHaveLength(0);
    expect(api.seen).toHaveLength(0);
  }, 60_000);

  it('a token endpoint refusing the client (invalid_client): exit 29 saying so in one line, the secret it echoes redacted, the API never called', async () => {
    tokens.refuse = true;
    const r = await run(connector, []);
    expect(r.code).toBe(29);
    expect(r.err).toMatch(/^error\[auth-refused\]: the token endpoint http:\/\/127\.0\.0\.1:\d+\/oauth\/token refused the client: invalid_client: Client authentication failed \(got REDACTED\)$/m);
    expect(api.seen).toHaveLength(0);
    for (const text of [r.out, r.err, readFileSync(path.join(state, 'audit.jsonl'), 'utf8')]) expect(text).not.toContain(CLIENT_SECRET);
  }, 60_000);
});
