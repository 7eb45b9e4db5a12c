import { z } from 'zod';

/**
 * The slots of the approved paginators: what a plan may say about paging, and nothing more. A
 * paginator is small parts that compose, as Airbyte's declarative components do:
 *
 * - a **position source**, the `style`: where the next page's position comes from — a `Link`
 *   header, a cursor (from a body field, a response header, or a field of the page's last record),
 *   an offset, a page number, a next URL in the body — or `none` (one page);
 * - a **page-size option** (`limit_param`/`size_param` + `page_size`), sent on every request;
 * - **stop conditions**, `stops`: small wrappers around the source, each reading one documented
 *   end-of-list signal. The stream ends when any of them says so; a signal that is missing or
 *   malformed, or that says more records follow when another ends the list, is a finding.
 *
 * The behaviour lives in `templates/runtime/paginators/`. Loop guards (a repeated URL, a page cap)
 * wrap every paginator and are not configurable from a plan.
 */

const Path = z.string().min(1);

/** The source has no next position: no `Link` with the rel, an absent/null/empty cursor or next URL. */
export const NoNextStop = z.object({ when: z.literal('no-next') });
/** A page with no records. */
export const EmptyPageStop = z.object({ when: z.literal('empty-page') });
/** A page with fewer records than the page size asked for (only where the docs say so: servers clamp). */
export const ShortPageStop = z.object({ when: z.literal('short-page') });
/** As many records came as the body's total at `path` counts. */
export const TotalReachedStop = z.object({ when: z.literal('total-reached'), path: Path });
/** The body's `has_more`-style boolean at `path` is false. */
export const MoreFalseStop = z.object({ when: z.literal('more-false'), path: Path });
/** The body's `isLast`-style boolean at `path` is true. */
export const LastTrueStop = z.object({ when: z.literal('last-true'), path: Path });
/** As many pages were read as the body's page count at `path` says. */
export const PageCountStop = z.object({ when: z.literal('page-count'), path: Path });

export const StopCondition = z.discriminatedUnion('when', [NoNextStop, EmptyPageStop, ShortPageStop, TotalReachedStop, MoreFalseStop, LastTrueStop, PageCountStop]);
export type StopCondition = z.infer<typeof StopCondition>;
export type StopKind = StopCondition['when'];

/** Every documented stop signal, at least one; each kind at most once per path. */
const Stops = z.array(StopCondition).min(1).max(8);

export const LinkHeaderPaginator = z.object({
  style: z.literal('link-header'),
  /** The rel of the link to follow. */
  rel: z.string().regex(/^[a-z][a-z0-9.-]*$/i),
  /** The query parameter the next link carries (e.g. Okta's `after`), when the docs name it. */
  cursor_param: z.string().optional(),
  limit_param: z.string().optional(),
  page_size: z.number().int().positive().max(10_000).optional(),
  stops: Stops,
});

export const CursorPaginator = z.object({
  style: z.literal('cursor'),
  /** Query parameter that carries the cursor on the next request. */
  cursor_param: z.string(),
  /** Dotted path of the next cursor in the response body, e.g. `response_metadata.next_cursor`. */
  cursor_path: z.string().optional(),
  /** Or: the response header that carries the next cursor, e.g. `X-Next-Page-Token`. */
  cursor_header: z.string().regex(/^[A-Za-z0-9-]+$/).optional(),
  /** Or: dotted path, in the page's last record, of the value the next request sends (keyset paging: `starting_after` = the last `id`). Exactly one of the three. */
  last_record_path: z.string().optional(),
  limit_param: z.string().optional(),
  page_size: z.number().int().positive().max(10_000).optional(),
  stops: Stops,
});

export const OffsetPaginator = z.object({
  style: z.literal('offset'),
  offset_param: z.string(),
  limit_param: z.string(),
  page_size: z.number().int().positive().max(10_000),
  /** Where offsets start (0 for offset/limit, sometimes 1 for startAt). The offset advances by the records received, so a server that clamps the page size loses nothing. */
  first_offset: z.number().int().min(0),
  stops: Stops,
});

export const PagePaginator = z.object({
  style: z.literal('page'),
  page_param: z.string(),
  size_param: z.string().optional(),
  page_size: z.number().int().positive().max(10_000).optional(),
  first_page: z.number().int().min(0),
  stops: Stops,
});

export const NextUrlPaginator = z.object({
  style: z.literal('next-url'),
  /** Dotted path of the next URL in the body, e.g. `next_page_uri`, `links.pages.next`. */
  next_path: z.string(),
  /** True when the docs show a path relative to the API host rather than an absolute URL. */
  relative: z.boolean(),
  limit_param: z.string().optional(),
  page_size: z.number().int().positive().max(10_000).optional(),
  stops: Stops,
});

/** One page; a response that says more follow is a finding (`more-pages-unread`). */
export const NoPaginator = z.object({
  style: z.literal('none'),
});

export const Paginator = z.discriminatedUnion('style', [LinkHeaderPaginator, CursorPaginator, OffsetPaginator, PagePaginator, NextUrlPaginator, NoPaginator]);
export type Paginator = z.infer<typeof Paginator>;
export type PaginatorStyle = Paginator['style'];
export type PaginatorOf<S extends PaginatorStyle> = Extract<Paginator, { style: S }>;
