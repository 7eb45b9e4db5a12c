import type { PaginatorOf } from '../contract.ts';
import { linkTarget, resolveUrl } from '../url.ts';
import type { PaginatorBehaviour } from './types.ts';

/** template fetchwright/paginator-link-header@3 — a `Link` header source (RFC 8288): the target of `rel="next"` (or the planned rel), resolved against the request. */
export const linkHeaderPaginator: PaginatorBehaviour<PaginatorOf<'link-header'>> = {
  first: (_p, url) => url,
  next: (p, ctx) => {
    const target = linkTarget(ctx.page.headers.link, p.rel);
    return target ? resolveUrl(target, ctx.requestUrl) : undefined;
  },
};
