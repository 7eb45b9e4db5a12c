import type { ApiModel, NamedSchema, SchemaNode } from '../ingest/api-model.ts';

/**
 * Read-only views over the ApiModel's schemas for the planners: follow `ref`s, fold `allOf` and
 * the variants of `oneOf`/`anyOf` into one object view, and walk dotted field paths. When the
 * docs give only an example (Slack's lists live in response examples), `fromExample` infers a
 * schema from it. `declaration` says which named schema a field is written in, so evidence can
 * cite the item that holds its words.
 */

export interface Field {
  /** Dotted path from the record root. */
  path: string;
  name: string;
  node: SchemaNode;
}

/**
 * Where a field is declared: the schema node as written (refs not followed) and the named schema
 * (`ApiModel.schemas`) that holds it — absent when it is written inline in the node the walk
 * started from (a response's or a parameter's own schema).
 */
export interface Declaration {
  node: SchemaNode;
  declaredIn?: NamedSchema;
}

/** A step of `SchemaView.declaration` that goes into an array's items rather than a property. */
export const ITEMS = '[]';
/** A step of `SchemaView.declaration` that goes into a map's values (`additionalProperties`) rather than a property. */
export const VALUES = '{}';

const MAX_FOLD_DEPTH = 12;

export class SchemaView {
  private readonly model: Pick<ApiModel, 'schemas'>;
  private readonly memo = new WeakMap<SchemaNode, SchemaNode>();

  constructor(model: Pick<ApiModel, 'schemas'>) {
    this.model = model;
  }

  /** The schema with refs followed and combinators folded (properties merged). */
  resolve(node: SchemaNode | undefined, depth = 0): SchemaNode {
    if (!node) return {};
    const cached = this.memo.get(node);
    if (cached) return cached;
    let out: SchemaNode = node;
    if (node.ref) {
      const target = this.model.schemas[node.ref]?.schema;
      out = depth < MAX_FOLD_DEPTH ? this.resolve(target, depth + 1) : {};
      if (node.description && !out.description) out = { ...out, description: node.description };
    }
    const parts = [...(out.allOf ?? []), ...(out.oneOf ?? []), ...(out.anyOf ?? [])];
    if (parts.length && depth < MAX_FOLD_DEPTH) {
      const merged: SchemaNode = { ...out, properties: { ...(out.properties ?? {}) }, required: [...(out.required ?? [])] };
      delete merged.allOf;
      delete merged.oneOf;
      delete merged.anyOf;
      for (const part of parts) {
        const r = this.resolve(part, depth + 1);
        Object.assign(merged.properties!, Object.fromEntries(Object.entries(r.properties ?? {}).filter(([k]) => !(k in merged.properties!))));
        if (r.items && !merged.items) merged.items = r.items;
        if (r.type && !merged.type) merged.type = r.type;
        if (r.enum && !merged.enum) merged.enum = r.enum;
        if (r.format && !merged.format) merged.format = r.format;
        if ((out.allOf ?? []).includes(part)) merged.required!.push(...(r.required ?? []));
      }
      if (!Object.keys(merged.properties!).length) delete merged.properties;
      out = merged;
    }
    this.memo.set(node, out);
    return out;
  }

  isArray(node: SchemaNode | undefined): boolean {
    const r = this.resolve(node);
    return !!r.type?.includes('array') || (!!r.items && !r.properties);
  }

  isObject(node: SchemaNode | undefined): boolean {
    const r = this.resolve(node);
    return !!r.properties || !!r.type?.includes('object');
  }

  properties(node: SchemaNode | undefined): Record<string, SchemaNode> {
    return this.resolve(node).properties ?? {};
  }

  items(node: SchemaNode | undefined): SchemaNode | undefined {
    return this.resolve(node).items;
  }

  /** The schema at a dotted path (`response_metadata.next_cursor`), or undefined. */
  at(node: SchemaNode | undefined, dotted: string): SchemaNode | undefined {
    if (dotted === '') return node;
    let current = node;
    for (const key of dotted.split('.')) {
      const props = this.properties(current);
      if (!Object.hasOwn(props, key)) return undefined;
      current = props[key];
    }
    return current;
  }

  /**
   * Where the field at `steps` (property names, `ITEMS` for an array's items, `VALUES` for a map's values) is declared,
   * starting from `node` as written: the same refs and combinators `resolve` folds, in the same
   * order (own properties first, then `allOf`/`oneOf`/`anyOf` parts, first wins), so the answer is
   * the declaration `resolve` reads. `undefined` when the documented schema has no such field (it
   * may be known only from an example). Never throws.
   */
  declaration(node: SchemaNode | undefined, steps: string[]): Declaration | undefined {
    let current: Declaration | undefined = node ? { node } : undefined;
    for (const step of steps) {
      if (!current) return undefined;
      current = this.declaredStep(current, step, 0);
    }
    return current;
  }

  /** The named schema a `ref` names, or undefined. */
  namedSchema(ref: string): NamedSchema | undefined {
    return this.model.schemas[ref];
  }

  private declaredStep(at: Declaration, step: string, depth: number): Declaration | undefined {
    if (depth > MAX_FOLD_DEPTH) return undefined;
    const { node, declaredIn } = at;
    if (node.ref) {
      const target = this.model.schemas[node.ref];
      return target ? this.declaredStep({ node: target.schema, declaredIn: target }, step, depth + 1) : undefined;
    }
    const next = step === ITEMS ? node.items : step === VALUES ? node.additionalProperties : node.properties && Object.hasOwn(node.properties, step) ? node.properties[step] : undefined;
    if (next) return { node: next, ...(declaredIn ? { declaredIn } : {}) };
    for (const part of [...(node.allOf ?? []), ...(node.oneOf ?? []), ...(node.anyOf ?? [])]) {
      const found = this.declaredStep({ node: part, ...(declaredIn ? { declaredIn } : {}) }, step, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  /** Fields of an object schema down to `depth` levels of nesting (arrays are leaves). */
  fields(node: SchemaNode | undefined, depth = 2, prefix = ''): Field[] {
    const out: Field[] = [];
    for (const [name, child] of Object.entries(this.properties(node))) {
      const path = prefix ? `${prefix}.${name}` : name;
      out.push({ path, name, node: child });
      if (depth > 1 && !this.isArray(child) && this.isObject(child)) out.push(...this.fields(child, depth - 1, path));
    }
    return out;
  }
}

/** A schema inferred from an example value (type and properties only). */
export function fromExample(value: unknown, depth = 0): SchemaNode {
  if (depth > 8) return {};
  if (Array.isArray(value)) {
    const first = value.find((v) => v !== null && v !== undefined);
    return { type: ['array'], items: first === undefined ? {} : fromExample(first, depth + 1) };
  }
  if (value === null) return { nullable: true };
  switch (typeof value) {
    case 'object':
      return {
        type: ['object'],
        properties: Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromExample(v, depth + 1)])),
      };
    case 'string':
      return { type: ['string'], example: value.length > 200 ? value.slice(0, 200) : value };
    case 'number':
      return { type: [Number.isInteger(value) ? 'integer' : 'number'], example: value };
    case 'boolean':
      return { type: ['boolean'], example: value };
    default:
      return {};
  }
}

/** Value at a dotted path of a plain JSON value. */
export function valueAt(value: unknown, dotted: string): unknown {
  if (dotted === '') return value;
  let current: unknown = value;
  for (const key of dotted.split('.')) {
    if (!current || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
