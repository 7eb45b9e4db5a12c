import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { readConnectorDir } from '../../agent/generate/connector-dir.ts';
import { declaredHeaders } from '../../agent/plan/declared-headers.ts';
import { compileFetcher } from '../../agent/render/compile-fetcher.ts';
import { runFetcher } from '../../sandbox/run-fetcher.ts';
import { RunRecord } from '../../templates/canonical.ts';
import { queryParam } from '../../templates/runtime/url.ts';
import { REPO_ROOT, VENDOR_DOCS } from '../helpers/vendor-docs.ts';

/**
 * A test double answering as a real JupyterHub 3.0.0 answered (bodies captured from Debian's package,
 * in shared/real-responses): `/services` is an object keyed by name and `/users/{name}/tokens` is
 * `{"api_tokens": [...]}`, where the docs show bare arrays. The connector generated from the docs
 * passes its proof against the mock; against the real shapes it must end `complete: false`, naming
 * the streams whose records were not where the plan said — never `complete: true` with records missing.
 */

const REAL = path.join(VENDOR_DOCS, '../real-responses/jupyterhub-3.0.0');
const read = (file: string) => JSON.parse(readFileSync(path.join(REAL, file), 'utf8')) as unknown;
const TOKEN = 'real-shape-double-token';

/** The real server, as captured: offset/limit on lists, 403 without the token. */
function realHub(request: Request): Response {
  if (request.headers.get('authorization') !== `token ${TOKEN}`) return Response.json({ status: 403, message: 'Missing or invalid credentials' }, { status: 403 });
  const url = new URL(request.url);
  const route = url.pathname.replace(/^\/hub\/api/, '');
  const window = (list: unknown[]) => {
    const offset = Number(queryParam(request.url, 'offset') ?? 0);
    const limit = Math.min(Number(queryParam(request.url, 'limit') ?? 200), 200);
    return list.slice(offset, offset + limit);
  };
  if (route === '/users') return Response.json(window(read('users.json') as unknown[]));
  if (route === '/groups') return Response.json(window(read('groups.json') as unknown[]));
  if (route === '/services') return Response.json(read('services.json'));
  const tokens = /^\/users\/([^/]+)\/tokens$/.exec(route);
  if (tokens) {
    const file = `tokens-${decodeURIComponent(tokens[1]!)}.json`;
    return Response.json(file.match(/^tokens-(alice|bob|carol)\.json$/) ? read(file) : { api_tokens: [] });
  }
  return Response.json({ status: 404, message: 'Not Found' }, { status: 404 });
}

let fetcher: string;
let plan: Awaited<ReturnType<typeof readConnectorDir>>['plan'];

beforeAll(async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-realhub-'));
  const io = captureIo();
  expect(await main(['generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', out], io), io.err()).toBe(0);
  const c = await readConnectorDir(path.join(out, 'jupyterhub'));
  fetcher = c.fetcher;
  plan = c.plan;
}, 60_000);

async function runAgainst(answer: (request: Request) => Response) {
  const compiled = compileFetcher(fetcher);
  if (!compiled.ok) throw new Error(compiled.message);
  const result = await runFetcher({
    source: compiled.js,
    input: { base_url: 'http://127.0.0.1:8081/hub/api', tenant_variables: {}, max_pages_per_stream: 50, max_records: 10_000, retry: { max_attempts: 2, base_delay_ms: 0, max_delay_ms: 0 } },
    sleepScale: 0,
    egress: {
      allowedOrigins: ['http://127.0.0.1:8081'],
      plaintextCredentialOrigins: ['http://127.0.0.1:8081'],
      allowedHeaders: declaredHeaders(plan),
      allowedMethods: ['GET'],
      maxRequests: 1_000,
      injectAuth: () => Object.fromEntries(plan.auth.credentials.map((c) => [c.name, `${c.prefix}${TOKEN}`])),
      fetchImpl: async (request) => answer(request),
    },
  });
  const run = RunRecord.parse(result.records.find((r) => r.type === 'run'));
  return { result, run };
}

describe('a connector generated from the docs, run against the real server\'s shapes', () => {
  it('ends complete: false, with an items-path finding on services and user_tokens, and the other streams complete', async () => {
    const { run, result } = await runAgainst(realHub);
    expect(run.complete).toBe(false);
    const byName = Object.fromEntries(run.streams.map((s) => [s.name, s]));
    expect(byName.users).toMatchObject({ complete: true, records: 5, findings: [] });
    expect(byName.groups).toMatchObject({ complete: true, records: 2, findings: [] });
    expect(byName.services!.complete).toBe(false);
    expect(byName.services!.findings[0]).toMatchObject({ id: 'items-path-not-a-list', url: 'http://127.0.0.1:8081/hub/api/services', args: { found: 'a map of 3 records keyed by name' } });
    expect(byName.user_tokens!.complete).toBe(false);
    // Every one of the five users' token lists came back in the undocumented shape, and each is named.
    expect(byName.user_tokens!.findings.map((f) => f.id)).toEqual(Array(5).fill('items-path-not-a-list'));
    expect(byName.user_tokens!.findings.map((f) => f.url)).toContain('http://127.0.0.1:8081/hub/api/users/alice/tokens');
    // Nothing of the credential leaves the host.
    expect(JSON.stringify(result.records)).not.toContain(TOKEN);
  });

  it('the same connector against the shapes the docs give is complete (the finding is the shape, nothing else)', async () => {
    const asDocumented = (request: Request) => {
      const route = new URL(request.url).pathname.replace(/^\/hub\/api/, '');
      if (route === '/services') return Response.json(Object.values(read('services.json') as Record<string, unknown>));
      const tokens = /^\/users\/([^/]+)\/tokens$/.exec(route);
      if (tokens) return Response.json((['alice', 'bob', 'carol'].includes(tokens[1]!) ? (read(`tokens-${tokens[1]}.json`) as { api_tokens: unknown[] }).api_tokens : []));
      return realHub(request);
    };
    const { run } = await runAgainst(asDocumented);
    expect(run.streams.map((s) => [s.name, s.complete])).toEqual([
      ['users', true],
      ['groups', true],
      ['services', true],
      ['user_tokens', true],
    ]);
    expect(run.complete).toBe(true);
  });
});
