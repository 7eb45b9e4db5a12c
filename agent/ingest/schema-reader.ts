import path from 'node:path';
import { FetchwrightError } from '../errors.ts';
import type { NamedSchema, SchemaNode } from './api-model.ts';
import { isRef, joinPointer, type RefResolver } from './ref-resolver.ts';

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

  private readAtDepth(raw: unknown, absPath: string, pointer: string): SchemaNode {
    if (isRef(raw)) {
      const target = this.resolver.deref(raw, absPath, pointer);
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
      return node;
    }
    return this.readInline(raw, absPath, pointer);
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
    if (Array.isArray(s.enum)) node.enum = s.enum.slice(0, MAX_ENUM).map(boundedExample);
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
