import type { Row } from './datasets.ts';

/**
 * The JSON the mock serves. A page is its records' UTF-8 JSON joined (and set in the envelope the
 * docs describe), each record's bytes made once — when its list is generated (`datasets.ts`), before
 * any request — so serving a page is a join, not a serialisation of every record on it.
 */

/** JSON text of a body, writing 64-bit integers (BigInt) as exact JSON numbers. */
export function jsonText(body: unknown): string {
  // Most bodies hold no BigInt: the plain stringify is several times faster than one with a replacer,
  // and throws a TypeError on the first BigInt, which sends the body down the exact path.
  try {
    return JSON.stringify(body);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
  }
  return JSON.stringify(body, (_key, v: unknown) => (typeof v === 'bigint' ? `\u0000fwbig:${v}` : v)).replace(/"\\u0000fwbig:(-?\d+)"/g, '$1');
}

/** The UTF-8 JSON of each record object served: a record is fixed once its list is generated. */
const recordJson = new WeakMap<object, Buffer>();

/** `jsonText(record)` as UTF-8, kept for a record object (a bare-id record is written each time). */
export function recordBytes(record: Row): Buffer {
  if (typeof record !== 'object' || record === null) return Buffer.from(jsonText(record), 'utf8');
  let bytes = recordJson.get(record);
  if (bytes === undefined) {
    bytes = Buffer.from(jsonText(record), 'utf8');
    recordJson.set(record, bytes);
  }
  return bytes;
}

const OPEN_LIST = Buffer.from('[');
const CLOSE_LIST = Buffer.from(']');
const OPEN_MAP = Buffer.from('{');
const CLOSE_MAP = Buffer.from('}');
const COMMA = Buffer.from(',');

/** A string no generated envelope holds, put where the records go while the envelope is written; its JSON is then replaced by theirs. */
const RECORDS_MARK = '\u0000fw-records\u0000';
const RECORDS_MARK_JSON = JSON.stringify(RECORDS_MARK);

/**
 * `jsonText(body)` as UTF-8, for a page whose records — a list, or a map keyed by data — are
 * `records`, the value at `itemsPath` (dotted; `''`: the body is the records). The same bytes as
 * writing the body whole: JSON.stringify writes a list's items in order joined by commas, an
 * object's own enumerable keys in Object.keys order, and the UTF-8 of a text is the UTF-8 of its parts.
 */
export function pageBytes(body: unknown, records: Row[] | Record<string, Row>, itemsPath: string): Buffer {
  const parts: Buffer[] = [];
  if (Array.isArray(records)) {
    parts.push(OPEN_LIST);
    records.forEach((record, i) => {
      if (i) parts.push(COMMA);
      parts.push(recordBytes(record));
    });
    parts.push(CLOSE_LIST);
  } else {
    parts.push(OPEN_MAP);
    Object.keys(records).forEach((key, i) => {
      if (i) parts.push(COMMA);
      parts.push(Buffer.from(`${JSON.stringify(key)}:`, 'utf8'), recordBytes(records[key]!));
    });
    parts.push(CLOSE_MAP);
  }
  if (itemsPath === '') return Buffer.concat(parts);
  const shell = body !== null && typeof body === 'object' ? jsonText(withRecordsMarked(body as Record<string, unknown>, itemsPath)) : '';
  const at = shell.indexOf(RECORDS_MARK_JSON);
  // The mark is there once unless the envelope itself held that string: then the page is written whole.
  if (at === -1 || shell.indexOf(RECORDS_MARK_JSON, at + 1) !== -1) return Buffer.from(jsonText(body), 'utf8');
  return Buffer.concat([Buffer.from(shell.slice(0, at), 'utf8'), ...parts, Buffer.from(shell.slice(at + RECORDS_MARK_JSON.length), 'utf8')]);
}

/** A copy of `body` along the path to `itemsPath`, the records there replaced by RECORDS_MARK (everything else shared). */
function withRecordsMarked(body: Record<string, unknown>, itemsPath: string): Record<string, unknown> {
  const keys = itemsPath.split('.');
  const copy = { ...body };
  let node = copy;
  for (const key of keys.slice(0, -1)) {
    const child = { ...(node[key] as Record<string, unknown>) };
    node[key] = child;
    node = child;
  }
  node[keys.at(-1)!] = RECORDS_MARK;
  return copy;
}
