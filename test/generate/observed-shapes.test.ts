import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { readConnectorDir } from '../../agent/generate/connector-dir.ts';
import { ingest } from '../../agent/ingest/ingest.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { declaredHeaders } from '../../agent/plan/declared-headers.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { compileFetcher } from '../../agent/render/compile-fetcher.ts';
import { renderFetcher } from '../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../agent/render/slots-from-plan.ts';
import { validateConnector } from '../../agent/validate/run-validation.ts';
import { runFetcher } from '../../sandbox/run-fetcher.ts';
import { IdentityRecord, RunRecord } from '../../templates/canonical.ts';
import { connectorsRepo } from '../helpers/git-repo.ts';
import { REPO_ROOT, streamAt, VENDOR_DOCS, vendorDoc } from '../helpers/vendor-docs.ts';

/**
 * The learn-shapes loop, from the generate side: JupyterHub's docs with the shapes a live run of
 * JupyterHub 3.0.0 observed (test/fixtures/observed, written from shared/real-responses). The plan
 * follows the observation where it disagrees with the docs — `/services` is a map keyed by name,
 * `/users/{name}/tokens` wraps its list in `api_tokens` — the mock serves those shapes (its own
 * reading), the proof passes, and the connector returns every service and token from a loopback
 * server answering with the real bodies.
 */

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/observed/jupyterhub-3.0.0.shapes.json');
const REAL = path.join(VENDOR_DOCS, '../real-responses/jupyterhub-3.0.0');
const read = (file: string) => JSON.parse(readFileSync(path.join(REAL, file), 'utf8')) as unknown;
const TOKEN = 'observed-shapes-test-token';

async function cli(argv: string[], state: string) {
  const io = captureIo();
  const code = await main(argv, io, { ...process.env, FETCHWRIGHT_STATE_DIR: state, FETCHWRIGHT_SIGNING_KEY: '' });
  return { code, out: io.out(), err: io.err() };
}

let state: string;
let dir: string;
let plan: ConnectorPlan;
let generated: Awaited<ReturnType<typeof cli>>;

beforeAll(async () => {
  state = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-observed-state-'));
  const out = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-observed-'));
  generated = await cli(['generate', vendorDoc('jupyterhub'), '--observed', FIXTURE, '--out', out], state);
  dir = path.join(out, 'jupyterhub');
  plan = (await readConnectorDir(dir)).plan;
}, 120_000);

describe('generate --observed: the plan follows what the live run observed', () => {
  it('proves the connector (the mock serves the observed shapes) and says what it read', () => {
    expect(generated.code, generated.err).toBe(0);
    expect(generated.out).toMatch(/jupyterhub: PASS/);
    expect(generated.err).toContain('observed shapes: 4 operations read as the live run answered');
  });

  it('services are the values of a map keyed by name; user tokens are the array at api_tokens', () => {
    expect(streamAt(plan, '/services')).toMatchObject({ name: 'services', items_path: '', items_container: 'map', map_key_field: 'name' });
    expect(streamAt(plan, '/users/{name}/tokens')).toMatchObject({ name: 'user_tokens', items_path: 'api_tokens' });
    expect(streamAt(plan, '/users/{name}/tokens').items_container).toBeUndefined();
  });

  it('maps a user\'s created, and a token\'s scopes (not its deprecated roles), from the observed fields', () => {
    expect(streamAt(plan, '/users').mapping.created_at).toMatchObject({ path: 'created', transform: 'iso-datetime' });
    expect(streamAt(plan, '/users').mapping.scopes?.path).toBeNull();
    const tokens = streamAt(plan, '/users/{name}/tokens').mapping;
    expect(tokens.scopes).toMatchObject({ path: 'scopes', transform: 'string-list' });
    expect(tokens.created_at?.path).toBe('created');
  });

  it('says in its evidence what rests on observation, citing the shapes file; the docs\' words stay cited too', () => {
    const services = streamAt(plan, '/services');
    const observedEvidence = services.evidence.filter((e) => e.source.file === 'jupyterhub-3.0.0.shapes.json');
    expect(observedEvidence.map((e) => e.reasoning).join('\n')).toMatch(/map keyed by the records' name.*observed in a live run/);
    expect(services.evidence.some((e) => e.source.file.endsWith('.yml') && /the docs put the records in the body, an array/.test(e.reasoning))).toBe(true);
    const created = streamAt(plan, '/users').mapping.created_at!.evidence;
    expect(created).toEqual([{ source: { file: 'jupyterhub-3.0.0.shapes.json', pointer: '/operations/0/responses/0' }, quote: 'created', reasoning: expect.stringContaining('created observed in a live run') }]);
    const scopes = streamAt(plan, '/users/{name}/tokens').mapping.scopes!.evidence;
    expect(scopes.map((e) => e.source.file)).toEqual(['jupyterhub-3.0.0.shapes.json', 'jupyterhub-3.0.0-rest-api.yml']);
    expect(scopes[1]!.quote).toContain('List of scopes this token has been assigned');
  });

  it('records the shapes file\'s sha256 in the plan and the audit log; the slice of the docs keeps the observed items', async () => {
    const sha = createHash('sha256').update(readFileSync(FIXTURE)).digest('hex');
    expect(plan.observed_sha256).toBe(sha);
    const audit = readFileSync(path.join(state, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: string; inputs: Record<string, string> });
    expect(audit.find((e) => e.step === 'ingest')?.inputs.observed_sha256).toBe(sha);
    const { model } = await readConnectorDir(dir);
    expect(model.observed?.sha256).toBe(sha);
    expect(model.operations.find((o) => o.path === '/services')!.responses[0]).toMatchObject({ observed: true });
    // `validate` re-proves the directory from its api-model.json alone: the observed shapes travel with it.
    const again = await cli(['validate', dir], state);
    expect(again.code, again.out).toBe(0);
  });

  it('plan --observed shows a person what rests on observation: the map, its key, the shapes\' hash', async () => {
    const r = await cli(['plan', vendorDoc('jupyterhub'), '--observed', FIXTURE], state);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^observed +shapes a live run observed \(sha256 [0-9a-f]{16}…\) outrank the docs where they disagree$/m);
    expect(r.out).toMatch(/^services +service_account +\/services +\(body\) \(map\) /m);
    expect(r.out).toContain("records   the values of the response body, a map, keyed by the records' name (a record without it gets its key there)");
    expect(r.out.split('\n').filter((l) => l.length > 120)).toEqual([]);
    const json = await cli(['plan', vendorDoc('jupyterhub'), '--observed', FIXTURE, '--json'], state);
    expect((JSON.parse(json.out) as ConnectorPlan).observed_sha256).toBe(plan.observed_sha256);
  });

  it('without --observed, the plan is the docs\' own: lists everywhere, no observed hash', async () => {
    const docsOnly = planHeuristically(await ingest(vendorDoc('jupyterhub')));
    expect(docsOnly.observed_sha256).toBeUndefined();
    expect(JSON.stringify(docsOnly)).not.toMatch(/items_container|map_key_field|shapes\.json/);
    expect(streamAt(docsOnly, '/services').items_path).toBe('');
    expect(streamAt(docsOnly, '/users/{name}/tokens').items_path).toBe('');
    expect(docsOnly.streams.map((s) => s.name)).toEqual(plan.streams.map((s) => s.name));
    expect(docsOnly.api_model_sha256).not.toBe(plan.api_model_sha256);
  });
});

describe('the observed connector against a loopback server answering with the real JupyterHub bodies', () => {
  let server: Server;
  let port: number;
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.headers.authorization !== `token ${TOKEN}`) return send(403, { status: 403, message: 'Missing or invalid credentials' });
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const route = url.pathname.replace(/^\/hub\/api/, '');
      const window = (list: unknown[]) => list.slice(Number(url.searchParams.get('offset') ?? 0), Number(url.searchParams.get('offset') ?? 0) + Math.min(Number(url.searchParams.get('limit') ?? 200), 200));
      if (route === '/users') return send(200, window(read('users.json') as unknown[]));
      if (route === '/groups') return send(200, window(read('groups.json') as unknown[]));
      if (route === '/services') return send(200, read('services.json'));
      const tokens = /^\/users\/([^/]+)\/tokens$/.exec(route);
      if (tokens) return send(200, ['alice', 'bob', 'carol'].includes(tokens[1]!) ? read(`tokens-${tokens[1]}.json`) : { api_tokens: [] });
      return send(404, { status: 404, message: 'Not Found' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('returns every user, group, service and token, complete, correctly mapped', async () => {
    const compiled = compileFetcher((await readConnectorDir(dir)).fetcher);
    if (!compiled.ok) throw new Error(compiled.message);
    const result = await runFetcher({
      source: compiled.js,
      input: { base_url: `http://127.0.0.1:${port}/hub/api`, tenant_variables: {}, max_pages_per_stream: 50, max_records: 10_000, retry: { max_attempts: 2, base_delay_ms: 0, max_delay_ms: 0 } },
      sleepScale: 0,
      egress: {
        allowedOrigins: [`http://127.0.0.1:${port}`],
        plaintextCredentialOrigins: [`http://127.0.0.1:${port}`],
        allowedHeaders: declaredHeaders(plan),
        allowedMethods: ['GET'],
        maxRequests: 1_000,
        injectAuth: () => Object.fromEntries(plan.auth.credentials.map((c) => [c.name, `${c.prefix}${TOKEN}`])),
        fetchImpl: (request) => fetch(request),
      },
    });
    const run = RunRecord.parse(result.records.find((r) => r.type === 'run'));
    expect(run.streams.map((s) => [s.name, s.complete, s.records])).toEqual([
      ['users', true, 5],
      ['groups', true, 2],
      ['services', true, 3],
      ['user_tokens', true, 2],
    ]);
    expect(run.complete).toBe(true);
    const identities = result.records.filter((r) => r.type === 'identity').map((r) => IdentityRecord.parse(r));
    const byId = (kind: string) => Object.fromEntries(identities.filter((i) => i.kind === kind).map((i) => [i.id, i]));
    expect(Object.keys(byId('service_account')).sort()).toEqual(['svc-admin', 'svc-idle-culler', 'svc-reporter']);
    const tokens = byId('token');
    expect(tokens.a4).toMatchObject({ owner_id: 'alice', scopes: ['read:users:groups!user=alice', 'read:users:name!user=alice'] });
    expect(tokens.a5!.scopes).toEqual(['read:users:name!user=bob', 'access:servers!user=bob', 'read:users:groups!user=bob']);
    expect(byId('human').alice!.created_at).toMatch(/^2026-11-30T17:10:06\.09/);
    expect(requests.every((r) => r.startsWith('GET '))).toBe(true);
    expect(JSON.stringify(result.records)).not.toContain(TOKEN);
  });
});

describe('the two readings of the container must agree', () => {
  it('a plan that reads the observed map as a list fails the proof by name', async () => {
    const { model, plan: proved } = await readConnectorDir(dir);
    const wrong: ConnectorPlan = { ...proved, streams: proved.streams.map((s) => (s.name === 'services' ? { ...s, items_container: undefined, map_key_field: undefined } : s)) };
    const fetcher = renderFetcher(slotsFromPlan(wrong), { vendor: wrong.vendor, plan_sha256: '0', docs_sha256: wrong.docs_sha256, api_model_sha256: wrong.api_model_sha256 }).source;
    const card = await validateConnector({ model, plan: wrong, fetcherSource: fetcher, seed: 1 });
    expect(card.verdict).toBe('fail');
    const ids = card.findings.filter((f) => f.stream === 'services' && f.level === 'error').map((f) => f.id);
    expect(ids).toContain('items-container-disagrees');
    expect(ids).toContain('items-path-not-a-list');
  }, 60_000);
});

describe('the change record and the pull request say the plan rests on observed shapes', () => {
  it('records the shapes\' sha256; verify refuses a record that names other shapes', async () => {
    const repo = connectorsRepo({ prefix: 'fetchwright-observed-repo-' }).repo;
    const pr = await cli(['pr', dir, '--repo', repo], state);
    expect(pr.code, pr.err).toBe(0);
    const recordFile = path.join(dir, 'change-record.json');
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as { observed_sha256?: string };
    expect(record.observed_sha256).toBe(plan.observed_sha256);
    expect(readFileSync(path.join(dir, 'PULL_REQUEST.md'), 'utf8')).toContain(`**Planned with the shapes a live run observed** (\`--observed\`, sha256 \`${plan.observed_sha256!.slice(0, 16)}…\`)`);
    expect((await cli(['verify', dir, '--allow-unsigned'], state)).code).toBe(0);
    writeFileSync(recordFile, JSON.stringify({ ...record, observed_sha256: 'f'.repeat(64) }, null, 2));
    const tampered = await cli(['verify', dir, '--allow-unsigned'], state);
    expect(tampered.code).toBe(16);
    expect((tampered.out + tampered.err).replace(/\s+/g, ' ')).toContain('planned from other observed shapes than the record names');
  }, 60_000);
});

describe('a shapes file that cannot be used gets its own clear error, before any work', () => {
  const shapes = () => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
  async function attempt(content: unknown, command = 'plan') {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-bad-shapes-'));
    const file = path.join(tmp, 'shapes.json');
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    const args = command === 'plan' ? ['plan', vendorDoc('jupyterhub'), '--observed', file] : ['generate', vendorDoc('jupyterhub'), '--observed', file, '--out', path.join(tmp, 'out')];
    return cli(args, state);
  }

  it('another vendor\'s shapes: usage (exit 2), and generate writes nothing', async () => {
    const r = await attempt({ ...shapes(), vendor: 'okta' }, 'generate');
    expect(r.code).toBe(2);
    expect(r.err).toContain('error[usage]: the shapes in shapes.json were observed of the "okta" connector, but these docs describe jupyterhub');
    expect(r.out).toBe('');
  });

  it('not JSON, or keys no shapes file has: unreadable (exit 4), saying what and where', async () => {
    const bad = await attempt('{"format": ');
    expect(bad.code).toBe(4);
    expect(bad.err).toMatch(/error\[unreadable-docs\]: the shapes file .*shapes\.json is not JSON/);
    const extra = await attempt({ ...shapes(), values: { alice: 'secret' } });
    expect(extra.code).toBe(4);
    expect(extra.err).toContain('has keys fetchwright never writes: values');
  });

  it('no such file: not found (exit 3)', async () => {
    const r = await cli(['plan', vendorDoc('jupyterhub'), '--observed', path.join(state, 'nope.json')], state);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/the shapes file .*nope\.json does not exist/);
  });
});
