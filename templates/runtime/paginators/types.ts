import type { Page } from '../http.ts';

/** template fetchwright/paginator-types@1 — the one interface every paginator implements. */

/** What every paginator sees after a page: the response, its records, and the URL that fetched it. */
export interface PageContext {
  page: Page;
  records: unknown[];
  requestUrl: string;
}

/** A paginator's mutable position (an offset, a page number, a running count). */
export type PaginatorState = Record<string, number>;

/**
 * One interface for the six paginators: `first` shapes the first request, `next` returns the next
 * absolute URL or `undefined` to stop. Loop guards wrap this; they are not inside it.
 */
export interface PaginatorBehaviour<P> {
  first(p: P, url: string, state: PaginatorState): string;
  next(p: P, ctx: PageContext, state: PaginatorState): string | undefined;
}
