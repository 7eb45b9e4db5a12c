import type { SchemaView } from '../docs-view/schema-view.ts';
import type { SchemaNode } from '../ingest/api-model.ts';

/**
 * Whether every record a schema allows has a field: SchemaView folds `oneOf`/`anyOf` branches into
 * one object view (any branch's field is "there"), which is right for reading a field's type but
 * hides a branch without it. Here each alternative is walked on its own (JSON Schema 2020-12 §10.2.1:
 * an instance valid against `oneOf`/`anyOf` need satisfy only one branch; `allOf` parts all hold):
 * the field is `required` when every alternative requires it, `optional` when every alternative
 * declares it but one does not require it, `absent` when some alternative does not declare it.
 */

export type Presence = 'required' | 'optional' | 'absent';

const WORSE: Record<Presence, number> = { required: 0, optional: 1, absent: 2 };

/** The worse of two presences. */
export const worse = (a: Presence, b: Presence): Presence => (WORSE[a] >= WORSE[b] ? a : b);

/** Whether `now` guarantees the field less than `was` did. */
export const lessGuaranteed = (was: Presence, now: Presence): boolean => WORSE[now] > WORSE[was];

/** Alternatives examined per schema: a schema past it is read as its folded view. */
const MAX_VARIANTS = 64;
const MAX_DEPTH = 8;

/** A node's alternatives: refs followed, `oneOf`/`anyOf` branches apart, each with the node's own keywords and `allOf` parts (which may branch too). */
function variants(view: SchemaView, node: SchemaNode | undefined, depth = 0): SchemaNode[] {
  if (!node) return [{}];
  if (depth > MAX_DEPTH) return [node];
  if (node.ref) {
    const target = view.namedSchema(node.ref)?.schema;
    return target ? variants(view, target, depth + 1) : [{}];
  }
  const { oneOf, anyOf, allOf, ...own } = node;
  // Every combination of the `allOf` parts' alternatives, each part folded into one node.
  let bases: SchemaNode[] = [own];
  for (const part of allOf ?? []) {
    const alts = variants(view, part, depth + 1);
    bases = bases.flatMap((b) => alts.map((a) => ({ ...b, allOf: [...(b.allOf ?? []), a] }))).slice(0, MAX_VARIANTS);
  }
  const branches = [...(oneOf ?? []), ...(anyOf ?? [])];
  if (!branches.length) return bases;
  const alts = branches.flatMap((b) => variants(view, b, depth + 1));
  return bases.flatMap((b) => alts.map((a) => ({ ...b, allOf: [...(b.allOf ?? []), a] }))).slice(0, MAX_VARIANTS);
}

/**
 * The presence of the dotted `field` in the records `node` describes. A map's key filling the field
 * is the caller's to know. Never throws.
 */
export function fieldPresence(view: SchemaView, node: SchemaNode | undefined, field: string, depth = 0): Presence {
  const [step, ...rest] = field.split('.');
  let out: Presence = 'required';
  for (const v of variants(view, node)) {
    const r = view.resolve(v);
    const props = r.properties ?? {};
    if (!Object.hasOwn(props, step!)) return 'absent';
    let here: Presence = (r.required ?? []).includes(step!) ? 'required' : 'optional';
    if (rest.length && depth < MAX_DEPTH) here = worse(here, fieldPresence(view, props[step!], rest.join('.'), depth + 1));
    out = worse(out, here);
  }
  return out;
}
