import { FetchwrightError } from '../errors.ts';

/**
 * The ApiModel's size, bounded. A document is bounded on disk (`MAX_DOC_BYTES`), but the model repeats
 * what a `$ref` points at in every place that uses it: one response with large examples, referenced by
 * every operation (or by a thousand status codes of each), turns a 2 MB file into gigabytes of model
 * that is then hashed, planned from and written. The budget counts the model as it is built, in
 * characters of its JSON form, and refuses the docs (`unreadable-docs`, exit 4) once they pass
 * {@link MAX_MODEL_CHARS}, before the memory or the time is spent.
 */

/**
 * Most characters the ApiModel's JSON may hold: 256 MiB, twenty times the largest real description's
 * model (Kubernetes, ~13 MB) and under the longest string V8 can build (~512 MiB).
 */
export const MAX_MODEL_CHARS = 256 * 1024 * 1024;

/**
 * Characters of `value`'s JSON form (string escapes not counted), counting a shared object once per
 * place it appears, as serialising does; stops counting, and returns a number above `limit`, once it
 * passes `limit`. Walks without recursion; a value that contains itself counts as over the limit.
 */
export function jsonChars(value: unknown, limit: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  const path = new Set<object>();
  const exits: (object | undefined)[] = [undefined];
  while (stack.length) {
    const node = stack.pop();
    const exit = exits.pop();
    if (exit) {
      path.delete(exit);
      continue;
    }
    if (typeof node === 'string') total += node.length + 2;
    else if (typeof node === 'number' || typeof node === 'boolean' || typeof node === 'bigint') total += String(node).length;
    else if (node === null || node === undefined) total += 4;
    else if (typeof node === 'object') {
      if (path.has(node)) return limit + 1;
      path.add(node);
      stack.push(undefined);
      exits.push(node);
      total += 2;
      if (Array.isArray(node)) {
        total += node.length;
        for (const child of node) {
          stack.push(child);
          exits.push(undefined);
        }
      } else {
        for (const [key, child] of Object.entries(node)) {
          total += key.length + 4;
          stack.push(child);
          exits.push(undefined);
        }
      }
    }
    if (total > limit) return total;
  }
  return total;
}

/** What the model has used of {@link MAX_MODEL_CHARS}; one per ingest, shared by every spec of a folder. */
export class ModelBudget {
  private used = 0;
  private readonly limit: number;

  constructor(limit = MAX_MODEL_CHARS) {
    this.limit = limit;
  }

  /**
   * Adds `part` (one operation, or one schema) to the model's size. Throws `unreadable-docs` (exit 4)
   * naming `file` and the JSON pointer of the part that passed the limit.
   */
  charge(part: unknown, file: string, pointer: string): void {
    this.used += jsonChars(part, this.limit - this.used);
    if (this.used <= this.limit) return;
    throw new FetchwrightError(
      'unreadable-docs',
      `${file} expands to more than ${Math.round(this.limit / 1048576)} MB once its $refs are followed (the limit was passed at ${pointer.length > 200 ? `${pointer.slice(0, 200)}…` : pointer})`,
      {
        file,
        at: pointer,
        hint: 'Its $refs repeat large shared parts (examples, descriptions, parameters) in every place that uses them; no real API description expands this far. Use the vendor\'s published description, or pass only the part that describes identities.',
      },
    );
  }
}
