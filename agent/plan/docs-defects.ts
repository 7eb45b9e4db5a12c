import { FetchwrightError } from '../errors.ts';
import { defectKey, type ApiModel, type DocsDefect, type Operation, type SchemaNode } from '../ingest/api-model.ts';
import { ITEMS, VALUES, type SchemaView } from '../docs-view/schema-view.ts';
import type { Evidence, Stream } from './connector-plan.ts';
import { fieldEvidence } from './evidence.ts';
import { classifyNoun, collectionNoun, endsInParameter, isExcludedPath } from './identity-kinds.ts';
import { successResponse } from './response-body.ts';
import { withArticle } from '../english.ts';

/**
 * The planner's judgement of the defects ingest recorded where they are (`ApiModel.defects`: a `$ref`
 * to nothing, a `$ref` beside `type: array`), and of examples that contradict their schema. A defect in a part the connector does not use is a
 * warning in the plan; in a part it uses — a stream's operation, the schema from its response down to
 * its records and every field its mapping reads — a `$ref` to nothing is an error that names it, and
 * a reading (an array beside a `$ref`) is said in the stream's evidence. A list that looks like
 * identities (its path names an identity collection) whose records' schema is a `$ref` to nothing is
 * an error too: the connector would have used it, had the docs said what its records hold.
 */

/** A plan warning: where the defect is written, and what it is and what to do, in one line. */
export interface PlanWarning {
  source: { file: string; pointer: string };
  message: string;
}

/** Where a defect sits on a stream's path through its response: the steps from the body to that node. */
type Reached = Map<string, string[]>;

const MAX_DEPTH = 12;

/** Every defect key at `node` as written, through its `$ref`s and combinator parts, each with `steps`. */
function mark(view: SchemaView, node: SchemaNode | undefined, steps: string[], into: Reached, depth = 0): void {
  if (!node || depth > MAX_DEPTH) return;
  if (node.defect && !into.has(node.defect)) into.set(node.defect, steps);
  for (const part of [...(node.allOf ?? []), ...(node.oneOf ?? []), ...(node.anyOf ?? [])]) mark(view, part, steps, into, depth + 1);
  if (node.ref) mark(view, view.namedSchema(node.ref)?.schema, steps, into, depth + 1);
}

/** The node under `node` one step down (a property, an array's items, a map's values). */
function step(view: SchemaView, node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  const r = view.resolve(node);
  if (key === ITEMS) return r.items;
  if (key === VALUES) return r.additionalProperties;
  return r.properties && Object.hasOwn(r.properties, key) ? r.properties[key] : undefined;
}

/** The defects on the parts of its response a stream reads: the body, the way down to its records, and every mapped field. */
function reachedBy(view: SchemaView, stream: Stream, root: SchemaNode | undefined): Reached {
  const reached: Reached = new Map();
  const walk = (steps: string[]) => {
    let node = root;
    mark(view, node, [], reached);
    for (let i = 0; i < steps.length && node; i++) {
      node = step(view, node, steps[i]!);
      mark(view, node, steps.slice(0, i + 1), reached);
    }
  };
  const records = [...(stream.items_path ? stream.items_path.split('.') : []), stream.items_container === 'map' ? VALUES : ITEMS];
  walk(records);
  const paths = [...Object.values(stream.mapping).map((m) => m.path), stream.kind_from?.path];
  for (const p of paths) if (p) walk([...records, ...p.split('.')]);
  return reached;
}

/**
 * Whether the defect is written inside `op` but outside its responses (its parameters, its security),
 * in the same file: what a request sends. The response's schemas are judged by the walk down to the
 * records and the mapped fields, so an unmapped field's defect stays a warning.
 */
function inRequest(defect: DocsDefect, op: Operation): boolean {
  if (defect.source.file !== op.source.file) return false;
  const prefix = `${op.source.pointer}/`;
  return defect.source.pointer.startsWith(prefix) && !defect.source.pointer.slice(prefix.length).startsWith('responses/');
}

function located(defect: DocsDefect): string {
  return `${defect.source.file} at ${defect.source.pointer || '/'}`;
}

function refused(defect: DocsDefect, what: string): FetchwrightError {
  return new FetchwrightError('unresolvable-ref', `${what}: ${defect.text} (${located(defect)})`, { file: defect.source.file, at: defect.source.pointer, hint: defect.fix });
}

/** Defects a list operation's records depend on: its success response and the schema down to its records (two levels). */
function recordsDefects(view: SchemaView, op: Operation, byKey: Map<string, DocsDefect>): DocsDefect[] {
  const out = new Set<string>();
  for (const d of byKey.values()) if (d.kind === 'dangling-ref' && d.source.file === op.source.file && d.source.pointer.startsWith(`${op.source.pointer}/responses/2`)) out.add(defectKey(d.source));
  const response = successResponse(op);
  const reached: Reached = new Map();
  const root = response?.schema;
  mark(view, root, [], reached);
  mark(view, step(view, root, ITEMS), [ITEMS], reached);
  for (const [name, child] of Object.entries(view.resolve(root).properties ?? {})) {
    mark(view, child, [name], reached);
    mark(view, step(view, child, ITEMS), [name, ITEMS], reached);
  }
  for (const key of reached.keys()) if (byKey.get(key)?.kind === 'dangling-ref') out.add(key);
  return [...out].map((k) => byKey.get(k)!);
}

/** Where a response's example says something other than its schema: the steps to it, and both types. */
export interface Contradiction {
  steps: string[];
  schema: string[];
  example: string;
}

const MAX_EXAMPLE_DEPTH = 6;

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * Where `example` contradicts `schema`: a value whose JSON type the schema does not allow (an object
 * where it says array, a string where it says boolean). Not counted: a `null` (docs leave nullability
 * out all the time, and null reads as unknown either way), a number written as its digits in a string
 * (read as the same text), and any part the schema does not describe. Looks at three records of an array.
 */
export function exampleContradictions(view: SchemaView, schema: SchemaNode | undefined, example: unknown, steps: string[] = [], depth = 0): Contradiction[] {
  if (example === undefined || example === null || depth > MAX_EXAMPLE_DEPTH) return [];
  const r = view.resolve(schema);
  const types = new Set(r.type ?? []);
  if (r.properties) types.add('object');
  if (r.items) types.add('array');
  if (!types.size) return [];
  const actual = jsonType(example);
  const numericText = actual === 'string' && /^-?\d+(\.\d+)?$/.test(example as string) && (types.has('integer') || types.has('number'));
  const digits = (actual === 'integer' || actual === 'number') && types.has('string');
  if (!(types.has(actual) || (actual === 'integer' && types.has('number')) || numericText || digits)) return [{ steps, schema: [...types], example: actual }];
  if (actual === 'array') return (example as unknown[]).slice(0, 3).flatMap((v) => exampleContradictions(view, r.items, v, [...steps, ITEMS], depth + 1));
  if (actual !== 'object') return [];
  return Object.entries(example as Record<string, unknown>).flatMap(([k, v]) => (r.properties && Object.hasOwn(r.properties, k) ? exampleContradictions(view, r.properties[k], v, [...steps, k], depth + 1) : []));
}

/** Steps in words: `data[].created`. */
function stepsText(steps: string[]): string {
  return steps.reduce((text, step) => (step === ITEMS ? `${text}[]` : step === VALUES ? `${text}{}` : text ? `${text}.${step}` : step), '') || 'the body';
}

function contradictionText(c: Contradiction): string {
  return `${stepsText(c.steps)} is ${withArticle(c.example)} in the example but ${c.schema.map((t) => withArticle(t)).join(' or ')} in the schema`;
}

/** Whether `inner` is `outer` or lies under it. */
const under = (inner: string[], outer: string[]) => outer.length <= inner.length && outer.every((s, i) => inner[i] === s);

/**
 * Refuses, naming the defect, when a GET the plan could not take (`excluded`) looks like a list of
 * identities — its path names an identity collection — and its records' schema is a `$ref` to
 * nothing: the connector would have used it, had the docs said what its records hold. Throws
 * FetchwrightError `unresolvable-ref` (exit 6) with the file, the pointer and the fix.
 */
export function refuseUnreadableLists(model: ApiModel, view: SchemaView, excluded: readonly { operation_id: string }[]): void {
  if (!model.defects?.length) return;
  const byKey = new Map(model.defects.map((d) => [defectKey(d.source), d]));
  for (const x of excluded) {
    const op = model.operations.find((o) => o.id === x.operation_id && o.method === 'get');
    if (!op || endsInParameter(op.path) || isExcludedPath(op.path)) continue;
    const noun = collectionNoun(op.path);
    if (!noun || !classifyNoun(noun, [])) continue;
    const missing = recordsDefects(view, op, byKey);
    if (missing.length) throw refused(missing[0]!, `GET ${op.path} looks like a list of ${noun}, but the docs do not say what its records hold`);
  }
}

/**
 * Judges `model.defects`, and GET responses' examples against their schemas, by a plan's streams.
 * Returns the plan's warnings (defects in parts no stream uses) and, per stream, the evidence for
 * the readings of the parts it uses. Throws FetchwrightError, naming the file, the pointer and the
 * fix: `unresolvable-ref` (exit 6) for a `$ref` to nothing in a part a stream uses, `unreadable-docs`
 * (exit 4) for an example that contradicts its schema where a stream reads (`contradictedExamples`).
 */
export function judgeDefects(model: ApiModel, view: SchemaView, streams: Stream[]): { warnings: PlanWarning[]; evidence: Map<string, Evidence[]> } {
  const evidence = new Map<string, Evidence[]>();
  const defects = model.defects ?? [];
  const byKey = new Map(defects.map((d) => [defectKey(d.source), d]));
  const used = new Set<string>();
  for (const stream of streams) {
    const op = model.operations.find((o) => o.id === stream.operation_id);
    if (!op) continue;
    const response = successResponse(op);
    const reached = reachedBy(view, stream, response?.schema);
    for (const d of defects) if (inRequest(d, op) && !reached.has(defectKey(d.source))) reached.set(defectKey(d.source), []);
    for (const [key, steps] of reached) {
      const defect = byKey.get(key);
      if (!defect) continue;
      used.add(key);
      if (defect.kind === 'dangling-ref') throw refused(defect, `the stream ${stream.name} (GET ${stream.path}) reads a part of the docs that is missing`);
      const said = `${defect.text} (${located(defect)})`;
      const e = response ? fieldEvidence(view, response, steps, said) : { source: op.source, reasoning: said };
      evidence.set(stream.name, [...(evidence.get(stream.name) ?? []), e]);
    }
  }
  const warnings: PlanWarning[] = defects
    .filter((d) => !used.has(defectKey(d.source)))
    // A web reference's host defects concern the whole API, not a part a stream could use.
    .map((d) => ({ source: d.source, message: d.kind === 'other-origin' || d.kind === 'ambiguous-origin' ? `${d.text} (${located(d)}). ${d.fix}` : `${d.text} (${located(d)}); no stream uses it. ${d.fix}` }));
  warnings.push(...contradictedExamples(model, view, streams));
  return { warnings, evidence };
}

/** The parts of its response a stream reads, as steps: the way to its records, and every mapped field under them. */
function usedSteps(stream: Stream): string[][] {
  const records = [...(stream.items_path ? stream.items_path.split('.') : []), stream.items_container === 'map' ? VALUES : ITEMS];
  const fields = [...Object.values(stream.mapping).map((m) => m.path), stream.kind_from?.path].filter((p): p is string => !!p);
  return [records, ...fields.map((f) => [...records, ...f.split('.')])];
}

/**
 * Examples of GET responses that contradict their schema. On a part a stream reads — the way to its
 * records, a mapped field — the docs say two things of what the connector relies on: refused, naming
 * the response and the place (FetchwrightError `unreadable-docs`, exit 4). Anywhere else: one
 * warning per response.
 */
function contradictedExamples(model: ApiModel, view: SchemaView, streams: Stream[]): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  const byOp = new Map(streams.map((s) => [s.operation_id, s]));
  for (const op of model.operations) {
    if (op.method !== 'get') continue;
    const stream = byOp.get(op.id);
    const read = stream ? usedSteps(stream) : [];
    const primary = stream ? successResponse(op) : undefined;
    for (const response of op.responses) {
      if (!/^2/.test(response.status) || !response.schema || response.observed) continue;
      const found = response.examples.flatMap((ex) => exampleContradictions(view, response.schema, ex));
      if (!found.length) continue;
      const where = `${response.source.file} at ${response.source.pointer || '/'}`;
      const relied = response === primary ? found.find((c) => read.some((steps) => under(steps, c.steps))) : undefined;
      if (relied) {
        throw new FetchwrightError('unreadable-docs', `the stream ${stream!.name} (GET ${op.path}) reads ${stepsText(relied.steps)}, and the docs contradict themselves there: ${contradictionText(relied)} (the ${response.status} response, ${where})`, {
          file: response.source.file,
          at: response.source.pointer,
          hint: 'Fix the example or the schema so they agree: the connector is planned from the schema and proved against a test double that serves what the docs show.',
        });
      }
      warnings.push({ source: response.source, message: `the example of GET ${op.path}'s ${response.status} response contradicts its schema (${where}): ${found.slice(0, 2).map(contradictionText).join('; ')}${found.length > 2 ? `; and ${found.length - 2} more` : ''}; ${stream ? 'the connector does not read those fields' : 'no stream uses it'}. Fix the example or the schema.` });
    }
  }
  return warnings;
}
