import { FetcherError } from './errors.ts';
import type { Page } from './http.ts';
import { valueAt } from './json-path.ts';

/**
 * template fetchwright/select-records@6 — the records of a page, at the stream's items path, or a
 * finding when the page is not the shape the plan expects. Fail closed: an empty result is
 * accepted only in a shape the plan expects — `[]` (or `{}` for a map) at the items path, a `null`
 * list or a 204 where the docs allow one, the records' key left out beside a total of 0 where the
 * docs show that answer — never because the records were somewhere else.
 *
 * Records may be a list, or the values of a map keyed by data (`{"svc-a": {…}, "svc-b": {…}}`,
 * JupyterHub's `/services`) where the plan says so: then the records are the map's values in key
 * order, and a record that lacks the plan's key field gets the entry's key there. A list where a
 * map is planned, or a map where a list is planned, is a finding.
 */

export interface EmptyShapes {
  /** The docs allow `204 No Content` for this list. */
  no_content: boolean;
  /** The docs allow the list itself to be `null`. */
  null_items: boolean;
  /**
   * The body field holding the list's total, where the docs show the records' key left out of an
   * empty answer: a body without the key whose field there is the number 0 is the empty list. Any
   * other body without the key (a total above 0, no total) is still a finding.
   */
  absent_at_zero?: string;
}

/** Field names of a body that never hold the records (errors, links, metadata). */
const NOT_RECORDS = /^(errors?|warnings?|messages?|links|_links|meta|_meta|metadata|included|_embedded)$/i;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') {
    const values = Object.values(value as Record<string, unknown>);
    // A map keyed by name (`{"alice": {…}, "bob": {…}}`) is a list the plan did not expect.
    if (values.length > 0 && values.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) return `a map of ${values.length} records keyed by name`;
    const names = Object.keys(value as Record<string, unknown>);
    return `an object with ${names.length} field${names.length === 1 ? '' : 's'} (${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''})`;
  }
  return `a ${typeof value}`;
}

/** The first other non-empty list of objects in the body (to depth 3), as evidence the records are elsewhere. */
function otherRecords(body: unknown, itemsPath: string, prefix = '', depth = 1): { path: string; count: number } | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body) || depth > 3) return undefined;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (path === itemsPath || NOT_RECORDS.test(name)) continue;
    if (Array.isArray(value) && value.some((v) => v !== null && typeof v === 'object')) return { path, count: value.length };
    const deeper = otherRecords(value, itemsPath, path, depth + 1);
    if (deeper) return deeper;
  }
  return undefined;
}

const TROUBLE_FIELD = /^(error|errors|error_?message|error_?description|fault|failures?)$/i;
const PARTIAL_FLAG = /^(partial|is_?partial|partial_?results|incomplete|is_?incomplete|incomplete_?results)$/i;

/**
 * What a successful page's body says went wrong beside its list, or undefined: `"ok": false`, a
 * non-empty `error`/`errors`, or a `partial`/`incomplete_results` flag that is true. A page that
 * says so is not a complete page, whatever records it holds.
 */
export function troubleIn(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (name === 'ok' && value === false) return '"ok": false';
    if (PARTIAL_FLAG.test(name) && value === true) return `"${name}": true`;
    if (!TROUBLE_FIELD.test(name) || value === undefined || value === null || value === false || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    return `"${name}": ${JSON.stringify(value).slice(0, 120)}`;
  }
  return undefined;
}

/** Whether a value is a JSON object (not an array, not null). */
function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The records of a map keyed by data: its values in key order (code-unit order, so a run's output
 * does not depend on the order the server wrote the keys in), each a record; a record without
 * `keyField` (absent or null) gets its entry's key there. Throws `items-path-not-a-map` when a value
 * is not a record, or holds a `keyField` other than its key.
 */
function mapValues(map: Record<string, unknown>, keyField: string | null, itemsPath: string, url: string): unknown[] {
  const keys = Object.keys(map).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const records: unknown[] = [];
  for (const key of keys) {
    const value = map[key];
    // An entry's key is data: it is never put in a finding.
    if (!isObject(value)) throw new FetcherError('items-path-not-a-map', url, { items_path: itemsPath, key_field: keyField, found: `an object whose values are not all records (one is ${describe(value)})` });
    const own = keyField === null ? undefined : Object.hasOwn(value, keyField) ? value[keyField] : undefined;
    // The key field was planned because it always equalled the key: an entry where it does not could
    // stand in for another (two entries, one id, one record hidden), so the page is not trusted.
    if (own !== undefined && own !== null && String(own) !== key) {
      throw new FetcherError('items-path-not-a-map', url, { items_path: itemsPath, key_field: keyField, found: `an entry whose "${keyField}" is not its key` });
    }
    if (keyField === null || (own !== undefined && own !== null)) records.push(value);
    else records.push({ ...value, [keyField]: key });
  }
  return records;
}

/**
 * The records of one page: at `itemsPath` (dotted; `''` is the body), a list — or, with `container`
 * `map`, the values of an object keyed by data, `mapKeyField` filled from each key where a record
 * lacks it. Throws a FetcherError (finding) for a page not in the planned shape: `unexpected-status`
 * (a 204 the docs do not allow), `items-path-missing`, `items-path-not-a-list`,
 * `items-path-not-a-map`, `records-elsewhere` (an empty list beside another list of records).
 */
export function selectRecords(page: Page, itemsPath: string, empty: EmptyShapes, url: string, container: 'array' | 'map' = 'array', mapKeyField: string | null = null): unknown[] {
  if (page.status === 204) {
    if (empty.no_content) return [];
    throw new FetcherError('unexpected-status', url, { status: 204, message: 'No Content, which the docs do not give for this list' });
  }
  const found = valueAt(page.body, itemsPath);
  if (container === 'map') {
    if (isObject(found)) {
      const records = mapValues(found, mapKeyField, itemsPath, url);
      const other = records.length === 0 ? otherRecords(page.body, itemsPath) : undefined;
      if (other) throw new FetcherError('records-elsewhere', url, { items_path: itemsPath, other_path: other.path, count: other.count });
      return records;
    }
    if (found === null && empty.null_items) return [];
    if (found === undefined || found === null) throw new FetcherError('items-path-missing', url, { items_path: itemsPath, container, found: found === null ? 'null' : describe(page.body) });
    throw new FetcherError('items-path-not-a-map', url, { items_path: itemsPath, key_field: mapKeyField, found: describe(found) });
  }
  if (Array.isArray(found)) {
    if (found.length === 0) {
      const other = otherRecords(page.body, itemsPath);
      if (other) throw new FetcherError('records-elsewhere', url, { items_path: itemsPath, other_path: other.path, count: other.count });
    }
    return found;
  }
  if (found === null && empty.null_items) return [];
  if (found === undefined && empty.absent_at_zero !== undefined && itemsPath !== '' && valueAt(page.body, empty.absent_at_zero) === 0) return [];
  if (found === undefined || found === null) throw new FetcherError('items-path-missing', url, { items_path: itemsPath, found: found === null ? 'null' : describe(page.body) });
  throw new FetcherError('items-path-not-a-list', url, { items_path: itemsPath, found: describe(found) });
}
