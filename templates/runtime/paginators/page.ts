import type { PaginatorOf } from '../contract.ts';
import { FetcherError } from '../errors.ts';
import { withQuery } from '../url.ts';
import { countAt, endsList } from './signal.ts';
import type { PaginatorBehaviour } from './types.ts';

/**
 * template fetchwright/paginator-page@4 — page numbers, stopping at the page count, once `total`
 * records came, on `more` false, `isLast` true, or an empty page. Fail closed: a documented stop
 * field missing from a page is a finding, and so is an empty page while that field says more
 * records follow — never a silent stop.
 */
export const pagePaginator: PaginatorBehaviour<PaginatorOf<'page'>> = {
  first: (p, url, state) => {
    state.page = p.first_page;
    state.seen = 0;
    return withQuery(url, { [p.page_param]: p.first_page, ...(p.size_param && p.page_size ? { [p.size_param]: p.page_size } : {}) });
  },
  next: (p, ctx, state) => {
    const empty = ctx.records.length === 0;
    const page = state.page ?? p.first_page;
    state.seen = (state.seen ?? 0) + ctx.records.length;
    const body = ctx.page.body;
    const url = ctx.requestUrl;
    if (p.stop === 'empty-page' && empty) return undefined;
    if (p.stop === 'page-count') {
      const pages = countAt(body, p.pages_path ?? 'pages', url);
      if (page - p.first_page + 1 >= pages) return undefined;
      if (empty) throw new FetcherError('list-ended-early', url, { signal: `a page count of ${pages} (page ${page} was empty)` });
    }
    if (endsList(p, body, url, empty, state.seen)) return undefined;
    state.page = page + 1;
    return withQuery(ctx.requestUrl, { [p.page_param]: state.page });
  },
};
