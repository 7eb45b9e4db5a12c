import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../../agent/generate/generate-connector.ts';
import { ingest } from '../../../agent/ingest/ingest.ts';
import type { ApiModel } from '../../../agent/ingest/api-model.ts';
import type { ConnectorPlan } from '../../../agent/plan/connector-plan.ts';
import { planHeuristically } from '../../../agent/plan/heuristic-planner.ts';
import { expectedStreams } from '../../../agent/validate/expected.ts';
import { createMockVendor } from '../../../synthetic-data/mock-api/mock-vendor.ts';
import { errorIds } from '../../helpers/findings.ts';
import { typecheckAlone } from '../../helpers/typecheck-alone.ts';
import { modelOf, SERVER } from '../../helpers/spec.ts';
import { VENDOR_DOCS } from '../../helpers/vendor-docs.ts';

/**
 * Planner case E (shared/planner-cases/E-link-record-nouns.yaml): link records — memberships, role
 * bindings, assignments — are relationships between identities, planned as link streams and
 * emitted as relationship records; with variants of the class (other nouns, other shapes of the
 * two ends) and lists that share the nouns but hold no relationships.
 */

const CASE = path.resolve(VENDOR_DOCS, '../planner-cases/E-link-record-nouns.yaml');

const list = (items: object, wrapper?: string) => ({
  '200': { description: 'ok', content: { 'application/json': { schema: wrapper ? { type: 'object', properties: { [wrapper]: { type: 'array', items } } } : { type: 'array', items } } } },
});
const obj = (props: Record<string, object>) => ({ type: 'object', properties: props });
const str = { type: 'string' };
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: str });

function spec(paths: Record<string, object>, schemas: Record<string, object> = {}) {
  return {
    openapi: '3.0.3',
    info: { title: 'Linkwise API', version: '1' },
    servers: [{ url: SERVER }],
    components: { securitySchemes: { tok: { type: 'http', scheme: 'bearer' } }, schemas },
    security: [{ tok: [] }],
    paths,
  };
}

const users = { '/users': { get: { summary: 'List users', responses: list(obj({ id: str, email: str })) } } };
const groups = { '/groups': { get: { summary: 'List groups', responses: list(obj({ id: str, name: str })) } } };
const linkOf = (plan: ConnectorPlan, p: string) => plan.streams.find((s) => s.path === p);
const excludedPaths = (plan: ConnectorPlan) => (plan.excluded ?? []).map((e) => e.path);

describe('planner case E — link records', () => {
  it('plans the case file\'s memberships and role bindings as link streams, with their ends, parent and evidence', async () => {
    const plan = planHeuristically(await ingest(CASE));
    const memberships = linkOf(plan, '/squads/{squad_id}/memberships');
    expect(memberships).toMatchObject({ kind: 'group', items_path: 'entries', link: { relation: 'member_of', from: { from: 'field', path: 'user.id' }, to: { from: 'parent' } } });
    expect(memberships?.parent).toMatchObject({ stream: 'squads', param: 'squad_id', from_field: 'id', parent_is: 'to' });
    const bindings = linkOf(plan, '/access/rolebindings');
    expect(bindings).toMatchObject({ kind: 'role', items_path: 'items', parent: null, link: { relation: 'has_role', from: { from: 'each', path: 'subjects', field: 'name' }, to: { from: 'field', path: 'role_ref' } } });
    // Each end is cited at the field that holds it.
    expect(bindings!.evidence.map((e) => e.reasoning).join('\n')).toMatch(/from end is each element of subjects, read at name/);
    expect(memberships!.evidence.some((e) => e.quote === 'squad_id' && /to end is the squad/.test(e.reasoning))).toBe(true);
    // A stream taken is not "excluded"; every GET is accounted for exactly once.
    expect(excludedPaths(plan)).not.toContain('/squads/{squad_id}/memberships');
    expect(excludedPaths(plan)).not.toContain('/access/rolebindings');
    const gets = ['/people', '/squads', '/squads/{squad_id}/memberships', '/access/rolebindings', '/people/{person_id}/delegations'];
    expect([...plan.streams.map((s) => s.path), ...excludedPaths(plan)].sort()).toEqual(gets.sort());
    // Delegations are OAuth consents (oauth_grant records) a person gave, not link records: a child of people, granted_to the person.
    const delegations = linkOf(plan, '/people/{person_id}/delegations');
    expect(delegations).toMatchObject({ kind: 'oauth_grant', parent: { stream: 'people', param: 'person_id', relation: 'granted_to', parent_is: 'to' } });
    expect(delegations?.link).toBeUndefined();
  });

  it('reads group memberships whose ends are user_id and group_id fields, at the root', async () => {
    const plan = planHeuristically(await modelOf(spec({ ...users, ...groups, '/group-memberships': { get: { summary: 'List group memberships', responses: list(obj({ id: str, user_id: str, group_id: str, since: str }), 'data') } } })));
    expect(linkOf(plan, '/group-memberships')).toMatchObject({ name: 'group_memberships', kind: 'group', parent: null, link: { relation: 'member_of', from: { from: 'field', path: 'user_id' }, to: { from: 'field', path: 'group_id' } } });
  });

  it('reads CamelCase role assignments (principalId, roleDefinitionId) as has_role', async () => {
    const plan = planHeuristically(await modelOf(spec({ ...users, '/roleAssignments': { get: { responses: list(obj({ id: str, principalId: str, roleDefinitionId: str, scope: str }), 'value') } } })));
    expect(linkOf(plan, '/roleAssignments')?.link).toEqual({ relation: 'has_role', from: { from: 'field', path: 'principalId' }, to: { from: 'field', path: 'roleDefinitionId' } });
  });

  it('reads a person\'s memberships as the person (the parent) member_of each nested group', async () => {
    const plan = planHeuristically(await modelOf(spec({ ...users, '/users/{user_id}/memberships': { get: { parameters: [pathParam('user_id')], responses: list(obj({ id: str, group: obj({ id: str, name: str }), access_level: { type: 'integer' } })) } } })));
    const s = linkOf(plan, '/users/{user_id}/memberships');
    expect(s?.link).toEqual({ relation: 'member_of', from: { from: 'parent' }, to: { from: 'field', path: 'group.id' } });
    expect(s?.parent).toMatchObject({ stream: 'users', parent_is: 'from' });
  });

  it('leaves members the identity selection reads (a child stream of people, member_of their team) to it: never planned twice', async () => {
    const plan = planHeuristically(await modelOf(spec({ ...users, '/teams': { get: { responses: list(obj({ id: str, name: str })) } }, '/teams/{team_id}/members': { get: { parameters: [pathParam('team_id')], responses: list(obj({ user: obj({ login: str }), role: str })) } } })));
    const members = plan.streams.filter((s) => s.path === '/teams/{team_id}/members');
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ kind: 'human', parent: { relation: 'member_of', parent_is: 'to' } });
    expect(members[0]!.link).toBeUndefined();
  });

  it('leaves out "memberships" that are billing plans, and link nouns whose records hold one reference or none', async () => {
    const plan = planHeuristically(await modelOf(spec({
      ...users,
      '/billing/memberships': { get: { summary: 'List membership plans', responses: list(obj({ id: str, plan: str, price: { type: 'number' }, renews_at: str })) } },
      '/loyalty/memberships': { get: { responses: list(obj({ id: str, plan_id: str, customer_id: str, tier: str })) } },
      '/task-assignments': { get: { responses: list(obj({ id: str, task_id: str, assignee_id: str })) } },
      '/bindings': { get: { responses: list(obj({ id: str, port: { type: 'integer' }, host: str })) } },
    })));
    expect(plan.streams.filter((s) => s.link)).toEqual([]);
    expect(excludedPaths(plan)).toEqual(expect.arrayContaining(['/billing/memberships', '/loyalty/memberships', '/task-assignments', '/bindings']));
  });

  it('a link stream covers no identity list: an admin-only list of groups stays beside a list of group memberships', async () => {
    const scoped = (scope: string, items: object) => ({ get: { security: [{ oa: [scope] }], responses: list(items) } });
    const plan = planHeuristically(await modelOf({
      ...spec({
        '/users': scoped('users:read', obj({ id: str, email: str })),
        '/admin/groups': scoped('admin:directory.read', obj({ id: str, name: str })),
        '/group-memberships': scoped('memberships:read', obj({ id: str, user_id: str, group_id: str })),
      }),
      components: { securitySchemes: { oa: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: `${SERVER}/oauth/token`, scopes: { 'admin:directory.read': 'Read the directory as an admin', 'users:read': 'Read users', 'memberships:read': 'Read memberships' } } } } } },
      security: undefined,
    }));
    expect(plan.streams.map((s) => s.path).sort()).toEqual(['/admin/groups', '/group-memberships', '/users']);
  });

  it('reads one list of the same bindings: across every namespace, not again per namespace', async () => {
    const binding = obj({ metadata: obj({ name: str }), roleRef: obj({ kind: str, name: str }), subjects: { type: 'array', items: obj({ kind: str, name: str }) } });
    const plan = planHeuristically(await modelOf(spec({
      ...users,
      '/rbac/namespaces/{namespace}/rolebindings': { get: { parameters: [pathParam('namespace')], responses: list(binding, 'items') } },
      '/rbac/rolebindings': { get: { responses: list(binding, 'items') } },
    })));
    expect(plan.streams.filter((s) => s.link).map((s) => s.path)).toEqual(['/rbac/rolebindings']);
    expect(plan.excluded?.find((e) => e.path === '/rbac/namespaces/{namespace}/rolebindings')?.reason).toMatch(/^covered by GET \/rbac\/rolebindings/);
  });
});

describe('planner case E — proved', () => {
  async function proved(model: ApiModel, plan: ConnectorPlan) {
    return generateConnector(model, plan, { seed: 1, maxAttempts: 1, force: true });
  }

  it('passes its proof; the relationships expected come from the mock\'s seeded link records, whose users are seeded people', async () => {
    const model = await ingest(CASE);
    const plan = planHeuristically(model);
    const result = await proved(model, plan);
    expect(errorIds(result.scorecard)).toEqual([]);
    const scored = result.scorecard.streams.find((s) => s.name === 'squad_memberships')!;
    expect(scored.seeded).toBeGreaterThan(27);
    expect(scored.fetched).toBe(scored.seeded);
    const expected = expectedStreams(plan, model, createMockVendor(model, { seed: 1 }));
    const people = new Set(expected.get('people')!.identities.keys());
    const squads = new Set(expected.get('squads')!.identities.keys());
    const pairs = [...expected.get('squad_memberships')!.pairs].map((k) => k.split('|'));
    expect(pairs.length).toBe(scored.seeded);
    for (const [from, to, relation] of pairs) {
      expect(relation).toBe('member_of');
      expect(people.has(from!), `${from} is a seeded person`).toBe(true);
      expect(squads.has(to!), `${to} is a seeded squad`).toBe(true);
    }
    expect(result.scorecard.streams.find((s) => s.name === 'rolebindings')!.fetched).toBeGreaterThan(0);
    // The link slots render into a fetcher that type-checks on its own.
    expect(result.fetcher).toContain('"link": {');
    expect(await typecheckAlone(result.fetcher)).toEqual([]);
  });

  it('a plan that reads the two ends the wrong way round fails its proof', async () => {
    const model = await ingest(CASE);
    const plan = structuredClone(planHeuristically(model));
    const s = plan.streams.find((x) => x.name === 'squad_memberships')!;
    s.link = { ...s.link!, from: s.link!.to, to: s.link!.from };
    s.parent = { ...s.parent!, parent_is: 'from' };
    const result = await proved(model, plan);
    expect(result.scorecard.verdict).toBe('fail');
    expect(errorIds(result.scorecard)).toContain('link-direction@squad_memberships');
  });

  it('a plan whose end reads a field the records do not have fails its proof', async () => {
    const model = await ingest(CASE);
    const plan = structuredClone(planHeuristically(model));
    plan.streams.find((x) => x.name === 'squad_memberships')!.link!.from = { from: 'field', path: 'user.uid' };
    plan.streams.find((x) => x.name === 'rolebindings')!.link!.to = { from: 'field', path: 'role' };
    const result = await proved(model, plan);
    expect(result.scorecard.verdict).toBe('fail');
    expect(errorIds(result.scorecard)).toEqual(expect.arrayContaining(['list-not-served@squad_memberships', 'list-not-served@rolebindings']));
  });

  it('group memberships with user_id and group_id fields pass their proof, each end a seeded id of its list', async () => {
    const model = await modelOf(spec({ ...users, ...groups, '/group-memberships': { get: { responses: list(obj({ id: str, user_id: str, group_id: str }), 'data') } } }));
    const plan = planHeuristically(model);
    const result = await proved(model, plan);
    expect(errorIds(result.scorecard)).toEqual([]);
    const expected = expectedStreams(plan, model, createMockVendor(model, { seed: 1 }));
    const ids = (name: string) => new Set(expected.get(name)!.identities.keys());
    const pairs = [...expected.get('group_memberships')!.pairs].map((k) => k.split('|'));
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.every(([from, to]) => ids('users').has(from!) && ids('groups').has(to!))).toBe(true);
    // Swapped, the proof fails: a user is not a group.
    const swapped = structuredClone(plan);
    const s = swapped.streams.find((x) => x.link)!;
    s.link = { ...s.link!, from: s.link!.to, to: s.link!.from };
    expect(errorIds((await proved(model, swapped)).scorecard)).toContain('link-direction@group_memberships');
  });
});
