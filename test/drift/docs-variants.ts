import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { ITEMS, SchemaView } from '../../agent/docs-view/schema-view.ts';
import { FetchwrightError } from '../../agent/errors.ts';
import { ingest } from '../../agent/ingest/ingest.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import type { ConnectorPlan, Stream } from '../../agent/plan/connector-plan.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { successResponse } from '../../agent/plan/response-body.ts';
import { sliceModel } from '../../agent/validate/model-slice.ts';
import { vendorDoc } from '../helpers/vendor-docs.ts';

/**
 * Copies of a real vendor description with one change each, written to a temporary folder under
 * the original's file name (as JSON, which the YAML reader reads too), and the connector's side of
 * a docs diff made from the original: its plan and the api-model.json slice generate records.
 */

export type Raw = Record<string, any>;

/** The description `name` of shared/vendor-docs, parsed (a fresh copy each call). */
export function rawDoc(name: string): Raw {
  const text = readFileSync(vendorDoc(name), 'utf8');
  return (/\.json$/.test(name) ? JSON.parse(text) : loadYaml(text)) as Raw;
}

/** Writes `raw` as `<root>/<label>/<name>` and returns the path. */
export function writeVariant(root: string, label: string, name: string, raw: Raw): string {
  const dir = path.join(root, label);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(raw));
  return file;
}

export const tempRoot = (): string => mkdtempSync(path.join(tmpdir(), 'fw-drift-'));

/** What a generated connector records: its plan and the slice of the model it depends on. */
export async function connectorSide(docs: string): Promise<{ plan: ConnectorPlan; model: ApiModel; full: ApiModel }> {
  const full = await ingest(docs);
  const plan = planHeuristically(full);
  return { plan, model: sliceModel(full, plan), full };
}

/** The new docs' side: their model and heuristic plan (none when the planner refuses them, as `fetchwright drift` goes on without). */
export async function nextSide(docs: string): Promise<{ model: ApiModel; plan?: ConnectorPlan }> {
  const model = await ingest(docs);
  try {
    return { model, plan: planHeuristically(model) };
  } catch (e) {
    if (e instanceof FetchwrightError) return { model };
    throw e;
  }
}

/** The value at an RFC 6901 pointer of `raw`. */
export function atPointer(raw: Raw, pointer: string): any {
  let cur: any = raw;
  for (const step of pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))) cur = cur?.[step];
  return cur;
}

/**
 * Where the record field `field` (dotted) of `stream` is declared: the JSON pointer of the named
 * schema holding it and the field's own name, found through the model as the planner reads it.
 */
export function fieldDeclaration(model: ApiModel, stream: Stream, field: string): { pointer: string; name: string } {
  const op = model.operations.find((o) => o.id === stream.operation_id)!;
  const response = successResponse(op)!;
  const steps = [...(stream.items_path ? stream.items_path.split('.') : []), ITEMS, ...field.split('.')];
  const d = new SchemaView(model).declaration(response.schema, steps);
  if (!d?.declaredIn) throw new Error(`${field} of ${stream.name} is not declared in a named schema`);
  return { pointer: d.declaredIn.source.pointer, name: field.split('.').at(-1)! };
}

/** Renames a property of the schema object at `pointer` (its place in `properties` and `required` kept). */
export function renameProperty(raw: Raw, pointer: string, from: string, to: string): void {
  const schema = atPointer(raw, pointer);
  const holder = findProperties(schema, from);
  if (!holder) throw new Error(`no property ${from} at ${pointer}`);
  holder.properties = Object.fromEntries(Object.entries(holder.properties as Raw).map(([k, v]) => [k === from ? to : k, v]));
  if (Array.isArray(holder.required)) holder.required = holder.required.map((r: string) => (r === from ? to : r));
}

/** The schema object (itself or an `allOf` part) whose `properties` hold `name`. */
function findProperties(schema: Raw | undefined, name: string): Raw | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  if (schema.properties && Object.hasOwn(schema.properties, name)) return schema;
  for (const part of schema.allOf ?? []) {
    const found = findProperties(part, name);
    if (found) return found;
  }
  return undefined;
}
