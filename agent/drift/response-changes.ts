import { TRANSFORM_READS } from '../run/drift.ts';
import { ITEMS, SchemaView, VALUES } from '../docs-view/schema-view.ts';
import type { Operation, Response, SchemaNode, Source } from '../ingest/api-model.ts';
import type { Stream } from '../plan/connector-plan.ts';
import { responseBody, type ResponseBody } from '../plan/response-body.ts';
import type { Transform } from '../../templates/slots/mapping.ts';
import { defineDriftFindings, driftFindingOf, named, arg, type DriftFinding } from './drift-finding.ts';
import { fieldPresence, lessGuaranteed, type Presence } from './field-presence.ts';
import type { RecordRead, StreamDependencies } from './stream-dependencies.ts';

/**
 * What changed in the response a stream reads, between the connector's recorded docs and the new
 * docs: where the records are (the items path, a list or a map), every record field it reads, the
 * id field's presence in every record (field-presence.ts: each `oneOf`/`anyOf` branch apart), and
 * the body fields and headers its paginator reads — refs followed and `allOf` folded (SchemaView),
 * the docs' examples folded in as the planner reads them (agent/plan/response-body.ts). Responses a
 * live run observed (`generate --observed`) are left out on both sides: docs are compared with docs.
 */

export const RESPONSE_FINDINGS = defineDriftFindings({
  'items-path-removed': { level: 'breaking', text: (a) => `the records are no longer at ${named(a, 'items_path')} of the response${a.candidate ? `; a new list is at ${named(a, 'candidate')}` : ''}` },
  'list-container-changed': { level: 'breaking', text: (a) => `${a.items_path ? `${named(a, 'items_path')} of the response` : 'the response body'} is ${arg(a, 'now')} where the connector reads ${arg(a, 'was')}` },
  'mapped-field-removed': { level: 'breaking', text: (a) => `the record field ${named(a, 'field')}, read into ${arg(a, 'reads')}, is gone from the response${a.candidate ? `; renamed to ${named(a, 'candidate')}?` : ''}` },
  'mapped-field-type-changed': { level: 'breaking', text: (a) => `the record field ${named(a, 'field')}, read into ${arg(a, 'reads')}, is now ${arg(a, 'now')} (was ${arg(a, 'was')}): the connector cannot read it` },
  'mapped-field-retyped': { level: 'info', text: (a) => `the record field ${named(a, 'field')} is now ${arg(a, 'now')} (was ${arg(a, 'was')}); the connector still reads it into ${arg(a, 'reads')}` },
  'status-value-added': { level: 'info', text: (a) => `the record field ${named(a, 'field')} may now hold ${arg(a, 'values')}, which the status mapping reads as unknown` },
  'pagination-field-removed': { level: 'breaking', text: (a) => `the response field ${named(a, 'field')}, which the paginator reads for ${arg(a, 'reads')}, is gone` },
  'pagination-header-removed': { level: 'breaking', text: (a) => `the response header ${named(a, 'header')}, which the paginator reads for ${arg(a, 'reads')}, is no longer documented` },
  'response-undocumented': { level: 'info', text: () => 'the new docs give no success response body to check the connector\'s reading against' },
  'id-field-not-guaranteed': { level: 'breaking', text: (a) => `the record field ${named(a, 'field')}, the records' id, is now ${arg(a, 'now')} (was ${arg(a, 'was')}): a record without it fails the run` },
  'response-field-added': { level: 'info', text: (a) => `records have ${arg(a, 'count')} new field${a.count === 1 ? '' : 's'}: ${arg(a, 'fields')}${a.more ? ` and ${arg(a, 'more')} more` : ''}` },
});

/** Added fields named in one finding; the rest are counted. */
const ADDED_SHOWN = 12;


/** One side of the comparison: the docs, their schema view, the operation. */
export interface Side {
  view: SchemaView;
  op: Operation;
}

/** The operation with only the docs' own responses (none a live run observed). */
function docsOnly(op: Operation): Operation {
  return op.responses.some((r) => r.observed) ? { ...op, responses: op.responses.filter((r) => !r.observed) } : op;
}

/** The docs' types at a node (`object`/`array` when only properties or items say so), null left out; [] when unknown. */
function typesAt(view: SchemaView, node: SchemaNode): string[] {
  const r = view.resolve(node);
  const types = r.type?.length ? r.type : view.isArray(node) ? ['array'] : view.isObject(node) ? ['object'] : [];
  return [...new Set(types.filter((t) => t !== 'null'))].sort();
}

/** The records' schema under the list node: a list's items, a map's values. */
function recordsOf(view: SchemaView, list: SchemaNode | undefined, stream: Stream): SchemaNode | undefined {
  if (!list) return undefined;
  if (stream.items_container === 'map') return view.resolve(list).additionalProperties;
  return view.isArray(list) ? view.items(list) : undefined;
}

/** Where the field at `steps` of the response body is written: the named schema holding it, else the response. */
function sourceAt(view: SchemaView, response: Response, steps: string[], inside = false): Source {
  for (let n = steps.length; n >= 0; n--) {
    const d = view.declaration(response.schema, steps.slice(0, n));
    // Where a field would be (`inside`): the named schema the parent object is, when it is one.
    const target = inside && n === steps.length && d?.node.ref ? view.namedSchema(d.node.ref) : undefined;
    if (target) return target.source;
    if (d?.declaredIn) return d.declaredIn.source;
  }
  return response.source;
}

/** The body steps (for `sourceAt`) down to a record field. */
function recordSteps(stream: Stream, field: string): string[] {
  return [...(stream.items_path ? stream.items_path.split('.') : []), stream.items_container === 'map' ? VALUES : ITEMS, ...field.split('.')];
}

function shapeWord(view: SchemaView, node: SchemaNode, stream: Stream): string {
  if (view.isArray(node)) return 'a list';
  if (stream.items_container === 'map' && view.resolve(node).additionalProperties) return 'a map of records';
  return typesAt(view, node).join(' or ') || 'untyped';
}

/**
 * The findings about the response `stream` reads, between `old` (the connector's slice) and `next`
 * (the new docs), for the dependencies `deps`. `operation` names it in each finding. Never throws.
 */
export function responseChanges(stream: Stream, deps: StreamDependencies, old: Side, next: Side, operation: string): DriftFinding[] {
  const out: DriftFinding[] = [];
  const before = responseBody(docsOnly(old.op), old.view);
  if (!before) return out;
  const after = responseBody(docsOnly(next.op), next.view);
  const at = (o: Source | undefined, n: Source | undefined) => ({ operation, stream: stream.name, old: o, new: n });
  const push = (id: keyof typeof RESPONSE_FINDINGS, where: ReturnType<typeof at>, args: DriftFinding['args'] = {}) => out.push(driftFindingOf(RESPONSE_FINDINGS, id, where, args));
  if (!after) {
    push('response-undocumented', at(before.response.source, next.op.source));
    return out;
  }
  const listBefore = old.view.at(before.schema, stream.items_path);
  const listAfter = next.view.at(after.schema, stream.items_path);
  if (listBefore && !listAfter) {
    const candidate = newListNear(old.view, before, next.view, after, stream.items_path);
    push('items-path-removed', at(sourceAt(old.view, before.response, stream.items_path.split('.')), after.response.source), { items_path: stream.items_path, ...(candidate ? { candidate } : {}) });
    return out;
  }
  if (listBefore && listAfter) {
    const was = shapeWord(old.view, listBefore, stream);
    const now = shapeWord(next.view, listAfter, stream);
    const wasList = was === 'a list' || was === 'a map of records';
    if (wasList && now !== was) {
      push('list-container-changed', at(before.response.source, after.response.source), { items_path: stream.items_path, was, now });
      return out;
    }
  }
  const recordsBefore = recordsOf(old.view, listBefore, stream);
  const recordsAfter = recordsOf(next.view, listAfter, stream);
  if (recordsBefore && recordsAfter) {
    const candidates = new Set<string>();
    for (const r of deps.records) {
      const candidate = compareRecordRead(stream, r, old.view, recordsBefore, before, next.view, recordsAfter, after, at, push);
      if (candidate) candidates.add(candidate);
    }
    const id = idPresenceChange(stream, old.view, before, next.view, after);
    if (id) push('id-field-not-guaranteed', at(sourceAt(old.view, before.response, recordSteps(stream, id.field)), sourceAt(next.view, after.response, recordStepsOf(stream))), id);
    // A field already named as a renamed field's likely new name is not news twice.
    const added = addedFields(old.view, recordsBefore, next.view, recordsAfter).filter((f) => !candidates.has(f));
    if (added.length) push('response-field-added', at(undefined, sourceAt(next.view, after.response, recordStepsOf(stream))), { count: added.length, fields: added.slice(0, ADDED_SHOWN), ...(added.length > ADDED_SHOWN ? { more: added.length - ADDED_SHOWN } : {}) });
  }
  for (const f of deps.paginationFields) {
    if (old.view.at(before.schema, f.path) && !next.view.at(after.schema, f.path)) push('pagination-field-removed', at(sourceAt(old.view, before.response, f.path.split('.')), after.response.source), { field: f.path, reads: f.why });
  }
  for (const h of deps.paginationHeaders) {
    const has = (r: Response) => r.headers.some((x) => x.name.toLowerCase() === h.name.toLowerCase());
    if (has(before.response) && !has(after.response)) push('pagination-header-removed', at(before.response.source, after.response.source), { header: h.name, reads: h.why });
  }
  return out;
}

const PRESENCE_WORDS: Record<Presence, string> = { required: 'required in every record', optional: 'optional', absent: 'missing from a variant of the record schema' };

/** The records' schema as the docs write it — examples not folded in: they show fields, never which ones every record has. */
function writtenRecords(view: SchemaView, body: ResponseBody, stream: Stream): SchemaNode | undefined {
  return body.response.schema ? recordsOf(view, view.at(body.response.schema, stream.items_path), stream) : undefined;
}

/**
 * The field the records' id is read from, when the new docs guarantee it less than the recorded
 * ones did (required → optional, or absent from a `oneOf`/`anyOf` branch). Undefined when the
 * field is gone altogether (`mapped-field-removed` says so), a map's key fills it, or either side's
 * records are known only from examples.
 */
function idPresenceChange(stream: Stream, oldView: SchemaView, before: ResponseBody, newView: SchemaView, after: ResponseBody): { field: string; was: string; now: string } | undefined {
  const field = stream.mapping.id?.path;
  if (!field || (stream.items_container === 'map' && stream.map_key_field === field)) return undefined;
  const oldRecords = writtenRecords(oldView, before, stream);
  const newRecords = writtenRecords(newView, after, stream);
  if (!oldRecords || !newRecords || !newView.at(newRecords, field)) return undefined;
  const was = fieldPresence(oldView, oldRecords, field);
  const now = fieldPresence(newView, newRecords, field);
  return lessGuaranteed(was, now) ? { field, was: PRESENCE_WORDS[was], now: PRESENCE_WORDS[now] } : undefined;
}

function recordStepsOf(stream: Stream): string[] {
  return recordSteps(stream, '').filter(Boolean);
}

type Push = (id: keyof typeof RESPONSE_FINDINGS, where: { operation: string; stream: string; old: Source | undefined; new: Source | undefined }, args?: DriftFinding['args']) => void;

/** Compares one record field the stream reads; returns the likely new name of a removed one. */
function compareRecordRead(stream: Stream, r: RecordRead, oldView: SchemaView, oldRecords: SchemaNode, before: ResponseBody, newView: SchemaView, newRecords: SchemaNode, after: ResponseBody, at: (o: Source | undefined, n: Source | undefined) => { operation: string; stream: string; old: Source | undefined; new: Source | undefined }, push: Push): string | undefined {
  const field = r.element ? `${r.path}[].${r.element}` : r.path;
  const find = (view: SchemaView, records: SchemaNode): SchemaNode | undefined => {
    const node = view.at(records, r.path);
    if (!node || !r.element) return node;
    return view.isArray(node) ? view.at(view.items(node), r.element) : undefined;
  };
  const was = find(oldView, oldRecords);
  // The recorded docs did not declare it (an example's field, an observation): nothing to compare.
  if (!was) return undefined;
  const now = find(newView, newRecords);
  const steps = recordSteps(stream, r.path);
  const oldSource = sourceAt(oldView, before.response, steps);
  if (!now) {
    const candidate = r.element ? undefined : renameCandidate(oldView, oldRecords, was, newView, newRecords, r.path);
    push('mapped-field-removed', at(oldSource, sourceAt(newView, after.response, steps.slice(0, -1), true)), { field, reads: r.why, ...(candidate ? { candidate } : {}) });
    return candidate;
  }
  const newSource = sourceAt(newView, after.response, steps);
  const wasTypes = typesAt(oldView, was);
  const nowTypes = typesAt(newView, now);
  if (wasTypes.length && nowTypes.length && wasTypes.join() !== nowTypes.join()) {
    const widened = (t: string) => wasTypes.includes(t) || (t === 'integer' && wasTypes.includes('number')) || (t === 'number' && wasTypes.includes('integer'));
    const off = nowTypes.filter((t) => !widened(t));
    const reads = (tr: Transform, t: string) => (TRANSFORM_READS[tr] as readonly string[]).includes(t);
    const unreadable = off.some((t) => (r.key && !reads('string', t)) || r.transforms.some((tr) => !reads(tr, t)));
    if (off.length) push(unreadable || (!r.transforms.length && !r.key) ? 'mapped-field-type-changed' : 'mapped-field-retyped', at(oldSource, newSource), { field, reads: r.why, was: wasTypes.join(' or '), now: nowTypes.join(' or ') });
  }
  if (r.transforms.includes('status-map')) {
    const mapped = Object.values(stream.mapping).find((m) => m?.path === r.path && m.transform === 'status-map')?.values ?? {};
    const oldEnum = new Set((oldView.resolve(was).enum ?? []).map(String));
    const added = (newView.resolve(now).enum ?? []).map(String).filter((v) => !oldEnum.has(v) && !Object.hasOwn(mapped, v));
    if (added.length) push('status-value-added', at(oldSource, newSource), { field, values: added.slice(0, ADDED_SHOWN) });
  }
  return undefined;
}

/**
 * The likely new name of a removed field: the one property that appeared at the same place (the
 * same parent object) with the same type. Undefined when none or several did.
 */
function renameCandidate(oldView: SchemaView, oldRecords: SchemaNode, was: SchemaNode, newView: SchemaView, newRecords: SchemaNode, path: string): string | undefined {
  const steps = path.split('.');
  const parent = steps.slice(0, -1).join('.');
  const oldNames = new Set(Object.keys(oldView.properties(oldView.at(oldRecords, parent))));
  const newProps = newView.properties(newView.at(newRecords, parent));
  const type = typesAt(oldView, was).join();
  const fresh = Object.keys(newProps).filter((n) => !oldNames.has(n) && typesAt(newView, newProps[n]!).join() === type);
  return fresh.length === 1 ? (parent ? `${parent}.${fresh[0]}` : fresh[0]) : undefined;
}

/** A list field that appeared beside where the records were (the records moved there?). */
function newListNear(oldView: SchemaView, before: ResponseBody, newView: SchemaView, after: ResponseBody, itemsPath: string): string | undefined {
  const parent = itemsPath.split('.').slice(0, -1).join('.');
  const oldNames = new Set(Object.keys(oldView.properties(oldView.at(before.schema, parent))));
  const newProps = newView.properties(newView.at(after.schema, parent));
  const lists = Object.keys(newProps).filter((n) => !oldNames.has(n) && newView.isArray(newProps[n]));
  return lists.length === 1 ? (parent ? `${parent}.${lists[0]}` : lists[0]) : undefined;
}

/** Record fields (two levels deep) the new docs give and the recorded ones did not, sorted. */
function addedFields(oldView: SchemaView, oldRecords: SchemaNode, newView: SchemaView, newRecords: SchemaNode): string[] {
  const had = new Set(oldView.fields(oldRecords).map((f) => f.path));
  return newView.fields(newRecords).map((f) => f.path).filter((p) => !had.has(p)).sort();
}
