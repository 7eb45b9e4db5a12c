import type { PaginatorOf } from '../contract.ts';
import { withQuery } from '../url.ts';
import type { PaginatorBehaviour } from './types.ts';

/**
 * template fetchwright/paginator-offset@5 — an offset source (offset/limit, startAt/maxResults). The
 * offset advances by the records actually received, so a server that clamps the page size loses
 * nothing. When to stop is the stop conditions' call.
 */
export const offsetPaginator: PaginatorBehaviour<PaginatorOf<'offset'>> = {
  first: (p, url, state) => {
    state.offset = p.first_offset;
    return withQuery(url, { [p.offset_param]: p.first_offset });
  },
  next: (p, ctx, state) => {
    state.offset = (state.offset ?? p.first_offset) + ctx.records.length;
    return withQuery(ctx.requestUrl, { [p.offset_param]: state.offset, [p.limit_param]: p.page_size });
  },
};
