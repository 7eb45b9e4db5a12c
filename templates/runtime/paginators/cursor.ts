import type { PaginatorOf } from '../contract.ts';
import { withQuery } from '../url.ts';
import { positionAt, positionOf } from './signal.ts';
import type { PaginatorBehaviour } from './types.ts';

/**
 * template fetchwright/paginator-cursor@4 — sends the next cursor back until there is none. The
 * cursor comes from a body field (`response_metadata.next_cursor`) or a response header the docs
 * declare (`X-Next-Page-Token`); a cursor that is not a string or number is a finding.
 */
export const cursorPaginator: PaginatorBehaviour<PaginatorOf<'cursor'>> = {
  first: (p, url) => (p.limit_param && p.page_size ? withQuery(url, { [p.limit_param]: p.page_size }) : url),
  next: (p, ctx) => {
    const cursor = p.cursor_header
      ? positionOf(ctx.page.headers[p.cursor_header.toLowerCase()], `header ${p.cursor_header}`, ctx.requestUrl)
      : positionAt(ctx.page.body, p.cursor_path ?? '', ctx.requestUrl);
    return cursor === undefined ? undefined : withQuery(ctx.requestUrl, { [p.cursor_param]: cursor });
  },
};
