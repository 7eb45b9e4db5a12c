import type { PaginatorOf } from '../contract.ts';
import { resolveUrl, withQuery } from '../url.ts';
import { positionAt } from './signal.ts';
import type { PaginatorBehaviour } from './types.ts';

/** template fetchwright/paginator-next-url@4 — follows the body's next-page URL (absolute or relative) until it is empty; anything but a string there is a finding. */
export const nextUrlPaginator: PaginatorBehaviour<PaginatorOf<'next-url'>> = {
  first: (p, url) => (p.limit_param && p.page_size ? withQuery(url, { [p.limit_param]: p.page_size }) : url),
  next: (p, ctx) => {
    const next = positionAt(ctx.page.body, p.next_path, ctx.requestUrl);
    return next === undefined ? undefined : resolveUrl(next, ctx.requestUrl);
  },
};
