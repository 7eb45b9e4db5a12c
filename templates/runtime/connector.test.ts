import { afterEach, describe, expect, it } from 'vitest';
import { OutputRecord, type RunRecord } from '../canonical.ts';
import { ConnectorSlots as ConnectorSlotsSchema, type ConnectorSlots, type RunInput, type StreamSlot } from '../slots/connector.ts';
import { runConnector } from './connector.ts';
import { installFakeHost } from './fake-host.fixture.ts';
import { queryParam } from './url.ts';

let fake: ReturnType<typeof installFakeHost> | undefined;
afterEach(() => fake?.restore());

const input: RunInput = { base_url: 'https://hub.test/hub/api', tenant_variables: {}, max_pages_per_stream: 50, max_records: 10_000, retry: { max_attempts: 3, base_delay_ms: 10, max_delay_ms: 100 } };

const users: StreamSlot = {
  name: 'users',
  kind: 'human',
  operation_id: 'GET /users',
  path: '/users',
  path_params: {},
  query: {},
  query_variables: [],
  headers: {},
  items_path: '',
  empty: { no_content: false, null_items: false },
  pagination: { style: 'offset', offset_param: 'offset', limit_param: 'limit', page_size: 2, first_offset: 0, stops: [{ when: 'empty-page' }] },
  mapping: { id: { path: 'name', transform: 'string' }, display_name: { path: 'name', transform: 'string' } },
  parent: null,
};

const tokens: StreamSlot = {
  ...users,
  name: 'user_tokens',
  kind: 'token',
  operation_id: 'GET /users/{name}/tokens',
  path: '/users/{name}/tokens',
  pagination: { style: 'none' },
  mapping: { id: { path: 'id', transform: 'string' }, display_name: { path: 'note', transform: 'string' }, owner_id: { path: null, transform: 'string' } },
  parent: { stream: 'users', param: 'name', from_field: 'name', relation: 'owns', parent_is: 'from' },
};

const slots: ConnectorSlots = { vendor: 'jupyterhub', tenant_variables: [], streams: [users, tokens] };
const people = ['ada', 'bob', 'cyd', 'dee', 'eve'];

function hub(url: string) {
  const path = url.split('?')[0]!.replace('https://hub.test/hub/api', '');
  if (path === '/users') {
    const offset = Number(queryParam(url, 'offset'));
    // The server clamps to 2 per page, and bob sits across the boundary of pages 1 and 2.
    const served = ['ada', 'bob', 'bob', 'cyd', 'dee', 'eve'];
    return { json: served.slice(offset, offset + 2).map((name) => ({ name })) };
  }
  const m = /^\/users\/([^/]+)\/tokens$/.exec(path);
  if (m) return { json: [{ id: `t-${m[1]}`, note: `token of ${decodeURIComponent(m[1]!)}` }] };
  return { status: 404, body: '{"message":"no such path"}' };
}

describe('template connector', () => {
  it('reads parents, then one child read per parent record, each identity once, relationships from the parent', async () => {
    fake = installFakeHost(hub);
    const run = await runConnector(slots, input);
    const records = fake.emitted.map((r) => OutputRecord.parse(r));
    const ids = records.filter((r) => r.type === 'identity' && r.kind === 'human').map((r) => (r as { id: string }).id);
    expect(ids).toEqual(people);
    const owns = records.filter((r) => r.type === 'relationship');
    expect(owns).toHaveLength(5);
    expect(owns[0]).toMatchObject({ from_id: 'ada', to_id: 't-ada', relation: 'owns' });
    const token = records.find((r) => r.type === 'identity' && r.kind === 'token');
    expect(token).toMatchObject({ owner_id: 'ada' });
    expect(run.complete).toBe(true);
    expect(run.streams[0]).toMatchObject({ name: 'users', records: 5, duplicates_skipped: 1, complete: true, findings: [] });
    expect((fake.emitted.at(-1) as RunRecord).type).toBe('run');
  });

  it('stops a cursor that does not advance instead of looping, and marks the run incomplete', async () => {
    fake = installFakeHost(() => ({ json: { members: [{ id: 'u1' }], next: 'same' } }));
    const run = await runConnector(
      { vendor: 'acme', tenant_variables: [], streams: [{ ...users, items_path: 'members', mapping: { id: { path: 'id', transform: 'string' } }, pagination: { style: 'cursor', cursor_param: 'cursor', cursor_path: 'next', stops: [{ when: 'no-next' }] } }] },
      input,
    );
    expect(run.complete).toBe(false);
    expect(run.streams[0]!.findings.map((f) => f.id)).toEqual(['pagination-loop']);
    expect(run.streams[0]!.error).toMatch(/only records already seen/);
    expect(fake.requests).toHaveLength(2);
  });

  it('a refused credential stops the whole run with the vendor\'s message: nothing after it is requested', async () => {
    fake = installFakeHost(() => ({ status: 403, body: '{"message":"token lacks read:users"}' }));
    const returned = await runConnector(slots, input);
    expect(fake.requests).toHaveLength(1);
    const run = fake.emitted.at(-1) as RunRecord;
    expect(returned).toEqual(run);
    expect(run.streams[0]!.error).toMatch(/token lacks read:users/);
    expect(run).toMatchObject({ type: 'run', complete: false });
    expect(run.streams[0]!.findings[0]).toMatchObject({ id: 'auth-refused', args: { status: 403 } });
    expect(run.streams[1]!.findings.map((f) => f.id)).toEqual(['not-run']);
    expect(run.streams[1]!.error).toMatch(/earlier stream failed authentication/);
  });

  it('a child\'s parent is a top-level list: under a child or a link stream (no keys kept) the slots are refused, not read as an empty list', () => {
    expect(ConnectorSlotsSchema.safeParse(slots).success).toBe(true);
    const grandchild: StreamSlot = { ...tokens, name: 'token_grants', path: '/tokens/{id}/grants', parent: { stream: 'user_tokens', param: 'id', from_field: 'id', relation: 'owns', parent_is: 'from' } };
    const chained = ConnectorSlotsSchema.safeParse({ ...slots, streams: [users, tokens, grandchild] });
    expect(chained.success).toBe(false);
    expect(chained.error?.issues.map((i) => i.message)).toContain('parent user_tokens is itself read under a parent: its records give token_grants no keys');
    const links: StreamSlot = { ...users, name: 'memberships', kind: 'group', link: { relation: 'member_of', from: { from: 'field', path: 'user' }, to: { from: 'field', path: 'group' } } };
    const underLinks = ConnectorSlotsSchema.safeParse({ ...slots, streams: [links, { ...tokens, parent: { ...tokens.parent!, stream: 'memberships' } }] });
    expect(underLinks.error?.issues.map((i) => i.message)).toContain('parent memberships is a link stream: its records give user_tokens no keys');
  });

  it('refuses to start without a value for a tenant path variable, saying which', async () => {
    fake = installFakeHost(hub);
    const scoped: ConnectorSlots = { vendor: 'acme', tenant_variables: ['org'], streams: [{ ...users, path: '/orgs/{org}/users' }] };
    await expect(runConnector(scoped, input)).rejects.toThrow(/no value for \{org\}/);
    fake.restore();
    const seen: string[] = [];
    fake = installFakeHost((url) => {
      seen.push(url);
      return { json: [] };
    });
    await runConnector(scoped, { ...input, tenant_variables: { org: 'acme corp' } });
    expect(seen[0]).toBe('https://hub.test/hub/api/orgs/acme%20corp/users?offset=0&limit=2');
  });

  it('only ever issues GETs', async () => {
    const methods: string[] = [];
    fake = installFakeHost(hub);
    const g = globalThis as unknown as { fetch: (u: string, i: { method: string }) => Promise<unknown> };
    const inner = g.fetch;
    g.fetch = (u, i) => {
      methods.push(i.method);
      return inner(u, i);
    };
    await runConnector(slots, input);
    expect(new Set(methods)).toEqual(new Set(['GET']));
  });
});
