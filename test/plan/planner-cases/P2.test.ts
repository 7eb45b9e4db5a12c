import { describe, expect, it } from 'vitest';
import type { ConnectorPlan } from '../../../agent/plan/connector-plan.ts';
import { renderFetcher } from '../../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../../agent/render/slots-from-plan.ts';
import { runAgainstDouble } from '../../helpers/run-double.ts';
import { caseSpec, modelOfCase, planAndProve } from './cases.ts';

/**
 * P2 — a cursor parameter whose next value nothing in the body or a declared header carries: the
 * server's `Link` header is the likely carrier. The planner says so as reasoning, with low
 * confidence; the proof (whose mock serves only what the docs declare) cannot confirm it, and a live
 * run against a server that does send the header reads every record.
 */

const FILE = 'P2-cursor-without-carrier.yaml';
const PATH = '/orgs/{org_slug}/members';

function fetcherOf(plan: ConnectorPlan): string {
  return renderFetcher(slotsFromPlan(plan), { vendor: plan.vendor, plan_sha256: 'a'.repeat(64), docs_sha256: plan.docs_sha256, api_model_sha256: plan.api_model_sha256 }).source;
}

describe('P2 — a cursor with no carrier in the body', () => {
  it('the case file: planned as the Link header carrying `cursor`, with low confidence and the guess said; the proof cannot confirm it', async () => {
    const { plan, result } = await planAndProve(await modelOfCase(FILE));
    const p = plan.streams[0]!.pagination;
    expect(p).toMatchObject({ style: 'link-header', rel: 'next', cursor_param: 'cursor', stops: [{ when: 'no-next' }] });
    expect(p.confidence).toBeLessThan(0.5);
    expect(p.evidence.map((e) => e.reasoning).join(' ')).toMatch(/no response field or declared header carries the next cursor.*guess.*low confidence.*proof and a live run/);
    // The docs declare no Link header, so the mock sends none: the proof fails rather than pass on a guess.
    expect(result.scorecard.verdict).toBe('fail');
    expect(result.attempts[0]!.findings.map((f) => f.id)).toContain('pagination-mechanism-undeclared');
  });

  it('a live run against a server that does send the Link header reads every member once', async () => {
    const model = await modelOfCase(FILE);
    const { plan } = await planAndProve(model);
    const members = Array.from({ length: 70 }, (_, i) => ({ id: `m${i}`, email: `m${i}@mossgate.example` }));
    const { run, ids } = await runAgainstDouble(plan, fetcherOf(plan), 'https://api.mossgate.example', (url) => {
      const at = Number(url.searchParams.get('cursor') ?? 0);
      const page = members.slice(at, at + 30);
      const next = new URL(url.href);
      next.searchParams.set('cursor', String(at + 30));
      return Response.json(page, { headers: at + 30 < members.length ? { Link: `<${next.href}>; rel="next"` } : {} });
    }, { tenant: { org_slug: 'acme' } });
    expect(run.complete).toBe(true);
    expect(new Set(ids).size).toBe(70);
  });

  it('a variant (`marker`, prose without the word cursor) is the same guess', async () => {
    const spec = caseSpec(FILE);
    spec.paths[PATH].get.parameters[1] = { name: 'marker', in: 'query', description: 'Where the previous response left off.', schema: { type: 'string' } };
    const { plan } = await planAndProve(await modelOfCase(spec));
    expect(plan.streams[0]!.pagination).toMatchObject({ style: 'link-header', cursor_param: 'marker' });
    expect(plan.streams[0]!.pagination.confidence).toBeLessThan(0.5);
  });

  it('when the body does carry the next cursor, that is the reading, not the guess', async () => {
    const spec = caseSpec(FILE);
    spec.paths[PATH].get.responses['200'].content['application/json'].schema = { type: 'object', properties: { members: { type: 'array', items: { $ref: '#/components/schemas/Person' } }, next_cursor: { type: 'string' } } };
    const { plan, result } = await planAndProve(await modelOfCase(spec));
    expect(plan.streams[0]!.pagination).toMatchObject({ style: 'cursor', cursor_param: 'cursor', cursor_path: 'next_cursor' });
    expect(result.scorecard.verdict).toBe('pass');
  });
});
