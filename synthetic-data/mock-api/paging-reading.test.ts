import { describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, query, SERVER } from '../../test/helpers/spec.ts';
import { createMockVendor, type MockVendor } from './mock-vendor.ts';

/**
 * The mock's own reading of paging the planner learned to read (keyset from the last record, a
 * cursor field named only in a parameter's prose, a page parameter declared on a sibling, a short
 * page as the end): served as the docs describe, so a plan that misreads them fails its proof.
 */

const bearer = { components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } }, security: [{ token: [] }] };

async function mockOf(paths: object): Promise<MockVendor> {
  return createMockVendor(await modelOf(openapi(paths, bearer)), { seed: 7, faults: false });
}

async function get(mock: MockVendor, pathAndQuery: string) {
  const res = await mock.fetch(new Request(`${SERVER}${pathAndQuery}`, { headers: { authorization: `Bearer ${mock.credentials.token?.value}` } }));
  const text = await res.text();
  return { status: res.status, headers: Object.fromEntries(res.headers), body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
}

describe('mock: paging read from prose and siblings', () => {
  it('keyset paging: the next page starts after the record whose documented field the request names; has_more false at the end, and a request past it refused', async () => {
    const mock = await mockOf({
      '/users': listOp(
        { type: 'object', properties: { data: arrayOf({ id: { type: 'string' }, uid: { type: 'string' }, email: { type: 'string' } }), has_more: { type: 'boolean' } } },
        { parameters: [query('limit', { type: 'integer', maximum: 10 }), query('starting_after', { type: 'string' }, 'Send the `uid` of the last user of the previous page.')] },
      ),
    });
    const first = await get(mock, '/users?limit=10');
    expect(first.body.has_more).toBe(true);
    const lastUid = first.body.data.at(-1).uid as string;
    const byId = await get(mock, `/users?limit=10&starting_after=${encodeURIComponent(first.body.data.at(-1).id)}`);
    expect(byId.status).toBe(400);
    let page = await get(mock, `/users?limit=10&starting_after=${encodeURIComponent(lastUid)}`);
    expect(page.status).toBe(200);
    while (page.body.has_more) page = await get(mock, `/users?limit=10&starting_after=${encodeURIComponent(page.body.data.at(-1).uid)}`);
    const past = await get(mock, `/users?limit=10&starting_after=${encodeURIComponent(page.body.data.at(-1).uid)}`);
    expect(past.status).toBe(400);
  });

  it('a cursor field named only in the parameter\'s prose is served at the top of the body', async () => {
    const mock = await mockOf({
      '/people': listOp({ type: 'object', additionalProperties: true, properties: { people: arrayOf({ id: { type: 'string' } }) } }, { parameters: [query('cursor', { type: 'string' }, 'Set `cursor` to `next_cursor` returned by the previous call.')] }),
    });
    const first = await get(mock, '/people');
    expect(typeof first.body.next_cursor).toBe('string');
    const second = await get(mock, `/people?cursor=${encodeURIComponent(first.body.next_cursor)}`);
    expect(second.status).toBe(200);
    expect(second.body.people[0].id).not.toBe(first.body.people[0].id);
  });

  it('a page envelope with no page parameter takes the one a sibling with the same envelope declares (documented, so not refused)', async () => {
    const envelope = (items: string) => ({ type: 'object', properties: { page: { type: 'integer' }, pages: { type: 'integer' }, [items]: arrayOf({ id: { type: 'integer' } }) } });
    const mock = await mockOf({
      '/tokens': listOp(envelope('data')),
      '/keys': listOp(envelope('data'), { parameters: [query('page', { type: 'integer', minimum: 1 })] }),
    });
    const first = await get(mock, '/tokens?page=1');
    expect(first.status).toBe(200);
    expect(first.body.pages).toBeGreaterThan(1);
    const last = await get(mock, `/tokens?page=${first.body.pages}`);
    expect(last.body.page).toBe(first.body.pages);
    expect((await get(mock, `/tokens?page=${first.body.pages + 1}`)).status).toBe(400);
  });

  it('where the docs say a short page is the last, a page is as long as asked for', async () => {
    const mock = await mockOf({
      '/users': listOp(arrayOf({ id: { type: 'string' } }), {
        description: 'A page with fewer results than the requested limit is the last page.',
        parameters: [query('limit', { type: 'integer', maximum: 100 }), query('offset', { type: 'integer' })],
      }),
    });
    const page = await get(mock, '/users?limit=20&offset=0');
    expect(page.body).toHaveLength(20);
  });
});
