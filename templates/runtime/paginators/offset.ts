import type { PaginatorOf } from '../../slots/pagination.ts';
import { valueAt } from '../json-path.ts';
import { withQuery } from '../url.ts';
import type { PaginatorBehaviour } from './types.ts';

/**
 * template fetchwright/paginator-offset@1 — offset/limit. The offset advances by the records
 * actually received, so a server that clamps the page size loses nothing; it stops on an empty
 * page, on `more` false, or once `total` records came.
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
    if (p.stop === 'has-more-field' && valueAt(ctx.page.body, p.more_path ?? 'more') !== true) return undefined;
    if (p.stop === 'last-field' && valueAt(ctx.page.body, p.last_path ?? 'isLast') !== false) return undefined;
    if (p.stop === 'total') {
      const total = Number(valueAt(ctx.page.body, p.total_path ?? 'total'));
      if (Number.isFinite(total) && state.seen >= total) return undefined;
    }
    state.offset = (state.offset ?? p.first_offset) + ctx.records.length;
    return withQuery(ctx.requestUrl, { [p.offset_param]: state.offset, [p.limit_param]: p.page_size });
  },
};
