import type { StopCondition } from '../contract.ts';
import { countAt, flagAt } from './signal.ts';
import type { PageContext } from './types.ts';

/**
 * template fetchwright/paginator-stops@2 — the stop conditions, each a small wrapper around the
 * position source that reads one documented end-of-list signal of a page:
 *
 * - `no-next`: the source has no next position (no `Link` rel="next", an empty cursor or next URL) —
 *   judged where the source is (index.ts), silent here;
 * - `empty-page`: the page holds no records;
 * - `short-page`: the page holds fewer records than the page size asked for;
 * - `total-reached`: as many records came as the body's total counts;
 * - `more-false` / `last-true`: the body's `has_more` flag is false / its `isLast` flag is true;
 * - `page-count`: as many pages were read as the body's page count says.
 *
 * Each says `ends`, `more` (only a body signal can say more records follow: a flag, a total, a page
 * count) or `silent`. A body signal that is missing or not of its type throws (`stop-signal-missing`,
 * `pagination-value-invalid`): the end of the list cannot be known, so it is never guessed.
 */

export type StopVerdict = { says: 'ends' | 'silent' } | { says: 'more'; signal: string };

/** What the stop conditions see: the page, and the running counts of the read so far (this page included). */
export interface StopContext {
  ctx: PageContext;
  /** Records received so far, this page's included. */
  seen: number;
  /** Pages read so far, this one included. */
  pages: number;
  /** The page size asked for, when the plan sends one. */
  requested: number | undefined;
}

const ends: StopVerdict = { says: 'ends' };
const silent: StopVerdict = { says: 'silent' };
const more = (signal: string): StopVerdict => ({ says: 'more', signal });

/** One stop condition's verdict on a page. Throws a FetcherError when the signal it reads is missing or malformed. */
export function judgeStop(stop: StopCondition, s: StopContext): StopVerdict {
  const { ctx } = s;
  const url = ctx.requestUrl;
  switch (stop.when) {
    case 'no-next':
      // Judged by the composition (index.ts), which alone knows the source's next position.
      return silent;
    case 'empty-page':
      return ctx.records.length === 0 ? ends : silent;
    case 'short-page':
      return s.requested !== undefined && ctx.records.length < s.requested ? ends : silent;
    case 'more-false':
      return flagAt(ctx.page.body, stop.path, url) ? more(`"${stop.path}": true`) : ends;
    case 'last-true':
      return flagAt(ctx.page.body, stop.path, url) ? ends : more(`"${stop.path}": false`);
    case 'total-reached': {
      const total = countAt(ctx.page.body, stop.path, url);
      return s.seen >= total ? ends : more(`"${stop.path}": ${total} (${s.seen} came)`);
    }
    case 'page-count': {
      const pages = countAt(ctx.page.body, stop.path, url);
      return s.pages >= pages ? ends : more(`"${stop.path}": ${pages} pages (${s.pages} read)`);
    }
  }
}
