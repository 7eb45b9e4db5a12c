import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../canonical.ts';
import type { ConnectorSlots, RunInput, StreamSlot } from '../slots/connector.ts';
import { runConnector } from './connector.ts';
import { idOf, installFakeHost, page, strict } from './fake-host.fixture.ts';
import type { Page } from './http.ts';
import { selectRecords } from './select-records.ts';
import { firstUrl, nextUrl } from './paginators/index.ts';
import { pageCtx } from './paginators/ctx.fixture.ts';

/** The composed paginators (source, page-size option, stop conditions), as a stream reads them. */
const pagePaginator = { first: firstUrl, next: nextUrl };
const offsetPaginator = pagePaginator;
const cursorPaginator = pagePaginator;

/**
 * Fail closed: a response that is not the shape the plan expects is a finding that makes the run
 * incomplete — never an empty page and `complete: true`. Each case shows the accepted shape beside
 * the refused one, so the check can be seen to decide.
 */

let fake: ReturnType<typeof installFakeHost> | undefined;
afterEach(() => fake?.restore());


describe('select-records: the page must have the shape the plan expects', () => {
  it('accepts the list where the plan says, and an empty one', () => {
    expect(selectRecords(page([{ id: 1 }]), '', strict, 'u')).toEqual([{ id: 1 }]);
    expect(selectRecords(page({ data: [] }), 'data', strict, 'u')).toEqual([]);
    expect(selectRecords(page([]), '', strict, 'u')).toEqual([]);
  });

  it('refuses an object keyed by name where a list was expected (a real JupyterHub answers /services so)', () => {
    expect(idOf(() => selectRecords(page({ alice: { name: 'alice' }, bob: { name: 'bob' } }), '', strict, 'u'))).toBe('items-path-not-a-list');
  });

  it('refuses a body whose records are under another key', () => {
    expect(idOf(() => selectRecords(page({ api_tokens: [{ id: 'a' }] }), '', strict, 'u'))).toBe('items-path-not-a-list');
    expect(idOf(() => selectRecords(page({ items: [{ id: 'a' }] }), 'data', strict, 'u'))).toBe('items-path-missing');
  });

  it('refuses an empty list when another list in the body holds records', () => {
    expect(idOf(() => selectRecords(page({ data: [], users: [{ id: 'a' }] }), 'data', strict, 'u'))).toBe('records-elsewhere');
    expect(idOf(() => selectRecords(page({ data: [], errors: [{ code: 1 }] }), 'data', strict, 'u'))).toBe('accepted');
  });

  it('accepts a null list or a 204 only where the docs allow one', () => {
    expect(idOf(() => selectRecords(page({ data: null }), 'data', strict, 'u'))).toBe('items-path-missing');
    expect(selectRecords(page({ data: null }), 'data', { no_content: false, null_items: true }, 'u')).toEqual([]);
    expect(idOf(() => selectRecords(page(undefined, 204), '', strict, 'u'))).toBe('unexpected-status');
    expect(selectRecords(page(undefined, 204), '', { no_content: true, null_items: false }, 'u')).toEqual([]);
  });

  it('accepts the records\' key left out only beside a total of 0, where the docs show that answer (Mailman: {"start": 0, "total_size": 0})', () => {
    const documented = { no_content: false, null_items: false, absent_at_zero: 'total_size' };
    expect(selectRecords(page({ start: 0, total_size: 0, http_etag: '"x"' }), 'entries', documented, 'u')).toEqual([]);
    expect(selectRecords(page({ start: 0, total_size: 2, entries: [{ id: 1 }, { id: 2 }] }), 'entries', documented, 'u')).toHaveLength(2);
    // A total above 0, a total that is not the number 0, or no total: the records are somewhere the plan does not read.
    expect(idOf(() => selectRecords(page({ start: 0, total_size: 3 }), 'entries', documented, 'u'))).toBe('items-path-missing');
    expect(idOf(() => selectRecords(page({ start: 0, total_size: '0' }), 'entries', documented, 'u'))).toBe('items-path-missing');
    expect(idOf(() => selectRecords(page({ start: 0 }), 'entries', documented, 'u'))).toBe('items-path-missing');
    // Where the docs show no such answer, the same body is a finding.
    expect(idOf(() => selectRecords(page({ start: 0, total_size: 0 }), 'entries', strict, 'u'))).toBe('items-path-missing');
  });
});

describe('paginators: a documented stop field missing is a finding, not a silent stop', () => {
  it('page count', () => {
    const p = { style: 'page' as const, page_param: 'page', first_page: 1, stops: [{ when: 'page-count' as const, path: 'pages' }] };
    expect(pagePaginator.next(p, pageCtx('https://h.test/u?page=1', { pages: 3 }, [{}]), { page: 1 })).toBe('https://h.test/u?page=2');
    expect(idOf(() => pagePaginator.next(p, pageCtx('https://h.test/u?page=1', {}, [{}]), { page: 1 }))).toBe('stop-signal-missing');
  });

  it('total, counted by records received (pages = ceil(total / size) even when the server clamps)', () => {
    const p = { style: 'page' as const, page_param: 'page', size_param: 'limit', page_size: 100, first_page: 1, stops: [{ when: 'total-reached' as const, path: 'data.total' }] };
    const state = {};
    const first = pagePaginator.first(p, 'https://h.test/u', state);
    const second = pagePaginator.next(p, pageCtx(first, { data: { total: 12 } }, Array(10).fill({})), state);
    expect(second).toBe('https://h.test/u?limit=100&page=2');
    expect(pagePaginator.next(p, pageCtx(second!, { data: { total: 12 } }, Array(2).fill({})), state)).toBeUndefined();
    expect(idOf(() => pagePaginator.next(p, pageCtx(first, { data: { total: null } }, [{}]), {}))).toBe('stop-signal-missing');
  });

  it('has-more flag of the wrong type', () => {
    const p = { style: 'offset' as const, offset_param: 'offset', limit_param: 'limit', page_size: 10, first_offset: 0, stops: [{ when: 'more-false' as const, path: 'more' }] };
    expect(idOf(() => offsetPaginator.next(p, pageCtx('https://h.test/u', { more: 'true' }, [{}]), {}))).toBe('pagination-value-invalid');
    expect(idOf(() => offsetPaginator.next(p, pageCtx('https://h.test/u', {}, [{}]), {}))).toBe('stop-signal-missing');
    expect(offsetPaginator.next(p, pageCtx('https://h.test/u', { more: false }, [{}]), {})).toBeUndefined();
  });

  it('a cursor from a declared response header, and a cursor that is an object', () => {
    const fromHeader = { style: 'cursor' as const, cursor_param: 'page_token', cursor_header: 'X-Next-Page-Token', stops: [{ when: 'no-next' as const }] };
    expect(cursorPaginator.next(fromHeader, pageCtx('https://h.test/m', [], [{}], { 'x-next-page-token': 'abc' }), {})).toBe('https://h.test/m?page_token=abc');
    expect(cursorPaginator.next(fromHeader, pageCtx('https://h.test/m', [], [{}]), {})).toBeUndefined();
    const fromBody = { style: 'cursor' as const, cursor_param: 'cursor', cursor_path: 'next', stops: [{ when: 'no-next' as const }] };
    expect(idOf(() => cursorPaginator.next(fromBody, pageCtx('https://h.test/m', { next: { token: 'x' } }, [{}]), {}))).toBe('pagination-value-invalid');
  });
});

describe('paginators: an empty page does not beat a documented stop signal', () => {
  it('offset with has-more, and pages with a total', () => {
    const more = { style: 'offset' as const, offset_param: 'offset', limit_param: 'limit', page_size: 10, first_offset: 0, stops: [{ when: 'more-false' as const, path: 'more' }] };
    expect(idOf(() => offsetPaginator.next(more, pageCtx('https://h.test/u', { users: [], more: true }, []), {}))).toBe('list-ended-early');
    expect(offsetPaginator.next(more, pageCtx('https://h.test/u', { users: [], more: false }, []), {})).toBeUndefined();
    const total = { style: 'page' as const, page_param: 'page', first_page: 1, stops: [{ when: 'total-reached' as const, path: 'data.total' }] };
    expect(idOf(() => pagePaginator.next(total, pageCtx('https://h.test/u?page=2', { data: { total: 450 } }, []), { page: 2, seen: 100 }))).toBe('list-ended-early');
  });

  it('a cursor whose whole container is gone says nothing about the end; an empty one inside it does', () => {
    const slot = { style: 'cursor' as const, cursor_param: 'cursor', cursor_path: 'response_metadata.next_cursor', stops: [{ when: 'no-next' as const }] };
    expect(idOf(() => cursorPaginator.next(slot, pageCtx('https://h.test/u', { members: [{}] }, [{}]), {}))).toBe('stop-signal-missing');
    expect(cursorPaginator.next(slot, pageCtx('https://h.test/u', { members: [{}], response_metadata: {} }, [{}]), {})).toBeUndefined();
  });
});

describe('runConnector: findings reach the run record', () => {
  const input: RunInput = { base_url: 'https://hub.test', tenant_variables: {}, max_pages_per_stream: 20, max_records: 1000, retry: { max_attempts: 2, base_delay_ms: 0, max_delay_ms: 0 } };
  const users: StreamSlot = {
    name: 'users', kind: 'human', operation_id: 'listUsers', path: '/users', path_params: {}, query: {}, query_variables: [], headers: {}, items_path: '',
    empty: { no_content: false, null_items: false }, pagination: { style: 'none' }, mapping: { id: { path: 'name', transform: 'string' } }, parent: null,
  };
  const tokens: StreamSlot = { ...users, name: 'tokens', kind: 'token', operation_id: 'listTokens', path: '/users/{name}/tokens', mapping: { id: { path: 'id', transform: 'string' } }, parent: { stream: 'users', param: 'name', from_field: 'name', relation: 'owns', parent_is: 'from' } };
  const slots: ConnectorSlots = { vendor: 'hub', tenant_variables: [], streams: [users, tokens] };

  it('a child list in another shape than documented: every parent is tried, the stream is incomplete, the run too', async () => {
    fake = installFakeHost((url) => (url.endsWith('/users') ? { json: [{ name: 'ada' }, { name: 'bob' }] } : { json: { api_tokens: [{ id: 't1' }] } }));
    await runConnector(slots, input);
    const run = fake.emitted.at(-1) as RunRecord;
    expect(run.complete).toBe(false);
    expect(run.streams[0]).toMatchObject({ name: 'users', complete: true, records: 2 });
    expect(run.streams[1]).toMatchObject({ name: 'tokens', complete: false, findings_total: 2 });
    expect(run.streams[1]!.findings.map((f) => [f.id, f.url])).toEqual([
      ['items-path-not-a-list', 'https://hub.test/users/ada/tokens'],
      ['items-path-not-a-list', 'https://hub.test/users/bob/tokens'],
    ]);
  });

  it('records without the mapped id field', async () => {
    fake = installFakeHost(() => ({ json: [{ name: 'ada' }, { login: 'bob' }] }));
    await runConnector({ ...slots, streams: [users] }, input);
    const run = fake.emitted.at(-1) as RunRecord;
    expect(run.streams[0]).toMatchObject({ complete: false, records: 1, unidentifiable: 1 });
    expect(run.streams[0]!.findings[0]).toMatchObject({ id: 'record-without-id', args: { count: 1, id_path: 'name' } });
  });

  it('a child of an incomplete parent says so', async () => {
    fake = installFakeHost((url) => (url.endsWith('/users') ? { json: { users: [{ name: 'ada' }] } } : { json: [] }));
    await runConnector(slots, input);
    const run = fake.emitted.at(-1) as RunRecord;
    expect(run.streams.map((s) => s.findings.map((f) => f.id))).toEqual([['items-path-not-a-list'], ['parent-incomplete']]);
  });

  it('the documented empty answer (no records\' key, total 0) ends an empty list on its first page only: on a later page it is a finding, never the end', async () => {
    const paged: StreamSlot = { ...users, items_path: 'entries', empty: { no_content: false, null_items: false, absent_at_zero: 'total_size' }, pagination: { style: 'page', page_param: 'page', first_page: 1, stops: [{ when: 'total-reached', path: 'total_size' }] } };
    fake = installFakeHost(() => ({ json: { start: 0, total_size: 0 } }));
    expect(await runConnector({ ...slots, streams: [paged] }, input)).toMatchObject({ complete: true, streams: [{ records: 0, complete: true }] });
    fake.restore();
    // Page 1 of 3 records, then a page claiming there are none: the third record is missing, so the run is not complete.
    fake = installFakeHost((url) => (url.includes('page=1') ? { json: { start: 0, total_size: 3, entries: [{ name: 'ada' }, { name: 'bob' }] } } : { json: { start: 2, total_size: 0 } }));
    const run = await runConnector({ ...slots, streams: [paged] }, input);
    expect(run).toMatchObject({ complete: false, streams: [{ records: 2, complete: false }] });
    expect(run.streams[0]!.findings.map((f) => f.id)).toEqual(['items-path-missing']);
  });

  it('64-bit ids stay distinct: the JSON is read without rounding integers beyond 2^53', async () => {
    const big = ['1254678901234567890', '1254678901234567891', '1254678901234567892'];
    fake = installFakeHost(() => ({ body: `[${big.map((id) => `{"name": ${id}}`).join(',')}]` }));
    const run = await runConnector({ ...slots, streams: [users] }, input);
    expect(run).toMatchObject({ complete: true, streams: [{ records: 3, duplicates_skipped: 0 }] });
    expect(fake.emitted.filter((r) => (r as { type: string }).type === 'identity').map((r) => (r as { id: string }).id)).toEqual(big);
  });

  it('two different records with the same id: a finding, not a silent duplicate; the same record twice is a duplicate', async () => {
    fake = installFakeHost(() => ({ json: [{ name: 'Admins', email: 'a@x.test' }, { name: 'Readers' }, { name: 'Admins', email: 'b@x.test' }, { name: 'Readers' }] }));
    const withEmail: StreamSlot = { ...users, mapping: { ...users.mapping, email: { path: 'email', transform: 'string' } } };
    const run = await runConnector({ ...slots, streams: [withEmail] }, input);
    expect(run.streams[0]).toMatchObject({ complete: false, records: 2, duplicates_skipped: 1 });
    expect(run.streams[0]!.findings[0]).toMatchObject({ id: 'id-not-unique', args: { count: 1, example: 'Admins' } });
  });

  it('a record under a repeated id that differs in any one field is a finding, however small the difference', async () => {
    const mapping = { ...users.mapping, display_name: { path: 'display', transform: 'string' }, scopes: { path: 'scopes', transform: 'string-list' }, last_used_at: { path: 'seen', transform: 'iso-datetime' } } as const;
    const base = { name: 'ada', display: 'Ada', scopes: ['read', 'write'], seen: '2024-01-02T03:04:05Z' };
    const pairs = [{ display: 'Adb' }, { display: '' }, { display: null }, { scopes: ['readwrite'] }, { scopes: ['rea', 'dwrite'] }, { scopes: ['read', 'write', ''] }, { scopes: null }, { seen: '2024-01-02T03:04:06Z' }].map((other) => [base, { ...base, ...other }]);
    // An empty name and none at all are different records too.
    pairs.push([{ ...base, display: '' }, { ...base, display: null }]);
    for (const [first, second] of pairs) {
      fake = installFakeHost(() => ({ json: [first, second] }));
      const run = await runConnector({ ...slots, streams: [{ ...users, mapping }] }, input);
      expect(run.streams[0]!.findings.map((f) => f.id), JSON.stringify(second)).toEqual(['id-not-unique']);
      fake.restore();
    }
    fake = installFakeHost(() => ({ json: [base, { ...base }] }));
    expect((await runConnector({ ...slots, streams: [{ ...users, mapping }] }, input)).streams[0]).toMatchObject({ complete: true, records: 1, duplicates_skipped: 1 });
  });

  it('a parent without a usable key: its children are never read, and the child stream says so', async () => {
    fake = installFakeHost((url) => (url.endsWith('/users') ? { json: [{ id: 'u1', name: 'ada' }, { id: 'u2', name: { value: 'dave' } }] } : { json: [{ id: `t-${url}` }] }));
    const byId: StreamSlot = { ...users, mapping: { id: { path: 'id', transform: 'string' } } };
    const run = await runConnector({ ...slots, streams: [byId, tokens] }, input);
    expect(run.streams[0]).toMatchObject({ complete: true, records: 2 });
    expect(run.streams[1]!.findings).toEqual([expect.objectContaining({ id: 'parent-key-missing', args: { count: 1, parent: 'users', field: 'name' } })]);
    expect(fake.requests).toEqual(['https://hub.test/users', 'https://hub.test/users/ada/tokens']);
  });

  it('a parent whose key is a dot segment (`..`, `.`) is not usable: the child never reads another list under its name', async () => {
    fake = installFakeHost((url) => (url.endsWith('/users') ? { json: [{ id: 'u1', name: 'ada' }, { id: 'u2', name: '..' }, { id: 'u3', name: '.' }] } : { json: [{ id: `t-${url}` }] }));
    const byId: StreamSlot = { ...users, mapping: { id: { path: 'id', transform: 'string' } } };
    const run = await runConnector({ ...slots, streams: [byId, tokens] }, input);
    expect(run.streams[1]).toMatchObject({ complete: false });
    expect(run.streams[1]!.findings).toEqual([expect.objectContaining({ id: 'parent-key-missing', args: { count: 2, parent: 'users', field: 'name' } })]);
    expect(fake.requests).toEqual(['https://hub.test/users', 'https://hub.test/users/ada/tokens']);
  });

  it('a parent key with a dot segment between slashes (`../admin`, `a/../b`, `a/.`, `..\\x`) is not usable either: a server that decodes %2F first would climb; other slashed keys are', async () => {
    const names = ['../admin', 'a/../b', 'a/.', '..\\x', 'projects/p1/accounts/sa.1', '...', '.a'];
    fake = installFakeHost((url) => (url.endsWith('/users') ? { json: names.map((name, i) => ({ id: `u${i}`, name })) } : { json: [{ id: `t-${url}` }] }));
    const byId: StreamSlot = { ...users, mapping: { id: { path: 'id', transform: 'string' } } };
    const run = await runConnector({ ...slots, streams: [byId, tokens] }, input);
    expect(run.streams[1]!.findings).toEqual([expect.objectContaining({ id: 'parent-key-missing', args: { count: 4, parent: 'users', field: 'name' } })]);
    expect(fake.requests.slice(1)).toEqual(['https://hub.test/users/projects%2Fp1%2Faccounts%2Fsa.1/tokens', 'https://hub.test/users/.../tokens', 'https://hub.test/users/.a/tokens']);
  });

  it('a redirect to another page is not the page asked for', async () => {
    fake = installFakeHost((url) => ({ json: [{ name: 'ada' }], url: url.replace(/\?.*$/, '') }));
    const paged: StreamSlot = { ...users, pagination: { style: 'offset', offset_param: 'offset', limit_param: 'limit', page_size: 2, first_offset: 0, stops: [{ when: 'empty-page' as const }] } };
    const run = await runConnector({ ...slots, streams: [paged] }, input);
    expect(run.streams[0]!.findings[0]).toMatchObject({ id: 'redirected-elsewhere', args: { to: 'https://hub.test/users' } });
  });

  it('one page read, while the response says there are more (a total, a page count, a deep has-more, a HAL next link)', async () => {
    for (const body of [{ users: [{ name: 'ada' }], total_count: 100 }, { users: [{ name: 'ada' }], meta: { pagination: { has_more: 'true' } } }, { users: [{ name: 'ada' }], _links: { next: { href: '/users?page=2' } } }, { users: [{ name: 'ada' }], totalPages: 3 }]) {
      fake = installFakeHost(() => ({ json: body }));
      const run = await runConnector({ ...slots, streams: [{ ...users, items_path: 'users' }] }, input);
      expect(run.streams[0]!.findings.map((f) => f.id), JSON.stringify(body)).toEqual(['more-pages-unread']);
      fake.restore();
    }
    fake = installFakeHost(() => ({ json: { users: [{ name: 'ada' }], total_count: 1, _links: { self: { href: '/users' } } } }));
    expect((await runConnector({ ...slots, streams: [{ ...users, items_path: 'users' }] }, input)).complete).toBe(true);
  });

  it('a page whose body reports an error or a partial list', async () => {
    for (const body of [{ ok: false, error: 'ratelimited', users: [] }, { users: [{ name: 'ada' }], errors: [{ missing: 5 }] }, { users: [{ name: 'ada' }], incomplete_results: true }]) {
      fake = installFakeHost(() => ({ json: body }));
      const run = await runConnector({ ...slots, streams: [{ ...users, items_path: 'users' }] }, input);
      expect(run.streams[0]!.findings.map((f) => f.id), JSON.stringify(body)).toContain('error-in-body');
      fake.restore();
    }
    fake = installFakeHost(() => ({ json: { ok: true, users: [{ name: 'ada' }], errors: [], error: null } }));
    expect((await runConnector({ ...slots, streams: [{ ...users, items_path: 'users' }] }, input)).complete).toBe(true);
  });

  it('a redirect to another list at the same query', async () => {
    fake = installFakeHost((url) => ({ json: [{ name: 'ada' }], url: url.replace('/users', '/admins') }));
    const run = await runConnector({ ...slots, streams: [users] }, input);
    expect(run.streams[0]!.findings[0]).toMatchObject({ id: 'redirected-elsewhere' });
    fake.restore();
    fake = installFakeHost((url) => ({ json: [{ name: 'ada' }], url: `${url}/` }));
    expect((await runConnector({ ...slots, streams: [users] }, input)).complete).toBe(true);
  });

  it('the same run against the shape the plan expects is complete', async () => {
    fake = installFakeHost((url) => (url.endsWith('/users') ? { json: [{ name: 'ada' }] } : { json: [{ id: 't1' }] }));
    const run = await runConnector(slots, input);
    expect(run.complete).toBe(true);
  });
});
