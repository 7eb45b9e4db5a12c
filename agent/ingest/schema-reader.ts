import path from 'node:path';
import { FetchwrightError } from '../errors.ts';
import { defectKey, type DocsDefect, type NamedSchema, type SchemaNode } from './api-model.ts';
import { DanglingRef, isRef, joinPointer, type RefResolver } from './ref-resolver.ts';

/**
 * Turns raw JSON-schema objects into `SchemaNode`s. A `$ref` becomes `{ ref: key }` and its target
 * is read once into the shared `schemas` registry, so circular schemas stay finite and a schema
 * used by a thousand operations is stored once.
 */

const MAX_TEXT = 4_000;
const MAX_ENUM = 100;
const MAX_EXAMPLE_CHARS = 20_000;
/**
 * Deepest a schema may nest, counting every `properties`, `items`, `additionalProperties`, `allOf`…
 * level and every `$ref` followed to a schema not read before. Real descriptions stay under 20; a
 * chain of `$ref`s is not bounded by the file's own nesting, and past this a reader would exhaust the stack.
 */
export const MAX_SCHEMA_DEPTH = 500;

export function boundedText(s: unknown, max = MAX_TEXT): string | undefined {
  if (typeof s !== 'string') return undefined;
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Copies made by {@link boundedExample}, by the document object they copy. */
const exampleCopies = new WeakMap<object, unknown>();

/**
 * A JSON copy of an example (or enum value, or default) from the docs; undefined when it has no JSON
 * form or its JSON is over 20,000 characters. The same document object gives the same copy, so an
 * example a `$ref` shares among many operations is held once (the model's size is counted by
 * `model-budget.ts`). The copy is shared: never mutate it.
 */
export function boundedExample(v: unknown): unknown {
  if (v === undefined) return undefined;
  const shared = v !== null && typeof v === 'object';
  if (shared && exampleCopies.has(v)) return exampleCopies.get(v);
  let copy: unknown;
  try {
    const s = JSON.stringify(v);
    copy = s === undefined || s.length > MAX_EXAMPLE_CHARS ? undefined : JSON.parse(s);
  } catch {
    copy = undefined;
  }
  if (shared) exampleCopies.set(v, copy);
  return copy;
}

export class SchemaReader {
  readonly schemas: Record<string, NamedSchema> = Object.create(null) as Record<string, NamedSchema>;
  /** Defects read so far, by key (`defectKey`): where they are written, never twice. */
  readonly defects = new Map<string, DocsDefect>();
  private readonly resolver: RefResolver;
  private readonly docsRoot: string;
  private readonly inlineMemo = new WeakMap<object, SchemaNode>();
  private depth = 0;

  constructor(resolver: RefResolver, docsRoot: string) {
    this.resolver = resolver;
    this.docsRoot = docsRoot;
  }

  /** The registry key of a schema: docs-relative file + JSON pointer. */
  keyOf(absPath: string, pointer: string): string {
    return `${path.relative(this.docsRoot, absPath)}#${pointer}`;
  }

  /**
   * The `SchemaNode` for the raw schema `raw`, which lives in `absPath` at `pointer`; `$ref`s become
   * `{ ref: key }` with their targets read into {@link schemas}. Throws FetchwrightError: a bad `$ref`
   * (`unresolvable-ref`, exit 6), or `unreadable-docs` (exit 4) for schemas nested deeper than
   * {@link MAX_SCHEMA_DEPTH}, naming the file and the pointer where the limit is passed.
   */
  read(raw: unknown, absPath: string, pointer: string): SchemaNode {
    if (this.depth >= MAX_SCHEMA_DEPTH) {
      const file = path.relative(this.docsRoot, absPath);
      throw new FetchwrightError('unreadable-docs', `${file} nests schemas more than ${MAX_SCHEMA_DEPTH} levels deep (counting $refs followed), at ${pointer.length > 200 ? `${pointer.slice(0, 200)}…` : pointer}`, {
        file,
        at: pointer,
        hint: 'No API description needs schemas this deep; it looks built to exhaust the reader. Use the vendor\'s published description, or cut the chain of nested schemas.',
      });
    }
    this.depth++;
    try {
      return this.readAtDepth(raw, absPath, pointer);
    } finally {
      this.depth--;
    }
  }

  /** Records a defect once; returns its key (for `SchemaNode.defect`). */
  record(defect: DocsDefect): string {
    const key = defectKey(defect.source);
    if (!this.defects.has(key)) this.defects.set(key, defect);
    return key;
  }

  private readAtDepth(raw: unknown, absPath: string, pointer: string): SchemaNode {
    if (isRef(raw)) {
      let target;
      try {
        target = this.resolver.deref(raw, absPath, pointer);
      } catch (e) {
        // A $ref to nothing: recorded where it is, and read as a schema that says nothing; the
        // planner decides whether the connector needs that part (agent/plan/docs-defects.ts).
        if (!(e instanceof DanglingRef)) throw e;
        const node: SchemaNode = { defect: this.record(danglingDefect(e, path.relative(this.docsRoot, absPath), pointer)) };
        const description = boundedText((raw as Record<string, unknown>).description);
        if (description) node.description = description;
        return node;
      }
      const key = this.keyOf(target.absPath, target.pointer);
      if (!(key in this.schemas)) {
        const name = target.pointer.split('/').pop() ?? key;
        // Placeholder first: a schema that refers to itself finds its own entry and stops.
        const entry: NamedSchema = { name: name.replace(/~1/g, '/').replace(/~0/g, '~'), schema: {}, source: { file: path.relative(this.docsRoot, target.absPath), pointer: target.pointer } };
        this.schemas[key] = entry;
        entry.schema = this.readInline(target.value, target.absPath, target.pointer);
      }
      const node: SchemaNode = { ref: key };
      const description = boundedText((raw as Record<string, unknown>).description);
      if (description) node.description = description;
      return this.arrayBesideRef(raw as Record<string, unknown>, node, target.value, absPath, pointer) ?? this.fieldsBesideRef(raw as Record<string, unknown>, node, absPath, pointer) ?? node;
    }
    return this.readInline(raw, absPath, pointer);
  }

  /**
   * A `$ref` written with a sibling `type: array` and no `items` (`users: { type: array, $ref: User }`),
   * when the target is not itself an array: OpenAPI 3.0 and Swagger 2.0 ignore a `$ref`'s siblings,
   * but a person reads an array of the referenced schema, and so does fetchwright — as
   * `{ type: [array], items: { ref } }`, with the reading recorded as a `ref-with-siblings` defect so
   * the plan says so. Undefined for any other `$ref`.
   */
  private arrayBesideRef(raw: Record<string, unknown>, node: SchemaNode, target: unknown, absPath: string, pointer: string): SchemaNode | undefined {
    const types = Array.isArray(raw.type) ? raw.type : [raw.type];
    if (!types.includes('array') || raw.items !== undefined) return undefined;
    const t = target && typeof target === 'object' && !Array.isArray(target) ? (target as Record<string, unknown>) : {};
    const targetTypes = Array.isArray(t.type) ? t.type : [t.type];
    if (targetTypes.includes('array') || t.items !== undefined) return undefined;
    const tokens = pointer.split('/');
    const field = tokens.at(-2) === 'properties' ? shownName(tokens.at(-1)!.replace(/~1/g, '/').replace(/~0/g, '~')) : undefined;
    const name = shownName(this.schemas[node.ref!]?.name ?? String(raw.$ref));
    const shown = JSON.stringify(String(raw.$ref).slice(0, 200));
    const key = this.record({
      kind: 'ref-with-siblings',
      source: { file: path.relative(this.docsRoot, absPath), pointer },
      ref: String(raw.$ref),
      text: `${field ? `the field ${JSON.stringify(field)} is` : 'this schema is'} written as $ref ${shown} with a sibling "type: array" and no "items"; read as an array of ${name}`,
      fix: `Write it as "type: array" with "items: { $ref: ${shown} }": beside a $ref, OpenAPI 3.0 and Swagger 2.0 ignore "type".`,
    });
    return { type: ['array'], items: node.description ? { ref: node.ref! } : node, ...(node.description ? { description: node.description } : {}), defect: key };
  }

  /**
   * A `$ref` written with sibling `properties` (`{ $ref: User, properties: { role: … } }`): a person
   * reads the referenced schema with those fields added, and so does fetchwright — as `allOf` of the
   * two — with the reading recorded as a `ref-with-siblings` defect. Undefined without `properties`.
   */
  private fieldsBesideRef(raw: Record<string, unknown>, node: SchemaNode, absPath: string, pointer: string): SchemaNode | undefined {
    if (!raw.properties || typeof raw.properties !== 'object' || Array.isArray(raw.properties)) return undefined;
    const added = Object.keys(raw.properties).slice(0, 5).map((k) => JSON.stringify(shownName(k)));
    const name = shownName(this.schemas[node.ref!]?.name ?? String(raw.$ref));
    const shown = JSON.stringify(String(raw.$ref).slice(0, 200));
    const key = this.record({
      kind: 'ref-with-siblings',
      source: { file: path.relative(this.docsRoot, absPath), pointer },
      ref: String(raw.$ref),
      text: `this schema is written as $ref ${shown} with sibling "properties"; read as ${name} with the fields ${added.join(', ')}${Object.keys(raw.properties).length > 5 ? '…' : ''} added`,
      fix: `Write it as "allOf: [{ $ref: ${shown} }, { properties: … }]": beside a $ref, OpenAPI 3.0 and Swagger 2.0 ignore "properties".`,
    });
    const { $ref: _ref, ...rest } = raw;
    return { allOf: [{ ref: node.ref! }, this.readInline(rest, absPath, pointer)], ...(node.description ? { description: node.description } : {}), defect: key };
  }

  private readInline(raw: unknown, absPath: string, pointer: string): SchemaNode {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
    const memo = this.inlineMemo.get(raw);
    if (memo) return memo;
    const s = raw as Record<string, unknown>;
    const node: SchemaNode = {};
    this.inlineMemo.set(raw, node);

    const types = Array.isArray(s.type) ? s.type.filter((t): t is string => typeof t === 'string') : typeof s.type === 'string' ? [s.type] : [];
    if (types.includes('null')) node.nullable = true;
    const nonNull = types.filter((t) => t !== 'null');
    if (nonNull.length) node.type = nonNull;
    if (s.nullable === true || s['x-nullable'] === true) node.nullable = true;
    if (typeof s.format === 'string') node.format = s.format;
    const description = boundedText(s.description) ?? boundedText(s.title);
    if (description) node.description = description;
    // Only scalar values: an object or array in an enum names no value a reader compares or shows (and
    // one with its own `toString` member breaks every `String(value)` after it).
    if (Array.isArray(s.enum)) node.enum = s.enum.slice(0, MAX_ENUM).filter((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v)).map(boundedExample);
    if (s.readOnly === true) node.readOnly = true;
    if (Array.isArray(s.required)) node.required = s.required.filter((r): r is string => typeof r === 'string');
    const example = boundedExample(s.example ?? (Array.isArray(s.examples) ? s.examples[0] : undefined));
    if (example !== undefined) node.example = example;
    const def = boundedExample(s.default);
    if (def !== undefined) node.default = def;
    if (typeof s.minimum === 'number') node.minimum = s.minimum;
    if (typeof s.maximum === 'number') node.maximum = s.maximum;

    if (s.properties && typeof s.properties === 'object') {
      node.properties = Object.fromEntries(
        Object.entries(s.properties as Record<string, unknown>).map(([name, child]) => [name, this.read(child, absPath, joinPointer(pointer, 'properties', name))]),
      );
      if (!node.type) node.type = ['object'];
    }
    if (s.items !== undefined && !Array.isArray(s.items)) {
      node.items = this.read(s.items, absPath, joinPointer(pointer, 'items'));
      if (!node.type) node.type = ['array'];
    }
    if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      node.additionalProperties = this.read(s.additionalProperties, absPath, joinPointer(pointer, 'additionalProperties'));
      // An object keyed by data: the record field each key equals (a live run's observed shapes write it).
      const mapKey = s['x-map-key'];
      if (typeof mapKey === 'string' && mapKey && mapKey.length <= 200) node.map_key = mapKey;
    }
    for (const combinator of ['allOf', 'oneOf', 'anyOf'] as const) {
      const list = s[combinator];
      if (Array.isArray(list)) node[combinator] = list.map((child, i) => this.read(child, absPath, joinPointer(pointer, combinator, i)));
    }
    return node;
  }
}

/** A name from the docs as a message shows it: control characters replaced, cut to 100 characters. */
function shownName(name: string): string {
  const plain = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return plain.length > 100 ? `${plain.slice(0, 100)}…` : plain;
}

/** The `dangling-ref` defect for a `$ref` read at `file` `pointer` whose chain ends at nothing (`e`). */
export function danglingDefect(e: DanglingRef, file: string, pointer: string): DocsDefect {
  const shown = JSON.stringify(e.ref.length > 200 ? `${e.ref.slice(0, 200)}…` : e.ref);
  return {
    kind: 'dangling-ref',
    source: { file: e.details.file ?? file, pointer: e.details.at ?? pointer },
    ref: e.ref,
    text: `$ref ${shown} points at nothing`,
    fix: e.details.hint ?? 'Fix the $ref or the docs it names.',
  };
}
