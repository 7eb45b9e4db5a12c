/** template fetchwright/json-path@1 — reads a dotted path (`response_metadata.next_cursor`) from parsed JSON. */

export function valueAt(value: unknown, dotted: string): unknown {
  if (dotted === '') return value;
  let current: unknown = value;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
