import { describe, expect, it } from 'vitest';
import { modelOf, openapi, operation } from '../../test/helpers/spec.ts';
import { responseBody } from './response-body.ts';
import { SchemaView } from '../docs-view/schema-view.ts';

const exampleOnly = (example: unknown) => ({
  get: { responses: { '200': { description: 'OK', content: { 'application/json': { example } } } } },
});

describe('responseBody', () => {
  it('reads a list documented only by a bare-array example', async () => {
    const model = await modelOf(openapi({ '/users': exampleOnly([{ id: 'u1', email: 'ann@example.test', created: 1_600_000_000 }]) }));
    const view = new SchemaView(model);
    const body = responseBody(operation(model, '/users'), view)!;
    expect(body.documented).toBe(false);
    expect(view.isArray(body.schema)).toBe(true);
    expect(Object.keys(view.properties(view.items(body.schema)))).toEqual(['id', 'email', 'created']);
  });

  it('folds fields only the example shows into the documented schema, the schema winning where both speak', async () => {
    const model = await modelOf(
      openapi({
        '/users': {
          get: {
            responses: {
              '200': {
                description: 'OK',
                content: {
                  'application/json': {
                    schema: { type: 'object', properties: { ok: { type: 'boolean' }, total: { type: 'integer', description: 'How many' } } },
                    example: { ok: true, total: 2, members: [{ id: 'U1' }] },
                  },
                },
              },
            },
          },
        },
      }),
    );
    const view = new SchemaView(model);
    const body = responseBody(operation(model, '/users'), view)!;
    expect(body.documented).toBe(true);
    expect(Object.keys(view.properties(body.schema)).sort()).toEqual(['members', 'ok', 'total']);
    expect(view.at(body.schema, 'total')).toMatchObject({ type: ['integer'], description: 'How many' });
    expect(view.isArray(view.at(body.schema, 'members'))).toBe(true);
  });

  it('uses the 200 response over other successes', async () => {
    const model = await modelOf(
      openapi({
        '/users': {
          get: {
            responses: {
              '202': { description: 'Accepted', content: { 'application/json': { schema: { type: 'object', properties: { job: { type: 'string' } } } } } },
              '200': { description: 'OK', content: { 'application/json': { schema: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } } } } },
            },
          },
        },
      }),
    );
    expect(responseBody(operation(model, '/users'), new SchemaView(model))?.response.status).toBe('200');
  });
});
