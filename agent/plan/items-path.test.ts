import { describe, expect, it } from 'vitest';
import type { SchemaNode } from '../ingest/api-model.ts';
import { listOp, modelOf, openapi } from '../../test/helpers/spec.ts';
import { findItems } from './items-path.ts';
import { responseBody } from './response-body.ts';
import { SchemaView } from '../docs-view/schema-view.ts';

const view = new SchemaView({ schemas: {} });
const record: SchemaNode = { type: ['object'], properties: { id: { type: ['string'] }, email: { type: ['string'] } } };
const list: SchemaNode = { type: ['array'], items: record };
const obj = (properties: Record<string, SchemaNode>): SchemaNode => ({ type: ['object'], properties });

describe('findItems', () => {
  it('a bare array is the records', () => {
    expect(findItems(view, list, 'users')).toMatchObject({ path: '', reason: 'body-is-array', items: record });
  });

  it('takes a generic wrapper such as `data`', () => {
    expect(findItems(view, obj({ data: list, total: { type: ['integer'] } }), 'users')).toMatchObject({ path: 'data', reason: 'generic-wrapper' });
  });

  it('prefers the array named after the noun over a generic one', () => {
    const body = obj({ items: { type: ['array'], items: obj({ kind: { type: ['string'] } }) }, members: list });
    expect(findItems(view, body, 'members')).toMatchObject({ path: 'members', reason: 'named-after-noun' });
  });

  it('matches the noun across separators and plurals (`api-keys` ↔ `api_keys`, `/user` ↔ `users`)', () => {
    expect(findItems(view, obj({ api_keys: list, meta: obj({}) }), 'api-keys')).toMatchObject({ path: 'api_keys', reason: 'named-after-noun' });
    expect(findItems(view, obj({ users: list }), 'user')).toMatchObject({ path: 'users', reason: 'named-after-noun' });
  });

  it('finds records one level down (`_embedded.users`)', () => {
    expect(findItems(view, obj({ _embedded: obj({ users: list }), page: obj({ number: { type: ['integer'] } }) }), 'users')).toMatchObject({ path: '_embedded.users' });
  });

  it('never takes an error, warning or link array for the records', () => {
    const errors = { type: ['array'], items: obj({ code: { type: ['string'] }, message: { type: ['string'] } }) };
    expect(findItems(view, obj({ errors, data: list }), 'users')).toMatchObject({ path: 'data' });
    expect(findItems(view, obj({ errors, warnings: errors, links: errors }), 'users')).toBeUndefined();
  });

  it('ignores arrays of scalars (ids, scopes)', () => {
    expect(findItems(view, obj({ ids: { type: ['array'], items: { type: ['string'] } } }), 'users')).toBeUndefined();
  });

  it('takes a lone unrelated array with low confidence, and refuses to choose between several', () => {
    const only = findItems(view, obj({ things: list }), 'users');
    expect(only).toMatchObject({ path: 'things', reason: 'only-array' });
    expect(only!.confidence).toBeLessThan(0.8);
    expect(findItems(view, obj({ things: list, stuff: list }), 'users')).toBeUndefined();
  });

  it('follows $refs and examples in an ingested spec', async () => {
    const model = await modelOf(
      openapi(
        { '/users.list': listOp({ $ref: '#/components/schemas/UsersList' }, { example: { ok: true, members: [{ id: 'U1', name: 'ann' }], response_metadata: { next_cursor: '' } } }) },
        { components: { schemas: { UsersList: { type: 'object', properties: { ok: { type: 'boolean' } } } } } },
      ),
    );
    const v = new SchemaView(model);
    const body = responseBody(model.operations[0]!, v)!;
    // The schema says only `ok`; the example shows where the records are.
    const found = findItems(v, body.schema, 'users');
    expect(found?.path).toBe('members');
    expect(Object.keys(v.properties(found!.items))).toEqual(['id', 'name']);
  });
});
