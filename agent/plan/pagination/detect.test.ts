import { describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, query, signalsFor, USER } from '../../../test/helpers/spec.ts';
import { detectPagination } from './detect.ts';

async function choiceOf(body: object, more: { parameters?: object[]; headers?: Record<string, object> } = {}) {
  const model = await modelOf(openapi({ '/users': listOp(body, more) }));
  return detectPagination(signalsFor(model, '/users'));
}

describe('detectPagination', () => {
  it('reads "no pagination" when nothing suggests paging, with no alternatives', async () => {
    const { best, alternatives } = await choiceOf(arrayOf(USER), { parameters: [query('filter', { type: 'string' }, 'A SCIM filter expression.')] });
    expect(best).toMatchObject({ style: 'none' });
    expect(alternatives).toEqual([]);
  });

  it('orders alternatives best-first and ends them with `none` when something was found', async () => {
    // Okta-like: a Link header, an `after` cursor documented against it, and a limit; also a body `total`
    // with offset-ish params so more than one detector speaks.
    const { best, alternatives } = await choiceOf(
      { type: 'object', properties: { users: arrayOf(USER), total: { type: 'integer' } } },
      {
        headers: { Link: { schema: { type: 'string' } } },
        parameters: [
          query('after', { type: 'string' }, 'The cursor used for pagination, obtained from the Link response header.'),
          query('limit', { type: 'integer', maximum: 200, default: 20 }),
          query('offset', { type: 'integer' }),
        ],
      },
    );
    expect(best).toMatchObject({ style: 'link-header', cursor_param: 'after' });
    expect(alternatives.length).toBeGreaterThan(1);
    expect(alternatives.map((a) => a.style)).toContain('offset');
    expect(alternatives.at(-1)?.style).toBe('none');
    const confidences = [best, ...alternatives].map((p) => p.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
  });

  it('prefers the strongest reading: a named cursor field beats an offset with no stop signal', async () => {
    const { best } = await choiceOf(
      { type: 'object', properties: { data: arrayOf(USER), next_cursor: { type: 'string' } } },
      { parameters: [query('cursor', { type: 'string' }, 'Pass the `next_cursor` of the previous page.'), query('offset', { type: 'integer' }), query('limit', { type: 'integer' })] },
    );
    expect(best).toMatchObject({ style: 'cursor', cursor_path: 'next_cursor' });
  });

  it('takes the page size from the documented maximum, in the schema or in prose', async () => {
    const bySchema = await choiceOf(arrayOf(USER), { parameters: [query('offset', { type: 'integer' }), query('limit', { type: 'integer', default: 25, maximum: 200 })] });
    expect(bySchema.best).toMatchObject({ style: 'offset', page_size: 200 });
    const byProse = await choiceOf(arrayOf(USER), { parameters: [query('offset', { type: 'integer' }), query('limit', { type: 'integer', default: 25 }, 'Number of results, maximum of 150.')] });
    expect(byProse.best).toMatchObject({ style: 'offset', page_size: 150 });
    const byDefault = await choiceOf(arrayOf(USER), { parameters: [query('offset', { type: 'integer' }), query('limit', { type: 'integer', default: 25 })] });
    expect(byDefault.best).toMatchObject({ style: 'offset', page_size: 25 });
  });
});
