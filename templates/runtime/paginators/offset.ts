import type { PaginatorOf } from '../contract.ts';
import { withQuery } from '../url.ts';
import { endsList } from './signal.ts';
import type { PaginatorBehaviour } from './types.ts';

/**
 * template fetchwright/paginator-offset@4 — offset/limit. The offset advances by the records
 * actually received, so a server that clamps the page size loses nothing; it stops on an empty
 * page, on `more` false, on `isLast` true, or once `total` records came. Fail closed: a documented
 * stop field missing from a page is a finding, and so is an empty page while that field says more
 * records follow — never a silent stop.
 */
export const offsetPaginator: PaginatorBehaviour<PaginatorOf<'offset'>> = {
  first: (p, url, state) => {
    state.offset = p.first_offset;
    state.seen = 0;
    return withQuery(url, { [p.offset_param]: p.first_offset, [p.limit_param]: p.page_size });
  },
  next: (p, ctx, state) => {
    const empty = ctx.records.length === 0;
    state.seen = (state.seen ?? 0) + ctx.records.length;
    const body = ctx.page.body;
    const url = ctx.requestUrl;
    if (p.stop === 'empty-page' && empty) return undefined;
    if (endsList(p, body, url, empty, state.seen)) return undefined;
    state.offset = (state.offset ?? p.first_offset) + ctx.records.length;
    return withQuery(ctx.requestUrl, { [p.offset_param]: state.offset, [p.limit_param]: p.page_size });
  },
};
