import { z } from 'zod';

/**
 * The slots of the six approved paginators: what a plan may say about paging, and nothing more.
 * Each is a small value with a `style` literal (Airbyte's declarative paginators are the model);
 * the behaviour lives in `templates/runtime/paginators/<style>.ts`. Stop conditions are part of
 * the slot; loop guards (repeated cursor or URL, page cap) wrap every paginator and are not
 * configurable from a plan.
 */

export const LinkHeaderPaginator = z.object({
  style: z.literal('link-header'),
  /** The rel of the link to follow. */
  rel: z.string().regex(/^[a-z][a-z0-9.-]*$/i),
  /** The query parameter the next link carries (e.g. Okta's `after`), when the docs name it. */
  cursor_param: z.string().optional(),
  limit_param: z.string().optional(),
  page_size: z.number().int().positive().max(10_000).optional(),
  stop: z.literal('no-next-link'),
});

export const CursorPaginator = z.object({
  style: z.literal('cursor'),
  /** Query parameter that carries the cursor on the next request. */
  cursor_param: z.string(),
  /** Dotted path of the next cursor in the response body, e.g. `response_metadata.next_cursor`. */
  cursor_path: z.string().optional(),
  /** Or: the response header that carries the next cursor, e.g. `X-Next-Page-Token` (exactly one of the two). */
  cursor_header: z.string().regex(/^[A-Za-z0-9-]+$/).optional(),
  limit_param: z.string().optional(),
  page_size: z.number().int().positive().max(10_000).optional(),
  stop: z.literal('empty-cursor'),
});

export const OffsetPaginator = z.object({
  style: z.literal('offset'),
  offset_param: z.string(),
  limit_param: z.string(),
  page_size: z.number().int().positive().max(10_000),
  /** Where offsets start (0 for offset/limit, sometimes 1 for startAt). */
  first_offset: z.number().int().min(0),
  /**
   * `has-more-field`: stop when `more_path` is false; `last-field`: stop when `last_path` is true;
   * `total`: stop once `total_path` records came; `empty-page`: stop at the first page with no
   * records. The offset always advances by the records received, so a server that clamps the page
   * size loses nothing.
   */
  stop: z.enum(['has-more-field', 'last-field', 'total', 'empty-page']),
  more_path: z.string().optional(),
  last_path: z.string().optional(),
  total_path: z.string().optional(),
});

export const PagePaginator = z.object({
  style: z.literal('page'),
  page_param: z.string(),
  size_param: z.string().optional(),
  page_size: z.number().int().positive().max(10_000).optional(),
  first_page: z.number().int().min(0),
  /** `total`: stop once `total_path` records came (pages = ceil(total / size), counted by records, so a clamped page size loses nothing). */
  stop: z.enum(['page-count', 'total', 'has-more-field', 'last-field', 'empty-page']),
  pages_path: z.string().optional(),
  total_path: z.string().optional(),
  more_path: z.string().optional(),
  last_path: z.string().optional(),
});

export const NextUrlPaginator = z.object({
  style: z.literal('next-url'),
  /** Dotted path of the next URL in the body, e.g. `next_page_uri`, `links.pages.next`. */
  next_path: z.string(),
  /** True when the docs show a path relative to the API host rather than an absolute URL. */
  relative: z.boolean(),
  limit_param: z.string().optional(),
  page_size: z.number().int().positive().max(10_000).optional(),
  stop: z.literal('no-next-url'),
});

export const NoPaginator = z.object({
  style: z.literal('none'),
  stop: z.literal('single-page'),
});

export const Paginator = z.discriminatedUnion('style', [LinkHeaderPaginator, CursorPaginator, OffsetPaginator, PagePaginator, NextUrlPaginator, NoPaginator]);
export type Paginator = z.infer<typeof Paginator>;
export type PaginatorStyle = Paginator['style'];
export type PaginatorOf<S extends PaginatorStyle> = Extract<Paginator, { style: S }>;
