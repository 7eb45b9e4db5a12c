import { SchemaView } from '../docs-view/schema-view.ts';
import type { ApiModel } from '../ingest/api-model.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { skippedReason } from '../plan/heuristic-planner.ts';
import { streamEmits } from '../plan/stream-emits.ts';
import { operationOf } from '../run/docs-response.ts';
import { authChanges, operationAuthChanges } from './auth-changes.ts';
import { driftFindingOf, type DriftFinding } from './drift-finding.ts';
import { OPERATION_FINDINGS } from './operation-findings.ts';
import { buildDriftReport, type DriftReport } from './drift-report.ts';
import { matchOperation, operationName, pathTemplate } from './operation-match.ts';
import { parameterChanges } from './parameter-changes.ts';
import { planChanges } from './plan-changes.ts';
import { responseChanges } from './response-changes.ts';
import { streamDependencies } from './stream-dependencies.ts';

/**
 * Static docs drift: what the connector depends on — each stream's operation, its parameters, its
 * pagination, its auth, and every response field its mapping reads — compared between the ApiModel
 * slice recorded in the connector (`api-model.json`) and a new version of the docs, each change a
 * classified finding; then what the new docs' heuristic plan decides beyond the operations — the
 * credential's placement and prefix, each stream's scopes, the base URL, the tenant variables —
 * compared with the connector's plan (plan-changes.ts). New identity lists (the new docs' plan has
 * a stream the connector lacks) are additive; other new GET operations are additive and name no
 * existing stream.
 */

/** The new docs: their ApiModel, and their heuristic plan when one could be made (for new identity lists). */
export interface NextDocs {
  model: ApiModel;
  plan?: ConnectorPlan;
}

/** The report of a docs diff: a drift report without a connector folder (`connector` is null). */
export type DocsDriftReport = DriftReport;

/**
 * Compares what the connector depends on between `input` (its plan and its recorded api-model.json
 * slice) and `next` (the new docs' ApiModel, and their heuristic plan for new identity lists).
 * Streams' operations are matched by method and path template, parameter names dropped, then by
 * operationId for a moved path. Never throws on hostile docs: what cannot be compared is skipped.
 */
export function diffDocs(input: { plan: ConnectorPlan; model: ApiModel }, next: NextDocs): DocsDriftReport {
  return buildDriftReport({ connector: null, vendor: input.plan.vendor, docs_sha256_before: input.plan.docs_sha256, docs_sha256_after: next.model.docs_sha256, findings: docsFindings(input, next) });
}

/** The findings of {@link diffDocs}, unsorted. */
export function docsFindings(input: { plan: ConnectorPlan; model: ApiModel }, next: NextDocs): DriftFinding[] {
  const { plan, model: old } = input;
  const oldView = new SchemaView(old);
  const newView = new SchemaView(next.model);
  const out: DriftFinding[] = [...authChanges(plan, old, next.model)];
  // Where the streams' operations are in the new docs (a moved path included): none of them is new.
  const reached = new Set<string>();
  for (const stream of plan.streams) {
    const operation = operationName(stream.method, stream.path);
    const was = operationOf(old, stream);
    // The recorded slice lacks the operation (a hand-edited folder): match the stream's own path and id.
    const match = matchOperation(next.model, was ?? { id: stream.operation_id, method: 'get', path: stream.path });
    const at = { operation, stream: stream.name, old: was?.source };
    if (!match) {
      out.push(driftFindingOf(OPERATION_FINDINGS, 'list-operation-removed', at));
      continue;
    }
    const now = match.op;
    reached.add(pathTemplate(now.path));
    if (match.by === 'operation-id') out.push(driftFindingOf(OPERATION_FINDINGS, 'operation-path-changed', { ...at, new: now.source }, { operation_id: now.id, was: stream.path, now: now.path }));
    if (now.deprecated && !was?.deprecated) out.push(driftFindingOf(OPERATION_FINDINGS, 'operation-deprecated', { ...at, new: now.source }));
    if (!was) continue;
    const deps = streamDependencies(plan, stream);
    out.push(...parameterChanges(plan, stream, deps, was, now, operation));
    out.push(...responseChanges(stream, deps, { view: oldView, op: was }, { view: newView, op: now }, operation));
    out.push(...operationAuthChanges(plan, stream, { model: old, op: was }, { model: next.model, op: now }, operation));
  }
  out.push(...planChanges(plan, old, next, out));
  out.push(...newOperations(plan, next, reached));
  return out;
}

/**
 * New identity lists (a stream of the new docs' plan whose path template no stream of the
 * connector reads), and other new GET operations: every GET the connector's planner saw is a
 * stream, `excluded` or `refused_by_policy` in its plan, so a GET that is none of them is new.
 */
function newOperations(plan: ConnectorPlan, next: NextDocs, reached: Set<string>): DriftFinding[] {
  const out: DriftFinding[] = [];
  const known = new Set([...reached, ...[...plan.streams.map((s) => s.path), ...(plan.excluded ?? []).map((e) => e.path), ...(plan.refused_by_policy ?? []).map((e) => e.path)].map(pathTemplate)]);
  const streamed = new Set([...reached, ...plan.streams.map((s) => pathTemplate(s.path))]);
  const listed = new Set<string>();
  // A stream the connector's catalogue entry left out on purpose (expand's skip_streams), and the
  // streams read under it, are not new.
  const reasons = new Set((plan.excluded ?? []).map((e) => e.reason));
  const skipped = new Set((next.plan?.streams ?? []).filter((s) => reasons.has(skippedReason(s.name))).map((s) => s.name));
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of next.plan?.streams ?? []) if (s.parent && skipped.has(s.parent.stream) && !skipped.has(s.name)) grew = !!skipped.add(s.name);
  }
  for (const s of next.plan?.streams ?? []) {
    const template = pathTemplate(s.path);
    if (streamed.has(template) || listed.has(template) || skipped.has(s.name)) continue;
    listed.add(template);
    const op = operationOf(next.model, s);
    out.push(driftFindingOf(OPERATION_FINDINGS, 'identity-list-added', { operation: operationName('GET', s.path), new: op?.source }, { stream: s.name, kind: s.kind, emits: streamEmits(s) }));
  }
  for (const op of next.model.operations) {
    const template = pathTemplate(op.path);
    if (op.method !== 'get' || known.has(template) || listed.has(template)) continue;
    listed.add(template);
    out.push(driftFindingOf(OPERATION_FINDINGS, 'operation-added', { operation: operationName('GET', op.path), new: op.source }, { operation_id: op.id }));
  }
  return out;
}

export { renderDriftMarkdown } from './render-drift.ts';
