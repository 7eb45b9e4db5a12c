import type { PaginatorOf } from '../../slots/pagination.ts';
import { withQuery } from '../url.ts';
import { countAt, flagAt } from './signal.ts';
import type { PaginatorBehaviour } from './types.ts';

/**
 * template fetchwright/paginator-page@2 — page numbers, stopping at the page count, once `total`
 * records came, on `more` false, `isLast` true, or an empty page. A documented stop field missing
 * from a page is a finding, never a silent stop.
 */
export const pagePaginator: PaginatorBehaviour<PaginatorOf<'page'>> = {
  first: (p, url, state) => {
    state.page = p.first_page;
    state.seen = 0;
    return withQuery(url, { [p.page_param]: p.first_page, ...(p.size_param && p.page_size ? { [p.size_param]: p.page_size } : {}) });
  },
  next: (p, ctx, state) => {
    if (ctx.records.length === 0) return undefined;
    const page = state.page ?? p.first_page;
    state.seen = (state.seen ?? 0) + ctx.records.length;
    const body = ctx.page.body;
    if (p.stop === 'page-count' && page - p.first_page + 1 >= countAt(body, p.pages_path ?? 'pages', ctx.requestUrl)) return undefined;
    if (p.stop === 'total' && state.seen >= countAt(body, p.total_path ?? 'total', ctx.requestUrl)) return undefined;
    if (p.stop === 'has-more-field' && !flagAt(body, p.more_path ?? 'more', ctx.requestUrl)) return undefined;
    if (p.stop === 'last-field' && flagAt(body, p.last_path ?? 'isLast', ctx.requestUrl)) return undefined;
    state.page = page + 1;
    return withQuery(ctx.requestUrl, { [p.page_param]: state.page });
  },
};
