import { describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, query, signalsFor, USER } from '../../../test/helpers/spec.ts';
import { detectOffset } from './offset.ts';

const offsetLimit = [query('offset', { type: 'integer' }, 'Where to start in the list.'), query('limit', { type: 'integer', maximum: 250, default: 50 }, 'Page size.')];

async function offsetOf(body: object, parameters: object[] = offsetLimit) {
  const model = await modelOf(openapi({ '/users': listOp(body, { parameters }) }));
  return detectOffset(signalsFor(model, '/users'));
}

describe('detectOffset', () => {
  it('stops on every end-of-list field the body has: a boolean `more` and a total', async () => {
    const [found] = await offsetOf({ type: 'object', properties: { users: arrayOf(USER), more: { type: 'boolean' }, total: { type: 'integer' } } });
    expect(found).toMatchObject({ style: 'offset', offset_param: 'offset', limit_param: 'limit', stops: [{ when: 'more-false', path: 'more' }, { when: 'total-reached', path: 'total' }], first_offset: 0 });
  });

  it('stops at the `total` when the body counts the records', async () => {
    const [found] = await offsetOf({ type: 'object', properties: { data: arrayOf(USER), total: { type: 'integer' } } });
    expect(found).toMatchObject({ stops: [{ when: 'total-reached', path: 'total' }] });
  });

  it('stops at the first empty page when the body is a bare array', async () => {
    const [found] = await offsetOf(arrayOf(USER));
    expect(found).toMatchObject({ stops: [{ when: 'empty-page' }] });
    expect(found).not.toHaveProperty('more_path');
    expect(found).not.toHaveProperty('total_path');
  });

  it('asks for the documented maximum page size', async () => {
    const [found] = await offsetOf(arrayOf(USER));
    expect(found).toMatchObject({ page_size: 250 });
  });

  it('reads Jira-style startAt/maxResults', async () => {
    const [found] = await offsetOf(
      { type: 'object', properties: { startAt: { type: 'integer' }, maxResults: { type: 'integer' }, total: { type: 'integer' }, values: arrayOf(USER) } },
      [query('startAt', { type: 'integer', default: 0 }, 'The index of the first item to return in a page of results (page offset).'), query('maxResults', { type: 'integer', default: 50 }, 'The maximum number of items to return per page.')],
    );
    expect(found).toMatchObject({ style: 'offset', offset_param: 'startAt', limit_param: 'maxResults', first_offset: 0, stops: [{ when: 'total-reached', path: 'total' }], page_size: 50 });
  });

  it('starts at 1 when the offset is documented as 1-based', async () => {
    const [found] = await offsetOf(arrayOf(USER), [query('start', { type: 'integer', minimum: 1 }), query('count', { type: 'integer' })]);
    expect(found).toMatchObject({ offset_param: 'start', limit_param: 'count', first_offset: 1 });
  });

  it('needs both an offset and a limit parameter', async () => {
    expect(await offsetOf(arrayOf(USER), [query('offset', { type: 'integer' })])).toEqual([]);
    expect(await offsetOf(arrayOf(USER), [query('limit', { type: 'integer' })])).toEqual([]);
  });
});
