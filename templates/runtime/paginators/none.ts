import type { PaginatorOf } from '../../slots/pagination.ts';
import { FetcherError } from '../errors.ts';
import { linkTarget } from '../url.ts';
import type { PageContext, PaginatorBehaviour } from './types.ts';

/**
 * template fetchwright/paginator-none@2 — one page. Fail closed: when the response itself says more
 * pages follow — a `Link` header with `rel="next"`, a `has_more`-style flag that is true, a next
 * cursor or next URL that is not empty — reading one page would lose records, so that is a finding.
 */

const MORE_FLAG = /^(has_?more|more|has_?next|has_?next_?page|has_?more_?items|is_?truncated|truncated)$/i;
const LAST_FLAG = /^(is_?last|is_?last_?page|last_?page_?reached)$/i;
const NEXT_VALUE = /^(next|next_?cursor|next_?token|next_?page_?token|next_?page|next_?url|next_?uri|next_?link|next_?page_?url|next_?page_?uri|nextlink|@odata\.nextlink|continue|continuation_?token|next_?marker)$/i;

/** What in a page says another page follows, or undefined. Looks at the body's top level and one level down. */
export function morePagesSignal(ctx: PageContext): string | undefined {
  if (linkTarget(ctx.page.headers.link, 'next')) return 'a Link header with rel="next"';
  const scan = (node: unknown, prefix: string, depth: number): string | undefined => {
    if (!node || typeof node !== 'object' || Array.isArray(node) || depth > 2) return undefined;
    for (const [name, value] of Object.entries(node as Record<string, unknown>)) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (value === true && MORE_FLAG.test(name)) return `"${path}": true`;
      if (value === false && LAST_FLAG.test(name)) return `"${path}": false`;
      if (((typeof value === 'string' && value !== '') || (typeof value === 'number' && depth > 1)) && NEXT_VALUE.test(name)) return `a next position in "${path}"`;
      const deeper = scan(value, path, depth + 1);
      if (deeper) return deeper;
    }
    return undefined;
  };
  return scan(ctx.page.body, '', 1);
}

export const nonePaginator: PaginatorBehaviour<PaginatorOf<'none'>> = {
  first: (_p, url) => url,
  next: (_p, ctx) => {
    const signal = morePagesSignal(ctx);
    if (signal) throw new FetcherError('more-pages-unread', ctx.requestUrl, { signal });
    return undefined;
  },
};
