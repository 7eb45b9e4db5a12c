import { describe, expect, it } from 'vitest';
import { SchemaView } from '../../docs-view/schema-view.ts';
import { arrayOf, listOp, modelOf, openapi, operation, query, USER } from '../../../test/helpers/spec.ts';
import { pageSizeOf } from './signals.ts';

/** pageSizeOf for a `limit` parameter with this schema and description. */
async function pageSize(schema: object, description?: string): Promise<number | undefined> {
  const model = await modelOf(openapi({ '/users': listOp(arrayOf(USER), { parameters: [query('limit', schema, description)] }) }));
  const limit = operation(model, '/users').parameters.find((p) => p.name === 'limit');
  return pageSizeOf(limit, new SchemaView(model));
}

describe('pageSizeOf: a positive integer or none', () => {
  it.each([
    ['the documented maximum', { type: 'integer', maximum: 200 }, undefined, 200],
    ['the maximum, capped at 500', { type: 'integer', maximum: 10_000 }, undefined, 500],
    ['a fractional maximum, floored', { type: 'number', maximum: 50.9 }, undefined, 50],
    ['the maximum named in the description', { type: 'integer' }, 'Page size, max 250.', 250],
    ['the default when there is no maximum', { type: 'integer', default: 30 }, undefined, 30],
    ['100 when the docs say nothing', { type: 'integer' }, undefined, 100],
    ['the default when the maximum floors to 0', { type: 'integer', maximum: 0.5, default: 20 }, undefined, 20],
    ['none when the maximum floors to 0 and there is no default', { type: 'integer', maximum: 0.5 }, undefined, undefined],
    ['none for a maximum of 0', { type: 'integer', maximum: 0 }, undefined, undefined],
    ['none for a negative maximum', { type: 'integer', maximum: -5 }, undefined, undefined],
    ['none for a default below 1 and no maximum', { type: 'number', default: 0.25 }, undefined, undefined],
    ['none for "max 0" in the description', { type: 'integer' }, 'Page size, max 0.', undefined],
    ['"between 1 and 100" in the description', { type: 'integer', default: 10 }, 'Number of objects to return, between 1 and 100 (default 10).', 100],
    ['a range "(1-200, default 50)" in the description', { type: 'integer' }, 'Members per page (1-200, default 50).', 200],
    ['"up to 500" in the description', { type: 'integer' }, 'Return up to 500 records.', 500],
    ['"maximum is 250" in the description', { type: 'integer', default: 20 }, 'The maximum is 250.', 250],
  ])('%s', async (_, schema, description, expected) => {
    const size = await pageSize(schema, description);
    expect(size).toBe(expected);
    if (size !== undefined) expect(Number.isInteger(size) && size >= 1).toBe(true);
  });

  it('no parameter, no page size', () => {
    expect(pageSizeOf(undefined, new SchemaView({ schemas: {} } as never))).toBeUndefined();
  });
});
