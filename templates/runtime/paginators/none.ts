import type { PaginatorOf } from '../../slots/pagination.ts';
import type { PaginatorBehaviour } from './types.ts';

/** template fetchwright/paginator-none@1 — one page. */
export const nonePaginator: PaginatorBehaviour<PaginatorOf<'none'>> = {
  first: (_p, url) => url,
  next: () => undefined,
};
