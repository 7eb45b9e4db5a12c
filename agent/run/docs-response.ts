import { fromExample, ITEMS, SchemaView } from '../docs-view/schema-view.ts';
import type { ApiModel, Operation, Response, SchemaNode } from '../ingest/api-model.ts';
import type { Stream } from '../plan/connector-plan.ts';
import { ITEMS_STEP, MAP_VALUES_STEP, type DeclaredShape } from './shape-of.ts';

/**
 * What the connector's api-model.json (the slice of the docs it depends on) says a plan stream's
 * operation answers: the documented response for a status and its body schema, as the live run's
 * observation and drift classification read them.
 */

/** The documented operation a plan stream calls (by operation id, else by method and path), or undefined. */
export function operationOf(model: Pick<ApiModel, 'operations'>, stream: Pick<Stream, 'operation_id' | 'method' | 'path'>): Operation | undefined {
  return model.operations.find((o) => o.id === stream.operation_id) ?? model.operations.find((o) => o.method.toUpperCase() === stream.method && o.path === stream.path);
}

/** The documented response for `status`: the exact code, else its class (`2XX`, OpenAPI 3), else `default`. */
export function docsResponse(op: Operation | undefined, status: number): Response | undefined {
  if (!op) return undefined;
  const code = String(status);
  return op.responses.find((r) => r.status === code) ?? op.responses.find((r) => r.status.toUpperCase() === `${code[0]}XX`) ?? op.responses.find((r) => r.status === 'default');
}

/** Whether the docs give `status` for the operation (its code or its class; `default` does not count). */
export function statusDocumented(op: Operation, status: number): boolean {
  const code = String(status);
  return op.responses.some((r) => r.status === code || r.status.toUpperCase() === `${code[0]}XX`);
}

/**
 * The body schema a documented response gives: its schema, else one inferred from its first
 * example (`fromExample`: types and field names only; `fromExample` is then true), else undefined.
 */
export function responseSchema(response: Response | undefined): { node: SchemaNode; fromExample: boolean } | undefined {
  if (!response) return undefined;
  if (response.schema) return { node: response.schema, fromExample: false };
  if (response.examples.length) return { node: fromExample(response.examples[0]), fromExample: true };
  return undefined;
}

/**
 * The docs' declaration at a place in the body, for telling a map from a record (shape-of's
 * `DeclaredShape`): a list, an object with its property names, or unknown. Built lazily, memoised per node.
 */
export function declaredShape(view: SchemaView, node: SchemaNode | undefined): DeclaredShape | undefined {
  const memo = new WeakMap<SchemaNode, DeclaredShape>();
  const build = (n: SchemaNode | undefined): DeclaredShape | undefined => {
    if (!n) return undefined;
    const cached = memo.get(n);
    if (cached) return cached;
    const r = view.resolve(n);
    const kind = view.isArray(n) ? 'list' : view.isObject(n) ? 'object' : 'unknown';
    const shape: DeclaredShape = {
      kind,
      names: new Set(Object.keys(r.properties ?? {})),
      child: (step) => (step === ITEMS_STEP || step === ITEMS ? build(r.items) : step === MAP_VALUES_STEP ? build(r.additionalProperties) : build(Object.hasOwn(r.properties ?? {}, step) ? r.properties![step] : undefined)),
    };
    memo.set(n, shape);
    return shape;
  };
  return build(node);
}
