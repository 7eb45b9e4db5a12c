import type { PaginatorOf } from '../../slots/pagination.ts';
import { valueAt } from '../json-path.ts';
import { withQuery } from '../url.ts';
import type { PaginatorBehaviour } from './types.ts';

/** template fetchwright/paginator-page@1 — page numbers, stopping at the page count, `more` false, or an empty page. */
export const pagePaginator: PaginatorBehaviour<PaginatorOf<'page'>> = {
  first: (p, url, state) => {
    state.page = p.first_page;
    return withQuery(url, { [p.page_param]: p.first_page, ...(p.size_param && p.page_size ? { [p.size_param]: p.page_size } : {}) });
  },
  next: (p, ctx, state) => {
    if (ctx.records.length === 0) return undefined;
    const page = state.page ?? p.first_page;
    if (p.stop === 'page-count') {
      const pages = Number(valueAt(ctx.page.body, p.pages_path ?? 'pages'));
      if (!Number.isFinite(pages) || page - p.first_page + 1 >= pages) return undefined;
    }
    if (p.stop === 'has-more-field' && valueAt(ctx.page.body, p.more_path ?? 'more') !== true) return undefined;
    if (p.stop === 'last-field' && valueAt(ctx.page.body, p.last_path ?? 'isLast') !== false) return undefined;
    state.page = page + 1;
    return withQuery(ctx.requestUrl, { [p.page_param]: state.page });
  },
};
