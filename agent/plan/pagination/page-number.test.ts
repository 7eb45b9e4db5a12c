import { describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, query, signalsFor, USER } from '../../../test/helpers/spec.ts';
import { detectPageNumber } from './page-number.ts';

async function pageOf(body: object, parameters: object[]) {
  const model = await modelOf(openapi({ '/users': listOp(body, { parameters }) }));
  return detectPageNumber(signalsFor(model, '/users'));
}

const withPages = { type: 'object', properties: { users: arrayOf(USER), page: { type: 'integer' }, pages: { type: 'integer', description: 'Number of pages.' } } };

describe('detectPageNumber', () => {
  it('pages with page + page_size and stops at the page count', async () => {
    const [found] = await pageOf(withPages, [query('page', { type: 'integer', minimum: 1 }, 'The page to return.'), query('page_size', { type: 'integer', maximum: 100 })]);
    expect(found).toMatchObject({ style: 'page', page_param: 'page', size_param: 'page_size', page_size: 100, stops: [{ when: 'page-count', path: 'pages' }], first_page: 1 });
  });

  it('takes the first page from the schema: minimum 0, or default 0, means 0-based', async () => {
    const [byMinimum] = await pageOf(withPages, [query('page', { type: 'integer', minimum: 0 }), query('page_size', { type: 'integer' })]);
    expect(byMinimum).toMatchObject({ first_page: 0 });
    const [byDefault] = await pageOf(withPages, [query('page', { type: 'integer', default: 0 }), query('page_size', { type: 'integer' })]);
    expect(byDefault).toMatchObject({ first_page: 0 });
    const [oneBased] = await pageOf(withPages, [query('page', { type: 'integer', minimum: 0, default: 1 }), query('page_size', { type: 'integer' })]);
    expect(oneBased).toMatchObject({ first_page: 1 });
  });

  it('stops on a has_more flag when there is no page count, else at an empty page', async () => {
    const [more] = await pageOf({ type: 'object', properties: { data: arrayOf(USER), has_more: { type: 'boolean' } } }, [query('page', { type: 'integer' }), query('per_page', { type: 'integer' })]);
    expect(more).toMatchObject({ size_param: 'per_page', stops: [{ when: 'more-false', path: 'has_more' }] });
    const [empty] = await pageOf(arrayOf(USER), [query('page', { type: 'integer' })]);
    expect(empty).toMatchObject({ stops: [{ when: 'empty-page' }] });
    expect(empty).not.toHaveProperty('size_param');
  });

  it('is not page-number paging when `page` is a string token', async () => {
    expect(await pageOf(withPages, [query('page', { type: 'string' }, 'Opaque page token.')])).toEqual([]);
  });
});
