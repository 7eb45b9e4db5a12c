import { FetcherError } from '../errors.ts';
import { valueAt } from '../json-path.ts';

/**
 * template fetchwright/paginator-signal@4 — reads a page's documented end-of-list field, failing
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
