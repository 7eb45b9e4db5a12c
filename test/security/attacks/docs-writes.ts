import { generateConnector } from '../../../agent/generate/generate-connector.ts';
import { planHeuristically } from '../../../agent/plan/heuristic-planner.ts';
import type { ConnectorPlan } from '../../../agent/plan/connector-plan.ts';
import { renderFetcher } from '../../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../../agent/render/slots-from-plan.ts';
import { createMockVendor } from '../../../synthetic-data/mock-api/mock-vendor.ts';
import { FetchwrightError } from '../../../agent/errors.ts';
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

const described = (path: string, summary: string, description: string, more: Record<string, unknown> = {}) => ({ [path]: listOp(arrayOf(KEY), { summary, description, ...more }) });
const flag = (path: string, param: object) => ({ [path]: listOp(arrayOf(KEY), { parameters: [param] }) });

/** Issue 10's spellings: encoded and multi-word path acts, prose the first reading missed, value words and flags. */
CASES.push(
  { name: 'a percent-encoded act segment (GET /%72otate/tokens)', paths: { '/%72otate/tokens': listOp(arrayOf(KEY)) }, sends: (p) => !!stream(p, '/%72otate/tokens') },
  { name: 'a multi-word act segment that is not the last (GET /rotate-now/tokens)', paths: { '/rotate-now/tokens': listOp(arrayOf(KEY)) }, sends: (p) => !!stream(p, '/rotate-now/tokens') },
  { name: 'a camelCase act segment that is not the last (GET /rotateKeys/tokens)', paths: { '/rotateKeys/tokens': listOp(arrayOf(KEY)) }, sends: (p) => !!stream(p, '/rotateKeys/tokens') },
  { name: 'prose: the act in a clause after ";"', paths: described('/apiKeys', 'API keys', 'Lists the API keys; rotates every key before answering.'), sends: (p) => !!stream(p, '/apiKeys') },
  { name: 'prose: an act in a sentence that mentions DELETE without pointing at another call', paths: described('/apiKeys', 'API keys', 'Works like DELETE and revokes all keys of the account.'), sends: (p) => !!stream(p, '/apiKeys') },
  { name: 'prose: a passive act with a trigger ("is revoked once returned")', paths: described('/keys', 'Keys', 'Lists keys. Each key is revoked once returned.'), sends: (p) => !!stream(p, '/keys') },
  { name: 'prose: a passive act on every record ("all users are deleted")', paths: described('/users', 'Users', 'All users are deleted after the list is sent.'), sends: (p) => !!stream(p, '/users') },
  { name: 'prose: markup around the verb ("<b>rotates</b>", "**Rotates**")', paths: described('/apiKeys', '**Rotates** API keys', 'This endpoint <b>rotates</b> the keys.'), sends: (p) => !!stream(p, '/apiKeys') },
  { name: 'prose: a later sentence whose subject is it ("Note: it regenerates all of them.")', paths: described('/tokens', 'Tokens', 'Lists tokens. Note: it regenerates all of them.'), sends: (p) => !!stream(p, '/tokens') },
  { name: 'prose: more verbs ("wipes the secrets")', paths: described('/accessKeys', 'Access keys', 'Lists access keys and wipes the secrets afterwards.'), sends: (p) => !!stream(p, '/accessKeys') },
  { name: 'an operationId that is a strong act (rotateAllTokens)', paths: described('/tokens', 'Tokens', 'Tokens.', { operationId: 'rotateAllTokens' }), sends: (p) => !!stream(p, '/tokens') },
  { name: 'a required flag whose prose is passive ("every token is revoked")', paths: flag('/tokens', query('mode', { type: 'string', enum: ['full'] }, 'In full mode every token is revoked.', true)), sends: (p) => !!stream(p, '/tokens')?.query.mode },
  { name: 'confirm=yes whose prose confirms a revocation', paths: flag('/tokens', query('confirm', { type: 'string', enum: ['yes'] }, 'Confirm the revocation of every token.', true)), sends: (p) => !!stream(p, '/tokens')?.query.confirm },
  { name: 'reveal_secret=true (a read never asks for secrets in clear)', paths: flag('/apiKeys', query('reveal_secret', { type: 'boolean', default: true }, 'Reveal.', true)), sends: (p) => !!stream(p, '/apiKeys')?.query.reveal_secret },
  { name: 'a non-English act value (accion=eliminar)', paths: ({ '/admins': listOp(arrayOf(USER), { parameters: [query('accion', { type: 'string', enum: ['eliminar'] }, 'Acción.', true)] }) }), sends: (p) => !!stream(p, '/admins')?.query.accion },
  { name: 'an act value expire (op=expire)', paths: flag('/sshKeys', query('op', { type: 'string', enum: ['expire'] }, 'Op.', true)), sends: (p) => !!stream(p, '/sshKeys')?.query.op },
  { name: 'a dry-run header set false (X-Dry-Run: false)', paths: flag('/apiKeys', header('X-Dry-Run', { type: 'string', enum: ['false'] })), sends: (p) => !!stream(p, '/apiKeys')?.headers['X-Dry-Run'] },
  { name: 'a dry-run flag set off (dry_run=0)', paths: flag('/members', query('dry_run', { type: 'integer', enum: [0] }, 'Dry run.', true)), sends: (p) => stream(p, '/members')?.query.dry_run !== undefined },
);

/** Docs whose server, not their paths, carries the act: a server variable's default, a server path, a Swagger 2 basePath. */
interface ServerCase {
  name: string;
  spec: Record<string, unknown>;
}

const LIST_KEYS = { '/apiKeys': listOp(arrayOf(KEY)) };
const SERVER_CASES: ServerCase[] = [
  { name: 'a server variable {action} whose default is rotate', spec: openapi(LIST_KEYS, { servers: [{ url: 'https://api.acme-corp.test/{action}', variables: { action: { default: 'rotate' } } }] }) },
  { name: 'a server variable {action} whose only enum value is rotate', spec: openapi(LIST_KEYS, { servers: [{ url: 'https://api.acme-corp.test/{action}', variables: { action: { default: 'rotate', enum: ['rotate'] } } }] }) },
  { name: 'a server path ending in /rotate', spec: openapi(LIST_KEYS, { servers: [{ url: 'https://api.acme-corp.test/v1/rotate' }] }) },
  {
    name: 'a Swagger 2 basePath /keys/rotate',
    spec: {
      swagger: '2.0',
      info: { title: 'Acme', version: '1' },
      host: 'api.acme-corp.test',
      basePath: '/keys/rotate',
      schemes: ['https'],
      paths: { '/apiKeys': { get: { produces: ['application/json'], responses: { '200': { description: 'OK', schema: arrayOf(KEY) } } } } },
    },
  },
];

const serverAttacks: Attack[] = SERVER_CASES.map((c) => ({
  name: `planner: ${c.name} (GET /rotate/apiKeys on the wire)`,
  layer: 'policy',
  async attempt(defenses) {
    const model = await modelOf(c.spec);
    let plan: ConnectorPlan;
    try {
      plan = planHeuristically(model, { policy: defenses.policy });
    } catch (e) {
      if (e instanceof FetchwrightError && e.code === 'no-identity-operations' && /request policy/.test(e.message)) return undefined;
      throw e;
    }
    const filled = plan.base_url.url.replace(/\{([^}]+)\}/g, (_, n: string) => plan.base_url.variables[n] ?? '');
    if (!/rotate/i.test(filled) || !plan.streams.length) return undefined;
    return plan.refused_by_policy?.length ? undefined : `the plan calls ${filled}${plan.streams[0]!.path} with nothing refused`;
  },
}));

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

export const DOCS_WRITE_ATTACKS: Attack[] = [...planAttacks, ...serverAttacks, ...slotAttacks, ...mockAttacks, endToEnd];
