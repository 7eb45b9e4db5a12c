import type { Pagination } from '../connector-plan.ts';
import { reasoned } from '../evidence.ts';
import { detectCursor } from './cursor.ts';
import { detectLinkHeader } from './link-header.ts';
import { detectNextUrl } from './next-url.ts';
import { detectOffset } from './offset.ts';
import { detectPageNumber } from './page-number.ts';
import type { PaginationSignals } from './signals.ts';

/** The detectors, each a small function over the same signals; adding a style is adding a line. */
export const DETECTORS = [detectNextUrl, detectCursor, detectLinkHeader, detectOffset, detectPageNumber];

export interface PaginationChoice {
  best: Pagination;
  alternatives: Pagination[];
}

/** Runs every detector; the best-supported reading wins, the rest are the next-best hypotheses. */
export function detectPagination(s: PaginationSignals): PaginationChoice {
  const found = DETECTORS.flatMap((d) => d(s)).sort((a, b) => b.confidence - a.confidence);
  const none: Pagination = {
    style: 'none',
    evidence: [reasoned(s.op.source, found.length ? 'a last resort: one page only, should every other reading of the docs\' pagination fail' : 'the planner found no paging it can follow in this operation\'s parameters, response body or headers: one page; if the docs do page it, the proof says so')],
    confidence: found.length ? 0.2 : 0.7,
  };
  const [best, ...rest] = found;
  return best ? { best, alternatives: [...rest, none] } : { best: none, alternatives: [] };
}
