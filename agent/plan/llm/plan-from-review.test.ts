import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaView } from '../../docs-view/schema-view.ts';
import type { ApiModel } from '../../ingest/api-model.ts';
import type { ConnectorPlan } from '../connector-plan.ts';
import { planHeuristically } from '../heuristic-planner.ts';
import { selectStreams } from '../select-streams.ts';
import { vendorDoc } from '../../../test/helpers/vendor-docs.ts';
import { ingest } from '../../ingest/ingest.ts';
import { planFromReview, skippedOperations, type PlanBasis } from './plan-from-review.ts';
import { planFromDecision } from './plan-from-decision.ts';
import type { PlanReview } from './review.ts';

/**
 * A model's review of the heuristic plan (`--planner auto`, a repair): only adds and drops, every
 * one gated; everything else made again by the planner's own rules. On JupyterHub's real docs.
 */

const WHO = { kind: 'auto' as const, model: 'm' };
let model: ApiModel;
let heuristic: ConnectorPlan;
let basis: PlanBasis;
let okta: ApiModel;
let oktaPlan: ConnectorPlan;
let oktaBasis: PlanBasis;
beforeAll(async () => {
  okta = await ingest(vendorDoc('okta.yaml'));
  oktaPlan = planHeuristically(okta);
  oktaBasis = { plan: oktaPlan, selection: selectStreams(okta, new SchemaView(okta)), linkStreams: true };
  model = await ingest(vendorDoc('jupyterhub'));
  heuristic = planHeuristically(model);
  basis = { plan: heuristic, selection: selectStreams(model, new SchemaView(model)), linkStreams: true };
});

const opAt = (path: string) => model.operations.find((o) => o.path === path && o.method === 'get')!;
const summaryOf = (path: string) => ({ source: opAt(path).source, quote: opAt(path).summary! });
const oktaSummary = (path: string) => {
  const op = okta.operations.find((o) => o.path === path && o.method === 'get')!;
  return { source: op.source, quote: op.summary! };
};
const review = (r: Partial<PlanReview>): PlanReview => ({ drop: [], add: [], ...r });
const reasons = (o: { rejections: { at: string; reason: string }[] } | object) => ('rejections' in o ? o.rejections.map((r) => `${r.at}: ${r.reason}`).join('\n') : 'accepted');

describe('planFromReview', () => {
  it('an empty review gives the heuristic plan back, byte for byte but for who planned it', () => {
    const o = planFromReview(model, basis, review({}), WHO);
    if (!('plan' in o)) throw new Error(reasons(o));
    expect({ ...o.plan, planner: null }).toEqual({ ...heuristic, planner: null });
    expect(o.plan.planner).toEqual(WHO);
    expect(o.changes).toEqual([]);
  });

  it('replaces a child stream with another parent field the parent records have, and says so', () => {
    const tokens = heuristic.streams.find((s) => s.path === '/users/{name}/tokens')!;
    const o = planFromReview(model, basis, review({ drop: [{ stream: tokens.name, evidence: [summaryOf('/users/{name}/tokens')] }], add: [{ operation_id: tokens.operation_id, name: tokens.name, kind: 'token', items_path: tokens.items_path, parent: { stream: 'users', param: 'name', field: 'name' }, evidence: [summaryOf('/users/{name}/tokens')] }] }), WHO);
    if (!('plan' in o)) throw new Error(reasons(o));
    expect(o.changes).toEqual([`replaced ${tokens.name} (GET /users/{name}/tokens) as token per users record, {name} from its name`]);
    expect(o.plan.streams.map((s) => s.name)).toEqual(heuristic.streams.map((s) => s.name));
  });

  it('refuses a parent field the parent records lack, naming the fields they have', () => {
    const tokens = heuristic.streams.find((s) => s.path === '/users/{name}/tokens')!;
    const o = planFromReview(model, basis, review({ drop: [{ stream: tokens.name, evidence: [summaryOf('/users/{name}/tokens')] }], add: [{ operation_id: tokens.operation_id, name: tokens.name, kind: 'token', items_path: tokens.items_path, parent: { stream: 'users', param: 'name', field: 'uuid' }, evidence: [summaryOf('/users/{name}/tokens')] }] }), WHO);
    expect(reasons(o)).toMatch(/the records of users have no field "uuid" to fill name \(their fields: .*\bname\b/);
  });

  it('never only drops the plan\'s only root list of a kind, even beside child lists of that kind (the members of groups are not everyone)', () => {
    expect(oktaPlan.streams.some((x) => x.kind === 'group' && x.parent)).toBe(true);
    expect(reasons(planFromReview(okta, oktaBasis, review({ drop: [{ stream: 'groups', evidence: [oktaSummary('/api/v1/groups')] }] }), WHO))).toMatch(/groups is the plan's only root group list/);
    expect(reasons(planFromReview(model, basis, review({ drop: [{ stream: 'users', evidence: [summaryOf('/users')] }] }), WHO))).toMatch(/drop\.0\.stream: users is the plan's only root human list: dropping it loses every human identity no other list reads; replace it instead/);
  });

  it('dropping a root drops the children read per its records, each named in the plan and the changes (Okta: api_services, beside the apps list)', () => {
    const children = oktaPlan.streams.filter((s) => s.parent?.stream === 'api_services').map((s) => s.name);
    expect(children.length).toBeGreaterThan(0);
    const drop = review({ drop: [{ stream: 'api_services', evidence: [oktaSummary('/integrations/api/v1/api-services')] }] });
    const o = planFromReview(okta, oktaBasis, drop, WHO);
    if (!('plan' in o)) throw new Error(reasons(o));
    expect(o.plan.streams.some((s) => s.name === 'api_services' || s.parent?.stream === 'api_services')).toBe(false);
    expect(o.changes[0]).toMatch(/^dropped api_services \(GET \/integrations\/api\/v1\/api-services\), citing "/);
    expect(o.changes.some((c) => /: its parent stream api_services was dropped$/.test(c))).toBe(true);
    expect(o.plan.excluded?.find((x) => x.path === '/integrations/api/v1/api-services')?.reason).toMatch(/^dropped by the model \(m\), citing "/);
    // Only what is in question goes: the children too.
    expect(reasons(planFromReview(okta, oktaBasis, drop, WHO, undefined, new Set(['api_services'])))).toMatch(new RegExp(`${children[0]} is read per api_services record and is not in question`));
    expect(reasons(planFromReview(okta, oktaBasis, drop, WHO, undefined, new Set(['api_services', ...children])))).toBe('accepted');
    // In a repair, a failing stream is replaced, never only dropped.
    expect(reasons(planFromReview(okta, oktaBasis, drop, WHO, undefined, new Set(['api_services', ...children]), true))).toMatch(/a repair replaces a failing stream .* it does not only drop it/);
  });

  it('never drops what nobody questioned: only streams in doubt or failing the proof may go', () => {
    const drop = review({ drop: [{ stream: 'users', evidence: [summaryOf('/users')] }] });
    expect(reasons(planFromReview(model, basis, drop, WHO, undefined, new Set(['groups'])))).toMatch(/drop\.0\.stream: users is not in question: only groups may be dropped or replaced/);
    expect(reasons(planFromReview(model, basis, drop, WHO, undefined, new Set()))).toMatch(/users is not in question/);
  });

  it('a replacement reads the same operation: another operation under a dropped stream\'s name is refused', () => {
    const tokens = heuristic.streams.find((s) => s.path === '/users/{name}/tokens')!;
    const swap = review({ drop: [{ stream: tokens.name, evidence: [summaryOf('/users/{name}/tokens')] }], add: [{ operation_id: opAt('/services').id, name: tokens.name, kind: 'token', items_path: '', parent: null, evidence: [summaryOf('/services')] }] });
    expect(reasons(planFromReview(model, basis, swap, WHO))).toMatch(/a replacement reads the same operation/);
  });

  it('refuses what is not the plan\'s to change: an unknown stream, a kept name, an operation a kept stream reads, a quote not in the docs', () => {
    expect(reasons(planFromReview(model, basis, review({ drop: [{ stream: 'admins', evidence: [summaryOf('/users')] }] }), WHO))).toMatch(/drop\.0\.stream: the plan has no stream admins/);
    expect(reasons(planFromReview(model, basis, review({ add: [{ operation_id: opAt('/groups').id, name: 'users', kind: 'group', items_path: '', parent: null, evidence: [summaryOf('/groups')] }] }), WHO))).toMatch(/add\.0\.name: the plan keeps a stream named users/);
    expect(reasons(planFromReview(model, basis, review({ add: [{ operation_id: opAt('/groups').id, name: 'teams', kind: 'group', items_path: '', parent: null, evidence: [summaryOf('/groups')] }] }), WHO))).toMatch(/add\.0\.operation_id: .* is read already by the stream groups/);
    expect(reasons(planFromReview(model, basis, review({ drop: [{ stream: 'groups', evidence: [{ source: opAt('/groups').source, quote: 'Groups are deprecated; ignore them.' }] }] }), WHO))).toMatch(/drop\.0\.evidence\.0: the quote is not in the docs/);
    // A drop quotes the dropped operation's own docs, not any sentence of them.
    expect(reasons(planFromReview(model, basis, review({ drop: [{ stream: 'groups', evidence: [summaryOf('/users')] }] }), WHO))).toMatch(/drop\.0\.evidence\.0: a drop quotes the dropped operation's own docs \(GET \/groups/);
  });

  it('a skipped stream\'s operation is not read under another name', () => {
    const skip = new Set(['groups']);
    const skippedPlan = planHeuristically(model, { skip });
    const skipBasis = { ...basis, plan: skippedPlan, skip };
    const again = review({ add: [{ operation_id: opAt('/groups').id, name: 'teams', kind: 'group', items_path: '', parent: null, evidence: [summaryOf('/groups')] }] });
    expect(reasons(planFromReview(model, skipBasis, again, WHO))).toMatch(/teams: the catalogue's skip_streams leaves .* out \(as groups\): it is not read under any name/);
    expect(reasons(planFromDecision(model, { streams: again.add, auth_scheme: null }, { model: 'm', prompt_sha256: 'x' }, undefined, skippedOperations(skipBasis)))).toMatch(/streams\.0\.operation_id: the catalogue's skip_streams leaves/);
    // Nor is the skipped name given to another list (the PR says that name was left out on purpose).
    const renamed = { operation_id: opAt('/services').id, name: 'groups', kind: 'service_account' as const, items_path: '', parent: null, evidence: [summaryOf('/services')] };
    expect(reasons(planFromDecision(model, { streams: [renamed], auth_scheme: null }, { model: 'm', prompt_sha256: 'x' }, undefined, skippedOperations(skipBasis)))).toMatch(/streams\.0\.name: groups is a stream the catalogue's skip_streams leaves out/);
  });
});
