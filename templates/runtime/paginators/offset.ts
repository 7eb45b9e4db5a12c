import type { PaginatorOf } from '../../slots/pagination.ts';
import { FetcherError } from '../errors.ts';
import { withQuery } from '../url.ts';
import { countAt, flagAt } from './signal.ts';
import type { PaginatorBehaviour } from './types.ts';

/**
 * template fetchwright/paginator-offset@3 — offset/limit. The offset advances by the records
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
    if (p.stop === 'has-more-field') {
      if (!flagAt(body, p.more_path ?? 'more', url)) return undefined;
      if (empty) throw new FetcherError('list-ended-early', url, { signal: `"${p.more_path ?? 'more'}": true` });
    }
    if (p.stop === 'last-field') {
      if (flagAt(body, p.last_path ?? 'isLast', url)) return undefined;
      if (empty) throw new FetcherError('list-ended-early', url, { signal: `"${p.last_path ?? 'isLast'}": false` });
    }
    if (p.stop === 'total') {
      const total = countAt(body, p.total_path ?? 'total', url);
      if (state.seen >= total) return undefined;
      if (empty) throw new FetcherError('list-ended-early', url, { signal: `a total of ${total} (${state.seen} came)` });
    }
    state.offset = (state.offset ?? p.first_offset) + ctx.records.length;
    return withQuery(ctx.requestUrl, { [p.offset_param]: state.offset, [p.limit_param]: p.page_size });
  },
};
