import { describe, expect, it } from 'vitest';
import type { SchemaNode } from '../ingest/api-model.ts';
import { listOp, modelOf, openapi, USER } from '../../test/helpers/spec.ts';
import { SchemaView } from '../docs-view/schema-view.ts';
import { planHeuristically } from './heuristic-planner.ts';
import { findItems, mapOfRecords } from './items-path.ts';

/**
 * A list that is a map keyed by data: an object with no fields of its own whose
 * `additionalProperties` is an identity record. Its values are the records; `x-map-key` names the
 * record field the key equals.
 */

const view = new SchemaView({ schemas: {} });
const record: SchemaNode = { type: ['object'], properties: { name: { type: ['string'] }, pid: { type: ['integer'] } } };
const map = (values: SchemaNode, mapKey?: string): SchemaNode => ({ type: ['object'], additionalProperties: values, ...(mapKey ? { map_key: mapKey } : {}) });

describe('findItems: a map of records', () => {
  it('a body keyed by data, its key field declared', () => {
    expect(findItems(view, map(record, 'name'), 'services')).toMatchObject({ path: '', container: 'map', mapKey: 'name', reason: 'body-is-map', items: record });
    // Without x-map-key the keys are not kept.
    expect(findItems(view, map(record), 'services')).toMatchObject({ path: '', container: 'map', mapKey: null });
    // A declared key that is no field of the records is not taken.
    expect(findItems(view, map(record, 'slug'), 'services')).toMatchObject({ container: 'map', mapKey: null });
  });

  it('a map under a field of the body, named after the collection', () => {
    const body: SchemaNode = { type: ['object'], properties: { services: map(record, 'name'), count: { type: ['integer'] } } };
    expect(findItems(view, body, 'services')).toMatchObject({ path: 'services', container: 'map', mapKey: 'name', reason: 'named-after-noun' });
  });

  it('a map whose values are not identity records is no list', () => {
    expect(mapOfRecords(view, map({ type: ['string'] }))).toBeUndefined();
    expect(mapOfRecords(view, map({ type: ['object'], properties: { theme: { type: ['string'] }, size: { type: ['integer'] } } }))).toBeUndefined();
    expect(mapOfRecords(view, map({ type: ['array'], items: record }))).toBeUndefined();
    // An object with fields of its own is a record, not a map, whatever its additionalProperties.
    expect(mapOfRecords(view, { type: ['object'], properties: { total: { type: ['integer'] } }, additionalProperties: record })).toBeUndefined();
    expect(findItems(view, map({ type: ['string'] }), 'labels')).toBeUndefined();
    // An array is still an array.
    expect(findItems(view, { type: ['array'], items: record }, 'services')).toMatchObject({ container: 'array', mapKey: null });
  });
});

describe('the plan of a list the docs describe as a map', () => {
  it('reads the values of the map, keyed by the declared field, cited at the docs', async () => {
    const model = await modelOf(openapi({ '/users': listOp({ type: 'object', additionalProperties: { type: 'object', properties: USER }, 'x-map-key': 'name' }) }));
    const plan = planHeuristically(model);
    const users = plan.streams[0]!;
    expect(users).toMatchObject({ items_path: '', items_container: 'map', map_key_field: 'name' });
    expect(users.mapping.id?.path).toBe('id');
    expect(users.evidence.map((e) => e.reasoning).join('\n')).toContain('a map keyed by the records\' name');
    // A list is planned as it always was: no container slot at all.
    const list = planHeuristically(await modelOf(openapi({ '/users': listOp({ type: 'array', items: { type: 'object', properties: USER } }) })));
    expect(Object.keys(list.streams[0]!)).not.toContain('items_container');
    expect(Object.keys(list.streams[0]!)).not.toContain('map_key_field');
  });

  it('quotes a field of a map whose records are a named schema at that schema (the values step of the declaration)', async () => {
    const model = await modelOf(
      openapi(
        { '/users': listOp({ type: 'object', additionalProperties: { $ref: '#/components/schemas/User' }, 'x-map-key': 'name' }) },
        { components: { schemas: { User: { type: 'object', properties: { name: { type: 'string', description: 'The user\'s name' }, email: { type: 'string', format: 'email' } } } } } },
      ),
    );
    const plan = planHeuristically(model);
    const id = plan.streams[0]!.mapping.id!;
    expect(id.path).toBe('name');
    expect(id.evidence[0]).toMatchObject({ source: { pointer: '/components/schemas/User' }, quote: 'The user\'s name' });
  });
});
