import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../agent/generate/generate-connector.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { declaredHeaders } from '../../agent/plan/declared-headers.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { compileFetcher } from '../../agent/render/compile-fetcher.ts';
import { renderFetcher } from '../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../agent/render/slots-from-plan.ts';
import { validateConnector } from '../../agent/validate/run-validation.ts';
import { runFetcher } from '../../sandbox/run-fetcher.ts';
import { RunRecord } from '../../templates/canonical.ts';
import { errorIds, errorKinds } from '../helpers/findings.ts';
import { arrayOf, listOp, modelOf, openapi, query, SERVER } from '../helpers/spec.ts';

/**
 * Docs written by a hostile (or careless) vendor, from an attack on the proof: each either gets a
 * plan whose connector fetches every identity from a server that behaves as those docs say, or a
 * proof that fails — never a pass followed by `complete: true` with identities missing.
 */

const bearer = { components: { securitySchemes: { t: { type: 'http', scheme: 'bearer' } } }, security: [{ t: [] }] };

async function generated(paths: object, extra: Record<string, unknown> = {}) {
  const model = await modelOf(openapi(paths, { ...bearer, ...extra }));
  const plan = planHeuristically(model);
  return { model, plan, result: await generateConnector(model, plan, { seed: 1, maxAttempts: 3, force: false }) };
}

async function runAgainst(plan: ConnectorPlan, fetcher: string, answer: (url: URL) => Response) {
  const compiled = compileFetcher(fetcher);
  if (!compiled.ok) throw new Error(compiled.message);
  const result = await runFetcher({
    source: compiled.js,
    input: { base_url: SERVER, tenant_variables: {}, max_pages_per_stream: 100, max_records: 100_000, retry: { max_attempts: 2, base_delay_ms: 0, max_delay_ms: 0 } },
    sleepScale: 0,
    egress: { allowedOrigins: [new URL(SERVER).origin], allowedHeaders: declaredHeaders(plan), allowedMethods: ['GET'], maxRequests: 1_000, injectAuth: () => Object.fromEntries(plan.auth.credentials.map((c) => [c.name, `${c.prefix}t0ken`])), fetchImpl: async (r) => answer(new URL(r.url)) },
  });
  return { run: RunRecord.parse(result.records.find((r) => r.type === 'run')), ids: result.records.filter((r) => r.type === 'identity').map((r) => r.id as string) };
}

async function prove(model: ApiModel, plan: ConnectorPlan, edit?: (source: string) => string) {
  const rendered = renderFetcher(slotsFromPlan(plan), { vendor: plan.vendor, plan_sha256: 'a'.repeat(64), docs_sha256: plan.docs_sha256, api_model_sha256: plan.api_model_sha256 }).source;
  const source = edit ? edit(rendered) : rendered;
  if (edit) expect(source, 'the edit must change the fetcher').not.toBe(rendered);
  return validateConnector({ model, plan, fetcherSource: source, seed: 1 });
}

const member = { id: { type: 'string' }, email: { type: 'string', format: 'email' } };

describe('hostile docs: 64-bit ids', () => {
  const paths = { '/users': listOp(arrayOf({ id: { type: 'integer', format: 'int64', description: '64-bit snowflake id' }, email: { type: 'string', format: 'email' } })) };

  it('every id stays distinct: the proof serves ids beyond 2^53 and the connector keeps them exact', async () => {
    const { model, result } = await generated(paths);
    expect(errorIds(result.scorecard)).toEqual([]);
    const ids = Array.from({ length: 10 }, (_, i) => `125467890123456789${i}`);
    const { run, ids: got } = await runAgainst(result.plan, result.fetcher, () => new Response(`[${ids.map((id) => `{"id":${id},"email":"u${id}@x.test"}`).join(',')}]`, { headers: { 'content-type': 'application/json' } }));
    expect(run.complete).toBe(true);
    expect(got).toEqual(ids);
    // A fetcher that reads JSON the usual way rounds them together: the proof catches it.
    const rounding = await prove(model, result.plan, (s) => s.replace('body = parseJson(res.body);', 'body = JSON.parse(res.body);'));
    expect(errorKinds(rounding)).toEqual(expect.arrayContaining(['records-missing']));
  });
});

describe('hostile docs: words about a Link header that do not give one', () => {
  it('a sentence that denies the Link header is not read as one', async () => {
    const { result } = await generated({
      '/members': listOp(arrayOf(member), {
        parameters: [
          query('limit', { type: 'integer', maximum: 200 }),
          query('after', { type: 'string' }, 'Cursor for the next page. There is no Link header; send the id of the last member of the previous page.'),
        ],
      }),
    });
    // What the sentence does describe is keyset paging: the next `after` is the last record's id.
    expect(result.plan.streams[0]!.pagination).toMatchObject({ style: 'cursor', cursor_param: 'after', last_record_path: 'id' });
    expect(result.plan.streams[0]!.pagination_alternatives.map((p) => p.style)).not.toContain('link-header');
  });

  it('prose that gives another endpoint a Link header says nothing of this one', async () => {
    const { result } = await generated(
      { '/members': listOp(arrayOf(member), { parameters: [query('limit', { type: 'integer', maximum: 200 }), query('cursor', { type: 'string' }, 'Opaque cursor for the next page.')] }) },
      { info: { title: 'Scoped API', version: '1', description: '## Pagination\nThe audit-event export pages with a Link header (rel="next").\nEvery other list returns its next cursor in the X-Page-After response header.' } },
    );
    expect(result.scorecard.verdict).toBe('fail');
  });
});

describe('hostile docs: a field named total that counts one page', () => {
  it('is not taken for the list total: the connector pages to the end', async () => {
    const { result } = await generated({
      '/members': listOp(
        { type: 'object', properties: { members: arrayOf(member), total: { type: 'integer', description: 'How many members this page holds (the size of this page, not of the whole list).' } } },
        { parameters: [query('page', { type: 'integer', minimum: 1 }, 'Page number, from 1.'), query('per_page', { type: 'integer', maximum: 100 })] },
      ),
    });
    expect(errorIds(result.scorecard)).toEqual([]);
    expect(result.plan.streams[0]!.pagination).toMatchObject({ style: 'page', stops: [{ when: 'empty-page' }] });
    const all = Array.from({ length: 450 }, (_, i) => ({ id: `m${i}`, email: `m${i}@x.test` }));
    const { run, ids } = await runAgainst(result.plan, result.fetcher, (url) => {
      const page = Number(url.searchParams.get('page') ?? 1);
      const size = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
      const members = all.slice((page - 1) * size, page * size);
      return Response.json({ members, total: members.length });
    });
    expect(run.complete).toBe(true);
    expect(new Set(ids).size).toBe(450);
  });
});

describe('hostile docs: a filter whose default narrows the list', () => {
  const paths = {
    '/accounts': listOp(arrayOf({ id: { type: 'string' }, state: { type: 'string', enum: ['active', 'disabled'] }, email: { type: 'string', format: 'email' } }), {
      parameters: [query('state', { type: 'string', enum: ['active', 'disabled', 'all'], default: 'active' }, 'Which accounts to list: `active` (the default), `disabled` or `all`.', true)],
    }),
  };

  it('the plan asks for all of them, and a plan that sends the default fails its proof', async () => {
    const { model, result } = await generated(paths);
    expect(result.plan.streams[0]!.query).toEqual({ state: 'all' });
    expect(errorIds(result.scorecard)).toEqual([]);
    const narrow: ConnectorPlan = { ...result.plan, streams: result.plan.streams.map((s) => ({ ...s, query: { state: 'active' } })) };
    expect(errorKinds(await prove(model, narrow))).toContain('records-missing');
  });
});

describe('hostile docs: filters that leave identities out unless asked', () => {
  const user = { id: { type: 'string' }, email: { type: 'string', format: 'email' }, status: { type: 'string', enum: ['ACTIVE', 'SUSPENDED', 'DEPROVISIONED'] } };

  it('an include flag, off by default: the plan turns it on, and a plan that does not fails its proof', async () => {
    const { model, result } = await generated({ '/users': listOp(arrayOf(user), { parameters: [query('include_suspended', { type: 'boolean', default: false }, 'Also return suspended users. By default suspended users are left out.')] }) });
    expect(result.plan.streams[0]!.query).toEqual({ include_suspended: 'true' });
    expect(errorIds(result.scorecard)).toEqual([]);
    const without: ConnectorPlan = { ...result.plan, streams: result.plan.streams.map((s) => ({ ...s, query: {} })) };
    expect(errorKinds(await prove(model, without))).toContain('records-missing');
  });

  it('a default given only in words ("when omitted, only active users"): the plan asks for every state', async () => {
    const { model, result } = await generated({
      '/users': listOp(arrayOf(user), { parameters: [query('state', { type: 'string', enum: ['active', 'suspended', 'any'] }, 'Filter by state. When omitted, only active users are returned; pass `any` for every user.')] }),
    });
    expect(result.plan.streams[0]!.query).toEqual({ state: 'any' });
    expect(errorIds(result.scorecard)).toEqual([]);
    const without: ConnectorPlan = { ...result.plan, streams: result.plan.streams.map((s) => ({ ...s, query: {} })) };
    expect(errorKinds(await prove(model, without))).toContain('records-missing');
  });
});

describe('hostile docs: an offset that is a token the response hands back', () => {
  it('a plan that counts it as a number fails its proof', async () => {
    const { result } = await generated({
      '/users': listOp(
        { type: 'object', properties: { records: arrayOf(member), offset: { type: 'string', description: 'Present when there are more records; pass it as the offset parameter.' } } },
        { parameters: [query('offset', { type: 'string' }, 'Pass the offset value of the previous response to get the next page.'), query('pageSize', { type: 'integer', maximum: 100 })] },
      ),
    });
    // The planner reads a numeric offset; the docs give a token: the proof says the plan relies on what they do not declare.
    expect(result.attempts[0]!.findings.map((f) => f.id)).toContain('pagination-mechanism-undeclared');
    expect(result.scorecard.verdict).toBe('fail');
  });
});

describe('hostile docs: an envelope that documents an errors list', () => {
  it('is served empty on a successful page, so the proof passes, and a page that fills it is a finding at run time', async () => {
    const { result } = await generated({ '/users': listOp({ type: 'object', properties: { users: arrayOf(member), ok: { type: 'boolean' }, errors: arrayOf({ code: { type: 'string' }, missing: { type: 'integer' } }) } }) });
    expect(errorIds(result.scorecard)).toEqual([]);
    const { run } = await runAgainst(result.plan, result.fetcher, () => Response.json({ ok: true, users: [{ id: 'u1', email: 'u1@x.test' }], errors: [{ code: 'shard_unavailable', missing: 5 }] }));
    expect(run.complete).toBe(false);
    expect(run.streams[0]!.findings[0]).toMatchObject({ id: 'error-in-body' });
  });
});

describe('hostile docs: an id field the docs say is not unique', () => {
  it('fails the proof: records sharing it would be dropped as duplicates', async () => {
    const { result } = await generated({ '/groups': listOp(arrayOf({ name: { type: 'string', description: "The group's display name. Names are not unique." }, member_count: { type: 'integer' } })) });
    expect(errorKinds(result.scorecard)).toContain('seeded-ids-collide');
  });
});
