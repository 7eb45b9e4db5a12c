import type { ApiModel, Operation, SchemaNode, Source } from '../ingest/api-model.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';

/** Every source the plan's evidence cites (objects shaped `{ source, quote? , reasoning? }`), as `file#pointer`. */
function citedSources(plan: unknown): Set<string> {
  const cited = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (!v || typeof v !== 'object' || depth > 64) return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
    const o = v as Record<string, unknown>;
    const s = o.source as Source | undefined;
    if (s && typeof s.file === 'string' && typeof s.pointer === 'string' && ('quote' in o || 'reasoning' in o)) cited.add(`${s.file}#${s.pointer}`);
    for (const x of Object.values(o)) walk(x, depth + 1);
  };
  walk(plan, 0);
  return cited;
}

/** The sources an operation holds: its own, its parameters', responses' and servers'. */
function sourcesOf(op: Operation): string[] {
  return [op, ...op.parameters, ...op.responses, ...(op.servers ?? [])].map((item) => `${item.source.file}#${item.source.pointer}`);
}

/**
 * The part of the ApiModel a connector depends on, stored beside it (`api-model.json`) so the
 * connector can be re-validated — and its docs diffed, and its plan's quotes checked — without the
 * full description: the planned operations and the lists their path parameters come from, every
 * item the plan's evidence cites (an operation elsewhere whose 429 the assessment quotes, a named
 * schema), every schema they reach, and the docs' servers, security and prose. What the mock serves
 * for those operations is still read from the docs, never from the plan. Never throws.
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
  const cited = citedSources(plan);
  const planned = model.operations.filter((op) => op.method === 'get' && keepPaths.has(op.path));
  // A cited item no kept operation holds (an operation elsewhere whose 429 the assessment quotes)
  // brings the first operation that holds it — one, not every operation sharing a $ref'd parameter.
  const held = new Set(planned.flatMap(sourcesOf));
  const extra = new Set<Operation>();
  for (const source of cited) {
    if (held.has(source)) continue;
    const op = model.operations.find((o) => sourcesOf(o).includes(source));
    if (!op) continue;
    extra.add(op);
    for (const s of sourcesOf(op)) held.add(s);
  }
  const operations = model.operations.filter((op) => planned.includes(op) || extra.has(op));
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
  for (const [key, named] of Object.entries(model.schemas)) {
    if (cited.has(`${named.source.file}#${named.source.pointer}`)) visit({ ref: key });
  }
  for (const op of operations) {
    for (const p of op.parameters) visit(p.schema);
    for (const r of op.responses) {
      visit(r.schema);
      for (const h of r.headers) visit(h.schema);
    }
  }
  return { ...model, operations, schemas };
}
