import type { Paginator, StopCondition } from '../contract.ts';
import { FetcherError } from '../errors.ts';
import { withQuery } from '../url.ts';
import { cursorPaginator } from './cursor.ts';
import { linkHeaderPaginator } from './link-header.ts';
import { nextUrlPaginator } from './next-url.ts';
import { nonePaginator } from './none.ts';
import { offsetPaginator } from './offset.ts';
import { pagePaginator } from './page.ts';
import { countAt } from './signal.ts';
import { judgeStop, type StopContext } from './stops.ts';
import type { PageContext, PaginatorBehaviour, PaginatorState } from './types.ts';

/**
 * template fetchwright/paginators@4 — composes a paginator from its parts: the position source (the
 * style → behaviour table), the page-size option sent on the first request, and the stop conditions
 * around the source. After each page every stop condition is judged; the stream ends when any says
 * so. Fail closed, never a silent stop: a body signal that says more records follow while another
 * condition ends the list (an empty page while `has_more` is true), or while the source has no next
 * position, is `list-ended-early`, and so is a short page while the server gives a next position (a
 * server that caps the page size below the size asked for would otherwise lose every later page); a
 * source with no next position that no planned condition accounts for is `stop-signal-missing`.
 */
const SOURCES = {
  'link-header': linkHeaderPaginator,
  cursor: cursorPaginator,
  offset: offsetPaginator,
  page: pagePaginator,
  'next-url': nextUrlPaginator,
  none: nonePaginator,
};

function sourceOf(p: Paginator): PaginatorBehaviour<Paginator> {
  return SOURCES[p.style] as PaginatorBehaviour<Paginator>;
}

/** The page-size option: its parameter and size, when the plan sends one. */
function pageSizeOption(p: Paginator): { param: string; size: number } | undefined {
  if (p.style === 'none') return undefined;
  const param = p.style === 'page' ? p.size_param : p.limit_param;
  return param !== undefined && p.page_size !== undefined ? { param, size: p.page_size } : undefined;
}

/** The first request's URL: the source's first position and the page-size option. */
export function firstUrl(p: Paginator, url: string, state: PaginatorState): string {
  state.seen = 0;
  state.pages = 0;
  const first = sourceOf(p).first(p, url, state);
  const option = pageSizeOption(p);
  return option ? withQuery(first, { [option.param]: option.size }) : first;
}

/** The next page's URL, or undefined when a stop condition ends the list. Throws a FetcherError when the page's signals cannot be trusted. */
export function nextUrl(p: Paginator, ctx: PageContext, state: PaginatorState): string | undefined {
  if (p.style === 'none') return nonePaginator.next(p, ctx, state);
  state.seen = (state.seen ?? 0) + ctx.records.length;
  state.pages = (state.pages ?? 0) + 1;
  const judge: StopContext = { ctx, seen: state.seen, pages: state.pages, requested: pageSizeOption(p)?.size };
  const body = p.stops.filter((s) => s.when !== 'no-next');
  const verdicts = body.map((s) => ({ stop: s, verdict: judgeStop(s, judge) }));
  const more = verdicts.find((v) => v.verdict.says === 'more');
  const moreSignal = more && more.verdict.says === 'more' ? more.verdict.signal : undefined;
  const ender = verdicts.find((v) => v.verdict.says === 'ends');
  if (ender) {
    if (moreSignal !== undefined) throw ended(ctx, moreSignal, ender.stop);
    // A short page is the docs' word for the end; a next position the server itself gives says otherwise.
    if (verdicts.every((v) => v.verdict.says !== 'ends' || v.stop.when === 'short-page' || overshot(v.stop, ctx, state)) && serverNext(p, ctx, state) !== undefined) throw ended(ctx, 'the server\'s next position', ender.stop);
    return undefined;
  }
  if (ctx.records.length === 0 && moreSignal !== undefined) throw ended(ctx, moreSignal, { when: 'empty-page' });
  const next = sourceOf(p).next(p, ctx, state);
  if (next !== undefined) return next;
  if (moreSignal !== undefined) throw ended(ctx, moreSignal, { when: 'no-next' });
  if (p.stops.some((s) => s.when === 'no-next')) return undefined;
  throw new FetcherError('stop-signal-missing', ctx.requestUrl, { path: 'a next position', found: 'none, and no documented stop says the list ended' });
}

/**
 * A total or page count the list already went past (more records, or more pages, came than it
 * says): a count that stands below what was read is no proof of the end, so a next position the
 * server still gives wins over it (a capped total, as search APIs report one).
 */
function overshot(stop: StopCondition, ctx: PageContext, state: PaginatorState): boolean {
  if (stop.when !== 'total-reached' && stop.when !== 'page-count') return false;
  // The count was read by the stop's own verdict just before (a bad one threw there).
  const n = countAt(ctx.page.body, stop.path, ctx.requestUrl);
  return stop.when === 'total-reached' ? (state.seen ?? 0) > n : (state.pages ?? 0) > n;
}

/**
 * The next position the server gives (a next link, a `Link` rel="next", a cursor in the body or a
 * header), or undefined — also for positions the paginator computes itself (offset, page, keyset
 * from the last record), and when the page gives none in the expected shape.
 */
function serverNext(p: Paginator, ctx: PageContext, state: PaginatorState): string | undefined {
  const given = p.style === 'next-url' || p.style === 'link-header' || (p.style === 'cursor' && p.last_record_path === undefined);
  if (!given) return undefined;
  try {
    return sourceOf(p).next(p, ctx, { ...state });
  } catch {
    return undefined;
  }
}

/** `list-ended-early`: a condition ended the list while a body signal says more records follow. */
function ended(ctx: PageContext, signal: string, by: StopCondition): FetcherError {
  const how: Record<StopCondition['when'], string> = {
    'no-next': 'a page with no next position',
    'empty-page': 'an empty page',
    'short-page': `a short page (${ctx.records.length} records)`,
    'total-reached': 'a total reached',
    'more-false': 'a has-more flag that is false',
    'last-true': 'a last-page flag that is true',
    'page-count': 'the page count reached',
  };
  return new FetcherError('list-ended-early', ctx.requestUrl, { signal, ended: how[by.when] });
}
