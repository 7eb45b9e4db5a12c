import type { PaginatorOf } from '../../slots/pagination.ts';
import { valueAt } from '../json-path.ts';
import { withQuery } from '../url.ts';
import type { PaginatorBehaviour } from './types.ts';

/** template fetchwright/paginator-cursor@1 — sends the body's next cursor back until it is empty. */
export const cursorPaginator: PaginatorBehaviour<PaginatorOf<'cursor'>> = {
  first: (p, url) => (p.limit_param && p.page_size ? withQuery(url, { [p.limit_param]: p.page_size }) : url),
  next: (p, ctx) => {
    const cursor = valueAt(ctx.page.body, p.cursor_path);
    if (cursor === undefined || cursor === null || cursor === '' || typeof cursor === 'object') return undefined;
    return withQuery(ctx.requestUrl, { [p.cursor_param]: String(cursor) });
  },
};
