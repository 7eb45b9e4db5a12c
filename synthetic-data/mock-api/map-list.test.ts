import { describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, query, SERVER, USER } from '../../test/helpers/spec.ts';
import { createMockVendor, type MockVendor } from './mock-vendor.ts';

/**
 * The mock reads a list the docs describe as a map keyed by data (an object whose
 * `additionalProperties` is the record) with its own code, and serves it as such a server does:
 * an object keyed by each record's key field — the one `x-map-key` names, else its id-like field.
 */

const bearer = { components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } }, security: [{ token: [] }] };

async function mockOf(paths: object): Promise<{ mock: MockVendor; reading: ReturnType<MockVendor['readingOf']> }> {
  const model = await modelOf(openapi(paths, bearer));
  const mock = createMockVendor(model, { seed: 7, faults: false });
  return { mock, reading: mock.readingOf(model.operations[0]!) };
}

async function get(mock: MockVendor, pathAndQuery: string) {
  const res = await mock.fetch(new Request(`${SERVER}${pathAndQuery}`, { headers: { authorization: `Bearer ${mock.credentials.token?.value}` } }));
  return { status: res.status, body: (await res.json()) as unknown };
}

const SERVICE = { name: { type: 'string' }, url: { type: 'string' }, admin: { type: 'boolean' } };

describe('mock: a list that is a map of records', () => {
  it('a body keyed by the declared field: every record served once, under its own key', async () => {
    const { mock, reading } = await mockOf({ '/services': listOp({ type: 'object', additionalProperties: { type: 'object', properties: SERVICE }, 'x-map-key': 'name' }) });
    expect(reading).toMatchObject({ itemsPath: '', container: 'map', mapKey: 'name' });
    const { status, body } = await get(mock, '/services');
    expect(status).toBe(200);
    expect(Array.isArray(body)).toBe(false);
    const entries = Object.entries(body as Record<string, { name: string }>);
    expect(entries.length).toBe(mock.datasets.all()[0]!.unique.length);
    for (const [key, record] of entries) expect(record.name).toBe(key);
  });

  it('without x-map-key, keyed by the record\'s id-like field; under a field of the body when the docs put it there', async () => {
    const { mock, reading } = await mockOf({ '/users': listOp({ type: 'object', properties: { users: { type: 'object', additionalProperties: { type: 'object', properties: USER } } } }) });
    expect(reading).toMatchObject({ itemsPath: 'users', container: 'map', mapKey: 'id' });
    const { body } = await get(mock, '/users');
    const users = (body as { users: Record<string, { id: string }> }).users;
    for (const [key, record] of Object.entries(users)) expect(record.id).toBe(key);
  });

  it('a map that is paged: each page a map, no record lost', async () => {
    const { mock } = await mockOf({
      '/services': listOp({ type: 'object', additionalProperties: { type: 'object', properties: SERVICE }, 'x-map-key': 'name' }, { parameters: [query('offset', { type: 'integer' }), query('limit', { type: 'integer' })] }),
    });
    const seen = new Set<string>();
    for (let offset = 0; offset < 40; offset += 10) for (const key of Object.keys((await get(mock, `/services?offset=${offset}&limit=10`)).body as object)) seen.add(key);
    expect(seen.size).toBe(mock.datasets.all()[0]!.unique.length);
  });

  it('an array stays an array, and a map of plain values is no list', async () => {
    expect((await mockOf({ '/users': listOp(arrayOf(USER)) })).reading).toMatchObject({ container: 'array' });
    expect((await mockOf({ '/labels': listOp({ type: 'object', additionalProperties: { type: 'string' } }) })).reading).toBeUndefined();
  });
});
