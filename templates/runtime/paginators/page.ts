import type { PaginatorOf } from '../contract.ts';
import { withQuery } from '../url.ts';
import type { PaginatorBehaviour } from './types.ts';

/** template fetchwright/paginator-page@5 — a page-number source: `first_page`, then one more each page. When to stop is the stop conditions' call. */
export const pagePaginator: PaginatorBehaviour<PaginatorOf<'page'>> = {
  first: (p, url, state) => {
    state.page = p.first_page;
    return withQuery(url, { [p.page_param]: p.first_page });
  },
  next: (p, ctx, state) => {
    state.page = (state.page ?? p.first_page) + 1;
    return withQuery(ctx.requestUrl, { [p.page_param]: state.page });
  },
};
