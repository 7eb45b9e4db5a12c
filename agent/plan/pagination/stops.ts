import type { StopCondition } from '../../../templates/slots/pagination.ts';
import type { Evidence } from '../connector-plan.ts';
import { excerpt, quoted } from '../evidence.ts';
import { fieldEvidence, fieldNamed, type BodyField, type PaginationSignals } from './signals.ts';
import { COUNT_SOMETIMES, EMPTY_PAGE_PROSE, LAST_FIELD, MORE_FIELD, PAGES_FIELD, PAGES_PROSE, SHORT_PAGE_PROSE, THIS_PAGE_COUNT, TOTAL_FIELD, TOTAL_PROSE } from './vocabulary.ts';

/**
 * Every end-of-list signal the docs document for one operation, as stop conditions: a `has_more`
 * flag, an `isLast` flag, a total of records, a page count — read from the response body's fields
 * — and a short or empty page, read from the prose (the operation's, its parameters', the docs'
 * pagination section). Each comes with its evidence. The runtime ends the list when any says so and
 * fails closed when they disagree, so planning every one of them is what keeps a connector from
 * asking for a page past the end.
 */

export interface DocumentedStops {
  stops: StopCondition[];
  evidence: Evidence[];
}

const numeric = (f: BodyField) => !f.node.type || f.node.type.some((t) => t === 'integer' || t === 'number');

/**
 * A count the docs say may be null or left out ("`total` … is set to `null` by default", a nullable
 * schema): not a dependable end of the list, so it is not planned — the runtime would fail closed on
 * every page that leaves it out.
 */
function dependableCount(s: PaginationSignals, f: BodyField): boolean {
  if (f.node.nullable) return false;
  const word = new RegExp(`(^|[^A-Za-z0-9_])${f.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`);
  return ![f.node.description, ...s.params.map((p) => p.description)].some((t) => !!t && word.test(t) && COUNT_SOMETIMES.test(t));
}

/** The body's stop fields and the prose's page-size stops, in a fixed order: flags, counts, then page sizes. */
export function documentedStops(s: PaginationSignals, options: { pageSize?: number | undefined } = {}): DocumentedStops {
  const stops: StopCondition[] = [];
  const evidence: Evidence[] = [];
  const more = fieldNamed(s, MORE_FIELD, 'boolean');
  if (more) {
    stops.push({ when: 'more-false', path: more.path });
    evidence.push(fieldEvidence(s, more, `paging stops when the body's ${more.path} is false`));
  }
  const last = fieldNamed(s, LAST_FIELD, 'boolean');
  if (last) {
    stops.push({ when: 'last-true', path: last.path });
    evidence.push(fieldEvidence(s, last, `paging stops when the body's ${last.path} is true`));
  }
  const pages = fieldNamed(s, PAGES_FIELD) ?? s.fields.find((f) => numeric(f) && PAGES_PROSE.test(f.node.description ?? ''));
  const pagesUsable = pages && numeric(pages) && !THIS_PAGE_COUNT.test(pages.node.description ?? '') && dependableCount(s, pages);
  const total = s.fields.find((f) => f !== pages && numeric(f) && (TOTAL_FIELD.test(f.name) || TOTAL_PROSE.test(f.node.description ?? '')) && !PAGES_PROSE.test(f.node.description ?? '') && !THIS_PAGE_COUNT.test(f.node.description ?? '') && dependableCount(s, f));
  if (total) {
    stops.push({ when: 'total-reached', path: total.path });
    evidence.push(fieldEvidence(s, total, `paging stops once the body's ${total.path} records are fetched`));
  }
  if (pages && pagesUsable) {
    stops.push({ when: 'page-count', path: pages.path });
    evidence.push(fieldEvidence(s, pages, `paging stops after the page the body's ${pages.path} names`));
  }
  const texts = proseOf(s);
  if (options.pageSize !== undefined) {
    const short = texts.find((t) => SHORT_PAGE_PROSE.test(t.text));
    if (short) {
      stops.push({ when: 'short-page' });
      evidence.push(quoted(short.source, excerpt(short.text, SHORT_PAGE_PROSE), 'the docs say a page with fewer records than the page size asked for is the last'));
    }
  }
  const empty = texts.find((t) => EMPTY_PAGE_PROSE.test(t.text));
  if (empty) {
    stops.push({ when: 'empty-page' });
    evidence.push(quoted(empty.source, excerpt(empty.text, EMPTY_PAGE_PROSE), 'the docs say an empty page ends the list'));
  }
  return { stops, evidence };
}

/** The operation's own prose, its query parameters' and the docs' pagination prose, each with where it is. */
function proseOf(s: PaginationSignals): { text: string; source: PaginationSignals['op']['source'] }[] {
  return [
    ...(s.op.description ? [{ text: s.op.description, source: s.op.source }] : []),
    ...s.params.filter((p) => p.description).map((p) => ({ text: p.description!, source: p.source })),
    ...s.prose.map((p) => ({ text: p.text, source: p.source })),
  ];
}

/** True when a stop condition of this kind is in the list. */
export function hasStop(stops: StopCondition[], when: StopCondition['when']): boolean {
  return stops.some((s) => s.when === when);
}
