import { describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, query, signalsFor, USER } from '../../../test/helpers/spec.ts';
import { documentedStops } from './stops.ts';

/** The documented stops of GET /users with this body, these parameters and this operation description. */
async function stopsOf(body: object, options: { parameters?: object[]; description?: string; pageSize?: number } = {}) {
  const model = await modelOf(openapi({ '/users': listOp(body, { parameters: options.parameters ?? [], ...(options.description ? { description: options.description } : {}) }) }));
  return documentedStops(signalsFor(model, '/users'), { pageSize: options.pageSize }).stops;
}

const users = arrayOf(USER);

describe('documentedStops: every end-of-list signal the docs document', () => {
  it('flags and counts together, in a fixed order', async () => {
    const stops = await stopsOf({ type: 'object', properties: { users, has_more: { type: 'boolean' }, is_last: { type: 'boolean' }, total_count: { type: 'integer' }, total_pages: { type: 'integer' } } });
    expect(stops).toEqual([
      { when: 'more-false', path: 'has_more' },
      { when: 'last-true', path: 'is_last' },
      { when: 'total-reached', path: 'total_count' },
      { when: 'page-count', path: 'total_pages' },
    ]);
  });

  it('a count the docs say may be null is not a dependable end: a nullable total, a total "set to null" unless asked for', async () => {
    expect(await stopsOf({ type: 'object', properties: { users, total: { type: 'integer', nullable: true } } })).toEqual([]);
    const prose = [query('total', { type: 'boolean' }, 'By default the `total` field is set to `null`; set this to true to populate it.')];
    expect(await stopsOf({ type: 'object', properties: { users, total: { type: 'integer' } } }, { parameters: prose })).toEqual([]);
  });

  it('a count named otherwise is a total when its description says it counts the whole list', async () => {
    expect(await stopsOf({ type: 'object', properties: { users, count: { type: 'integer', description: 'Total number of items available.' } } })).toEqual([{ when: 'total-reached', path: 'count' }]);
    expect(await stopsOf({ type: 'object', properties: { users, count: { type: 'integer', description: 'Items in this response.' } } })).toEqual([]);
  });

  it('a count the docs call one page\'s is not the list\'s total', async () => {
    expect(await stopsOf({ type: 'object', properties: { users, total: { type: 'integer', description: 'How many users this page holds.' } } })).toEqual([]);
  });

  it('a short page, only where the prose says so and a page size is sent; an empty page where the prose says so', async () => {
    const description = 'A page with fewer results than the requested limit is the last page.';
    expect(await stopsOf(users, { description, pageSize: 100 })).toEqual([{ when: 'short-page' }]);
    expect(await stopsOf(users, { description })).toEqual([]);
    expect(await stopsOf(users, { pageSize: 100 })).toEqual([]);
    expect(await stopsOf(users, { description: 'An empty array means there are no more results.' })).toEqual([{ when: 'empty-page' }]);
  });
});
