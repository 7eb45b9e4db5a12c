import type { PaginatorOf } from '../contract.ts';
import { resolveUrl } from '../url.ts';
import { positionAt } from './signal.ts';
import type { PaginatorBehaviour } from './types.ts';

/** template fetchwright/paginator-next-url@5 — a next-URL source: the body's next-page URL (absolute or relative); anything but a string there is a finding. */
export const nextUrlPaginator: PaginatorBehaviour<PaginatorOf<'next-url'>> = {
  first: (_p, url) => url,
  next: (p, ctx) => {
    const next = positionAt(ctx.page.body, p.next_path, ctx.requestUrl);
    return next === undefined ? undefined : resolveUrl(next, ctx.requestUrl);
  },
};
