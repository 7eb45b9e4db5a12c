import { SchemaView } from '../../docs-view/schema-view.ts';
import { isFetchwrightError } from '../../errors.ts';
import type { ApiModel } from '../../ingest/api-model.ts';
import { READ_ONLY_REQUEST_POLICY, type RequestPolicy } from '../../../policy/request-policy.ts';
import type { ConnectorPlan } from '../connector-plan.ts';
import { planHeuristically } from '../heuristic-planner.ts';
import { decidedSelection, type Selection } from '../select-streams.ts';
import { checkDecision, type DecisionRejection, type PlanDecision } from './decision.ts';

/**
 * A model's decision (decision.ts) made into a ConnectorPlan, or the reasons it cannot be: the
 * gates first (`checkDecision`: only the docs' own operations, parameters and schemes, quotes
 * verbatim, the request policy), then the selection read with the planner's own reading of the
 * decided operations (`decidedSelection`), then everything after selection as the heuristic planner
 * does it — auth by least privilege, paging and its stops, scopes, the admin and reachability rules,
 * the plan's own quote check — so the model decides *which* lists, never *how* a request is made.
 * The decision's quotes join each stream's evidence. The plan names the model and the prompt's hash.
 */

/** The plan and the selection it was made from (a later review starts there), or the reasons. */
export type DecisionOutcome = { plan: ConnectorPlan; selection: Selection } | { rejections: DecisionRejection[] };

export function planFromDecision(model: ApiModel, decision: PlanDecision, who: { model: string; prompt_sha256: string }, policy: RequestPolicy = READ_ONLY_REQUEST_POLICY, skipped: ReadonlyMap<string, string> = new Map()): DecisionOutcome {
  const rejections = checkDecision(model, decision, policy);
  // expand's skip_streams leave operations out, whatever name a model gives them.
  decision.streams.forEach((s, i) => {
    if (skipped.has(s.operation_id)) rejections.push({ at: `streams.${i}.operation_id`, reason: `the catalogue's skip_streams leaves ${s.operation_id} out (as ${skipped.get(s.operation_id)}): it is not read under any name` });
    else if ([...skipped.values()].includes(s.name)) rejections.push({ at: `streams.${i}.name`, reason: `${s.name} is a stream the catalogue's skip_streams leaves out: name this list otherwise` });
  });
  if (rejections.length) return { rejections };
  const view = new SchemaView(model);
  const selection = decidedSelection(model, view, decision.streams, policy);
  if (selection.problems.length) return { rejections: selection.problems.map((reason) => ({ at: 'streams', reason })) };
  let plan: ConnectorPlan;
  try {
    plan = planHeuristically(model, { selection, policy, planner: { kind: 'llm', model: who.model, prompt_sha256: who.prompt_sha256 } });
  } catch (e) {
    if (isFetchwrightError(e)) return { rejections: [{ at: 'streams', reason: e.message }] };
    throw e;
  }
  const left = decision.streams.filter((s) => !plan.streams.some((p) => p.name === s.name));
  const dropped = left.map((s) => ({ at: 'streams', reason: `${s.name} was left out: ${(plan.excluded ?? []).find((x) => x.operation_id === s.operation_id)?.reason ?? 'by the planner\'s rules'}` }));
  if (decision.auth_scheme !== null && !(plan.auth.scheme_keys ?? []).includes(decision.auth_scheme)) {
    dropped.push({ at: 'auth_scheme', reason: `the connector authenticates with ${(plan.auth.scheme_keys ?? []).join(' or ') || 'no scheme'}, the least privilege the decided operations accept: decide that scheme` });
  }
  dropped.push(...adminPowerRejections(plan, new Set(decision.streams.map((d) => d.name))));
  if (dropped.length) return { rejections: dropped };
  for (const s of plan.streams) {
    const d = decision.streams.find((x) => x.name === s.name);
    if (d) s.evidence.push(...d.evidence.map((e) => ({ source: e.source, quote: e.quote, reasoning: `the model (${who.model}) cites this for ${s.name}` })));
  }
  return { plan, selection };
}

/**
 * A model never makes a connector's credential an admin's: each decided stream whose least scopes
 * are all ones the docs give admin power (the assessment's `flagged` `admin`) is refused, whatever
 * else the plan holds. The heuristic planner keeps such a list only as its last one, and generate
 * then recommends a manual build.
 */
export function adminPowerRejections(plan: ConnectorPlan, decided: ReadonlySet<string>): DecisionRejection[] {
  return plan.assessment.privilege
    .filter((p) => decided.has(p.stream) && p.least_scopes.length && p.least_scopes.every((sc) => p.flagged.some((f) => f.scope === sc && f.why === 'admin')))
    .map((p) => ({ at: 'streams', reason: `${p.stream} is readable only with ${p.least_scopes.join(', ')}, scopes with admin power: a connector's credential must not be an admin's; decide lists the docs let a read-only scope read` }));
}
