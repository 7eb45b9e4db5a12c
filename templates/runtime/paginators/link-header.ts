import type { PaginatorOf } from '../contract.ts';
import { linkTarget, resolveUrl, withQuery } from '../url.ts';
import type { PaginatorBehaviour } from './types.ts';

/** template fetchwright/paginator-link-header@2 — follows `Link: <…>; rel="next"` until there is none. */
export const linkHeaderPaginator: PaginatorBehaviour<PaginatorOf<'link-header'>> = {
  first: (p, url) => (p.limit_param && p.page_size ? withQuery(url, { [p.limit_param]: p.page_size }) : url),
  next: (p, ctx) => {
    const target = linkTarget(ctx.page.headers.link, p.rel);
    return target ? resolveUrl(target, ctx.requestUrl) : undefined;
  },
};
