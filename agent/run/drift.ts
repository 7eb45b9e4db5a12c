import { SchemaView } from '../docs-view/schema-view.ts';
import type { ApiModel, SchemaNode } from '../ingest/api-model.ts';
import type { JsonType, ObservedOperation, ObservedSchema } from '../observed/observed-shapes.ts';
import type { ConnectorPlan, Stream } from '../plan/connector-plan.ts';
import type { Transform } from '../../templates/slots/mapping.ts';
import { docsResponse, operationOf, responseSchema, statusDocumented } from './docs-response.ts';
import { mediaType } from './observe-responses.ts';
import { mergeShapes } from './shape-of.ts';

/**
 * Drift: every difference between what a live run observed (shapes only, agent/run/shape-of.ts)
 * and what the connector expects — the plan stream's items path and list container, the fields its
 * mapping reads, and the docs' response (the connector's api-model.json, refs followed and `allOf`
 * folded by SchemaView) — classified, with a severity:
 * - `breaking`: the connector cannot read the records, or loses mapped data (a `generate
 *   --observed` with the shapes file is what fixes it);
 * - `additive`: the API says more than the docs (an undocumented field);
 * - `info`: a difference the connector reads through (a documented string seen null, an
 *   undocumented status the run's findings already report).
 * Entries carry types and shapes only, never a value.
 */

export const DRIFT_CLASSES = ['list-shape-changed', 'items-path-missing', 'mapped-field-missing', 'field-type-changed', 'nullable-undocumented', 'field-undocumented', 'status-undocumented', 'content-type-changed'] as const;
export type DriftClass = (typeof DRIFT_CLASSES)[number];
export type DriftSeverity = 'breaking' | 'additive' | 'info';

export interface DriftEntry {
  class: DriftClass;
  severity: DriftSeverity;
  stream: string;
  /** `GET /users/{name}/tokens`: the docs' path template. */
  operation: string;
  /** Where in the body, JSONPath-like: `$` the body, `$.api_tokens`, `$[*].last_activity` (a list's records), `$.*.name` (a map's). */
  path: string;
  /** What the connector expects there (a type or shape). */
  expected: string;
  /** What the live API answered there (a type or shape). */
  observed: string;
  /** One line for a person. */
  text: string;
}

/** Additive and info entries kept (breaking ones are all kept); the rest are counted in `omitted`. */
const MAX_MINOR_ENTRIES = 100;
/** How deep into records the fields are compared. */
const MAX_COMPARE_DEPTH = 4;
/** Body fields that never hold the records (as templates/runtime/select-records.ts skips them). */
const NOT_RECORDS = /^(errors?|warnings?|messages?|links|_links|meta|_meta|metadata|included|_embedded)$/i;

/** The JSON types each transform reads a value from (templates/runtime/map-record.ts); any other maps to null. */
export const TRANSFORM_READS: Record<Transform, readonly JsonType[]> = {
  string: ['string', 'integer', 'number', 'boolean'],
  'iso-datetime': ['string'],
  'unix-seconds': ['integer', 'number', 'string'],
  'unix-millis': ['integer', 'number', 'string'],
  'status-map': ['string', 'integer', 'number', 'boolean'],
  'bool-true-is-deprovisioned': ['boolean'],
  'bool-true-is-suspended': ['boolean'],
  'bool-true-is-active': ['boolean'],
  'string-list': ['array', 'string', 'integer', 'number', 'boolean'],
  'split-space': ['array', 'string', 'integer', 'number', 'boolean'],
  'first-string': ['array', 'string', 'integer', 'number', 'boolean'],
  'sha256-fingerprint': ['string', 'integer', 'number', 'boolean'],
};

function typesOf(s: ObservedSchema | undefined): JsonType[] {
  return s?.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
}

const isMap = (s: ObservedSchema) => typesOf(s).includes('object') && s.additionalProperties !== undefined && s.properties === undefined;

/** A shape for a person: types and field names, never a value. */
export function describeShape(s: ObservedSchema | undefined): string {
  const types = typesOf(s);
  if (!s || !types.length) return 'nothing (no value seen)';
  return types
    .map((t) => {
      if (t === 'array') return 'a list';
      if (t !== 'object') return t;
      if (isMap(s)) return `a map of records keyed by ${s['x-map-key'] ? `their \`${s['x-map-key']}\`` : 'data'}`;
      const names = Object.keys(s.properties ?? {});
      if (!names.length) return 'an object';
      return `an object with field${names.length === 1 ? '' : 's'} ${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''}`;
    })
    .join(' or ');
}

/** The first list of records (or map of records) inside an object, to depth 3: where the records went. */
function findRecords(s: ObservedSchema, prefix: string, depth = 1): { path: string; records: ObservedSchema; jsonPath: string } | undefined {
  if (depth > 3 || !s.properties) return undefined;
  for (const [name, p] of Object.entries(s.properties)) {
    if (NOT_RECORDS.test(name)) continue;
    const at = `${prefix}.${name}`;
    if (typesOf(p).includes('array') && typesOf(p.items).includes('object')) return { path: at.replace(/^\$\./, ''), records: p.items!, jsonPath: `${at}[*]` };
    if (isMap(p)) return { path: at.replace(/^\$\./, ''), records: p.additionalProperties!, jsonPath: `${at}.*` };
    const deeper = typesOf(p).includes('object') ? findRecords(p, at, depth + 1) : undefined;
    if (deeper) return deeper;
  }
  return undefined;
}

/** The shape of the field `name` of an object shape (its own property: never one of `Object.prototype`'s), or undefined. */
function propertyOf(s: ObservedSchema | undefined, name: string): ObservedSchema | undefined {
  return s?.properties && Object.hasOwn(s.properties, name) ? s.properties[name] : undefined;
}

/**
 * The shape at a dotted record path, or undefined when no record had it. A field is there only when
 * the records' `properties` name it: `additionalProperties` holds what was folded (keys that were
 * data, names seen once), which says nothing of the field the mapping reads.
 */
function shapeAt(s: ObservedSchema, dotted: string): ObservedSchema | undefined {
  let cur: ObservedSchema | undefined = s;
  for (const step of dotted.split('.')) {
    cur = propertyOf(cur, step);
    if (!cur) return undefined;
  }
  return cur;
}

/** Whether the stream reads a map whose records get `field` from their key when they lack it (templates/runtime/select-records.ts). */
function filledFromKey(stream: Stream, found: { jsonPath: string }, field: string): boolean {
  return stream.items_container === 'map' && !!stream.map_key_field && stream.map_key_field === field && found.jsonPath.endsWith('.*');
}

/** Classifies the drift of every stream the run observed. `omitted`: additive/info entries past the cap. */
export function classifyDrift(plan: ConnectorPlan, model: Pick<ApiModel, 'operations' | 'schemas'>, observed: ObservedOperation[]): { entries: DriftEntry[]; omitted: number } {
  const view = new SchemaView(model);
  const entries: DriftEntry[] = [];
  const recordsOf = new Map<string, { records: ObservedSchema; jsonPath: string }>();
  const byPath = new Map(observed.map((o) => [o.path, o]));

  for (const stream of plan.streams) {
    const obs = byPath.get(stream.path);
    if (!obs) continue;
    const operation = `GET ${stream.path}`;
    const push = (e: Omit<DriftEntry, 'stream' | 'operation'>) => entries.push({ ...e, stream: stream.name, operation });
    const op = operationOf(model, stream);
    // Statuses and media types: once per operation, by the first stream that calls it.
    if (obs.stream === stream.name || !plan.streams.some((s) => s.name === obs.stream)) {
      for (const r of obs.responses) {
        if (op && !statusDocumented(op, r.status)) {
          const documented = op.responses.map((d) => d.status).join(', ') || 'none';
          push({ class: 'status-undocumented', severity: 'info', path: '$', expected: `status ${documented}`, observed: `status ${r.status}`, text: `${operation} answered ${r.status}, which the docs do not give (they give ${documented})` });
        }
        const doc = docsResponse(op, r.status);
        const docType = mediaType(doc?.content_type ?? null);
        if (docType && r.content_type !== null && r.content_type !== docType) {
          const unreadable = r.status >= 200 && r.status < 300 && r.body === null;
          push({
            class: 'content-type-changed',
            severity: unreadable ? 'breaking' : 'info',
            path: '$',
            expected: docType,
            observed: r.content_type,
            text: `${operation} answered ${r.status} as ${r.content_type} where the docs give ${docType}${unreadable ? ': the body is not JSON the connector can read' : ''}`,
          });
        }
      }
    }
    const ok = obs.responses.filter((r) => r.status >= 200 && r.status < 300 && r.body !== null);
    if (!ok.length) continue;
    const body = ok.map((r) => r.body!).reduce((a, b) => mergeShapes(a, b));
    const docs = responseSchema(docsResponse(op, ok[0]!.status));
    const found = locateRecords(stream, body, docs?.node, view, push);
    if (!found) continue;
    recordsOf.set(stream.name, found);
    if (!typesOf(found.records).includes('object')) continue;
    const docsRecords = docs ? docsRecordsNode(view, docs.node, stream.items_path) : undefined;
    const keyPaths = new Set([stream.mapping.id?.path ?? '', ...plan.streams.filter((c) => c.parent?.stream === stream.name).map((c) => c.parent!.from_field)].filter(Boolean));
    if (docsRecords) compareFields(view, docsRecords, found.records, found.jsonPath, '', 0, { stream, keyPaths, fromExample: docs!.fromExample, push });
    // Every field the mapping reads, seen in some record.
    const reads = new Map<string, { fields: string[]; transform: Transform }>();
    for (const [field, m] of Object.entries(stream.mapping)) {
      if (!m?.path) continue;
      const r = reads.get(m.path);
      if (r) r.fields.push(field);
      else reads.set(m.path, { fields: [field], transform: m.transform });
    }
    for (const [p, r] of reads) {
      if (shapeAt(found.records, p) !== undefined || filledFromKey(stream, found, p)) continue;
      push({ class: 'mapped-field-missing', severity: 'breaking', path: `${found.jsonPath}.${p}`, expected: `a field read into ${r.fields.join(', ')} (${r.transform})`, observed: 'absent from every record seen', text: `${stream.name}: no record had \`${p}\`, which the mapping reads into ${r.fields.join(', ')}` });
    }
  }
  // A child stream's path parameter is filled from a field of its parent's records.
  for (const child of plan.streams) {
    if (!child.parent) continue;
    const parent = plan.streams.find((s) => s.name === child.parent!.stream);
    const found = parent && recordsOf.get(parent.name);
    if (!parent || !found || !typesOf(found.records).includes('object') || shapeAt(found.records, child.parent.from_field) !== undefined || filledFromKey(parent, found, child.parent.from_field)) continue;
    const f = child.parent.from_field;
    entries.push({ class: 'mapped-field-missing', severity: 'breaking', stream: parent.name, operation: `GET ${parent.path}`, path: `${found.jsonPath}.${f}`, expected: `a field that fills {${child.parent.param}} of ${child.name}`, observed: 'absent from every record seen', text: `${parent.name}: no record had \`${f}\`, which ${child.name} needs for {${child.parent.param}}` });
  }
  const rank: Record<DriftSeverity, number> = { breaking: 0, additive: 1, info: 2 };
  const sorted = entries.map((e, i) => [e, i] as const).sort((a, b) => rank[a[0].severity] - rank[b[0].severity] || a[1] - b[1]).map(([e]) => e);
  const breaking = sorted.filter((e) => e.severity === 'breaking');
  const minor = sorted.filter((e) => e.severity !== 'breaking');
  return { entries: [...breaking, ...minor.slice(0, MAX_MINOR_ENTRIES)], omitted: Math.max(0, minor.length - MAX_MINOR_ENTRIES) };
}

/** The docs' record schema: the items (or map values) of the list at the items path. */
function docsRecordsNode(view: SchemaView, root: SchemaNode, itemsPath: string): SchemaNode | undefined {
  const list = view.at(root, itemsPath);
  if (!list) return undefined;
  return view.isArray(list) ? view.items(list) : view.resolve(list).additionalProperties;
}

/** Whether the observed body holds a number at `path` (dotted): where an empty answer's total is. */
function totalIsNumber(body: ObservedSchema, path: string): boolean {
  let cur: ObservedSchema | undefined = body;
  for (const step of path.split('.')) cur = cur ? propertyOf(cur, step) : undefined;
  return !!cur && typesOf(cur).some((t) => t === 'integer' || t === 'number');
}

/**
 * Finds the records in the observed body where the plan reads them (the items path, a list or the
 * map the plan says), pushing `items-path-missing` / `list-shape-changed` when they are not there.
 * Returns the records' shape (found elsewhere, when it is: for the field checks), or undefined.
 */
function locateRecords(stream: Stream, body: ObservedSchema, docsRoot: SchemaNode | undefined, view: SchemaView, push: (e: Omit<DriftEntry, 'stream' | 'operation'>) => void): { records: ObservedSchema; jsonPath: string } | undefined {
  const expectsMap = stream.items_container === 'map';
  const expected = expectsMap ? 'a map of records' : 'a list';
  const steps = stream.items_path ? stream.items_path.split('.') : [];
  let cur = body;
  let at = '$';
  for (const [i, step] of steps.entries()) {
    // Wrapper fields the docs do not give (a `_pagination` beside the list) are additive.
    compareWrapper(view, docsRoot ? view.at(docsRoot, steps.slice(0, i).join('.')) : undefined, cur, at, step, push);
    const next = propertyOf(cur, step);
    // The empty answer the docs print (no records' key, a total of 0): the fetcher accepted it only with that total 0.
    if (!next && i === steps.length - 1 && stream.empty.absent_at_zero && totalIsNumber(body, stream.empty.absent_at_zero)) return undefined;
    if (!next) {
      const elsewhere = findRecords(body, '$');
      push({
        class: 'items-path-missing',
        severity: 'breaking',
        path: `$.${stream.items_path}`,
        expected: `${expected} at \`${stream.items_path}\``,
        observed: `${describeShape(cur)} at ${at}${elsewhere ? `; records at \`${elsewhere.path}\`` : ''}`,
        text: `${stream.name}: the body has no \`${stream.items_path}\`${elsewhere ? `; the records are at \`${elsewhere.path}\`` : ''}`,
      });
      return elsewhere;
    }
    cur = next;
    at = `${at}.${step}`;
  }
  const types = typesOf(cur);
  const where = stream.items_path ? `at \`${stream.items_path}\`` : 'as the body';
  const changed = (observed: string, extra = '') =>
    push({ class: 'list-shape-changed', severity: 'breaking', path: at, expected, observed, text: `${stream.name}: ${expected} was expected ${where}, the API answered ${observed}${extra}` });
  if (types.includes('null') && !stream.empty.null_items) {
    push({ class: 'nullable-undocumented', severity: 'breaking', path: at, expected, observed: describeShape(cur), text: `${stream.name}: the list ${where} was null, which the docs do not allow: the connector fails closed on it` });
  }
  const nonNull = types.filter((t) => t !== 'null');
  if (expectsMap) {
    if (isMap(cur) && nonNull.length === 1) return { records: cur.additionalProperties!, jsonPath: `${at}.*` };
    changed(describeShape(cur));
    return typesOf(cur).includes('array') && cur.items ? { records: cur.items, jsonPath: `${at}[*]` } : undefined;
  }
  if (nonNull.length === 1 && nonNull[0] === 'array') return { records: cur.items ?? {}, jsonPath: `${at}[*]` };
  if (isMap(cur)) {
    changed(describeShape(cur));
    return { records: cur.additionalProperties!, jsonPath: `${at}.*` };
  }
  if (nonNull.includes('object')) {
    const inner = findRecords(cur, at);
    if (inner) {
      changed(`an object whose records are at \`${inner.path}\``);
      return inner;
    }
  }
  if (nonNull.length) changed(describeShape(cur));
  return nonNull.includes('array') && cur.items ? { records: cur.items, jsonPath: `${at}[*]` } : undefined;
}

interface CompareContext {
  stream: Stream;
  /** Record paths whose value identifies the record (the id, a child's parent field): null there loses it. */
  keyPaths: Set<string>;
  /** The docs' schema was inferred from an example: absences and nulls prove nothing. */
  fromExample: boolean;
  push: (e: Omit<DriftEntry, 'stream' | 'operation'>) => void;
}

/** Fields of a wrapper object (on the way to the items path) that the docs do not give: additive. */
function compareWrapper(view: SchemaView, docs: SchemaNode | undefined, obs: ObservedSchema, at: string, skip: string, push: CompareContext['push']): void {
  const declared = view.properties(docs);
  if (!Object.keys(declared).length) return;
  for (const name of Object.keys(obs.properties ?? {})) {
    if (name === skip || Object.hasOwn(declared, name)) continue;
    push({ class: 'field-undocumented', severity: 'additive', path: `${at}.${name}`, expected: 'absent (not in the docs)', observed: describeShape(propertyOf(obs, name)), text: `the body has \`${name}\`, which the docs do not give` });
  }
}

/** The docs' types at a node (`object`/`array` when only properties or items say so); [] when unknown. */
function docsTypes(view: SchemaView, node: SchemaNode): string[] {
  const r = view.resolve(node);
  if (r.type?.length) return r.type;
  if (view.isArray(node)) return ['array'];
  if (view.isObject(node)) return ['object'];
  return [];
}

/** Compares the fields of observed records with the docs' record schema, to `MAX_COMPARE_DEPTH`. */
function compareFields(view: SchemaView, docs: SchemaNode, obs: ObservedSchema, at: string, dotted: string | null, depth: number, ctx: CompareContext): void {
  if (depth > MAX_COMPARE_DEPTH) return;
  const declared = view.properties(docs);
  const declares = Object.keys(declared).length > 0;
  for (const [name, o] of Object.entries(obs.properties ?? {})) {
    const jp = `${at}.${name}`;
    const fieldPath = dotted === null ? null : dotted ? `${dotted}.${name}` : name;
    const d = declares && Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (!d) {
      if (declares && !ctx.fromExample) ctx.push({ class: 'field-undocumented', severity: 'additive', path: jp, expected: 'absent (not in the docs)', observed: describeShape(o), text: `${ctx.stream.name}: records have \`${fieldPath ?? name}\`, which the docs do not give` });
      continue;
    }
    compareType(view, d, o, jp, fieldPath, ctx);
    const types = typesOf(o);
    if (types.includes('object') && o.properties && view.isObject(d)) compareFields(view, d, o, jp, fieldPath, depth + 1, ctx);
    if (types.includes('array') && o.items?.properties && view.isArray(d)) {
      const items = view.items(d);
      // The mapping's dotted paths never go through a list: below one, nothing is mapped.
      if (items) compareFields(view, items, o.items, `${jp}[*]`, null, depth + 1, ctx);
    }
  }
}

function compareType(view: SchemaView, d: SchemaNode, o: ObservedSchema, jp: string, fieldPath: string | null, ctx: CompareContext): void {
  const documented = docsTypes(view, d);
  const types = typesOf(o);
  const nonNull = types.filter((t) => t !== 'null');
  const reads = fieldPath === null ? [] : Object.entries(ctx.stream.mapping).filter(([, m]) => m?.path === fieldPath);
  const isKey = fieldPath !== null && ctx.keyPaths.has(fieldPath);
  const docsText = documented.join(' or ') || 'any';
  if (documented.length && nonNull.length) {
    const off = nonNull.filter((t) => !documented.includes(t) && !(t === 'integer' && documented.includes('number')));
    if (off.length) {
      const lost = reads.filter(([, m]) => off.some((t) => !TRANSFORM_READS[m!.transform].includes(t)));
      const keyLost = isKey && off.some((t) => !TRANSFORM_READS.string.includes(t));
      const breaking = lost.length > 0 || keyLost;
      ctx.push({
        class: 'field-type-changed',
        severity: breaking ? 'breaking' : 'info',
        path: jp,
        expected: docsText,
        observed: describeShape(o),
        text: `${ctx.stream.name}: \`${fieldPath ?? jp}\` is ${describeShape(o)} where the docs give ${docsText}${lost.length ? `: ${lost.map(([f]) => f).join(', ')} cannot be read from it` : keyLost ? ': records cannot be identified by it' : ''}`,
      });
    }
  }
  const nullable = documented.includes('null') || view.resolve(d).nullable === true;
  if (types.includes('null') && !nullable && !ctx.fromExample) {
    ctx.push({
      class: 'nullable-undocumented',
      severity: isKey ? 'breaking' : 'info',
      path: jp,
      expected: docsText,
      observed: describeShape(o),
      text: `${ctx.stream.name}: \`${fieldPath ?? jp}\` was null, which the docs do not say it can be${isKey ? ': records without it are skipped' : ''}`,
    });
  }
}
