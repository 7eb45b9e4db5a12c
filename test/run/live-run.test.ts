import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { generateExampleConnector } from '../helpers/example-connector.ts';
import { shellStatus } from '../helpers/exit-status.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';
import { sha256 } from '../../agent/hash.ts';

/**
 * `fetchwright run` (issue 9, first step): a proved connector against a live HTTP server on
 * loopback, with a credential from the environment. Every identity comes back once, the
 * credential reaches the server and nothing else, and an incomplete or refused run says so with
 * its own exit code.
 */

const TOKEN = 'fw-live-test-token-7c1d2e9a4b';
const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-live-'));
const connector = path.join(root, 'connectors', 'jupyterhub');
const USERS = Array.from({ length: 150 }, (_, i) => ({ name: `user${i}`, kind: 'user', admin: i === 0, roles: ['user'], groups: [], created: '2024-01-01T00:00:00Z', last_activity: null, servers: {} }));
const GROUPS = [{ name: 'staff', kind: 'group', users: ['user1'], roles: [] }];
const SERVICES = [{ name: 'announcer', kind: 'service', admin: false, roles: [], url: null, prefix: '/services/announcer/', command: null, pid: 0, info: {} }];
const tokensOf = (user: string) => [{ id: `a${user}`, kind: 'api_token', user, scopes: ['read:users'], roles: [], note: 'cli', created: '2024-01-01T00:00:00Z', last_activity: null, expires_at: null, oauth_client: 'JupyterHub' }];

interface Seen {
  auth: (string | undefined)[];
  methods: string[];
}

/** A JupyterHub-like API on 127.0.0.1: token auth, offset/limit paging; `servicesAsMap` answers /services as JupyterHub 3.0 really does. */
async function hub(opts: { servicesAsMap?: boolean; stallOn?: string; onStall?: () => void; errors?: Record<string, string>; redirects?: Record<string, string>; throttleOnce?: string } = {}): Promise<{ url: string; seen: Seen; server: Server }> {
  let throttled = false;
  const seen: Seen = { auth: [], methods: [] };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.auth.push(req.headers.authorization);
    seen.methods.push(req.method ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `token ${TOKEN}`) return send(403, { status: 403, message: 'Forbidden' });
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 200);
    const page = <T>(all: T[]) => all.slice(offset, offset + limit);
    const p = url.pathname.replace(/^\/hub\/api/, '');
    if (p === opts.stallOn) return void opts.onStall?.();
    // A rate limit that asks for a two-minute wait, once.
    if (p === opts.throttleOnce && !throttled) {
      throttled = true;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '120' });
      return void res.end(JSON.stringify({ status: 429, message: 'Too Many Requests' }));
    }
    if (opts.errors?.[p] !== undefined) return send(404, { message: opts.errors[p] });
    if (opts.redirects?.[p] !== undefined) {
      res.writeHead(302, { location: opts.redirects[p] });
      return void res.end();
    }
    if (p === '/users') return send(200, page(USERS));
    if (p === '/groups') return send(200, page(GROUPS));
    if (p === '/services') return send(200, opts.servicesAsMap ? Object.fromEntries(SERVICES.map((s) => [s.name, s])) : SERVICES);
    const tokens = /^\/users\/([^/]+)\/tokens$/.exec(p);
    if (tokens) return send(200, tokensOf(decodeURIComponent(tokens[1]!)));
    send(404, { status: 404, message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub/api`, seen, server };
}

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
});

beforeAll(async () => {
  await generateExampleConnector(root);
}, 120_000);

async function live(args: string[], env: Record<string, string> = {}, terminal = false) {
  const captured = captureIo();
  // A person at a terminal: progress lines go to stderr only then.
  const io = terminal ? { ...captured, stderr: { write: captured.stderr.write, isTTY: true } } : captured;
  const { out, err } = captured;
  const code = await main(['run', connector, ...args], io, { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state'), HUB_API_TOKEN: TOKEN, ...env });
  return { code, out: out(), err: err() };
}

describe('fetchwright run against a live server', () => {
  it('every identity once, only GETs, the credential sent to the server and written nowhere', async () => {
    const h = await hub();
    servers.push(h.server);
    const out = path.join(root, 'records.jsonl');
    const report = path.join(root, 'report.json');
    const r = await live(['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN', '--out', out, '--report', report]);
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toMatch(/jupyterhub: COMPLETE — live run against http:\/\/127\.0\.0\.1:\d+\/hub\/api/);
    const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; kind?: string; id?: string });
    const ids = (kind: string) => records.filter((x) => x.type === 'identity' && x.kind === kind).map((x) => x.id);
    expect(new Set(ids('human'))).toEqual(new Set(USERS.map((u) => u.name)));
    expect(ids('human')).toHaveLength(USERS.length);
    expect(ids('group')).toEqual(['staff']);
    expect(ids('service_account')).toEqual(['announcer']);
    expect(ids('token')).toHaveLength(USERS.length);
    expect(new Set(h.seen.methods)).toEqual(new Set(['GET']));
    expect(h.seen.auth.every((a) => a === `token ${TOKEN}`)).toBe(true);
    // The credential is nowhere but on the wire.
    const written = [readFileSync(out, 'utf8'), readFileSync(report, 'utf8'), r.out, r.err, readFileSync(path.join(root, 'state', 'audit.jsonl'), 'utf8')];
    for (const text of written) expect(text).not.toContain(TOKEN);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({ complete: true, auth_refused: false });
    // The records end with the run record a consumer reads before treating a missing identity as gone.
    expect(records.at(-1)).toMatchObject({ type: 'run', vendor: 'jupyterhub', complete: true });
    expect(records.filter((x) => x.type === 'run')).toHaveLength(1);
    expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('on a terminal, a progress line per stream with its record count; none when stderr is not a terminal', async () => {
    const h = await hub();
    servers.push(h.server);
    const args = ['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN'];
    const watched = await live(args, {}, true);
    expect(watched.code, watched.err).toBe(0);
    expect(watched.err.split('\n').filter((l) => /^\w+: [\d,]+ records?$/.test(l))).toEqual(['users: 150 records', 'groups: 1 record', 'services: 1 record', 'user_tokens: 150 records']);
    const piped = await live(args);
    expect(piped.err).not.toMatch(/^users: /m);
  }, 60_000);

  it('a connector edited since its proof is refused before any request (exit 12): plan.json sending the credential elsewhere, api-model.json, a fetcher.ts re-hashed into the scorecard', async () => {
    const h = await hub();
    servers.push(h.server);
    const edits: Record<string, (dir: string) => void> = {
      // The plan decides where the credential goes: an edited one could put it in a query string the server logs.
      'plan.json': (dir) => {
        const plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as { auth: { credentials: { in: string; name: string }[] } };
        plan.auth.credentials[0] = { ...plan.auth.credentials[0]!, in: 'query', name: 'leak' };
        writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan, null, 2));
      },
      'api-model.json': (dir) => {
        const model = JSON.parse(readFileSync(path.join(dir, 'api-model.json'), 'utf8')) as { title?: string };
        model.title = `${model.title ?? ''} (edited)`;
        writeFileSync(path.join(dir, 'api-model.json'), JSON.stringify(model, null, 2));
      },
      'fetcher.ts': (dir) => {
        const file = path.join(dir, 'fetcher.ts');
        const edited = `${readFileSync(file, 'utf8')}\n// edited\n`;
        writeFileSync(file, edited);
        const card = JSON.parse(readFileSync(path.join(dir, 'scorecard.json'), 'utf8')) as { hashes: { fetcher_sha256: string } };
        card.hashes.fetcher_sha256 = sha256(edited);
        writeFileSync(path.join(dir, 'scorecard.json'), JSON.stringify(card, null, 2));
      },
    };
    for (const [file, edit] of Object.entries(edits)) {
      const copy = path.join(root, `edited-${file}`, 'jupyterhub');
      cpSync(connector, copy, { recursive: true });
      edit(copy);
      const io = captureIo();
      const before = h.seen.methods.length;
      const code = await main(['run', copy, '--base-url', h.url, '--credential-env', 'HUB_API_TOKEN'], io, { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state'), HUB_API_TOKEN: TOKEN });
      expect(code, `${file}: ${io.err()}`).toBe(12);
      expect(io.err()).toMatch({ 'plan.json': /plan\.json is not the plan the proof proved/, 'api-model.json': /api-model\.json is not the docs the proof read/, 'fetcher.ts': /fetcher\.ts is not what this fetchwright's approved templates render/ }[file]!);
      expect(h.seen.methods.length, `${file}: a request was sent`).toBe(before);
    }
    // The unedited copy runs: the refusals are the edits'.
    const io = captureIo();
    const pristine = path.join(root, 'pristine', 'jupyterhub');
    cpSync(connector, pristine, { recursive: true });
    expect(await main(['run', pristine, '--base-url', h.url, '--credential-env', 'HUB_API_TOKEN'], io, { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state'), HUB_API_TOKEN: TOKEN }), io.err()).toBe(0);
  }, 60_000);

  it('a base URL without the API\'s path: every list 404, and the report says what to check; without --out it says the records were not kept', async () => {
    const h = await hub();
    servers.push(h.server);
    const r = await live(['--base-url', h.url.replace(/\/hub\/api$/, '/api'), '--credential-env', 'HUB_API_TOKEN']);
    expect(r.code, r.err).toBe(28);
    expect(r.out).toMatch(/every list answered 404 Not Found: does the base URL http:\/\/127\.0\.0\.1:\d+\/api include the API's path\?/);
    expect(r.out).toContain('the records were not kept (--out FILE writes them)');
    const right = await live(['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN']);
    expect(right.code).toBe(0);
    expect(right.out).not.toContain('404');
  }, 60_000);

  it('a list in another shape than the docs (services as a map): incomplete, the drift named, exit 30', async () => {
    const h = await hub({ servicesAsMap: true });
    servers.push(h.server);
    const out = path.join(root, 'as-map.jsonl');
    const r = await live(['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN', '--json', '--out', out]);
    expect(r.code, r.err).toBe(30);
    // The run record at the end of the records says so too: the host's verdict, not only the fetcher's.
    const last = JSON.parse(readFileSync(out, 'utf8').trim().split('\n').at(-1)!) as { type: string; complete: boolean; streams: { name: string; complete: boolean }[] };
    expect(last).toMatchObject({ type: 'run', complete: false });
    expect(last.streams.find((s) => s.name === 'services')!.complete).toBe(false);
    const report = JSON.parse(r.out) as { complete: boolean; streams: { name: string; complete: boolean; findings: { id: string }[] }[]; drift: { class: string; severity: string; stream: string }[] };
    expect(report.complete).toBe(false);
    expect(report.drift.filter((d) => d.severity === 'breaking').map((d) => [d.class, d.stream])).toEqual([['list-shape-changed', 'services']]);
    const services = report.streams.find((s) => s.name === 'services')!;
    expect(services.complete).toBe(false);
    expect(services.findings.map((f) => f.id)).toContain('items-path-not-a-list');
    expect(report.streams.find((s) => s.name === 'users')!.complete).toBe(true);
  }, 60_000);

  it('a credential read from a file with its newline: the newline is not part of it (sent and redacted without it)', async () => {
    const h = await hub();
    servers.push(h.server);
    const out = path.join(root, 'newline.jsonl');
    const r = await live(['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN', '--out', out], { HUB_API_TOKEN: `${TOKEN}\n` });
    expect(r.code, r.err + r.out).toBe(0);
    expect(h.seen.auth.every((a) => a === `token ${TOKEN}`)).toBe(true);
    for (const text of [r.out, r.err, readFileSync(out, 'utf8')]) expect(text).not.toContain(TOKEN);
  }, 60_000);

  it('--max-wait caps the wait a 429 asks for (Retry-After: 120 waits 1 s with --max-wait 1), and the run completes; a value out of range is a usage error', async () => {
    const h = await hub({ throttleOnce: '/groups' });
    servers.push(h.server);
    const report = path.join(root, 'report-wait.json');
    const r = await live(['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN', '--max-wait', '1', '--report', report]);
    expect(r.code, r.err + r.out).toBe(0);
    const groups = (JSON.parse(readFileSync(report, 'utf8')) as { streams: { name: string; retries: number; waited_ms: number }[] }).streams.find((s) => s.name === 'groups')!;
    expect(groups).toMatchObject({ retries: 1, waited_ms: 1000 });
    for (const bad of ['0', '3601', 'soon']) expect((await live(['--max-wait', bad])).code).toBe(2);
  }, 60_000);

  it('a credential the API refuses: exit 29', async () => {
    const h = await hub();
    servers.push(h.server);
    const r = await live(['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN'], { HUB_API_TOKEN: 'fw-wrong-token-0000000000' });
    expect(r.code, r.out + r.err).toBe(29);
    expect(r.out).toMatch(/AUTH REFUSED/);
  }, 60_000);

  it('refused before any request: plain http to a non-loopback host, a missing credential variable, no --credential-env', async () => {
    const h = await hub();
    servers.push(h.server);
    const http = await live(['--base-url', 'http://hub.example.test/hub/api', '--credential-env', 'HUB_API_TOKEN']);
    expect(http.code).toBe(2);
    expect(http.err).toMatch(/plain http is allowed only to a loopback test server/);
    const unset = await live(['--base-url', h.url, '--credential-env', 'NO_SUCH_VAR_FW']);
    expect(unset.code).toBe(2);
    expect(unset.err).toMatch(/the environment variable NO_SUCH_VAR_FW is not set/);
    expect((await live(['--base-url', h.url])).code).toBe(2);
    expect(h.seen.methods).toEqual([]);
    expect(existsSync(path.join(root, 'never.jsonl'))).toBe(false);
  }, 60_000);

  it('Ctrl-C mid-run: exit 130, and no records file, whole or partial, is left', async () => {
    const outDir = mkdtempSync(path.join(root, 'interrupted-'));
    let stalled: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => (stalled = resolve));
    const h = await hub({ stallOn: '/groups', onStall: () => stalled() });
    servers.push(h.server);
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/fetchwright.js'), 'run', connector, '--base-url', h.url, '--credential-env', 'HUB_API_TOKEN', '--out', path.join(outDir, 'records.jsonl')], {
      env: { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state'), HUB_API_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    await reached;
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(shellStatus(code, signal))));
    expect(status, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted by SIGINT: nothing was written/);
    expect(readdirSync(outDir)).toEqual([]);
  }, 60_000);

  it('hostile error text in the responses (key-like markers in two streams) cannot reshape the report: every stream is reported, exit 28', async () => {
    const h = await hub({ errors: { '/users': '-----BEGIN PRIVATE KEY-----', '/services': '-----END PRIVATE KEY-----' } });
    servers.push(h.server);
    const out = path.join(root, 'new', 'nested', 'records.jsonl');
    const r = await live(['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN', '--json', '--out', out]);
    expect(r.code, r.err).toBe(28);
    const report = JSON.parse(r.out) as { streams: { name: string }[] };
    expect(report.streams.map((s) => s.name).sort()).toEqual(['groups', 'services', 'user_tokens', 'users']);
    expect(existsSync(out)).toBe(true);
  }, 60_000);

  it('refused before any request: a base URL with a query, a credential too short to scrub, --out inside the connector, --out and --report the same file, an unknown --tenant name, a --report that cannot be written', async () => {
    const h = await hub();
    servers.push(h.server);
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--base-url', `${h.url}?x=1`, '--credential-env', 'HUB_API_TOKEN'], {}, /must have no query or fragment/],
      [['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN'], { HUB_API_TOKEN: 'abc123' }, /shorter than 8 characters/],
      [['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN', '--out', path.join(connector, 'plan.json')], {}, /is inside the connector folder/],
      [['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN', '--out', path.join(root, 'same.json'), '--report', path.join(root, 'same.json')], {}, /name the same file/],
      [['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN', '--tenant', 'hots=example.com'], {}, /--tenant hots: the connector has no \{hots\} placeholder/],
      [['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN', '--report', '/proc/run-report.json'], {}, /cannot write output file \/proc\/run-report\.json/],
    ];
    for (const [args, env, message] of cases) {
      const r = await live(args, env);
      expect(r.code, r.err).toBe(message.source.includes('proc') ? 10 : 2);
      expect(r.err).toMatch(message);
    }
    expect(h.seen.methods).toEqual([]);
  }, 60_000);

  it('a redirect to another port on the same host: not followed, the credential never reaches it, the stream incomplete', async () => {
    const other = await hub();
    servers.push(other.server);
    const h = await hub({ redirects: { '/groups': `${other.url}/groups` } });
    servers.push(h.server);
    const r = await live(['--base-url', h.url, '--credential-env', 'HUB_API_TOKEN', '--json']);
    expect(r.code, r.err).toBe(28);
    expect(other.seen.auth).toEqual([]);
    const report = JSON.parse(r.out) as { streams: { name: string; complete: boolean }[] };
    expect(report.streams.find((s) => s.name === 'groups')!.complete).toBe(false);
    expect(report.streams.find((s) => s.name === 'users')!.complete).toBe(true);
  }, 60_000);
});
