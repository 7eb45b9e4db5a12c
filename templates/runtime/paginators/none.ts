import type { PaginatorOf } from '../contract.ts';
import { FetcherError } from '../errors.ts';
import { linkTarget } from '../url.ts';
import type { PageContext, PaginatorBehaviour } from './types.ts';

/**
 * template fetchwright/paginator-none@5 — one page. Fail closed: when the response itself says more
 * pages follow — a `Link` header with `rel="next"`, a `has_more`-style flag that is true, a next
 * cursor or next URL that is not empty, a total count above the records it holds, a page count
 * above one — reading one page would lose records, so that is a finding.
 */

const MORE_FLAG = /^(has[_-]?more|more|has[_-]?next|has[_-]?next[_-]?page|has[_-]?more[_-]?items|more[_-]?results|is[_-]?truncated|truncated)$/i;
const LAST_FLAG = /^(is[_-]?last|is[_-]?last[_-]?page|last[_-]?page[_-]?reached)$/i;
const NEXT_VALUE = /^(next|next[_-]?cursor|next[_-]?token|next[_-]?page[_-]?token|next[_-]?page|next[_-]?url|next[_-]?uri|next[_-]?link|next[_-]?page[_-]?url|next[_-]?page[_-]?uri|nextlink|@odata\.nextlink|continue|continuation[_-]?token|next[_-]?marker)$/i;
const TOTAL_COUNT = /^(total|total[_-]?count|total[_-]?results|total[_-]?items|total[_-]?records|total[_-]?elements|total[_-]?size|total[_-]?entries)$/i;
const PAGE_COUNT = /^(total[_-]?pages|pages|page[_-]?count|num[_-]?pages)$/i;
const TOTAL_HEADER = /^(x-)?(total-?count|total|result-?count|total-?results)$/i;

const truthy = (v: unknown) => v === true || v === 'true';
const falsy = (v: unknown) => v === false || v === 'false';
const count = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN);

/** What in a page says another page follows, or undefined. Looks at the headers and the body to three levels down. */
export function morePagesSignal(ctx: PageContext): string | undefined {
  if (linkTarget(ctx.page.headers.link, 'next')) return 'a Link header with rel="next"';
  for (const [name, value] of Object.entries(ctx.page.headers)) {
    if (TOTAL_HEADER.test(name) && count(value) > ctx.records.length) return `a ${name} header of ${value}, above the ${readSoFar(ctx.records.length)}`;
  }
  const scan = (node: unknown, prefix: string, depth: number): string | undefined => {
    if (!node || typeof node !== 'object' || Array.isArray(node) || depth > 3) return undefined;
    for (const [name, value] of Object.entries(node as Record<string, unknown>)) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (truthy(value) && MORE_FLAG.test(name)) return `"${path}": true`;
      if (falsy(value) && LAST_FLAG.test(name)) return `"${path}": false`;
      if (NEXT_VALUE.test(name)) {
        const href = value && typeof value === 'object' ? (value as Record<string, unknown>).href : value;
        if ((typeof href === 'string' && href !== '') || (typeof href === 'number' && Number.isFinite(href))) return `a next position in "${path}"`;
      }
      if (TOTAL_COUNT.test(name) && count(value) > ctx.records.length) return `"${path}": ${count(value)}, above the ${readSoFar(ctx.records.length)}`;
      if (PAGE_COUNT.test(name) && count(value) > 1) return `"${path}": ${count(value)} pages`;
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

/** "1 record read", "3 records read". */
function readSoFar(n: number): string {
  return `${n} ${n === 1 ? 'record' : 'records'} read`;
}
