import { generateConnector } from '../../../agent/generate/generate-connector.ts';
import { planHeuristically } from '../../../agent/plan/heuristic-planner.ts';
import type { ConnectorPlan } from '../../../agent/plan/connector-plan.ts';
import { renderFetcher } from '../../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../../agent/render/slots-from-plan.ts';
import { createMockVendor } from '../../../synthetic-data/mock-api/mock-vendor.ts';
import { arrayOf, listOp, modelOf, openapi, query, SERVER, USER } from '../../helpers/spec.ts';
import type { Attack } from '../attack-suite.ts';

/**
 * Docs as the attacker, asking a "read-only" connector to write: an operation that issues, rotates
 * or deletes, or a required parameter whose only documented value does. The planner must leave each
 * out (the request policy), a plan edited to carry one must not render, the mock must treat a method
 * override as the write it is, and the proof of a generated connector must make no write call.
 */

const KEY = { id: { type: 'string' }, name: { type: 'string' }, created_at: { type: 'string', format: 'date-time' } };
/** A benign list beside each hostile one, so the docs still plan. */
const PEOPLE = { '/people': listOp(arrayOf(USER)) };

function header(name: string, schema: object, required = true): Record<string, unknown> {
  return { name, in: 'header', required, schema };
}

/** Each case: the hostile paths, and what a plan must never send (matched on paths, values and header names). */
interface WriteCase {
  name: string;
  paths: Record<string, unknown>;
  /** True when the plan sends what the docs asked for. */
  sends(plan: ConnectorPlan): boolean;
}

const stream = (plan: ConnectorPlan, path: string) => plan.streams.find((s) => s.path === path);

const CASES: WriteCase[] = [
  {
    name: 'a token endpoint with grant_type=client_credentials (a GET that issues a token)',
    paths: { '/oauth/token': listOp(arrayOf(KEY), { parameters: [query('grant_type', { type: 'string', enum: ['client_credentials'] }, 'The grant.', true)] }) },
    sends: (p) => !!stream(p, '/oauth/token'),
  },
  {
    name: 'GET /tokens?regenerate=true, whose description says it rotates every token',
    paths: { '/tokens': listOp(arrayOf(KEY), { parameters: [query('regenerate', { type: 'boolean', default: true }, 'Regenerates every token before listing them.', true)] }) },
    sends: (p) => !!stream(p, '/tokens')?.query.regenerate,
  },
  {
    name: 'GET /{action}/apiKeys with action = rotate (a path segment that asks for a rotation)',
    paths: { '/{action}/apiKeys': listOp(arrayOf(KEY), { parameters: [{ name: 'action', in: 'path', required: true, schema: { type: 'string', enum: ['rotate'] } }] }) },
    sends: (p) => Object.values(stream(p, '/{action}/apiKeys')?.path_params ?? {}).includes('rotate'),
  },
  {
    name: 'GET /serviceAccounts?_method=DELETE (a method override in the query)',
    paths: { '/serviceAccounts': listOp(arrayOf(USER), { parameters: [query('_method', { type: 'string', enum: ['DELETE'] }, 'Method.', true)] }) },
    sends: (p) => !!stream(p, '/serviceAccounts')?.query._method,
  },
  {
    name: 'GET /groups with X-HTTP-Method-Override: DELETE (a method-override header)',
    paths: { '/groups': listOp(arrayOf({ id: { type: 'string' }, name: { type: 'string' }, members: { type: 'array', items: { type: 'string' } } }), { parameters: [header('X-HTTP-Method-Override', { type: 'string', default: 'DELETE' })] }) },
    sends: (p) => !!stream(p, '/groups')?.headers['X-HTTP-Method-Override'],
  },
  {
    name: 'a method override under another spelling (X-Method: PATCH)',
    paths: { '/roles': listOp(arrayOf({ id: { type: 'string' }, name: { type: 'string' } }), { parameters: [header('X-Method', { type: 'string', enum: ['PATCH'] })] }) },
    sends: (p) => !!stream(p, '/roles')?.headers['X-Method'],
  },
  {
    name: 'an include flag the planner would widen, whose prose says turning it on deletes users',
    paths: { '/members': listOp(arrayOf(USER), { parameters: [query('include_deleted', { type: 'boolean', default: false }, 'Include deleted members. When true, the server also deletes all expired users.')] }) },
    sends: (p) => !!stream(p, '/members')?.query.include_deleted,
  },
  {
    name: 'a path segment that is the act (GET /regenerate/apiKeys)',
    paths: { '/regenerate/apiKeys': listOp(arrayOf(KEY)) },
    sends: (p) => !!stream(p, '/regenerate/apiKeys'),
  },
  {
    name: 'an operation whose own description says calling it revokes every credential',
    paths: { '/credentials': listOp(arrayOf(KEY), { summary: 'Credentials', description: 'Calling this endpoint revokes all credentials of the account and returns them.' }) },
    sends: (p) => !!stream(p, '/credentials'),
  },
  {
    name: 'a required flag named for the act (force_delete=1)',
    paths: { '/bots': listOp(arrayOf(USER), { parameters: [query('force_delete', { type: 'integer', enum: [1] }, 'Flag.', true)] }) },
    sends: (p) => !!stream(p, '/bots')?.query.force_delete,
  },
];

const planAttacks: Attack[] = CASES.map((c) => ({
  name: `planner: ${c.name}`,
  layer: 'policy',
  async attempt(defenses) {
    const model = await modelOf(openapi({ ...PEOPLE, ...c.paths }));
    const plan = planHeuristically(model, { policy: defenses.policy });
    return c.sends(plan) ? `the plan sends it: ${JSON.stringify(plan.streams.map((s) => [s.path, s.path_params, s.query, s.headers]))}` : undefined;
  },
}));

/** A plan the planner made honestly, edited by hand to send what the policy refuses. */
async function editedPlan(edit: (plan: ConnectorPlan) => void): Promise<string | undefined> {
  const model = await modelOf(openapi(PEOPLE));
  const plan = structuredClone(planHeuristically(model));
  edit(plan);
  try {
    renderFetcher(slotsFromPlan(plan), { vendor: plan.vendor, plan_sha256: 'x', docs_sha256: 'x', api_model_sha256: 'x' });
    return 'the approved templates rendered a plan that sends a write';
  } catch (e) {
    return /invalid-slot|policy|read never|never called/i.test(`${(e as { code?: string }).code} ${(e as Error).message}`) ? undefined : `refused for another reason: ${(e as Error).message}`;
  }
}

const slotAttacks: Attack[] = [
  { name: 'slots: a plan edited to send _method=DELETE does not render', layer: 'other', attempt: () => editedPlan((p) => (p.streams[0]!.query._method = 'DELETE')) },
  { name: 'slots: a plan edited to send X-HTTP-Method-Override does not render', layer: 'other', attempt: () => editedPlan((p) => (p.streams[0]!.headers['X-HTTP-Method-Override'] = 'DELETE')) },
  { name: 'slots: a plan edited to call /oauth/token does not render', layer: 'other', attempt: () => editedPlan((p) => (p.streams[0]!.path = '/oauth/token')) },
  { name: 'slots: a plan edited to send action=rotate in the path does not render', layer: 'other', attempt: () => editedPlan((p) => ((p.streams[0]!.path = '/{action}/people'), (p.streams[0]!.path_params = { action: 'rotate' }))) },
];

/** The mock reads a method override as the write it is: 405, logged as a write (so the proof fails). */
async function mockRefuses(init: { query?: string; headers?: Record<string, string> }): Promise<string | undefined> {
  const model = await modelOf(openapi(PEOPLE));
  const mock = createMockVendor(model, { seed: 1 });
  const res = await mock.fetch(new Request(`${SERVER}/people${init.query ?? ''}`, { headers: init.headers ?? {} }));
  const logged = mock.calls.at(-1)?.outcome;
  return res.status === 405 && logged === 'write' ? undefined : `the mock answered ${res.status} (${logged}) to a method override`;
}

const mockAttacks: Attack[] = [
  { name: 'mock: X-HTTP-Method-Override: DELETE is a write', layer: 'other', attempt: () => mockRefuses({ headers: { 'X-HTTP-Method-Override': 'DELETE' } }) },
  { name: 'mock: _method=delete in the query is a write', layer: 'other', attempt: () => mockRefuses({ query: '?_method=delete' }) },
  { name: 'mock: a header whose value is PATCH is a write', layer: 'other', attempt: () => mockRefuses({ headers: { 'X-Mode': 'PATCH' } }) },
];

/** End to end: every hostile list at once, generated and proved; the proof's call log holds no write and the manifest no hostile value. */
const endToEnd: Attack = {
  name: 'generate: docs full of writes give a connector whose proof makes no write and whose manifest lists only safe values',
  layer: 'policy',
  async attempt(defenses) {
    const model = await modelOf(openapi(Object.assign({}, PEOPLE, ...CASES.map((c) => c.paths))));
    const plan = planHeuristically(model, { policy: defenses.policy });
    const hostile = CASES.filter((c) => c.sends(plan)).map((c) => c.name);
    if (hostile.length) return `the plan sends: ${hostile.join('; ')}`;
    const out = await generateConnector(model, plan, { seed: 7, maxAttempts: 1, force: true });
    if (out.scorecard.calls.writes) return `the proof made ${out.scorecard.calls.writes} write calls`;
    const bad = out.manifest.fixed_values.filter((f) => defenses.policy.fixedValue(f.in, f.name, f.value));
    return bad.length ? `the manifest lists ${JSON.stringify(bad)}` : undefined;
  },
};

export const DOCS_WRITE_ATTACKS: Attack[] = [...planAttacks, ...slotAttacks, ...mockAttacks, endToEnd];
