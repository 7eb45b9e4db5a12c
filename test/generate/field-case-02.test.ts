import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../agent/generate/generate-connector.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import { ingest } from '../../agent/ingest/ingest.ts';
import type { ConnectorPlan, Pagination } from '../../agent/plan/connector-plan.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { renderFetcher } from '../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../agent/render/slots-from-plan.ts';
import { validateConnector } from '../../agent/validate/run-validation.ts';
import { errorIds, errorKinds } from '../helpers/findings.ts';
import { runAgainstDouble } from '../helpers/run-double.ts';
import { arrayOf, listOp, modelOf, openapi, query } from '../helpers/spec.ts';
import { VENDOR_DOCS } from '../helpers/vendor-docs.ts';

/**
 * Field case 02 (shared/field-cases/02-cursor-from-last-record): keyset paging. The body is
 * `{data, has_more}` with no cursor field; the next request sends `starting_after` = the `id` of
 * the page's last record, and paging stops when `has_more` is false. The plan takes the cursor from
 * the last record and stops on the flag; the proof passes; and against a double that behaves as the
 * docs say, the connector returns every record once, complete, and never asks past the last page.
 */

const SPEC = path.resolve(VENDOR_DOCS, '../field-cases/02-cursor-from-last-record/spec.yaml');

async function planned(model: ApiModel) {
  const plan = planHeuristically(model);
  return { plan, result: await generateConnector(model, plan, { seed: 1, maxAttempts: 3, force: false }) };
}

/** A keyset double: records after the one whose `key` is `after`, `limit` at most `max`, a `more` flag; 400 for an unknown key or a page past the end. */
function keysetDouble(records: Record<string, unknown>[], names: { after: string; limit: string; key: string; items: string; more: string; max: number }) {
  let ended = false;
  const pastEnd: string[] = [];
  const answer = (url: URL) => {
    if (ended) pastEnd.push(url.href);
    const limit = Number(url.searchParams.get(names.limit) ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > names.max) return Response.json({ error: `${names.limit} must be 1-${names.max}` }, { status: 400 });
    const after = url.searchParams.get(names.after);
    const from = after === null ? 0 : records.findIndex((r) => r[names.key] === after) + 1;
    if (from === 0 && after !== null) return Response.json({ error: `no such ${names.key} ${after}` }, { status: 400 });
    const page = records.slice(from, from + limit);
    const more = from + page.length < records.length;
    if (!more) ended = true;
    return Response.json({ object: 'list', [names.items]: page, [names.more]: more });
  };
  return { answer, pastEnd };
}

describe('02 — keyset paging from the last record', () => {
  it('is planned as a cursor from the last record\'s id, stopping when has_more is false, at the documented maximum page size', async () => {
    const { plan, result } = await planned(await ingest(SPEC));
    expect(plan.streams[0]!.pagination).toMatchObject({ style: 'cursor', cursor_param: 'starting_after', last_record_path: 'id', limit_param: 'limit', page_size: 100, stops: [{ when: 'more-false', path: 'has_more' }] });
    expect(errorIds(result.scorecard)).toEqual([]);
    const users = Array.from({ length: 237 }, (_, i) => ({ id: `usr_${i.toString(36)}`, email: `u${i}@tallyho.example` }));
    const double = keysetDouble(users, { after: 'starting_after', limit: 'limit', key: 'id', items: 'data', more: 'has_more', max: 100 });
    const { run, ids, requested } = await runAgainstDouble(result.plan, result.fetcher, 'https://api.tallyho.example/v1', double.answer);
    expect(run.complete).toBe(true);
    expect(ids).toHaveLength(237);
    expect(new Set(ids).size).toBe(237);
    expect(requested).toHaveLength(3);
    expect(double.pastEnd).toEqual([]);
  });

  it('a variant with other names (after, the record\'s uid, has_next, "between 1 and 50") is read the same way', async () => {
    const model = await modelOf(
      openapi(
        {
          '/members': listOp(
            { type: 'object', properties: { members: arrayOf({ uid: { type: 'string' }, email: { type: 'string', format: 'email' } }), has_next: { type: 'boolean' } } },
            { parameters: [query('page_size', { type: 'integer' }, 'How many members to return, between 1 and 50.'), query('after', { type: 'string' }, 'The `uid` of the last member of the previous page; members after it are returned.')] },
          ),
        },
        { components: { securitySchemes: { tok: { type: 'http', scheme: 'bearer' } } }, security: [{ tok: [] }] },
      ),
    );
    const { plan, result } = await planned(model);
    expect(plan.streams[0]!.pagination).toMatchObject({ style: 'cursor', cursor_param: 'after', last_record_path: 'uid', limit_param: 'page_size', page_size: 50, stops: [{ when: 'more-false', path: 'has_next' }] });
    expect(errorIds(result.scorecard)).toEqual([]);
    const members = Array.from({ length: 120 }, (_, i) => ({ uid: `m${i}`, email: `m${i}@example.test` }));
    const double = keysetDouble(members, { after: 'after', limit: 'page_size', key: 'uid', items: 'members', more: 'has_next', max: 50 });
    const { run, ids } = await runAgainstDouble(result.plan, result.fetcher, 'https://api.example.test', double.answer);
    expect(run.complete).toBe(true);
    expect(new Set(ids).size).toBe(120);
    expect(double.pastEnd).toEqual([]);
  });

  describe('a plan that misreads the docs fails its proof', () => {
    async function proofOf(change: (p: Extract<Pagination, { style: 'cursor' }>) => Pagination) {
      const model = await ingest(SPEC);
      const plan = planHeuristically(model);
      const s = plan.streams[0]!;
      if (s.pagination.style !== 'cursor') throw new Error('expected a cursor');
      const wrong: ConnectorPlan = { ...plan, streams: [{ ...s, pagination: change(s.pagination) }] };
      const fetcherSource = renderFetcher(slotsFromPlan(wrong), { vendor: wrong.vendor, plan_sha256: 'a'.repeat(64), docs_sha256: wrong.docs_sha256, api_model_sha256: wrong.api_model_sha256 }).source;
      return validateConnector({ model, plan: wrong, fetcherSource, seed: 1 });
    }

    it('paging until an empty page instead of stopping on has_more asks past the end', async () => {
      const card = await proofOf((p) => ({ ...p, stops: [{ when: 'empty-page' }] }));
      expect(errorKinds(card)).toContain('request-past-end');
    });

    it('a cursor taken from another field of the last record is named as undeclared', async () => {
      const card = await proofOf((p) => ({ ...p, last_record_path: 'email' }));
      expect(card.verdict).toBe('fail');
      expect(errorIds(card)).toContain('pagination-mechanism-undeclared@users');
    });

    it('reading one page is refused, saying the list is paged', async () => {
      const card = await proofOf(() => ({ style: 'none', evidence: [], confidence: 0.5 }));
      expect(errorIds(card)).toEqual(expect.arrayContaining(['pagination-ignored@users', 'records-missing@users']));
    });
  });
});
