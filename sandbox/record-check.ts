import type { FetchedRecord } from './result.ts';

/**
 * The host's own check of a record arriving from the sandbox as JSON text. The prelude already
 * rejected non-JSON values with a precise path; this is the check that does not trust it: the size in
 * UTF-8 bytes, that the text parses, that it is a plain object, and that it is not nested past the limit.
 */
export type RecordCheck = { ok: true; record: FetchedRecord } | { ok: false; message: string };

export function checkRecord(json: string, maxBytes: number, maxDepth: number): RecordCheck {
  // A UTF-16 unit is at most 3 UTF-8 bytes: count exactly only when the record could be too large.
  const bytes = json.length * 3 <= maxBytes ? 0 : Buffer.byteLength(json, 'utf8');
  if (bytes > maxBytes) return { ok: false, message: `a record is ${bytes} bytes as JSON, more than maxRecordBytes (${maxBytes})` };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, message: 'a record arrived that is not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: 'a record must be a JSON object' };
  // Iterative, so a hostile nesting cannot overflow the host's stack; objects and arrays only go on it.
  const nodes: object[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > maxDepth) return { ok: false, message: `a record is nested more than ${maxDepth} levels deep` };
    if (!Array.isArray(node) && Object.hasOwn(node, '__proto__')) return { ok: false, message: 'a record has a "__proto__" key' };
    for (const child of Object.values(node)) {
      if (child === null || typeof child !== 'object') continue;
      nodes.push(child as object);
      depths.push(depth + 1);
    }
  }
  return { ok: true, record: value as FetchedRecord };
}
