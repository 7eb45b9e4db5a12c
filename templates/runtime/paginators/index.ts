import type { Paginator } from '../contract.ts';
import { cursorPaginator } from './cursor.ts';
import { linkHeaderPaginator } from './link-header.ts';
import { nextUrlPaginator } from './next-url.ts';
import { nonePaginator } from './none.ts';
import { offsetPaginator } from './offset.ts';
import { pagePaginator } from './page.ts';
import type { PageContext, PaginatorBehaviour, PaginatorState } from './types.ts';

/** template fetchwright/paginators@2 — the style → behaviour table. */
const PAGINATORS = {
  'link-header': linkHeaderPaginator,
  cursor: cursorPaginator,
  offset: offsetPaginator,
  page: pagePaginator,
  'next-url': nextUrlPaginator,
  none: nonePaginator,
};

function behaviourOf(p: Paginator): PaginatorBehaviour<Paginator> {
  return PAGINATORS[p.style] as PaginatorBehaviour<Paginator>;
}

export function firstUrl(p: Paginator, url: string, state: PaginatorState): string {
  return behaviourOf(p).first(p, url, state);
}

export function nextUrl(p: Paginator, ctx: PageContext, state: PaginatorState): string | undefined {
  return behaviourOf(p).next(p, ctx, state);
}
