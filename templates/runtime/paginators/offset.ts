import type { PaginatorOf } from '../../slots/pagination.ts';
import { withQuery } from '../url.ts';
import { countAt, flagAt } from './signal.ts';
import type { PaginatorBehaviour } from './types.ts';

/**
 * template fetchwright/paginator-offset@2 — offset/limit. The offset advances by the records
 * actually received, so a server that clamps the page size loses nothing; it stops on an empty
 * page, on `more` false, on `isLast` true, or once `total` records came. A documented stop field
 * missing from a page is a finding, never a silent stop.
 */
export const offsetPaginator: PaginatorBehaviour<PaginatorOf<'offset'>> = {
  first: (p, url, state) => {
    state.offset = p.first_offset;
    state.seen = 0;
    return withQuery(url, { [p.offset_param]: p.first_offset, [p.limit_param]: p.page_size });
  },
  next: (p, ctx, state) => {
    if (ctx.records.length === 0) return undefined;
    state.seen = (state.seen ?? 0) + ctx.records.length;
    const body = ctx.page.body;
    if (p.stop === 'has-more-field' && !flagAt(body, p.more_path ?? 'more', ctx.requestUrl)) return undefined;
    if (p.stop === 'last-field' && flagAt(body, p.last_path ?? 'isLast', ctx.requestUrl)) return undefined;
    if (p.stop === 'total' && state.seen >= countAt(body, p.total_path ?? 'total', ctx.requestUrl)) return undefined;
    state.offset = (state.offset ?? p.first_offset) + ctx.records.length;
    return withQuery(ctx.requestUrl, { [p.offset_param]: state.offset, [p.limit_param]: p.page_size });
  },
};
