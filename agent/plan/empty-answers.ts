import type { Operation } from '../ingest/api-model.ts';

/** A body field that counts the list's records (`total_size`, `total`, `count`, `totalCount`). */
const TOTAL_FIELD = /^(total([_-]?(size|count|results|items|entries|records))?|count|num[_-]?results|result[_-]?count|size)$/i;

function at(value: unknown, path: string[]): unknown {
  let v = value;
  for (const step of path) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[step];
  }
  return v;
}

/**
 * Where the docs show an empty answer that leaves the records' key out (GNU Mailman prints
 * `{"http_etag": "…", "start": 0, "total_size": 0}` for a collection with nothing in it, and
 * `{"entries": […], "total_size": 2}` otherwise): the field beside the key, counting the records, that
 * is 0 there — the runtime then reads such a body as the empty list (templates/runtime/select-records.ts,
 * `absent_at_zero`) and any other body without the key as a finding. Read only from the operation's own
 * success examples; undefined when none shows that answer, or the records are the body itself.
 */
export function absentAtZero(op: Operation, itemsPath: string): string | undefined {
  if (!itemsPath) return undefined;
  const steps = itemsPath.split('.');
  const parent = steps.slice(0, -1);
  for (const r of op.responses.filter((x) => /^2/.test(x.status))) {
    for (const example of r.examples) {
      const holder = at(example, parent);
      if (!holder || typeof holder !== 'object' || Array.isArray(holder) || steps.at(-1)! in (holder as object)) continue;
      const zero = Object.entries(holder as Record<string, unknown>).find(([k, v]) => TOTAL_FIELD.test(k) && v === 0);
      if (zero) return [...parent, zero[0]].join('.');
    }
  }
  return undefined;
}
