import type { SchemaView } from '../../agent/docs-view/schema-view.ts';
import { generateRecords, seedOf } from '../generate-records.ts';
import type { Dataset, Row } from './datasets.ts';
import type { BodySignal, ListReading } from './list-reading.ts';

/**
 * One page of a list, cut from the served records at the position the request names — by any
 * documented mechanism: a cursor the mock issued, an offset, a page number — and wrapped the way
 * the docs describe: records at the items path, the next cursor, next URL, `more`, `total`, page
 * count and a Link header wherever the docs have them.
 */

export interface PageRequest {
  url: URL;
  /** The mock's page size cap. */
  pageSize: number;
  /** The mock's base path (e.g. `/hub/api`), prefixed to next links. */
  basePath: string;
}

export type PageResult = { ok: true; body: unknown; headers: Record<string, string>; start: number } | { ok: false; status: number; message: string };

const CURSOR_PREFIX = 'fwc_';
/** Carries the position in next links when the docs name no parameter for it (a Link-header-only API). */
export const MOCK_CURSOR_PARAM = 'page_token';

export function encodeCursor(index: number): string {
  return `${CURSOR_PREFIX}${index.toString(36)}`;
}

export function decodeCursor(token: string): number | undefined {
  if (!token.startsWith(CURSOR_PREFIX)) return undefined;
  const n = parseInt(token.slice(CURSOR_PREFIX.length), 36);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
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

function emptyOf(signal: BodySignal): '' | null {
  return signal.node.nullable || !signal.node.type?.includes('string') ? null : '';
}

export function paginated(r: ListReading): boolean {
  return !!(r.params.offset || r.params.page || r.params.cursor || r.linkHeader || r.fields.next.length || r.fields.cursor.length);
}

/** The position and size a request asks for, or an error for a cursor the mock never issued. */
function position(dataset: Dataset, url: URL, pageSize: number): { start: number; size: number } | { error: string } {
  const { params, firstOffset, firstPage } = dataset.reading;
  // Docs that describe no way to reach a second page get the whole list in one.
  if (!paginated(dataset.reading)) return { start: 0, size: Math.max(1, dataset.served.length) };
  const q = url.searchParams;
  const requested = params.limit ? Number(q.get(params.limit.name)) : NaN;
  const size = Number.isInteger(requested) && requested > 0 ? Math.min(requested, pageSize) : pageSize;
  const cursorName = params.cursor?.name ?? MOCK_CURSOR_PARAM;
  const cursor = q.get(cursorName);
  if (cursor) {
    const at = decodeCursor(cursor);
    return at === undefined ? { error: `unknown ${cursorName} "${cursor.slice(0, 40)}": use the value the previous page returned` } : { start: at, size };
  }
  if (params.offset && q.get(params.offset.name) !== null) {
    const offset = Number(q.get(params.offset.name));
    if (!Number.isInteger(offset) || offset < firstOffset) return { error: `${params.offset.name} must be an integer ≥ ${firstOffset}` };
    return { start: offset - firstOffset, size };
  }
  if (params.page && q.get(params.page.name) !== null) {
    const page = Number(q.get(params.page.name));
    if (!Number.isInteger(page) || page < firstPage) return { error: `${params.page.name} must be an integer ≥ ${firstPage}` };
    return { start: (page - firstPage) * size, size };
  }
  return { start: 0, size };
}

/** The URL of the page starting at `index`, carrying the position in the best documented parameter. */
function urlAt(dataset: Dataset, req: PageRequest, index: number, size: number, relative: boolean): string {
  const { params, firstOffset, firstPage } = dataset.reading;
  const next = new URL(req.url.href);
  if (params.cursor) next.searchParams.set(params.cursor.name, encodeCursor(index));
  else if (params.offset) next.searchParams.set(params.offset.name, String(index + firstOffset));
  else if (params.page) next.searchParams.set(params.page.name, String(Math.floor(index / size) + firstPage));
  else next.searchParams.set(MOCK_CURSOR_PARAM, encodeCursor(index));
  return relative ? `${next.pathname}${next.search}` : next.href;
}

/** Body fields outside the records that the docs describe: generated once per list, then fixed. */
function envelope(dataset: Dataset, view: SchemaView): Record<string, unknown> {
  const [shell] = generateRecords(dataset.reading.body, view, { seed: seedOf(dataset.key, 'envelope'), count: 1, missingRate: 0, nullRate: 0 });
  return shell ?? {};
}

export function pageOf(dataset: Dataset, req: PageRequest, view: SchemaView): PageResult {
  const at = position(dataset, req.url, req.pageSize);
  if ('error' in at) return { ok: false, status: 400, message: at.error };
  const { start, size } = at;
  const { reading } = dataset;
  const served = dataset.served;
  const slice: Row[] = served.slice(start, start + size);
  const nextIndex = start + slice.length;
  const more = nextIndex < served.length && slice.length > 0;
  const pages = Math.max(1, Math.ceil(served.length / size));
  const headers: Record<string, string> = {};

  let body: unknown;
  if (reading.itemsPath === '') body = slice;
  else {
    const shell = envelope(dataset, view);
    setAt(shell, reading.itemsPath, slice);
    for (const f of reading.fields.cursor) setAt(shell, f.path, more ? encodeCursor(nextIndex) : emptyOf(f));
    for (const f of reading.fields.next) {
      const relative = typeof f.example === 'string' ? !/^https?:\/\//i.test(f.example) : /_uri$/i.test(f.path);
      setAt(shell, f.path, more ? urlAt(dataset, req, nextIndex, size, relative) : null);
    }
    for (const f of reading.fields.more) setAt(shell, f.path, more);
    for (const f of reading.fields.last) setAt(shell, f.path, !more);
    for (const f of reading.fields.total) setAt(shell, f.path, served.length);
    for (const f of reading.fields.pages) setAt(shell, f.path, pages);
    for (const f of reading.fields.page) setAt(shell, f.path, Math.floor(start / size) + reading.firstPage);
    body = shell;
  }
  if (reading.linkHeader) {
    const links = [`<${req.url.href}>; rel="self"`];
    if (more) links.push(`<${urlAt(dataset, req, nextIndex, size, false)}>; rel="next"`);
    headers.link = links.join(', ');
  }
  return { ok: true, body, headers, start };
}

