import type { PaginatorOf } from '../contract.ts';
import { FetcherError } from '../errors.ts';
import { valueAt } from '../json-path.ts';
import { withQuery } from '../url.ts';
import { positionAt, positionOf } from './signal.ts';
import type { PageContext, PaginatorBehaviour } from './types.ts';

/**
 * template fetchwright/paginator-cursor@5 — a cursor source: sends the next cursor back in
 * `cursor_param`. The cursor comes from a body field (`response_metadata.next_cursor`), a response
 * header the docs declare (`X-Next-Page-Token`), or a field of the page's last record (keyset
 * paging: `starting_after` = the last record's `id`). A cursor that is not a string or number is a
 * finding, and so is a last record without the field; an empty page has no last record, so no next
 * position. When to stop is the stop conditions' call, not this source's.
 */

/** The value at `path` of the page's last record, or undefined when the page is empty. */
function fromLastRecord(ctx: PageContext, path: string): string | undefined {
  if (ctx.records.length === 0) return undefined;
  const where = `the last record's ${path}`;
  const cursor = positionOf(valueAt(ctx.records[ctx.records.length - 1], path), where, ctx.requestUrl);
  if (cursor === undefined) throw new FetcherError('pagination-value-invalid', ctx.requestUrl, { path: where, found: 'nothing' });
  return cursor;
}

export const cursorPaginator: PaginatorBehaviour<PaginatorOf<'cursor'>> = {
  first: (_p, url) => url,
  next: (p, ctx) => {
    const cursor =
      p.cursor_header !== undefined
        ? positionOf(ctx.page.headers[p.cursor_header.toLowerCase()], `header ${p.cursor_header}`, ctx.requestUrl)
        : p.last_record_path !== undefined
          ? fromLastRecord(ctx, p.last_record_path)
          : positionAt(ctx.page.body, p.cursor_path ?? '', ctx.requestUrl);
    return cursor === undefined ? undefined : withQuery(ctx.requestUrl, { [p.cursor_param]: cursor });
  },
};
