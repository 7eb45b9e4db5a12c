import type { SchemaView } from '../../agent/docs-view/schema-view.ts';
import type { ListReading } from './read-list.ts';

/**
 * The mock's own reading of the references a list's records hold to the records of another list the
 * docs give (written for the mock; the planner keeps its own reading of link records): a property
 * whose schema is the very schema another list's records have (`user: $ref Person` beside
 * `GET /people` of Person), or a field named `<noun>_id` / `<noun>Id` where a list without path
 * parameters is named for that noun (`group_id` beside `GET /groups`), or a field named as the key
 * another list's records are addressed by (`email` beside `GET /addresses/{email}`). The mock seeds each with a
 * record of the target list, so a relationship the connector emits points at a seeded identity.
 */

export interface Reference {
  /** The record's property that holds the reference. */
  field: string;
  /** `record`: the property is a whole record of the target; `key`: it holds the target record's key. */
  holds: 'record' | 'key';
  target: ListReading;
  /** For `key`: the target records' field it holds, where the docs say (a field the target list is addressed by); else the target's id-like field. */
  key?: string;
}

const KEY_NAME = /^(.+?)_?(id|Id|ID)$/;

function collectionWord(reading: ListReading): string {
  const last = reading.op.path.split('/').filter((s) => s && !s.includes('{')).at(-1) ?? '';
  return last.replace(/\.\w+$/, '').toLowerCase().replace(/[^a-z]/g, '');
}

function singularWord(word: string): string {
  return word.replace(/ies$/, 'y').replace(/s$/, '');
}

/** The references of `reading`'s records to the records of `lists` (each a list without path parameters). */
export function readReferences(reading: ListReading, lists: ListReading[], view: SchemaView): Reference[] {
  const out: Reference[] = [];
  const roots = lists.filter((l) => l.op !== reading.op && !l.op.path.includes('{'));
  for (const [name, node] of Object.entries(view.properties(reading.items))) {
    const byRecord = node.ref ? roots.find((l) => l.items.ref === node.ref) : undefined;
    if (byRecord) {
      out.push({ field: name, holds: 'record', target: byRecord });
      continue;
    }
    // A field named as the key another list's records are addressed by (`email` where `GET /addresses/{email}` reads one address).
    const addressed = !view.isObject(node) && !view.isArray(node) ? roots.filter((l) => l.keys.includes(name)) : [];
    if (addressed.length === 1) {
      out.push({ field: name, holds: 'key', target: addressed[0]!, key: name });
      continue;
    }
    const m = KEY_NAME.exec(name);
    const stem = m?.[1]!.toLowerCase().replace(/[^a-z]/g, '');
    const byKey = stem ? roots.find((l) => singularWord(collectionWord(l)) === stem) : undefined;
    if (byKey && !view.isObject(node) && !view.isArray(node)) out.push({ field: name, holds: 'key', target: byKey });
  }
  return out;
}
