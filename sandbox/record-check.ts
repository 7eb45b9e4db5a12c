import type { FetchedRecord } from './result.ts';

/**
 * The host's own check of a record arriving from the sandbox as JSON text. The prelude already
 * rejected non-JSON values with a precise path; this is the check that does not trust it: the size in
 * UTF-8 bytes, that the text parses, that it is a plain object, and that it is not nested past the limit.
 */
export type RecordCheck = { ok: true; record: FetchedRecord } | { ok: false; message: string };

export function checkRecord(json: string, maxBytes: number, maxDepth: number): RecordCheck {
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > maxBytes) return { ok: false, message: `a record is ${bytes} bytes as JSON, more than maxRecordBytes (${maxBytes})` };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, message: 'a record arrived that is not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: 'a record must be a JSON object' };
  // Iterative, so a hostile nesting cannot overflow the host's stack.
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > maxDepth) return { ok: false, message: `a record is nested more than ${maxDepth} levels deep` };
    if (Object.hasOwn(node, '__proto__')) return { ok: false, message: 'a record has a "__proto__" key' };
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return { ok: true, record: value as FetchedRecord };
}
