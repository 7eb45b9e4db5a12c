import type { PaginatorOf } from '../../slots/pagination.ts';
import { valueAt } from '../json-path.ts';
import { resolveUrl, withQuery } from '../url.ts';
import type { PaginatorBehaviour } from './types.ts';

/** template fetchwright/paginator-next-url@1 — follows the body's next-page URL (absolute or relative) until it is empty. */
export const nextUrlPaginator: PaginatorBehaviour<PaginatorOf<'next-url'>> = {
  first: (p, url) => (p.limit_param && p.page_size ? withQuery(url, { [p.limit_param]: p.page_size }) : url),
  next: (p, ctx) => {
    const next = valueAt(ctx.page.body, p.next_path);
    return typeof next === 'string' && next !== '' ? resolveUrl(next, ctx.requestUrl) : undefined;
  },
};
