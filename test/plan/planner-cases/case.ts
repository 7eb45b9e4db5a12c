import path from 'node:path';
import { expect } from 'vitest';
import type { ApiModel } from '../../../agent/ingest/api-model.ts';
import { ingest } from '../../../agent/ingest/ingest.ts';
import type { ConnectorPlan, Stream } from '../../../agent/plan/connector-plan.ts';
import { planHeuristically } from '../../../agent/plan/heuristic-planner.ts';
import { modelOf, openapi } from '../../helpers/spec.ts';
import { REPO_ROOT } from '../../helpers/vendor-docs.ts';

/**
 * Planner cases (issue 11): each class of misread is an invented API in shared/planner-cases; the
 * tests plan it, then variants built here with other words of the same class, and negatives.
 */

export const PLANNER_CASES = process.env.FETCHWRIGHT_PLANNER_CASES ?? path.resolve(REPO_ROOT, '../shared/planner-cases');

export interface Planned {
  model: ApiModel;
  plan: ConnectorPlan;
}

/** Ingests and plans one planner-case file. */
export async function planCase(file: string): Promise<Planned> {
  const model = await ingest(path.join(PLANNER_CASES, file));
  return { model, plan: planHeuristically(model) };
}

/** Plans a spec built in code: `paths` with `schemas` as components, one bearer scheme. */
export async function planSpec(paths: object, schemas: Record<string, object> = {}, extra: Record<string, unknown> = {}): Promise<Planned> {
  const model = await modelOf(openapi(paths, { components: { securitySchemes: { tok: { type: 'http', scheme: 'bearer' } }, schemas }, security: [{ tok: [] }], ...extra }));
  return { model, plan: planHeuristically(model) };
}

/** The stream of the operation at `p`, or undefined. */
export function streamOf(plan: ConnectorPlan, p: string): Stream | undefined {
  return plan.streams.find((s) => s.path === p);
}

/** Why the operation at `p` was left out, or undefined when it was not. */
export function whyNot(plan: ConnectorPlan, p: string): string | undefined {
  return plan.excluded?.find((e) => e.path === p)?.reason;
}

/** Every GET is a stream or left out with a reason, never both, never neither. */
export function expectAccounted({ model, plan }: Planned): void {
  const gets = model.operations.filter((o) => o.method === 'get').map((o) => o.id);
  const streamed = plan.streams.map((s) => s.operation_id);
  const excluded = (plan.excluded ?? []).map((e) => e.operation_id);
  expect([...streamed, ...excluded].sort()).toEqual([...gets].sort());
  for (const e of plan.excluded ?? []) expect(e.reason.length, e.path).toBeGreaterThan(10);
}

/** A GET whose 200 body is `schema`. */
export function get(schema: object, more: Record<string, unknown> = {}): object {
  return { get: { ...more, responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } } } };
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const list = (name: string) => ({ type: 'array', items: ref(name) });
export const wrapped = (field: string, name: string) => ({ type: 'object', properties: { [field]: list(name) } });
export const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
export const obj = (properties: Record<string, object>) => ({ type: 'object', properties });
export const str = { type: 'string' };
export const PERSON = obj({ id: str, email: str });
