import { describe, expect, it } from 'vitest';
import type { ApiModel, SchemaNode } from '../ingest/api-model.ts';
import { ITEMS, SchemaView } from './schema-view.ts';

const named = (key: string, schema: SchemaNode) => ({ name: key.split('/').pop()!, schema, source: { file: 'spec.yaml', pointer: key.slice('spec.yaml#'.length) } });

const schemas: ApiModel['schemas'] = {
  'spec.yaml#/components/schemas/User': named('spec.yaml#/components/schemas/User', {
    allOf: [{ ref: 'spec.yaml#/components/schemas/Base' }, { type: ['object'], properties: { email: { type: ['string'], description: 'Where mail goes.' } } }],
  }),
  'spec.yaml#/components/schemas/Base': named('spec.yaml#/components/schemas/Base', { type: ['object'], properties: { id: { type: ['string'] }, email: { type: ['string'] } } }),
  'spec.yaml#/components/schemas/Page': named('spec.yaml#/components/schemas/Page', { type: ['object'], properties: { next: { type: ['string'] } } }),
};
const view = new SchemaView({ schemas });

/** A response's inline schema: `{ data: User[], meta: { ...Page } }`. */
const body: SchemaNode = {
  type: ['object'],
  properties: {
    data: { type: ['array'], items: { ref: 'spec.yaml#/components/schemas/User' } },
    meta: { allOf: [{ ref: 'spec.yaml#/components/schemas/Page' }] },
    total: { type: ['integer'] },
  },
};

describe('SchemaView.declaration', () => {
  it('says a field written inline belongs to the node the walk started from', () => {
    expect(view.declaration(body, ['total'])).toEqual({ node: { type: ['integer'] } });
    expect(view.declaration(body, ['data'])?.declaredIn).toBeUndefined();
  });

  it('names the named schema a field was reached through, across items, refs and combinators', () => {
    expect(view.declaration(body, ['data', ITEMS, 'id'])?.declaredIn?.name).toBe('Base');
    expect(view.declaration(body, ['meta', 'next'])?.declaredIn?.name).toBe('Page');
    expect(view.declaration(body, ['data', ITEMS])).toEqual({ node: { ref: 'spec.yaml#/components/schemas/User' } });
  });

  it('finds the declaration resolve() reads: the first part that has the field wins', () => {
    expect(view.resolve(view.resolve(body.properties!.data!.items).properties!.email).description).toBeUndefined();
    expect(view.declaration(body, ['data', ITEMS, 'email'])).toEqual({ node: { type: ['string'] }, declaredIn: schemas['spec.yaml#/components/schemas/Base'] });
  });

  it('is undefined for a field the documented schema does not have', () => {
    expect(view.declaration(body, ['data', ITEMS, 'nickname'])).toBeUndefined();
    expect(view.declaration(body, ['total', 'x'])).toBeUndefined();
    expect(view.declaration(undefined, ['id'])).toBeUndefined();
  });
});
