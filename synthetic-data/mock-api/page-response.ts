import type { SchemaView } from '../../agent/docs-view/schema-view.ts';
import { generateRecords, seedOf } from '../generate-records.ts';
import { fieldOf, type Dataset, type Row } from './datasets.ts';
import { pageBytes } from './json-text.ts';
import { passes } from './read-filters.ts';
import type { BodyField, ListReading } from './read-list.ts';

/**
 * One page of a list, cut from the served records at the position the request names — by the
 * documented position parameter (a cursor the mock issued, or a record's id for keyset paging), the
 * documented offset or page number — and wrapped the way the docs describe: records at their path,
 * every documented next-position field, next URL, `more`/`isLast` flag, total and page count, and
 * the response headers the docs declare (a `Link` header only where declared or named).
 *
 * Refused as a real API refuses them: a page size above the documented maximum, a position the mock
 * never issued, an offset or page below the first, and — when the docs give a way to know the list
 * ended — a request past the end.
 */

export interface PageRequest {
  url: URL;
  /** The most records the mock puts in a page, whatever the request asks (real servers clamp too). */
  pageCap: number;
}

export type PageResult =
  /** `bytes`: the body as UTF-8 JSON (`jsonText(body)`), built from the records' own bytes (`json-text.ts`). */
  | { ok: true; body: unknown; bytes: Uint8Array; headers: Record<string, string>; start: number }
  | { ok: false; status: number; outcome: 'past-end' | 'page-size-too-large' | 'bad-request'; message: string };

const CURSOR_PREFIX = 'fwc_';
/** Carries the position in next links when the docs name no parameter for it (an API paged only by `Link`). */
export const MOCK_POSITION_PARAM = 'fw_position';

export function encodeCursor(index: number): string {
  return `${CURSOR_PREFIX}${index.toString(36)}`;
}

export function decodeCursor(token: string): number | undefined {
  if (!token.startsWith(CURSOR_PREFIX)) return undefined;
  const n = parseInt(token.slice(CURSOR_PREFIX.length), 36);
  return Number.isInteger(n) && n >= 0 && token === encodeCursor(n) ? n : undefined;
}

function setAt(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object' || Array.isArray(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

/** What a next-position field holds on the last page: `null` where the docs allow it, else `''`. */
function endOf(field: BodyField): '' | null {
  return field.node.nullable || !field.node.type?.includes('string') ? null : '';
}

/** The value of a record's keyset field, for keyset paging (`starting_after` = the last record's `id`); a bare id is its own key. */
function keyOf(record: unknown, field: string | undefined): string | undefined {
  if (typeof record === 'string' || typeof record === 'number' || typeof record === 'bigint') return String(record);
  if (!record || typeof record !== 'object') return undefined;
  const r = record as Record<string, unknown>;
  for (const name of field ? [field] : ['id', 'uid', 'uuid', 'sid', 'key', 'name']) if (typeof r[name] === 'string' || typeof r[name] === 'number' || typeof r[name] === 'bigint') return String(r[name]);
  return undefined;
}

type Position = { start: number; size: number } | { status: number; outcome: 'page-size-too-large' | 'bad-request'; message: string };

/** The position and page size a request asks for. */
function position(dataset: Dataset, url: URL, pageCap: number): Position {
  const { query, paged } = dataset.reading;
  const q = url.searchParams;
  let size = dataset.served.length || 1;
  if (query.size) {
    const raw = q.get(query.size.name);
    if (raw !== null) {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) return { status: 400, outcome: 'bad-request', message: `${query.size.name} must be a positive integer, got "${raw.slice(0, 20)}"` };
      if (query.size.max !== undefined && n > query.size.max) return { status: 400, outcome: 'page-size-too-large', message: `${query.size.name} must be at most ${query.size.max}, got ${n}` };
      size = n;
    } else if (query.size.default !== undefined) size = query.size.default;
  }
  // Docs that describe no way to a second page get the whole list (cut only to a size the request asked for).
  if (!paged) return { start: 0, size };
  // Where the docs say a short page is the last, a page is as long as asked (up to the documented maximum): a clamp would end the list.
  if (!dataset.reading.stops.shortPage) size = Math.min(size, pageCap);
  const positionName = query.position?.name ?? MOCK_POSITION_PARAM;
  const token = q.get(positionName);
  if (token) {
    const at = decodeCursor(token);
    if (at !== undefined) return { start: at, size };
    if (dataset.reading.keyset) {
      const index = dataset.served.findIndex((r) => keyOf(r, dataset.reading.keyset?.field) === token);
      if (index !== -1) return { start: index + 1, size };
    }
    return { status: 400, outcome: 'bad-request', message: `unknown ${positionName} "${token.slice(0, 40)}": send the value the previous page returned` };
  }
  if (query.skip && q.get(query.skip.name) !== null) {
    const offset = Number(q.get(query.skip.name));
    if (!Number.isInteger(offset) || offset < query.skip.first) return { status: 400, outcome: 'bad-request', message: `${query.skip.name} must be an integer ≥ ${query.skip.first}` };
    return { start: offset - query.skip.first, size };
  }
  if (query.pageNumber && q.get(query.pageNumber.name) !== null) {
    const page = Number(q.get(query.pageNumber.name));
    if (!Number.isInteger(page) || page < query.pageNumber.first) return { status: 400, outcome: 'bad-request', message: `${query.pageNumber.name} must be an integer ≥ ${query.pageNumber.first}` };
    return { start: (page - query.pageNumber.first) * size, size };
  }
  return { start: 0, size };
}

/** The URL of the page starting at `index`, carrying the position in the documented parameter. */
function urlAt(dataset: Dataset, url: URL, index: number, size: number): URL {
  const { query, keyset } = dataset.reading;
  const next = new URL(url.href);
  if (query.position) next.searchParams.set(query.position.name, keyset ? (keyOf(dataset.served[index - 1], keyset.field) ?? encodeCursor(index)) : encodeCursor(index));
  else if (query.skip) next.searchParams.set(query.skip.name, String(index + query.skip.first));
  else if (query.pageNumber) next.searchParams.set(query.pageNumber.name, String(Math.floor(index / size) + query.pageNumber.first));
  else next.searchParams.set(MOCK_POSITION_PARAM, encodeCursor(index));
  if (query.pageNumber && (query.position || query.skip)) next.searchParams.set(query.pageNumber.name, String(Math.floor(index / size) + query.pageNumber.first));
  return next;
}

/** A next link as the docs show it: relative (`/2010-04-01/…`) when their example or words say so, else absolute. */
function linkText(field: BodyField, url: URL): string {
  const relative = typeof field.example === 'string' ? field.example.startsWith('/') : /\brelative\b/i.test(field.node.description ?? '') || /_uri$/i.test(field.path);
  return relative ? `${url.pathname}${url.search}` : url.href;
}

/** Top-level envelope fields that report trouble: a successful page carries none. */
const TROUBLE = /^(error|errors|error_?message|error_?description|fault|failures?|warnings?)$/i;
const PARTIAL = /^(partial|is_?partial|partial_?results|incomplete|is_?incomplete|incomplete_?results)$/i;

/**
 * Body fields outside the records that the docs describe: generated once per list, then fixed — as
 * a successful page has them: `ok` true, no error or warning, nothing partial.
 */
function envelope(dataset: Dataset, view: SchemaView): Record<string, unknown> {
  const [shell = {}] = generateRecords(dataset.reading.body, view, { seed: seedOf(dataset.key, 'envelope'), count: 1, missingRate: 0, nullRate: 0 });
  for (const [name, value] of Object.entries(shell)) {
    if (name === 'ok' && typeof value === 'boolean') shell[name] = true;
    else if (PARTIAL.test(name) && typeof value === 'boolean') shell[name] = false;
    else if (TROUBLE.test(name)) shell[name] = Array.isArray(value) ? [] : null;
  }
  return shell;
}

/**
 * Records as a map keyed by data, the way an API that lists by name answers (`{"svc-a": {…}}`): each
 * keyed by its `keyField` value, else by its position in the list (`start` + index).
 */
function asMap(records: Row[], keyField: string | undefined, start: number): Record<string, Row> {
  const map: Record<string, Row> = {};
  records.forEach((record, i) => {
    const key = keyField === undefined ? undefined : fieldOf(record, keyField);
    const text = typeof key === 'string' || typeof key === 'number' || typeof key === 'bigint' ? String(key) : String(start + i);
    Object.defineProperty(map, text, { value: record, enumerable: true, writable: true, configurable: true });
  });
  return map;
}

/** The served records a request's documented filters (or their defaults) let through. */
function filtered(dataset: Dataset, url: URL): Row[] {
  if (!dataset.reading.filters.length) return dataset.served;
  return dataset.served.filter((record) => passes(dataset.reading.filters, url.searchParams, (field) => fieldOf(record, field)));
}

export function pageOf(dataset: Dataset, req: PageRequest, view: SchemaView): PageResult {
  const { reading } = dataset;
  const served = filtered(dataset, req.url);
  const at = position({ ...dataset, served }, req.url, req.pageCap);
  if ('status' in at) return { ok: false, status: at.status, outcome: at.outcome, message: at.message };
  const { start, size } = at;
  if (start > 0 && start >= served.length && reading.stopSignal) {
    return { ok: false, status: 400, outcome: 'past-end', message: `the list has ${served.length} records: there is no page starting at record ${start + 1} (the response said where the list ends)` };
  }
  const slice = served.slice(start, start + size);
  const nextIndex = start + slice.length;
  const more = nextIndex < served.length && slice.length > 0;
  const pages = Math.max(1, Math.ceil(served.length / size));
  const next = more ? urlAt({ ...dataset, served }, req.url, nextIndex, size) : undefined;
  const headers: Record<string, string> = {};

  let body: unknown;
  // A map of records is served keyed by each record's key field (its position when it has none).
  const records = reading.container === 'map' ? asMap(slice, reading.mapKey, start) : slice;
  if (reading.itemsPath === '') body = records;
  else {
    const shell = envelope(dataset, view);
    setAt(shell, reading.itemsPath, records);
    const token = more ? (reading.keyset ? keyOf(slice.at(-1), reading.keyset.field) : encodeCursor(nextIndex)) : undefined;
    for (const f of reading.carriers.fields) setAt(shell, f.path, token ?? endOf(f));
    for (const f of reading.carriers.nextLinks) setAt(shell, f.path, next ? linkText(f, next) : null);
    for (const f of reading.stops.more) setAt(shell, f.path, more);
    for (const f of reading.stops.last) setAt(shell, f.path, !more);
    for (const f of reading.stops.total) setAt(shell, f.path, served.length);
    for (const f of reading.stops.pages) setAt(shell, f.path, pages);
    for (const f of reading.stops.pageEcho) setAt(shell, f.path, Math.floor(start / size) + (reading.query.pageNumber?.first ?? 1));
    body = shell;
  }
  if (reading.carriers.link) {
    const links = [`<${req.url.href}>; rel="self"`];
    if (next) links.push(`<${next.href}>; rel="next"`);
    headers.link = links.join(', ');
  }
  for (const h of reading.carriers.headers) if (more) headers[h.toLowerCase()] = reading.keyset ? (keyOf(slice.at(-1), reading.keyset.field) ?? encodeCursor(nextIndex)) : encodeCursor(nextIndex);
  for (const h of reading.stops.totalHeaders) headers[h.toLowerCase()] = String(served.length);
  for (const h of reading.stops.pagesHeaders) headers[h.toLowerCase()] = String(pages);
  return { ok: true, body, bytes: pageBytes(body, records, reading.itemsPath), headers, start };
}
