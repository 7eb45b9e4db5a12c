import { valueAt } from './json-path.ts';

/**
 * template fetchwright/select-records@1 — the records of a page at the stream's items path. A page
 * whose records are not where the docs said is schema drift: counted, never silently dropped.
 */
export function selectRecords(body: unknown, itemsPath: string): { records: unknown[]; drift: boolean } {
  const found = valueAt(body, itemsPath);
  if (Array.isArray(found)) return { records: found, drift: false };
  if (found === undefined || found === null) return { records: [], drift: itemsPath !== '' || body !== null };
  return { records: [], drift: true };
}
