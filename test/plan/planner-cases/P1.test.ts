import { describe, expect, it } from 'vitest';
import { errorIds } from '../../helpers/findings.ts';
import { runAgainstDouble } from '../../helpers/run-double.ts';
import { caseSpec, modelOfCase, planAndProve } from './cases.ts';

/**
 * P1 — a declared `Link` response header beats page-number parameters: the server's own pointer to
 * the next page is followed, with the page size sent; page numbers stay an alternative.
 */

const FILE = 'P1-link-header-vs-page.yaml';

/** A double paging by page numbers and pointing to the next page in a Link header; the last page has none. */
function linkDouble(origin: string, records: object[], sizeParam: string, pageParam: string) {
  const pastEnd: string[] = [];
  const answer = (url: URL) => {
    const size = Number(url.searchParams.get(sizeParam) ?? 25);
    const page = Number(url.searchParams.get(pageParam) ?? 1);
    const pages = Math.ceil(records.length / size);
    if (page > pages) pastEnd.push(url.href);
    const next = new URL(url.href);
    next.searchParams.set(pageParam, String(page + 1));
    return Response.json(records.slice((page - 1) * size, page * size), { headers: page < pages ? { Link: `<${next.href}>; rel="next"` } : {} });
  };
  return { answer, pastEnd, origin };
}

describe('P1 — a declared Link header beats page-number parameters', () => {
  it('the case file: follows rel="next", sends per_page at 100, and proves; a double gets every member once, never past the end', async () => {
    const { plan, result } = await planAndProve(await modelOfCase(FILE));
    const members = plan.streams[0]!;
    expect(members.pagination).toMatchObject({ style: 'link-header', rel: 'next', limit_param: 'per_page', page_size: 100, stops: [{ when: 'no-next' }] });
    expect(members.pagination_alternatives[0]).toMatchObject({ style: 'page', page_param: 'page' });
    expect(errorIds(result.scorecard)).toEqual([]);
    const people = Array.from({ length: 250 }, (_, i) => ({ id: i + 1, handle: `p${i}` }));
    const double = linkDouble('https://api.glimmer.example', people, 'per_page', 'page');
    const { run, ids } = await runAgainstDouble(result.plan, result.fetcher, 'https://api.glimmer.example', double.answer, { tenant: { space: 'x' } });
    expect(run.complete).toBe(true);
    expect(new Set(ids).size).toBe(250);
    expect(double.pastEnd).toEqual([]);
  });

  it('a variant (page_number/page_size, another path, the header described otherwise) is read the same way', async () => {
    const spec = caseSpec(FILE);
    const op = spec.paths['/spaces/{space}/members'].get;
    op.parameters[1] = { name: 'page_size', in: 'query', description: 'Records per response, at most 50.', schema: { type: 'integer' } };
    op.parameters[2] = { name: 'page_number', in: 'query', description: 'The page to return.', schema: { type: 'integer', minimum: 1 } };
    op.responses['200'].headers = { Link: { description: 'Pagination links (RFC 8288).', schema: { type: 'string' } } };
    spec.paths = { '/teams/{team}/people': { get: { ...op, parameters: [{ name: 'team', in: 'path', required: true, schema: { type: 'string' } }, ...op.parameters.slice(1)] } } };
    const { plan, result } = await planAndProve(await modelOfCase(spec));
    expect(plan.streams[0]!.pagination).toMatchObject({ style: 'link-header', rel: 'next', limit_param: 'page_size', page_size: 50 });
    expect(errorIds(result.scorecard)).toEqual([]);
  });

  it('without the declared header, the same operation pages by number', async () => {
    const spec = caseSpec(FILE);
    delete spec.paths['/spaces/{space}/members'].get.responses['200'].headers;
    const { plan } = await planAndProve(await modelOfCase(spec));
    expect(plan.streams[0]!.pagination).toMatchObject({ style: 'page', page_param: 'page', size_param: 'per_page' });
  });
});
