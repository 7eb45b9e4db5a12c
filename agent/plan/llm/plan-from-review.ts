import { SchemaView } from '../../docs-view/schema-view.ts';
import { isFetchwrightError } from '../../errors.ts';
import type { ApiModel } from '../../ingest/api-model.ts';
import { READ_ONLY_REQUEST_POLICY, type RequestPolicy } from '../../../policy/request-policy.ts';
import type { ConnectorPlan, PlannerRecord } from '../connector-plan.ts';
import { planHeuristically, skippedReason } from '../heuristic-planner.ts';
import { decidedSelection, type Selection } from '../select-streams.ts';
import type { DecisionRejection } from './decision.ts';
import { checkReview, type PlanReview } from './review.ts';
import { adminPowerRejections } from './plan-from-decision.ts';

/**
 * A plan and the selection it was made from: what a review (review.ts) changes. `linkStreams`: the
 * plan's link streams were found by the heuristics among the GETs not selected (a heuristic plan),
 * so a reviewed plan finds them again; a model's own decision decides its own.
 */
export interface PlanBasis {
  plan: ConnectorPlan;
  selection: Selection;
  linkStreams: boolean;
  /** expand's `skip_streams`, applied again after the review. */
  skip?: ReadonlySet<string>;
}

export type ReviewOutcome = { plan: ConnectorPlan; basis: PlanBasis; changes: string[] } | { rejections: DecisionRejection[] };

/**
 * `review` applied to `basis`: the gates (`checkReview`; `mayDrop`, the streams in question), then the selection without the dropped
 * streams (and the children of a dropped parent not put back), the added streams read with the
 * planner's own reading (`decidedSelection`, their parents among the kept streams or each other),
 * and everything after selection as the heuristic planner does it — auth by least privilege, paging,
 * scopes, the admin and reachability rules, the plan's quote check. An added stream the planner then
 * leaves out is a rejection with its reason. Dropped streams join `plan.excluded` with the model's
 * quote; `changes` says, one line each, what was added and dropped. Never throws for the model's
 * input; a bug of the planner (a quote of its own not in the docs) still throws.
 */
export function planFromReview(model: ApiModel, basis: PlanBasis, review: PlanReview, planner: PlannerRecord, policy: RequestPolicy = READ_ONLY_REQUEST_POLICY, mayDrop?: ReadonlySet<string>, repair = false): ReviewOutcome {
  const rejections = checkReview(model, basis.plan, review, policy, mayDrop, repair);
  if (rejections.length) return { rejections };
  const view = new SchemaView(model);
  const dropped = new Set(review.drop.map((d) => d.stream));
  const readd = new Set(review.add.map((a) => a.name));
  const gone = (name: string) => dropped.has(name) && !readd.has(name);
  const roots = basis.selection.roots.filter((r) => !dropped.has(r.name));
  const orphans = basis.selection.children.filter((c) => !dropped.has(c.name) && gone(c.parent.stream));
  const children = basis.selection.children.filter((c) => !dropped.has(c.name) && !gone(c.parent.stream));
  // Children of a dropped parent go with it only when they are in question too: a review never takes out what nobody questioned.
  const unquestioned = mayDrop ? orphans.filter((c) => !mayDrop.has(c.name)) : [];
  if (unquestioned.length) return { rejections: unquestioned.map((c) => ({ at: 'drop', reason: `${c.name} is read per ${c.parent.stream} record and is not in question: dropping ${c.parent.stream} would take it out too; replace ${c.parent.stream} under the same name instead` })) };
  const skipped = skippedOperations(basis);
  const forbidden = review.add.filter((a) => skipped.has(a.operation_id));
  if (forbidden.length) return { rejections: forbidden.map((a) => ({ at: 'add', reason: `${a.name}: the catalogue's skip_streams leaves ${a.operation_id} out (as ${skipped.get(a.operation_id)}): it is not read under any name` })) };
  const earlier = new Map([...roots, ...children].map((c) => [c.name, c]));
  const added = decidedSelection(model, view, review.add, policy, earlier);
  if (added.problems.length) return { rejections: added.problems.map((reason) => ({ at: 'add', reason })) };
  const addedOps = new Set([...added.roots, ...added.children].map((c) => c.op.id));
  const opOf = (name: string) => basis.plan.streams.find((s) => s.name === name);
  const dropReason = (d: PlanReview['drop'][number]) => `dropped by the model (${planner.model ?? 'a model'}), citing "${d.evidence[0]!.quote.replace(/\s+/g, ' ').slice(0, 160)}"`;
  const selection: Selection = {
    roots: [...roots, ...added.roots],
    children: [...children, ...added.children],
    rejections: [...basis.selection.rejections, ...added.rejections],
    excluded: [
      ...basis.selection.excluded.filter((x) => !addedOps.has(x.operation_id)),
      ...review.drop.filter((d) => !readd.has(d.stream) && opOf(d.stream) && !addedOps.has(opOf(d.stream)!.operation_id)).map((d) => ({ operation_id: opOf(d.stream)!.operation_id, reason: dropReason(d) })),
      ...orphans.map((c) => ({ operation_id: c.op.id, reason: `its parent stream ${c.parent.stream} was dropped by the model` })),
    ],
  };
  let plan: ConnectorPlan;
  try {
    plan = planHeuristically(model, { selection, policy, linkStreams: basis.linkStreams, planner, ...(basis.skip ? { skip: basis.skip } : {}) });
  } catch (e) {
    if (isFetchwrightError(e) && e.code !== 'evidence-not-in-docs') return { rejections: [{ at: 'review', reason: e.message }] };
    throw e;
  }
  const left = review.add.filter((a) => !plan.streams.some((s) => s.name === a.name));
  const admin = adminPowerRejections(plan, new Set(review.add.map((x) => x.name)));
  if (admin.length) return { rejections: admin };
  if (left.length) return { rejections: left.map((a) => ({ at: 'add', reason: `${a.name} was left out: ${(plan.excluded ?? []).find((x) => x.operation_id === a.operation_id)?.reason ?? "by the planner's rules"}` })) };
  const changes: string[] = [];
  for (const a of review.add) {
    const s = plan.streams.find((x) => x.name === a.name)!;
    s.evidence.push(...a.evidence.map((e) => ({ source: e.source, quote: e.quote, reasoning: `the model (${planner.model ?? 'a model'}) cites this for ${s.name}` })));
    const was = opOf(a.name);
    const what = `${a.name} (GET ${s.path}) as ${s.kind}${s.parent ? ` per ${s.parent.stream} record, {${s.parent.param}} from its ${s.parent.from_field}` : ''}`;
    changes.push(was && dropped.has(a.name) ? `replaced ${what}` : `added ${what}`);
  }
  for (const d of review.drop) if (!readd.has(d.stream)) changes.push(`dropped ${d.stream} (GET ${opOf(d.stream)?.path ?? '?'}), citing "${d.evidence[0]!.quote.replace(/\s+/g, ' ').slice(0, 120)}"`);
  for (const c of orphans) changes.push(`dropped ${c.name}: its parent stream ${c.parent.stream} was dropped`);
  return { plan, basis: { plan, selection, linkStreams: basis.linkStreams, ...(basis.skip ? { skip: basis.skip } : {}) }, changes };
}

/** The operations expand's `skip_streams` left out of the basis plan, by id, with the stream name skipped. */
export function skippedOperations(basis: Pick<PlanBasis, 'plan' | 'skip'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of basis.skip ?? []) {
    const x = (basis.plan.excluded ?? []).find((e) => e.reason === skippedReason(name));
    if (x) out.set(x.operation_id, name);
  }
  return out;
}
