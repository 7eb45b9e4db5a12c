import { afterEach, describe, expect, it } from 'vitest';
import { OutputRecord, type RelationshipRecord } from '../canonical.ts';
import { ConnectorSlots, type LinkSlot, type RunInput, type StreamSlot } from '../slots/connector.ts';
import { runConnector } from './connector.ts';
import { installFakeHost } from './fake-host.fixture.ts';
import { endIds, linkMapper, linkRelationships } from './link-records.ts';

let fake: ReturnType<typeof installFakeHost> | undefined;
afterEach(() => fake?.restore());

const input: RunInput = { base_url: 'https://links.test/v1', tenant_variables: {}, max_pages_per_stream: 50, max_records: 10_000, retry: { max_attempts: 2, base_delay_ms: 0, max_delay_ms: 0 } };

const base: StreamSlot = {
  name: 'teams',
  kind: 'group',
  operation_id: 'GET /teams',
  path: '/teams',
  path_params: {},
  query: {},
  query_variables: [],
  headers: {},
  items_path: '',
  empty: { no_content: false, null_items: false },
  pagination: { style: 'none' },
  mapping: { id: { path: 'id', transform: 'string' } },
  parent: null,
};

const memberships: StreamSlot = {
  ...base,
  name: 'team_memberships',
  kind: 'group',
  operation_id: 'GET /teams/{team_id}/memberships',
  path: '/teams/{team_id}/memberships',
  mapping: { id: { path: 'id', transform: 'string' } },
  parent: { stream: 'teams', param: 'team_id', from_field: 'id', relation: 'member_of', parent_is: 'to' },
  link: { relation: 'member_of', from: { from: 'field', path: 'user.id' }, to: { from: 'parent' } },
};

const bindings: StreamSlot = {
  ...base,
  name: 'role_bindings',
  kind: 'role',
  operation_id: 'GET /role_bindings',
  path: '/role_bindings',
  mapping: {},
  link: { relation: 'has_role', from: { from: 'each', path: 'subjects', field: 'name' }, to: { from: 'field', path: 'role_ref' } },
};

const stream = { name: 's', operation_id: 'GET /s' };

describe('template link-records', () => {
  it('reads each kind of end: a field path, a nested id, each element of an array, the parent', () => {
    expect(endIds({ user_id: 42 }, { from: 'field', path: 'user_id' }, undefined)).toEqual(['42']);
    expect(endIds({ user: { id: 'u1' } }, { from: 'field', path: 'user.id' }, undefined)).toEqual(['u1']);
    expect(endIds({ subjects: [{ name: 'a' }, { name: 'b' }] }, { from: 'each', path: 'subjects', field: 'name' }, undefined)).toEqual(['a', 'b']);
    expect(endIds({}, { from: 'parent' }, 'g1')).toEqual(['g1']);
  });

  it('an end the record leaves out names no one (no relationship); an end that is not an id is unreadable', () => {
    expect(endIds({}, { from: 'field', path: 'user.id' }, undefined)).toBeNull();
    expect(endIds({ subjects: null }, { from: 'each', path: 'subjects', field: 'name' }, undefined)).toBeNull();
    expect(endIds({ user: { id: { nested: true } } }, { from: 'field', path: 'user.id' }, undefined)).toBeUndefined();
    expect(endIds({ subjects: 'alice' }, { from: 'each', path: 'subjects', field: 'name' }, undefined)).toBeUndefined();
    expect(endIds({ subjects: [{ name: 'a' }, { name: ['x'] }] }, { from: 'each', path: 'subjects', field: 'name' }, undefined)).toBeUndefined();
    expect(endIds({}, { from: 'parent' }, undefined)).toBeUndefined();
  });

  it('a bare-id record end: a string or number is the id; null, an empty string, an object or a list is unreadable, never "names no one"', () => {
    const end = { from: 'record' } as const;
    expect(endIds('u1', end, undefined)).toEqual(['u1']);
    expect(endIds(42, end, undefined)).toEqual(['42']);
    for (const bad of [null, undefined, '', { id: 'u1' }, ['u1']]) expect(endIds(bad, end, undefined)).toBeUndefined();
  });

  it('states one relationship per element, from and to as the slot says, each pair once', () => {
    const link: LinkSlot = { relation: 'has_role', from: { from: 'each', path: 'subjects', field: 'name' }, to: { from: 'field', path: 'role_ref' } };
    const rels = linkRelationships(stream, link, { role_ref: 'admin', subjects: [{ name: 'ada' }, { name: 'bob' }, { name: 'ada' }] });
    expect(rels?.map((r) => [r.from_id, r.relation, r.to_id])).toEqual([['ada', 'has_role', 'admin'], ['bob', 'has_role', 'admin']]);
    const swapped = linkRelationships(stream, { ...link, from: link.to, to: link.from }, { role_ref: 'admin', subjects: [{ name: 'ada' }] });
    expect(swapped?.map((r) => [r.from_id, r.to_id])).toEqual([['admin', 'ada']]);
  });

  it('a documented role field sets each record\'s relation (an owner owns the list); a value not listed, or none, keeps the link\'s', () => {
    const link: LinkSlot = { relation: 'member_of', from: { from: 'field', path: 'email' }, to: { from: 'field', path: 'list_id' }, relation_from: { path: 'role', values: { owner: 'owns' } } };
    const of = (record: object) => linkRelationships(stream, link, record)?.map((r) => `${r.from_id} ${r.relation} ${r.to_id}`);
    expect(of({ email: 'ann@x.test', list_id: 'ops', role: 'owner' })).toEqual(['ann@x.test owns ops']);
    expect(of({ email: 'bob@x.test', list_id: 'ops', role: 'member' })).toEqual(['bob@x.test member_of ops']);
    expect(of({ email: 'cy@x.test', list_id: 'ops', role: 'moderator' })).toEqual(['cy@x.test member_of ops']);
    expect(of({ email: 'di@x.test', list_id: 'ops' })).toEqual(['di@x.test member_of ops']);
    // Inherited names are no listed value.
    expect(of({ email: 'ed@x.test', list_id: 'ops', role: 'constructor' })).toEqual(['ed@x.test member_of ops']);
  });

  it('keys a record by its own id when mapped, else by what it states; a record with an unreadable end has no key', () => {
    const ctx = { vendor: 'v', kind: 'group' as const, stream: 'team_memberships', operation: 'op', drift: {} as Record<string, number> };
    const own = linkMapper(memberships, memberships.link!, 'g1');
    expect(own.idOf({ id: 'm1', user: { id: 'u1' } })).toBe('m1');
    const byEnds = linkMapper(bindings, bindings.link!);
    expect(byEnds.idOf({ role_ref: 'r', subjects: [{ name: 'a' }] })).not.toBe(byEnds.idOf({ role_ref: 'r', subjects: [{ name: 'b' }] }));
    expect(byEnds({ role_ref: 'r', subjects: 'x' }, ctx)).toBeUndefined();
    byEnds({ subjects: [{ name: 'a' }] }, ctx);
    expect(ctx.drift.link_end).toBe(1);
    expect(byEnds.idPath).toBe('subjects[].name / role_ref');
  });

  it('the slot refuses a parent end without a parent stream, and two array ends', () => {
    const slots = (s: StreamSlot) => ConnectorSlots.safeParse({ vendor: 'v', tenant_variables: [], streams: [base, s] }).success;
    expect(slots(memberships)).toBe(true);
    expect(slots({ ...memberships, parent: null, path: '/memberships' })).toBe(false);
    expect(slots({ ...bindings, link: { relation: 'has_role', from: { from: 'each', path: 'a', field: 'id' }, to: { from: 'each', path: 'b', field: 'id' } } })).toBe(false);
  });
});

describe('template connector with link streams', () => {
  const teams = [{ id: 't1' }, { id: 't2' }];
  function api(url: string) {
    const path = url.split('?')[0]!.replace('https://links.test/v1', '');
    if (path === '/teams') return { json: teams };
    const m = /^\/teams\/([^/]+)\/memberships$/.exec(path);
    if (m) return { json: [{ id: `m-${m[1]}-1`, user: { id: 'ada' } }, { id: `m-${m[1]}-2`, user: { id: m[1] === 't1' ? 'bob' : 'cyd' } }, { id: `m-${m[1]}-3` }] };
    if (path === '/role_bindings') return { json: [{ role_ref: 'admin', subjects: [{ name: 'ada' }, { name: 'bob' }] }, { role_ref: 'viewer', subjects: [{ name: 'ada' }] }, { role_ref: 'admin', subjects: [{ name: 'ada' }] }] };
    return { status: 404, body: '{"message":"no such path"}' };
  }

  it('emits relationships only (no identity for a link record), each once, the parent at its end, and counts records that state none', async () => {
    fake = installFakeHost(api);
    const run = await runConnector({ vendor: 'links', tenant_variables: [], streams: [base, memberships, bindings] }, input);
    const records = fake.emitted.map((r) => OutputRecord.parse(r));
    const identities = records.filter((r) => r.type === 'identity');
    expect(identities.map((r) => r.source.stream)).toEqual(['teams', 'teams']);
    const rels = records.filter((r): r is RelationshipRecord => r.type === 'relationship').map((r) => `${r.source.stream}: ${r.from_id} ${r.relation} ${r.to_id}`);
    expect(rels).toEqual([
      'team_memberships: ada member_of t1',
      'team_memberships: bob member_of t1',
      'team_memberships: ada member_of t2',
      'team_memberships: cyd member_of t2',
      'role_bindings: ada has_role admin',
      'role_bindings: bob has_role admin',
      'role_bindings: ada has_role viewer',
    ]);
    expect(run.complete).toBe(true);
    expect(run.streams.find((s) => s.name === 'team_memberships')?.drift).toEqual({ link_end: 2 });
  });

  it('a link record whose end is not an id is a finding: the stream is incomplete', async () => {
    fake = installFakeHost((url) => (url.includes('/role_bindings') ? { json: [{ role_ref: { name: 'admin' }, subjects: [{ name: 'ada' }] }] } : api(url)));
    const run = await runConnector({ vendor: 'links', tenant_variables: [], streams: [base, bindings] }, input);
    const outcome = run.streams.find((s) => s.name === 'role_bindings')!;
    expect(outcome.complete).toBe(false);
    expect(outcome.findings[0]).toMatchObject({ id: 'record-without-id', args: { id_path: 'subjects[].name / role_ref' } });
  });
});
