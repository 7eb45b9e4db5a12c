import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../agent/generate/generate-connector.ts';
import { ingest } from '../../agent/ingest/ingest.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { declaredHeaders } from '../../agent/plan/declared-headers.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { compileFetcher } from '../../agent/render/compile-fetcher.ts';
import { renderFetcher } from '../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../agent/render/slots-from-plan.ts';
import { validateConnector } from '../../agent/validate/run-validation.ts';
import { runFetcher } from '../../sandbox/run-fetcher.ts';
import { RunRecord } from '../../templates/canonical.ts';
import { queryParam } from '../../templates/runtime/url.ts';
import { errorIds, errorKinds } from '../helpers/findings.ts';
import { VENDOR_DOCS } from '../helpers/vendor-docs.ts';

/**
 * The field cases (shared/field-cases: patterns connector builders reported as bugs): each gets a
 * correct plan, or fails its proof — never a pass with a plan the docs do not support. Where the
 * plan passes, the connector is also run against a test double written by hand from the case's
 * README ("what a right connector does"), at the docs' own scale.
 */

const CASES = path.resolve(VENDOR_DOCS, '../field-cases');
const at = (name: string) => path.join(CASES, name);

async function generated(docs: string, options: { force?: boolean; maxAttempts?: number } = {}) {
  const model = await ingest(docs);
  const plan = planHeuristically(model);
  const result = await generateConnector(model, plan, { seed: 1, maxAttempts: options.maxAttempts ?? 3, force: options.force ?? false });
  return { model, plan, result };
}

/** Runs a generated fetcher against a hand-written double on loopback terms; returns the run record and the identities. */
async function runAgainst(plan: ConnectorPlan, fetcher: string, origin: string, basePath: string, answer: (url: URL) => Response, timing: { sleepScale: number; retry: { max_attempts: number; base_delay_ms: number; max_delay_ms: number } } = { sleepScale: 0, retry: { max_attempts: 2, base_delay_ms: 0, max_delay_ms: 0 } }) {
  const compiled = compileFetcher(fetcher);
  if (!compiled.ok) throw new Error(compiled.message);
  const result = await runFetcher({
    source: compiled.js,
    input: { base_url: `${origin}${basePath}`, tenant_variables: {}, max_pages_per_stream: 100, max_records: 100_000, retry: timing.retry },
    sleepScale: timing.sleepScale,
    egress: { allowedOrigins: [new URL(origin).origin], allowedHeaders: declaredHeaders(plan), allowedMethods: ['GET'], maxRequests: 1_000, injectAuth: () => Object.fromEntries(plan.auth.credentials.map((c) => [c.name, `${c.prefix}t0ken`])), fetchImpl: async (r) => answer(new URL(r.url)) },
  });
  return { run: RunRecord.parse(result.records.find((r) => r.type === 'run')), ids: result.records.filter((r) => r.type === 'identity').map((r) => r.id as string) };
}

describe('01 — the next-page token in a declared response header', () => {
  it('is planned as a cursor from X-Next-Page-Token, passes its proof, and fetches all 450 members from a double that behaves as documented', async () => {
    const { plan, result } = await generated(at('01-cursor-in-header/spec.yaml'));
    expect(plan.streams[0]!.pagination).toMatchObject({ style: 'cursor', cursor_param: 'page_token', cursor_header: 'X-Next-Page-Token' });
    expect(errorIds(result.scorecard)).toEqual([]);
    const members = Array.from({ length: 450 }, (_, i) => ({ id: `m${i}`, email: `m${i}@quillstack.example` }));
    const { run, ids } = await runAgainst(result.plan, result.fetcher, 'https://api.quillstack.example', '/v2', (url) => {
      const limit = Number(url.searchParams.get('limit') ?? 50);
      if (limit > 200) return Response.json({ error: 'limit is 1-200' }, { status: 400 });
      const start = Number(url.searchParams.get('page_token') ?? 0);
      const page = members.slice(start, start + limit);
      const more = start + page.length < members.length;
      return Response.json(page, { headers: more ? { 'X-Next-Page-Token': String(start + page.length) } : {} });
    });
    expect(run.complete).toBe(true);
    expect(new Set(ids).size).toBe(450);
  });

  it('a plan that expects a Link header there fails its proof, naming the undeclared mechanism', async () => {
    const model = await ingest(at('01-cursor-in-header/spec.yaml'));
    const plan = planHeuristically(model);
    const stream = plan.streams[0]!;
    const wrong: ConnectorPlan = { ...plan, streams: [{ ...stream, pagination: { style: 'link-header', rel: 'next', cursor_param: 'page_token', limit_param: 'limit', page_size: 200, stops: [{ when: 'no-next' }], evidence: [], confidence: 0.4 } }] };
    const fetcherSource = renderFetcher(slotsFromPlan(wrong), { vendor: wrong.vendor, plan_sha256: 'a'.repeat(64), docs_sha256: wrong.docs_sha256, api_model_sha256: wrong.api_model_sha256 }).source;
    const card = await validateConnector({ model, plan: wrong, fetcherSource, seed: 1 });
    expect(card.verdict).toBe('fail');
    expect(errorIds(card)).toEqual(expect.arrayContaining(['pagination-mechanism-undeclared@members', 'records-missing@members']));
  });
});

// 02 — keyset paging from the last record: test/generate/field-case-02.test.ts.

describe('03 — pages counted from a total', () => {
  it('stops after the last page by the total, and never asks for a page past it', async () => {
    const { result } = await generated(at('03-page-total-count/spec.yaml'));
    expect(result.plan.streams[0]!.pagination).toMatchObject({ style: 'page', stops: [{ when: 'total-reached', path: 'data.total' }], first_page: 1 });
    expect(errorIds(result.scorecard)).toEqual([]);
    const users = Array.from({ length: 237 }, (_, i) => ({ id: i + 1, email: `u${i}@relaybird.example` }));
    const requested: number[] = [];
    const { run, ids } = await runAgainst(result.plan, result.fetcher, 'https://admin.relaybird.example', '/api', (url) => {
      const page = Number(queryParam(url.href, 'page') ?? 1);
      const limit = Math.min(Number(queryParam(url.href, 'limit') ?? 25), 100);
      requested.push(page);
      if (page > Math.ceil(users.length / limit)) return Response.json({ error: 'page out of range' }, { status: 400 });
      return Response.json({ data: { total: users.length, page, limit, users: users.slice((page - 1) * limit, page * limit) } });
    });
    expect(run.complete).toBe(true);
    expect(new Set(ids).size).toBe(237);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('a plan that pages until an empty page asks past the end and fails its proof', async () => {
    const model = await ingest(at('03-page-total-count/spec.yaml'));
    const plan = planHeuristically(model);
    const s = plan.streams[0]!;
    if (s.pagination.style !== 'page') throw new Error('expected page numbers');
    const wrong: ConnectorPlan = { ...plan, streams: [{ ...s, pagination: { ...s.pagination, stops: [{ when: 'empty-page' }] } }] };
    const fetcherSource = renderFetcher(slotsFromPlan(wrong), { vendor: wrong.vendor, plan_sha256: 'a'.repeat(64), docs_sha256: wrong.docs_sha256, api_model_sha256: wrong.api_model_sha256 }).source;
    const card = await validateConnector({ model, plan: wrong, fetcherSource, seed: 1 });
    expect(errorKinds(card)).toContain('request-past-end');
  });
});

describe('16 — authentication described only in prose', () => {
  it('is planned from the page (oauth2 client credentials, Bearer, the scope it names) and passes its proof: the mock asks for the Bearer token the page shows (more in field-case-16.test.ts)', async () => {
    const { plan, result } = await generated(at('16-oauth2-client-credentials-prose/docs'));
    expect(plan.auth).toMatchObject({ type: 'oauth2', name: 'Authorization', prefix: 'Bearer ' });
    expect(plan.auth.client_credentials).toMatchObject({ token_url: 'https://login.sellwright.example/oauth2/access-tokens', scopes: ['users.read'] });
    expect(plan.assessment.verdict).toBe('generate');
    expect(errorIds(result.scorecard)).toEqual([]);
    expect(result.manifest.credentials[0]!.obtain).toMatchObject({ provide: ['client id', 'client secret'], scopes: ['users.read'] });
  });
});

describe('17 and 19 — rate-limit resets and repeated operationIds', () => {
  it('17 passes its proof through a 429 that carries only X-Rate-Limit-Reset, and against a server that refuses retries before the reset, waits for it', async () => {
    const { result } = await generated(at('17-ratelimit-reset-epoch/spec.yaml'));
    expect(errorIds(result.scorecard)).toEqual([]);
    expect(result.scorecard.retries_exercised.rate_limited).toBeGreaterThan(0);
    // The window resets 1.5 s from the first request; retrying earlier only returns more 429s.
    let reset: number | undefined;
    const users = Array.from({ length: 3 }, (_, i) => ({ id: `00u${i}`, status: 'ACTIVE', profile: { login: `u${i}@kestrel.example`, email: `u${i}@kestrel.example` } }));
    const { run, ids } = await runAgainst(
      result.plan,
      result.fetcher,
      'https://example-org.kestrel.example',
      '',
      () => {
        reset ??= Date.now() + 1_500;
        if (Date.now() < reset) return Response.json({ errorSummary: 'API call exceeded rate limit' }, { status: 429, headers: { 'X-Rate-Limit-Reset': String(Math.ceil(reset / 1000)) } });
        return Response.json(users);
      },
      // Exponential backoff alone (10 ms, 20 ms) would spend every attempt inside the window.
      { sleepScale: 1, retry: { max_attempts: 3, base_delay_ms: 10, max_delay_ms: 5_000 } },
    );
    expect(run.complete).toBe(true);
    expect(ids).toHaveLength(3);
  });

  it('19 keys operations by method and path: every stream gets its own data, and the proof passes', async () => {
    const { model, result } = await generated(at('19-duplicate-operation-ids/spec.yaml'));
    expect(new Set(model.operations.map((o) => o.id)).size).toBe(model.operations.length);
    expect(result.plan.streams.map((s) => s.operation_id)).toEqual(['GET /users', 'GET /groups', 'GET /service-accounts', 'GET /groups/{id}/members']);
    expect(errorIds(result.scorecard)).toEqual([]);
  });
});

// 21 — a $ref with sibling keywords: test/generate/field-case-21.test.ts.
