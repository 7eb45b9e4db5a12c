import { FetcherError } from '../errors.ts';
import { valueAt } from '../json-path.ts';

/**
 * template fetchwright/paginator-signal@3 — reads a page's documented end-of-list field, failing
 * closed: a `more`/`isLast` flag that is not a boolean, or a total or page count that is not a
 * number, is a finding — the end of the list cannot be known, so the stream is incomplete rather
 * than silently stopped after one page.
 */

function found(value: unknown): string {
  return value === undefined ? 'nothing' : value === null ? 'null' : `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

/** The boolean at `path` (a `more` or `isLast` flag). */
export function flagAt(body: unknown, path: string, url: string): boolean {
  const value = valueAt(body, path);
  if (typeof value === 'boolean') return value;
  throw new FetcherError(value === undefined || value === null ? 'stop-signal-missing' : 'pagination-value-invalid', url, { path, found: found(value) });
}

/** The count at `path` (a total or a page count); a numeric string is accepted. */
export function countAt(body: unknown, path: string, url: string): number {
  const value = valueAt(body, path);
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (Number.isFinite(n) && n >= 0) return n;
  throw new FetcherError(value === undefined || value === null ? 'stop-signal-missing' : 'pagination-value-invalid', url, { path, found: found(value) });
}

/** The stop fields offset and page-number paging share. */
export interface StopFields {
  stop: string;
  more_path?: string | undefined;
  last_path?: string | undefined;
  total_path?: string | undefined;
}

/**
 * Whether a page ends the list by its documented stop field — `more` false, `isLast` true, or
 * `seen` records reaching `total` — for the stops offset and page numbers share; false for any
 * other stop. Throws `list-ended-early` when the page is empty while that field says more follow.
 */
export function endsList(p: StopFields, body: unknown, url: string, empty: boolean, seen: number): boolean {
  let ends: boolean;
  let signal: string;
  if (p.stop === 'has-more-field') {
    ends = !flagAt(body, p.more_path ?? 'more', url);
    signal = `"${p.more_path ?? 'more'}": true`;
  } else if (p.stop === 'last-field') {
    ends = flagAt(body, p.last_path ?? 'isLast', url);
    signal = `"${p.last_path ?? 'isLast'}": false`;
  } else if (p.stop === 'total') {
    const total = countAt(body, p.total_path ?? 'total', url);
    ends = seen >= total;
    signal = `a total of ${total} (${seen} came)`;
  } else return false;
  if (!ends && empty) throw new FetcherError('list-ended-early', url, { signal });
  return ends;
}

/**
 * The next position or next URL at a dotted path of the body, or undefined at the end (absent,
 * `null` or `''`). The path's first step must be there: a page without `response_metadata` at all
 * says nothing about the end, so that is a finding, not the last page.
 */
export function positionAt(body: unknown, path: string, url: string): string | undefined {
  const [top] = path.split('.');
  if (path.includes('.') && valueAt(body, top!) === undefined) throw new FetcherError('stop-signal-missing', url, { path, found: `no "${top}"` });
  return positionOf(valueAt(body, path), path, url);
}

/** The next position or next URL at `value`, or undefined at the end (absent, `null` or `''`). */
export function positionOf(value: unknown, path: string, url: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new FetcherError('pagination-value-invalid', url, { path, found: found(value) });
}
