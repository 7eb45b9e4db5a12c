import { describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, query, SERVER, USER } from '../../test/helpers/spec.ts';
import { createMockVendor, type MockVendor } from './mock-vendor.ts';
import { presentationsOf, samplePrefixes } from './read-auth.ts';

/**
 * The mock behaves as the docs say, read literally: it serves only the mechanisms the docs
 * declare, refuses what a real API refuses, and is closer to real servers than the docs' schemas.
 * Each case shows the request a correct client sends beside the one a wrong reading sends.
 */

const bearer = { components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } }, security: [{ token: [] }] };

async function mockOf(paths: object, extra: Record<string, unknown> = bearer, faults = false): Promise<MockVendor> {
  return createMockVendor(await modelOf(openapi(paths, extra)), { seed: 7, faults });
}

async function get(mock: MockVendor, pathAndQuery: string, headers: Record<string, string> = { authorization: `Bearer ${mock.credentials.token?.value}` }) {
  const res = await mock.fetch(new Request(`${SERVER}${pathAndQuery}`, { headers }));
  const text = await res.text();
  return { status: res.status, headers: Object.fromEntries(res.headers), body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('mock: only the pagination mechanisms the docs declare', () => {
  it('a cursor in a declared response header, and no Link header the docs never name', async () => {
    const mock = await mockOf({
      '/members': listOp(arrayOf(USER), {
        parameters: [query('limit', { type: 'integer', maximum: 200 }), query('page_token', { type: 'string' }, 'Opaque token from the `X-Next-Page-Token` header of the previous response.')],
        headers: { 'X-Next-Page-Token': { schema: { type: 'string' }, description: 'Absent on the last page.' } },
      }),
    });
    const first = await get(mock, '/members?limit=10');
    expect(first.headers['x-next-page-token']).toMatch(/^fwc_/);
    expect(first.headers.link).toBeUndefined();
    const second = await get(mock, `/members?limit=10&page_token=${first.headers['x-next-page-token']}`);
    expect((second.body as unknown[]).length).toBe(10);
    expect((await get(mock, '/members?limit=10&page_token=made-up')).status).toBe(400);
  });

  it('a Link header where the docs declare one', async () => {
    const mock = await mockOf({ '/users': listOp(arrayOf(USER), { parameters: [query('after', { type: 'string' })], headers: { Link: { schema: { type: 'string' } } } }) });
    expect((await get(mock, '/users')).headers.link).toMatch(/rel="next"/);
  });

  it('a cursor parameter nothing returns: no invented carrier, and the reading says so', async () => {
    const mock = await mockOf({ '/users': listOp(arrayOf(USER), { parameters: [query('cursor', { type: 'string' }, 'An opaque cursor for the next page.')] }) });
    const page = await get(mock, '/users');
    expect(page.headers.link).toBeUndefined();
    const op = mock.datasets.readingOf((await modelOf(openapi({ '/users': listOp(arrayOf(USER), { parameters: [query('cursor', { type: 'string' }, 'An opaque cursor for the next page.')] }) }, bearer))).operations[0]!);
    expect(op?.problems.map((p) => p.id)).toEqual(['position-not-returned']);
  });
});

describe('mock: refuses what a real API refuses', () => {
  const offsetList = (withTotal: boolean) => ({
    '/users': listOp(
      {
        type: 'object',
        properties: { items: arrayOf(USER), ...(withTotal ? { total: { type: 'integer' } } : {}) },
      },
      { parameters: [query('offset', { type: 'integer' }), query('limit', { type: 'integer', maximum: 100 })] },
    ),
  });

  it('a page past the end when the docs give a total; an empty page when they give no end signal', async () => {
    const counted = await mockOf(offsetList(true));
    // 27 identities, served as 28 records: one is repeated across the first page boundary.
    expect((await get(counted, '/users?offset=20&limit=10')).body).toMatchObject({ total: 28 });
    const past = await get(counted, '/users?offset=28&limit=10');
    expect(past.status).toBe(400);
    expect(counted.calls.at(-1)!.outcome).toBe('past-end');
    const uncounted = await mockOf(offsetList(false));
    const empty = await get(uncounted, '/users?offset=28&limit=10');
    expect(empty).toMatchObject({ status: 200, body: { items: [] } });
  });

  it('a page size above the documented maximum', async () => {
    const mock = await mockOf(offsetList(true));
    expect((await get(mock, '/users?offset=0&limit=100')).status).toBe(200);
    expect((await get(mock, '/users?offset=0&limit=101')).status).toBe(400);
    expect(mock.calls.at(-1)!.outcome).toBe('page-size-too-large');
  });

  it('a missing credential gets the status the docs give (403 where they give only 403)', async () => {
    const paths = (status: string) => {
      const op = listOp(arrayOf(USER)).get as { responses: Record<string, unknown> };
      return { '/users': { get: { ...op, responses: { ...op.responses, [status]: { description: 'no' } } } } };
    };
    expect((await get(await mockOf(paths('403')), '/users', {})).status).toBe(403);
    expect((await get(await mockOf(paths('401')), '/users', {})).status).toBe(401);
  });
});

describe('mock: closer to real servers than the schema', () => {
  it('64-bit integer keys are served beyond 2^53, exactly', async () => {
    const mock = await mockOf({ '/users': listOp(arrayOf({ id: { type: 'integer', format: 'int64' }, email: { type: 'string', format: 'email' } })) });
    const res = await mock.fetch(new Request(`${SERVER}/users`, { headers: { authorization: `Bearer ${mock.credentials.token?.value}` } }));
    const text = await res.text();
    const ids = [...text.matchAll(/"id":(\d+)/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) expect(Number.isSafeInteger(Number(id))).toBe(false);
    expect(new Set(ids).size).toBe(ids.length);
    // Read the usual way, they collide: that is what a proof must catch.
    expect(new Set((JSON.parse(text) as { id: number }[]).map((r) => r.id)).size).toBeLessThan(ids.length);
  });

  it('a key the docs read one record by (`GET /lists/{list_id}`) is every record\'s, unique; a membership\'s fields named for such keys hold seeded ones', async () => {
    const one = (params: string[]) => ({ get: { parameters: params.map((n) => ({ name: n, in: 'path', required: true, schema: { type: 'string' } })), responses: { '200': { description: 'ok' } } } });
    const mock = await mockOf({
      '/lists': listOp(arrayOf({ list_id: { type: 'string' }, display_name: { type: 'string' } })),
      '/lists/{list_id}': one(['list_id']),
      '/addresses': listOp(arrayOf({ email: { type: 'string' }, registered_on: { type: 'string', format: 'date-time' } })),
      '/addresses/{email}': one(['email']),
      '/members': listOp(arrayOf({ member_id: { type: 'string' }, email: { type: 'string' }, list_id: { type: 'string' } })),
    });
    const lists = (await get(mock, '/lists')).body as { list_id?: string }[];
    expect(lists.length).toBeGreaterThan(5);
    expect(lists.every((l) => typeof l.list_id === 'string')).toBe(true);
    expect(new Set(lists.map((l) => l.list_id)).size).toBe(lists.length);
    const addresses = new Set(((await get(mock, '/addresses')).body as { email: string }[]).map((a) => a.email));
    const members = (await get(mock, '/members')).body as { email?: string; list_id?: string }[];
    const ids = new Set(lists.map((l) => l.list_id));
    const seeded = members.filter((m) => m.list_id !== undefined && m.email !== undefined);
    expect(seeded.length).toBeGreaterThan(3);
    expect(seeded.every((m) => ids.has(m.list_id) && addresses.has(m.email!))).toBe(true);
  });

  it('a key the docs say is not unique repeats across records', async () => {
    const mock = await mockOf({ '/groups': listOp(arrayOf({ name: { type: 'string', description: 'The group\'s display name. Names are not unique.' }, members: { type: 'integer' } })) });
    const rows = (await get(mock, '/groups')).body as { name: string }[];
    expect(new Set(rows.map((r) => r.name).filter((n) => n !== undefined)).size).toBeLessThanOrEqual(3);
  });

  it('records carry undocumented fields, and date-times come in more than one valid form', async () => {
    const mock = await mockOf({ '/users': listOp(arrayOf({ ...USER, created_at: { type: 'string', format: 'date-time' } })) });
    const rows = (await get(mock, '/users')).body as Record<string, unknown>[];
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['etag', '_revision']));
    const forms = new Set(rows.map((r) => r.created_at).filter((v): v is string => typeof v === 'string').map((v) => v.replace(/\d/g, 'n')));
    expect(forms.size).toBeGreaterThan(2);
    for (const v of rows.map((r) => r.created_at)) if (typeof v === 'string') expect(Number.isNaN(Date.parse(v))).toBe(false);
  });
});

describe('mock: reads the credential prefix from the docs\' own samples', () => {
  it('finds `SSWS `, `token ` and `Token token=` in samples, and nothing in prose without one', () => {
    expect(samplePrefixes('Send `Authorization: SSWS {API Token}`', 'Authorization')).toEqual(['SSWS ']);
    expect(samplePrefixes("headers={'Authorization': f'token {token}'}", 'Authorization')).toEqual(['token ']);
    expect(samplePrefixes('curl -H "Authorization: token <token>" https://hub', 'Authorization')).toEqual(['token ']);
    expect(samplePrefixes('pass the API token in the Authorization header.', 'Authorization')).toEqual([]);
    const scheme = { key: 'k', type: 'apiKey' as const, in: 'header' as const, name: 'Authorization', description: 'The API Key with format `Token token=<API_KEY>`', flows: [], scopes: [], source: { file: 'x', pointer: '' } };
    expect(presentationsOf(scheme, { prose: [] }).map((p) => p.prefix)).toEqual(['Token token=']);
  });

  it('accepts the documented prefix and refuses another', async () => {
    const mock = await mockOf(
      { '/users': listOp(arrayOf(USER)) },
      { components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Send `Authorization: SSWS {API Token}`.' } } }, security: [{ key: [] }] },
    );
    const secret = mock.credentials.key!.value;
    expect((await get(mock, '/users', { authorization: `SSWS ${secret}` })).status).toBe(200);
    expect((await get(mock, '/users', { authorization: `Bearer ${secret}` })).status).toBe(401);
    expect((await get(mock, '/users', { 'x-api-key': secret })).status).toBe(401);
  });
});
