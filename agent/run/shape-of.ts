import { JsonType, MAX_SHAPE_DEPTH, MAX_SHAPE_PROPERTIES, type ObservedFormat, type ObservedSchema } from '../observed/observed-shapes.ts';

/**
 * The shape of JSON values with no value kept (`fetchwright/observed-shapes@1`'s JSON Schema
 * subset): types, field names, string formats told from the text's form, list items and map values
 * merged into one shape, `required` = fields present in every object, nullability as a type array.
 *
 * A `ShapeAccumulator` takes every body one place of the API answers (every page of a stream) and
 * counts, per place in the body, how many objects it merged there and how many of them had each
 * name; the shape is written from those counts at the end. Merging is linear in the bytes seen.
 *
 * Keys that are data are never kept. A property name is kept only when the docs declare it at
 * that place, or when it has the form of an identifier — `FIELD_NAME`: ASCII letters, digits, `_`,
 * `$`, `@`, at most 64 characters (`u-4711`, `jane.doe`, `team:finance` have not) — and:
 * - below the body's top level — inside a list's items or a map's values, i.e. in records and
 *   their sub-objects — it was seen in at least 2 of the objects merged at that place, across
 *   all the bodies (a field of the record type recurs; a key that is data — a server's name, a
 *   user's id — varies from record to record);
 * - at the body's top level and in the wrapper objects on the way to the records (`api_tokens`,
 *   `items`, `_pagination`, seen once per body), its form is enough.
 * Every other name — and always one with the form of data (`isDataKey`: an email, a date, a
 * UUID, a URI, a number, white space, `@` or `/`, `__proto__`), one holding a secret of the run
 * (the `hidden` test), those past `MAX_SHAPE_PROPERTIES` per place and those past the node budget
 * — is folded into `additionalProperties` with its value's shape, the name dropped.
 *
 * An object whose values are record-like objects of one shape and whose keys are data is a map:
 * `{ type: 'object', additionalProperties: <merged record shape> }`, with `x-map-key` naming the
 * record field that equalled its key in every entry (when that name is itself kept). It is a map
 * when a field equals the key in every entry; or when the docs expect a list there; or when it has
 * several entries of one shape and none of its keys is a property name the docs declare there.
 *
 * Names are held in `Map`s and written into null-prototype objects: a field named `constructor`
 * or `toString` is a field like any other.
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

/** Most places (field names, list items, map values) one accumulator holds; past it new field names fold into `additionalProperties`. */
export const MAX_SHAPE_NODES = 10_000;

/** The form of an undocumented field name that may be kept (see the module's comment). */
export const FIELD_NAME = /^[A-Za-z_$@][A-Za-z0-9_$@]{0,63}$/;

/**
 * Counts the places accumulators hold, so a server cannot grow shapes without bound: each
 * accumulator has its own, and may share a parent (all of one run's operations).
 */
export class ShapeBudget {
  nodes = 0;
  readonly limit: number;
  readonly parent: ShapeBudget | undefined;
  constructor(limit: number = MAX_SHAPE_NODES, parent?: ShapeBudget) {
    this.limit = limit;
    this.parent = parent;
  }

  /** Whether `slack` × the limit still has room, here and in every parent. */
  hasRoom(slack = 1): boolean {
    return this.nodes < this.limit * slack && (!this.parent || this.parent.hasRoom(slack));
  }

  spend(): void {
    this.nodes++;
    this.parent?.spend();
  }
}

/** Types in JSON Schema's order, `null` last (`["string", "null"]`). */
const TYPE_ORDER = [...JsonType.options.filter((t) => t !== 'null'), 'null' as const];
const BIT = Object.fromEntries(JsonType.options.map((t, i) => [t, 1 << i])) as Record<JsonType, number>;

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

/** A key that cannot be a field name: it is data (an email, a date, an id, a path…), or `__proto__`. */
export function isDataKey(key: string): boolean {
  return key === '' || key === '__proto__' || key.length > 200 || /^-?\d+(?:\.\d+)?$/.test(key) || /[\s@/\\]/.test(key) || formatOf(key) !== undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** An object that reads as one record: at least one scalar field (a wrapper holds only lists and objects). */
function isRecordLike(v: unknown): v is Record<string, unknown> {
  if (!isPlainObject(v)) return false;
  for (const k in v) {
    const x = v[k];
    if (x === null || typeof x !== 'object') return true;
  }
  return false;
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
  const [firstKey, firstValue] = entries[0]! as [string, Record<string, unknown>];
  // Only a field equal to the first key can equal every key: one pass, whatever the width.
  for (const field of Object.keys(firstValue)) {
    if (firstValue[field] === firstKey && entries.every(([k, v]) => Object.hasOwn(v as object, field) && (v as Record<string, unknown>)[field] === k)) return { key: field };
  }
  if (!entries.every(([, v]) => isRecordLike(v))) return undefined;
  if (declared?.kind === 'list') return {};
  if (entries.length < 2) return undefined;
  if (declared?.kind === 'object' && entries.some(([k]) => declared.names.has(k))) return undefined;
  return oneShape(entries.map(([, v]) => v as Record<string, unknown>)) ? {} : undefined;
}

/** One place in the body (a field, a list's items, a map's values), over every value seen there. */
interface Place {
  /** Inside a list's items or a map's values: names are kept by recurrence (see the module's comment). */
  inRecords: boolean;
  /** `BIT`s of the JSON types seen. */
  types: number;
  /** The format every string had; null once one had none or another; undefined before any string. */
  format: ObservedFormat | null | undefined;
  items: Place | undefined;
  /** Objects read as records or wrappers (not maps) merged here, empty ones included. */
  objects: number;
  props: Map<string, Prop> | undefined;
  /** Values under names not kept: data keys, names past the caps. */
  extra: Place | undefined;
  /** Objects read as maps merged here, and their values. */
  maps: number;
  values: Place | undefined;
  /** The record field every map's key equalled; null when the maps disagreed; undefined before any map. */
  mapKey: string | null | undefined;
}

interface Prop {
  /** How many of the place's objects had the name. */
  seen: number;
  /** The docs declare it here. */
  declared: boolean;
  place: Place;
}

function newPlace(inRecords: boolean): Place {
  return { inRecords, types: 0, format: undefined, items: undefined, objects: 0, props: undefined, extra: undefined, maps: 0, values: undefined, mapKey: undefined };
}

/**
 * The merged shape of many JSON values (as `JSON.parse` returns them) seen at one place of an API —
 * every page of a stream — with no value kept. Linear in the size of what is added; bounded by
 * `budget` (`MAX_SHAPE_NODES` places unless given) and `MAX_SHAPE_DEPTH`.
 */
export class ShapeAccumulator {
  readonly #root = newPlace(false);
  readonly #budget: ShapeBudget;
  #values = 0;

  constructor(budget: ShapeBudget = new ShapeBudget()) {
    this.#budget = budget;
  }

  /** How many values were added. */
  get count(): number {
    return this.#values;
  }

  /** Adds one value; `declared` is what the docs say is there (for telling maps from records, and the names they declare). */
  add(value: unknown, declared?: DeclaredShape): void {
    this.#values++;
    this.#add(this.#root, value, declared, 0);
  }

  /**
   * The shape of every value added (`{}` when none was). `hidden(name)` is true for a name that
   * must not be written (it holds a secret of the run): such a name is folded like data.
   */
  shape(hidden: (name: string) => boolean = () => false): ObservedSchema {
    return finalize(this.#root, hidden);
  }

  /** A child place: made when the budget has room (twice the limit: a list's items, a map's values, keep their place past it), else undefined. */
  #child(inRecords: boolean): Place | undefined {
    if (!this.#budget.hasRoom(2)) return undefined;
    this.#budget.spend();
    return newPlace(inRecords);
  }

  #add(place: Place, value: unknown, declared: DeclaredShape | undefined, depth: number): void {
    if (depth >= MAX_SHAPE_DEPTH) return;
    if (value === null) {
      place.types |= BIT.null;
      return;
    }
    if (Array.isArray(value)) {
      place.types |= BIT.array;
      place.items ??= this.#child(true);
      if (!place.items) return;
      const child = declared?.child(ITEMS_STEP);
      for (const x of value) this.#add(place.items, x, child, depth + 1);
      return;
    }
    switch (typeof value) {
      case 'boolean':
        place.types |= BIT.boolean;
        return;
      case 'number':
        place.types |= Number.isInteger(value) ? BIT.integer : BIT.number;
        return;
      case 'string': {
        place.types |= BIT.string;
        const format = formatOf(value) ?? null;
        place.format = place.format === undefined || place.format === format ? format : null;
        return;
      }
      case 'object':
        place.types |= BIT.object;
        this.#addObject(place, value as Record<string, unknown>, declared, depth);
        return;
      default:
        return;
    }
  }

  #addObject(place: Place, o: Record<string, unknown>, declared: DeclaredShape | undefined, depth: number): void {
    const entries = Object.entries(o);
    const map = mapReading(entries, declared);
    if (map) {
      place.maps++;
      const key = map.key ?? null;
      place.mapKey = place.mapKey === undefined || place.mapKey === key ? key : null;
      place.values ??= this.#child(true);
      if (!place.values) return;
      const child = declared?.kind === 'list' ? declared.child(ITEMS_STEP) : declared?.child(MAP_VALUES_STEP);
      for (const [, v] of entries) this.#add(place.values, v, child, depth + 1);
      return;
    }
    place.objects++;
    // The docs expect a list here and the API wrapped it (`{"api_tokens": [...]}`): the docs' records are its lists' items.
    const wrapped = declared?.kind === 'list' ? wrappedList(declared) : undefined;
    for (const [k, v] of entries) {
      const isDeclared = declared?.names.has(k) === true && k !== '__proto__';
      let prop = place.props?.get(k);
      if (!prop) {
        if ((!isDeclared && isDataKey(k)) || (place.props?.size ?? 0) >= MAX_SHAPE_PROPERTIES || !this.#budget.hasRoom()) {
          place.extra ??= this.#child(true);
          if (place.extra) this.#add(place.extra, v, declared?.child(MAP_VALUES_STEP), depth + 1);
          continue;
        }
        this.#budget.spend();
        prop = { seen: 0, declared: false, place: newPlace(place.inRecords) };
        (place.props ??= new Map()).set(k, prop);
      }
      prop.seen++;
      if (isDeclared) prop.declared = true;
      this.#add(prop.place, v, declared?.child(k) ?? (wrapped && Array.isArray(v) ? wrapped : undefined), depth + 1);
    }
  }
}

/** A list of the records `list` declares: what a wrapper's list holds where the docs give the list bare. */
function wrappedList(list: DeclaredShape): DeclaredShape {
  return { kind: 'list', names: new Set(), child: (step) => (step === ITEMS_STEP ? list.child(ITEMS_STEP) : undefined) };
}

/** The shape of one JSON value (see `ShapeAccumulator`). */
export function shapeOf(value: unknown, declared?: DeclaredShape): ObservedSchema {
  const acc = new ShapeAccumulator();
  acc.add(value, declared);
  return acc.shape();
}

/** A copy of `source` merged into `target` (changed; `source` is not): counts added, names united. */
function mergePlace(target: Place, source: Place): void {
  target.types |= source.types;
  if (source.format !== undefined) target.format = target.format === undefined || target.format === source.format ? source.format : null;
  if (source.items) mergePlace((target.items ??= newPlace(true)), source.items);
  target.objects += source.objects;
  if (source.props) {
    for (const [name, p] of source.props) {
      const existing = target.props?.get(name);
      if (existing) {
        existing.seen += p.seen;
        existing.declared ||= p.declared;
        mergePlace(existing.place, p.place);
      } else if ((target.props?.size ?? 0) >= MAX_SHAPE_PROPERTIES) {
        mergePlace((target.extra ??= newPlace(true)), p.place);
      } else {
        const place = newPlace(target.inRecords);
        mergePlace(place, p.place);
        (target.props ??= new Map()).set(name, { seen: p.seen, declared: p.declared, place });
      }
    }
  }
  if (source.extra) mergePlace((target.extra ??= newPlace(true)), source.extra);
  if (source.maps) {
    target.mapKey = !target.maps || target.mapKey === source.mapKey ? source.mapKey : null;
    target.maps += source.maps;
    if (source.values) mergePlace((target.values ??= newPlace(true)), source.values);
  }
}

/** Types in `TYPE_ORDER`; `integer` folds into `number` when both were seen. */
function typeValue(types: Iterable<JsonType>): JsonType | JsonType[] | undefined {
  const set = new Set(types);
  if (set.has('number')) set.delete('integer');
  const sorted = TYPE_ORDER.filter((t) => set.has(t));
  return sorted.length === 0 ? undefined : sorted.length === 1 ? sorted[0] : sorted;
}

/** An empty null-prototype record: names from a server never meet `Object.prototype`. */
export function nameRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The shape a place's counts give, names kept by the module's rule. */
function finalize(place: Place, hidden: (name: string) => boolean): ObservedSchema {
  const out: ObservedSchema = {};
  const type = typeValue(JsonType.options.filter((t) => place.types & BIT[t]));
  if (type !== undefined) out.type = type;
  if (place.types & BIT.string && place.format) out.format = place.format;
  if (place.items) out.items = finalize(place.items, hidden);
  if (!(place.types & BIT.object)) return out;

  const props = [...(place.props ?? [])];
  // A map here and objects with fields on other pages: when every field holds only objects, the
  // fields are entries of a one-entry map not told apart; their names are dropped.
  const asMap = place.maps > 0 && props.every(([, p]) => p.place.types === BIT.object);
  const keep = (name: string, p: Prop) => !asMap && !hidden(name) && (p.declared || (FIELD_NAME.test(name) && (!place.inRecords || p.seen >= 2)));
  const kept = props.filter(([name, p]) => keep(name, p));
  const folded = props.filter(([name, p]) => !keep(name, p));
  let rest: Place | undefined;
  const fold = (p: Place | undefined) => {
    if (p) mergePlace((rest ??= newPlace(true)), p);
  };
  if (place.maps) fold(place.values ?? newPlace(true));
  fold(place.extra);
  for (const [, p] of folded) fold(p.place);

  if (kept.length) {
    const properties = nameRecord<ObservedSchema>();
    for (const [name, p] of kept) properties[name] = finalize(p.place, hidden);
    out.properties = properties;
    const required = kept.filter(([, p]) => p.seen === place.objects).map(([name]) => name);
    if (required.length) out.required = required.sort();
  }
  if (rest) {
    out.additionalProperties = finalize(rest, hidden);
    // The key field of a map seen as a map only, when its name is kept in the records' shape.
    const key = place.mapKey;
    const recordFields = out.additionalProperties.properties;
    if (!kept.length && !folded.length && typeof key === 'string' && recordFields && Object.hasOwn(recordFields, key)) out['x-map-key'] = key;
  }
  return out;
}

function typesOf(s: ObservedSchema): JsonType[] {
  return s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
}

function sameList(a: string[], b: string[] | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A deep copy with null-prototype `properties`. */
function copyShape(s: ObservedSchema): ObservedSchema {
  const out: ObservedSchema = {};
  if (s.type !== undefined) out.type = Array.isArray(s.type) ? [...s.type] : s.type;
  if (s.format !== undefined) out.format = s.format;
  if (s.properties) {
    const properties = nameRecord<ObservedSchema>();
    for (const name of Object.keys(s.properties)) properties[name] = copyShape(s.properties[name]!);
    out.properties = properties;
  }
  if (s.required) out.required = [...s.required];
  if (s.items) out.items = copyShape(s.items);
  if (s.additionalProperties) out.additionalProperties = copyShape(s.additionalProperties);
  if (s['x-map-key'] !== undefined) out['x-map-key'] = s['x-map-key'];
  return out;
}

/**
 * The shape of both written shapes (a new object; neither input is changed): types united, formats
 * kept only when both agree, `required` intersected, items and map values merged, a map key kept
 * when both name the same; a map on one side and objects whose fields all hold objects on the other
 * is a map. For shapes already written (drift merges the statuses of one operation); bodies are
 * merged by `ShapeAccumulator`, which counts.
 */
export function mergeShapes(a: ObservedSchema, b: ObservedSchema): ObservedSchema {
  const out = copyShape(a);
  mergeInto(out, b);
  return out;
}

/** Merges `source` into `target` (changed in place; `source` is not), as `mergeShapes`. */
export function mergeInto(target: ObservedSchema, source: ObservedSchema): void {
  const tt = typesOf(target);
  const st = typesOf(source);
  const hadString = tt.includes('string');
  const hadObject = tt.includes('object');
  if (st.length && !(typeof source.type === 'string' && source.type === target.type)) {
    const type = typeValue([...tt, ...st]);
    if (type !== undefined) target.type = type;
  }
  // Format: only when every string seen had it.
  if (st.includes('string')) {
    if (!hadString) {
      if (source.format) target.format = source.format;
      else delete target.format;
    } else if (target.format !== source.format) delete target.format;
  }
  if (source.items) {
    if (target.items) mergeInto(target.items, source.items);
    else target.items = copyShape(source.items);
  }
  if (st.includes('object')) mergeObjects(target, source, hadObject);
}

function mergeObjects(target: ObservedSchema, source: ObservedSchema, hadObject: boolean): void {
  const sourceIsMap = source.additionalProperties !== undefined && source.properties === undefined;
  const targetIsMap = hadObject && target.additionalProperties !== undefined && target.properties === undefined;
  // Only empty objects seen so far (`{}`), or no object: the other side's fields (required only when no object was seen).
  if (!hadObject || (!target.properties && !target.additionalProperties)) {
    if (source.properties) target.properties = copyShape({ properties: source.properties }).properties!;
    if (!hadObject && source.required) target.required = [...source.required];
    if (source.additionalProperties) target.additionalProperties = copyShape(source.additionalProperties);
    if (source['x-map-key'] !== undefined) target['x-map-key'] = source['x-map-key'];
    return;
  }
  // A map on one side and records' fields on the other (a one-entry map not told apart on some page):
  // when every field holds an object, the fields are the map's entries; their names are dropped.
  const fieldsSide = sourceIsMap ? target : source;
  if (sourceIsMap !== targetIsMap && fieldsSide.properties) {
    const fields = Object.values(fieldsSide.properties);
    if (fields.every((f) => typesOf(f).length === 1 && typesOf(f)[0] === 'object')) {
      const values = copyShape((sourceIsMap ? source : target).additionalProperties!);
      for (const f of fields) mergeInto(values, f);
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
    const properties = (target.properties ??= nameRecord<ObservedSchema>());
    let count = Object.keys(properties).length;
    for (const name of Object.keys(source.properties)) {
      const shape = source.properties[name]!;
      if (Object.hasOwn(properties, name)) {
        mergeInto(properties[name]!, shape);
        continue;
      }
      if (count >= MAX_SHAPE_PROPERTIES) {
        if (target.additionalProperties) mergeInto(target.additionalProperties, shape);
        else target.additionalProperties = copyShape(shape);
        continue;
      }
      properties[name] = copyShape(shape);
      count++;
    }
  }
  if (!target.required?.length) delete target.required;
  if (target.properties && !Object.keys(target.properties).length) delete target.properties;
  if (source.additionalProperties) {
    if (target.additionalProperties) mergeInto(target.additionalProperties, source.additionalProperties);
    else target.additionalProperties = copyShape(source.additionalProperties);
  }
}
