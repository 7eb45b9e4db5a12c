import type { ApiModel, SchemaNode } from '../ingest/api-model.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';

/**
 * The part of the ApiModel a connector depends on, stored beside it (`api-model.json`) so the
 * connector can be re-validated — and its docs diffed — without the full description: the planned
 * operations and the lists their path parameters come from, every schema they reach, and the
 * docs' servers, security and prose. What the mock serves for those operations is still read from
 * the docs, never from the plan.
 */
export function sliceModel(model: ApiModel, plan: ConnectorPlan): ApiModel {
  const keepPaths = new Set<string>();
  for (const s of plan.streams) {
    keepPaths.add(s.path);
    // every list a path parameter refers to (`/users` for `/users/{name}/tokens`)
    for (const m of s.path.matchAll(/\/\{[^}]+\}/g)) {
      const prefix = s.path.slice(0, m.index);
      if (!prefix) continue;
      keepPaths.add(prefix);
      keepPaths.add(`${prefix}.json`);
    }
  }
  const operations = model.operations.filter((op) => op.method === 'get' && keepPaths.has(op.path));
  const schemas: ApiModel['schemas'] = {};
  const visit = (node: SchemaNode | undefined): void => {
    if (!node) return;
    if (node.ref && !schemas[node.ref] && model.schemas[node.ref]) {
      schemas[node.ref] = model.schemas[node.ref]!;
      visit(model.schemas[node.ref]!.schema);
    }
    for (const child of Object.values(node.properties ?? {})) visit(child);
    visit(node.items);
    visit(node.additionalProperties);
    for (const list of [node.allOf, node.oneOf, node.anyOf]) for (const child of list ?? []) visit(child);
  };
  for (const op of operations) {
    for (const p of op.parameters) visit(p.schema);
    for (const r of op.responses) {
      visit(r.schema);
      for (const h of r.headers) visit(h.schema);
    }
  }
  return { ...model, operations, schemas };
}
