import { JsonType, MAX_SHAPE_DEPTH, MAX_SHAPE_PROPERTIES, type ObservedFormat, type ObservedSchema } from '../observed/observed-shapes.ts';

/**
 * The shape of a JSON value with no value kept (`fetchwright/observed-shapes@1`'s JSON Schema
 * subset): types, field names, string formats told from the text's form, list items merged into
 * one shape, `required` = fields present in every object, nullability as a type array.
 *
 * Keys that are data are never kept:
 * - An object whose values are record-like objects of one shape and whose keys are data is a map:
 *   `{ type: 'object', additionalProperties: <merged record shape> }`, with `x-map-key` naming the
 *   record field that equalled its key in every entry. It is a map when a field equals the key in
 *   every entry; or when the docs expect a list there; or when it has several entries of one
 *   shape and none of its keys is a property name the docs declare there.
 * - A key that cannot be a field name — it has the form of an email, a date, a UUID, a URI, a
 *   number, holds white space, `@` or `/`, is empty or longer than 200 characters — is folded
 *   into `additionalProperties` with its value's shape, the key dropped; so are the keys past
 *   `MAX_SHAPE_PROPERTIES` and those past a shape's node budget.
 */

/** A `DeclaredShape.child` step into a list's items (as agent/docs-view/schema-view.ts's `ITEMS`). */
export const ITEMS_STEP = '[]';
/** A `DeclaredShape.child` step into a map's values. */
export const MAP_VALUES_STEP = '{}';

/** What the docs declare at a place in the body: what decides whether an object there is a map. */
export interface DeclaredShape {
  /** A list, an object (its property names in `names`), or neither / not known. */
  kind: 'list' | 'object' | 'unknown';
  /** The property names the docs declare for an object here. */
  names: ReadonlySet<string>;
  /** The declaration one step down: a property name, `ITEMS_STEP` or `MAP_VALUES_STEP`; undefined when the docs say nothing. */
  child(step: string): DeclaredShape | undefined;
}

/** Most property nodes a merged shape gains (per `ShapeBudget`); past it, new field names fold into `additionalProperties`. */
export const MAX_SHAPE_NODES = 20_000;

/** Counts the property nodes one merged shape has gained, so a server cannot grow it without bound over many pages. */
export interface ShapeBudget {
  nodes: number;
}

/** Types in JSON Schema's order, `null` last (`["string", "null"]`). */
const TYPE_ORDER = [...JsonType.options.filter((t) => t !== 'null'), 'null' as const];

const FORMATS: [ObservedFormat, RegExp][] = [
  // RFC 3339 date-time (offset required) and full-date.
  ['date-time', /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/],
  ['date', /^\d{4}-\d{2}-\d{2}$/],
  ['uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i],
  ['email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/],
  ['uri', /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i],
];

/** The format a string has the form of, or undefined. Only the form is looked at; nothing is kept. */
export function formatOf(text: string): ObservedFormat | undefined {
  if (text.length < 8 || text.length > 2_048) return undefined;
  // Cheap tests first: most strings have none of the forms.
  const digit = text.charCodeAt(0) >= 48 && text.charCodeAt(0) <= 57;
  if (!digit && !text.includes('@') && !text.includes('://') && text[8] !== '-') return undefined;
  for (const [format, pattern] of FORMATS) if (pattern.test(text)) return format;
  return undefined;
}

/** A key that cannot be a field name: it is data (an email, a date, an id, a path…). */
export function isDataKey(key: string): boolean {
  if (fieldNames.has(key)) return false;
  const data = key === '' || key.length > 200 || /^-?\d+(?:\.\d+)?$/.test(key) || /[\s@/\\]/.test(key) || formatOf(key) !== undefined;
  // Field names repeat in every record: remembered (never a data key), within a bound.
  if (!data) {
    if (fieldNames.size >= MAX_REMEMBERED_KEYS) fieldNames.clear();
    fieldNames.add(key);
  }
  return data;
}
const fieldNames = new Set<string>();
const MAX_REMEMBERED_KEYS = 4_096;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** An object that reads as one record: at least one scalar field (a wrapper holds only lists and objects). */
function isRecordLike(v: unknown): v is Record<string, unknown> {
  return isPlainObject(v) && Object.values(v).some((x) => x === null || typeof x !== 'object');
}

/** Values share one shape: some field common to all, the common fields at least half of all fields seen. */
function oneShape(values: Record<string, unknown>[]): boolean {
  const all = new Set<string>();
  let common: Set<string> | undefined;
  for (const v of values) {
    const names = Object.keys(v);
    for (const n of names) all.add(n);
    common = common ? new Set(names.filter((n) => common!.has(n))) : new Set(names);
  }
  return !!common && common.size > 0 && common.size * 2 >= all.size;
}

/** Whether an object is a map keyed by data, and the record field that equalled its key, if one did. */
function mapReading(entries: [string, unknown][], declared: DeclaredShape | undefined): { key?: string } | undefined {
  if (entries.length === 0 || !entries.every(([, v]) => isPlainObject(v))) return undefined;
  if (declared?.kind === 'object' && entries.every(([k]) => declared.names.has(k))) return undefined;
  const first = entries[0]![1] as Record<string, unknown>;
  for (const field of Object.keys(first)) {
    if (entries.every(([k, v]) => (v as Record<string, unknown>)[field] === k)) return { key: field };
  }
  if (!entries.every(([, v]) => isRecordLike(v))) return undefined;
  if (declared?.kind === 'list') return {};
  if (entries.length < 2) return undefined;
  if (declared?.kind === 'object' && entries.some(([k]) => declared.names.has(k))) return undefined;
  return oneShape(entries.map(([, v]) => v as Record<string, unknown>)) ? {} : undefined;
}

/**
 * The shape of a JSON value (as `JSON.parse` returns it), no value kept. `declared` is what the
 * docs say is at this place (for telling maps from records); depth past `MAX_SHAPE_DEPTH` is `{}`.
 */
export function shapeOf(value: unknown, declared?: DeclaredShape, depth = 0): ObservedSchema {
  if (depth >= MAX_SHAPE_DEPTH) return {};
  if (value === null) return { type: 'null' };
  if (Array.isArray(value)) {
    const child = declared?.child(ITEMS_STEP);
    const items: ObservedSchema = {};
    const budget = { nodes: 0 };
    for (const x of value) mergeInto(items, shapeOf(x, child, depth + 1), budget);
    return { type: 'array', items };
  }
  switch (typeof value) {
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return { type: Number.isInteger(value) ? 'integer' : 'number' };
    case 'string': {
      const format = formatOf(value);
      return format ? { type: 'string', format } : { type: 'string' };
    }
    case 'object':
      return objectShape(value as Record<string, unknown>, declared, depth);
    default:
      return {};
  }
}

function objectShape(o: Record<string, unknown>, declared: DeclaredShape | undefined, depth: number): ObservedSchema {
  const entries = Object.entries(o);
  const map = mapReading(entries, declared);
  if (map) {
    const child = declared?.kind === 'list' ? declared.child(ITEMS_STEP) : declared?.child(MAP_VALUES_STEP);
    const values: ObservedSchema = {};
    const budget = { nodes: 0 };
    for (const [, v] of entries) mergeInto(values, shapeOf(v, child, depth + 1), budget);
    return { type: 'object', additionalProperties: values, ...(map.key !== undefined ? { 'x-map-key': map.key } : {}) };
  }
  const properties: Record<string, ObservedSchema> = {};
  let extra: ObservedSchema | undefined;
  let kept = 0;
  for (const [k, v] of entries) {
    if (isDataKey(k) || kept >= MAX_SHAPE_PROPERTIES) {
      extra ??= {};
      mergeInto(extra, shapeOf(v, declared?.child(MAP_VALUES_STEP), depth + 1), { nodes: 0 });
      continue;
    }
    properties[k] = shapeOf(v, declared?.child(k), depth + 1);
    kept++;
  }
  const out: ObservedSchema = { type: 'object' };
  if (kept) {
    out.properties = properties;
    out.required = Object.keys(properties).sort();
  }
  if (extra) out.additionalProperties = extra;
  return out;
}

function typesOf(s: ObservedSchema): JsonType[] {
  return s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
}

/** Types in `TYPE_ORDER`; `integer` folds into `number` when both were seen. */
function typeValue(types: Iterable<JsonType>): JsonType | JsonType[] | undefined {
  const set = new Set(types);
  if (set.has('number')) set.delete('integer');
  const sorted = TYPE_ORDER.filter((t) => set.has(t));
  return sorted.length === 0 ? undefined : sorted.length === 1 ? sorted[0] : sorted;
}

function sameList(a: string[], b: string[] | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The shape of both (a new object; neither input is changed). */
export function mergeShapes(a: ObservedSchema, b: ObservedSchema): ObservedSchema {
  const out = structuredClone(a);
  mergeInto(out, b, { nodes: 0 });
  return out;
}

/** Sums the property nodes of a shape (for a budget started from an existing shape). */
export function countNodes(s: ObservedSchema): number {
  let n = 0;
  for (const p of Object.values(s.properties ?? {})) n += 1 + countNodes(p);
  if (s.items) n += countNodes(s.items);
  if (s.additionalProperties) n += countNodes(s.additionalProperties);
  return n;
}

/**
 * Merges `source` into `target` (changed in place): types united, formats kept only when both
 * agree, `required` intersected, items and map values merged, a map key kept when both name the
 * same. `budget` counts the property nodes `target` gains; past `MAX_SHAPE_NODES` new field names
 * fold into `additionalProperties` (names dropped).
 */
export function mergeInto(target: ObservedSchema, source: ObservedSchema, budget: ShapeBudget): void {
  const tt = typesOf(target);
  const st = typesOf(source);
  const hadString = tt.includes('string');
  const hadObject = tt.includes('object');
  // The common case (the same one type again) costs nothing.
  if (st.length && !(typeof source.type === 'string' && source.type === target.type)) target.type = typeValue([...tt, ...st]);
  // Format: only when every string seen had it.
  if (st.includes('string')) {
    if (!hadString) {
      if (source.format) target.format = source.format;
      else delete target.format;
    } else if (target.format !== source.format) delete target.format;
  }
  if (source.items) {
    if (target.items) mergeInto(target.items, source.items, budget);
    else target.items = structuredClone(source.items);
  }
  if (st.includes('object')) mergeObjects(target, source, hadObject, budget);
}

function mergeObjects(target: ObservedSchema, source: ObservedSchema, hadObject: boolean, budget: ShapeBudget): void {
  const sourceIsMap = source.additionalProperties !== undefined && source.properties === undefined;
  const targetIsMap = hadObject && target.additionalProperties !== undefined && target.properties === undefined;
  // Only empty objects seen so far (`{}`): the other side's fields, none of them required.
  if (hadObject && !target.properties && !target.additionalProperties) {
    if (source.properties) target.properties = structuredClone(source.properties);
    if (source.additionalProperties) target.additionalProperties = structuredClone(source.additionalProperties);
    if (source['x-map-key'] !== undefined) target['x-map-key'] = source['x-map-key'];
    budget.nodes += countNodes(source);
    return;
  }
  if (!hadObject) {
    if (source.properties) target.properties = structuredClone(source.properties);
    if (source.required) target.required = [...source.required];
    if (source.additionalProperties) target.additionalProperties = structuredClone(source.additionalProperties);
    if (source['x-map-key'] !== undefined) target['x-map-key'] = source['x-map-key'];
    budget.nodes += countNodes(source);
    return;
  }
  // A map on one side and records' fields on the other (a one-entry map not told apart on some page):
  // when every field holds an object, the fields are the map's entries; their names are dropped.
  if (sourceIsMap !== targetIsMap && (sourceIsMap ? target : source).properties) {
    const fields = (sourceIsMap ? target : source).properties!;
    if (Object.values(fields).every((f) => typesOf(f).includes('object') && typesOf(f).length === 1)) {
      const values: ObservedSchema = structuredClone((sourceIsMap ? source : target).additionalProperties!);
      for (const f of Object.values(fields)) mergeInto(values, f, budget);
      delete target.properties;
      delete target.required;
      target.additionalProperties = values;
      // The other side's entries were never checked against a key field.
      delete target['x-map-key'];
      return;
    }
  }
  // An empty object (a map with no entry) says nothing of the key field.
  const sourceEmpty = !source.properties && !source.additionalProperties;
  if (!sourceEmpty && target['x-map-key'] !== source['x-map-key']) delete target['x-map-key'];
  // Fields: required only when in every object seen (an object seen without fields has none).
  if (target.required && !sameList(target.required, source.required)) {
    const sourceRequired = new Set(source.required ?? []);
    target.required = target.required.filter((n) => sourceRequired.has(n));
  }
  if (source.properties) {
    target.properties ??= {};
    for (const [name, shape] of Object.entries(source.properties)) {
      const existing = target.properties[name];
      if (existing) {
        mergeInto(existing, shape, budget);
        continue;
      }
      if (Object.keys(target.properties).length >= MAX_SHAPE_PROPERTIES || budget.nodes >= MAX_SHAPE_NODES) {
        target.additionalProperties ??= {};
        mergeInto(target.additionalProperties, shape, budget);
        continue;
      }
      target.properties[name] = structuredClone(shape);
      budget.nodes += 1 + countNodes(shape);
    }
  }
  if (!target.required?.length) delete target.required;
  if (target.properties && !Object.keys(target.properties).length) delete target.properties;
  if (source.additionalProperties) {
    if (target.additionalProperties) mergeInto(target.additionalProperties, source.additionalProperties, budget);
    else target.additionalProperties = structuredClone(source.additionalProperties);
  }
}
