import { describe, expect, it } from 'vitest';
import { errorIds } from '../../helpers/findings.ts';
import { runAgainstDouble } from '../../helpers/run-double.ts';
import { caseSpec, modelOfCase, planAndProve } from './cases.ts';

/**
 * P4 — the body is a page envelope (it echoes the page and counts the pages) but this operation
 * declares no page parameter, while a sibling with the same envelope does: the sibling's parameter
 * pages this list too, and the page count stops it.
 */

const FILE = 'P4-envelope-only-page.yaml';

describe('P4 — a page envelope with the page parameter declared on a sibling', () => {
  it('the case file: pages /profile/tokens by `page`, stops at `pages`, proves, and a double gets every token once, never past the last page', async () => {
    const { plan, result } = await planAndProve(await modelOfCase(FILE));
    const tokens = plan.streams.find((s) => s.path === '/profile/tokens')!;
    expect(tokens.pagination).toMatchObject({ style: 'page', page_param: 'page', first_page: 1, stops: [{ when: 'page-count', path: 'pages' }] });
    expect(tokens.pagination.evidence.map((e) => e.reasoning).join(' ')).toMatch(/GET \/profile\/keys declares it/);
    expect(errorIds(result.scorecard)).toEqual([]);
    const all = Array.from({ length: 55 }, (_, i) => ({ id: i + 1, label: `t${i}`, expiry: '2030-01-01T00:00:00Z' }));
    const asked: number[] = [];
    const { run, ids } = await runAgainstDouble(result.plan, result.fetcher, 'https://api.orchard.example', (url) => {
      const page = Number(url.searchParams.get('page') ?? 1);
      asked.push(page);
      const pages = Math.ceil(all.length / 25);
      if (page > pages) return Response.json({ errors: [{ reason: 'page out of range' }] }, { status: 400 });
      return Response.json({ page, pages, results: all.length, data: all.slice((page - 1) * 25, page * 25) });
    });
    expect(run.complete).toBe(true);
    expect(new Set(ids).size).toBe(55);
    expect(asked).toEqual([1, 2, 3]);
  });

  it('a variant (current_page / total_pages, a `page_number` parameter on the sibling) is read the same way', async () => {
    const spec = caseSpec(FILE);
    spec.components.parameters.page = { name: 'page_number', in: 'query', description: 'Which page.', schema: { type: 'integer', minimum: 1 } };
    spec.components.schemas.Envelope.properties = { current_page: { type: 'integer' }, total_pages: { type: 'integer' }, data: { type: 'array', items: { $ref: '#/components/schemas/Token' } } };
    const { plan, result } = await planAndProve(await modelOfCase(spec));
    expect(plan.streams.find((s) => s.path === '/profile/tokens')!.pagination).toMatchObject({ style: 'page', page_param: 'page_number', stops: [{ when: 'page-count', path: 'total_pages' }] });
    expect(errorIds(result.scorecard)).toEqual([]);
  });

  it('with no sibling declaring a page parameter, nothing is borrowed', async () => {
    const spec = caseSpec(FILE);
    spec.paths['/profile/keys'].get.parameters = [];
    const { plan } = await planAndProve(await modelOfCase(spec));
    expect(plan.streams.find((s) => s.path === '/profile/tokens')!.pagination.style).toBe('none');
  });
});
