import { describe, expect, it } from 'vitest';
import { listOp, modelOf, openapi, swagger2 } from '../../test/helpers/spec.ts';
import { SchemaView } from '../docs-view/schema-view.ts';
import type { ApiModel } from './api-model.ts';
import { operationKeys } from './read-spec.ts';
import { planHeuristically } from '../plan/heuristic-planner.ts';

/**
 * Real descriptions have defects. Ingest records them where they are (`model.defects`) instead of
 * refusing the whole docs, and reads a schema oddity the way a person does: a `$ref` with a sibling
 * `type: array` and no `items` is an array of the referenced schema, said in the defect's text.
 */

const USER = { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' } } };
const recordsOf = (model: ApiModel, path: string, field?: string) => {
  const view = new SchemaView(model);
  const body = model.operations.find((o) => o.path === path)!.responses[0]!.schema;
  return view.resolve(field ? view.at(body, field) : body);
};

describe('a $ref with a sibling `type: array` and no `items`', () => {
  it('Swagger 2.0, in a named wrapper: read as an array of the referenced schema, the reading recorded', async () => {
    const model = await modelOf(swagger2(
      { '/users': { get: { responses: { 200: { description: 'ok', schema: { $ref: '#/definitions/UserList' } } } } } },
      { definitions: { UserList: { properties: { users: { type: 'array', description: 'The users.', $ref: '#/definitions/User' } } }, User: USER } },
    ));
    const users = recordsOf(model, '/users', 'users');
    expect(users.type).toEqual(['array']);
    expect(new SchemaView(model).resolve(users.items).properties).toHaveProperty('email');
    expect(model.defects).toEqual([expect.objectContaining({ kind: 'ref-with-siblings', source: { file: 'spec.json', pointer: '/definitions/UserList/properties/users' } })]);
    expect(model.defects![0]!.text).toMatch(/"users" is written as \$ref "#\/definitions\/User" with a sibling "type: array" and no "items"; read as an array of User/);
    expect(model.defects![0]!.fix).toMatch(/items: \{ \$ref/);
  });

  it('OpenAPI 3, inline in the response, and with `type` written as a list (3.1)', async () => {
    for (const type of ['array', ['array']]) {
      const model = await modelOf(openapi(
        { '/members': listOp({ type: 'object', properties: { data: { type, $ref: '#/components/schemas/Member' } } }) },
        { components: { schemas: { Member: USER } } },
      ));
      expect(recordsOf(model, '/members', 'data').type).toEqual(['array']);
      expect(model.defects?.map((d) => d.kind)).toEqual(['ref-with-siblings']);
    }
  });

  it('a $ref with sibling `properties`: the referenced schema with those fields added', async () => {
    const model = await modelOf(openapi({ '/members': listOp({ type: 'array', items: { $ref: '#/components/schemas/User', properties: { role: { type: 'string' } } } }) }, { components: { schemas: { User: USER } } }));
    const items = new SchemaView(model).resolve(recordsOf(model, '/members').items);
    expect(Object.keys(items.properties ?? {}).sort()).toEqual(['email', 'id', 'role']);
    expect(model.defects).toEqual([expect.objectContaining({ kind: 'ref-with-siblings', text: expect.stringMatching(/with sibling "properties"; read as User with the fields "role" added/) })]);
  });

  it('a $ref to a schema that is itself an array, or a sibling `items`, is read as written: no defect', async () => {
    const model = await modelOf(openapi(
      {
        '/a': listOp({ type: 'object', properties: { data: { type: 'array', $ref: '#/components/schemas/Members' } } }),
        '/b': listOp({ type: 'object', properties: { data: { $ref: '#/components/schemas/Member' } } }),
      },
      { components: { schemas: { Member: USER, Members: { type: 'array', items: { $ref: '#/components/schemas/Member' } } } } },
    ));
    expect(recordsOf(model, '/a', 'data').items).toBeDefined();
    expect(recordsOf(model, '/b', 'data').type).toEqual(['object']);
    expect(model.defects).toBeUndefined();
  });
});

describe('a $ref that points at nothing', () => {
  it('in a schema: recorded where it is, the node read as saying nothing; the rest of the docs read', async () => {
    const model = await modelOf(openapi({
      '/users': listOp({ type: 'array', items: { $ref: '#/components/schemas/User' } }),
      '/widgets': listOp({ type: 'array', items: { $ref: '#/components/schemas/Widgit' } }),
    }, { components: { schemas: { User: USER } } }));
    expect(model.operations).toHaveLength(2);
    expect(model.defects).toEqual([
      {
        kind: 'dangling-ref',
        source: { file: 'spec.json', pointer: '/paths/~1widgets/get/responses/200/content/application~1json/schema/items' },
        ref: '#/components/schemas/Widgit',
        text: '$ref "#/components/schemas/Widgit" points at nothing',
        fix: expect.stringMatching(/No value exists at \/components\/schemas\/Widgit in spec\.json/),
      },
    ]);
    const items = model.operations.find((o) => o.path === '/widgets')!.responses[0]!.schema!.items!;
    expect(items).toEqual({ defect: 'spec.json#/paths/~1widgets/get/responses/200/content/application~1json/schema/items' });
  });

  it('a parameter, a response and a path item: each left out, recorded where its $ref is', async () => {
    const model = await modelOf(openapi({
      '/users': { get: { parameters: [{ $ref: '#/components/parameters/Gone' }], responses: { 200: { $ref: '#/components/responses/Gone' } } } },
      '/teams': { $ref: '#/components/pathItems/Gone' },
    }));
    expect(model.operations.map((o) => [o.path, o.parameters.length, o.responses.length])).toEqual([['/users', 0, 0]]);
    expect(model.defects!.map((d) => d.source.pointer).sort()).toEqual(['/paths/~1teams', '/paths/~1users/get/parameters/0', '/paths/~1users/get/responses/200']);
  });

  it('to a file the docs folder does not hold: recorded, saying so; a file that is there but broken is still refused', async () => {
    const spec = openapi({
      '/users': listOp({ type: 'array', items: { $ref: 'schemas/user.json#/User' } }),
      '/widgets': listOp({ type: 'array', items: { $ref: 'schemas/widget.json#/Widget' } }),
    });
    const model = await modelOf(spec, { files: { 'schemas/user.json': { User: USER } } });
    expect(model.defects).toEqual([expect.objectContaining({ kind: 'dangling-ref', ref: 'schemas/widget.json#/Widget', fix: expect.stringMatching(/^schemas\/widget\.json does not exist in the docs folder/) })]);
    expect(planHeuristically(model).warnings).toHaveLength(1);
    await expect(modelOf(spec, { files: { 'schemas/user.json': { User: USER }, 'schemas/widget.json': '{ "Widget": ' } })).rejects.toMatchObject({ code: 'unreadable-docs' });
  });

  it('through a chain of $refs: recorded at the $ref that names nothing', async () => {
    const model = await modelOf(openapi({ '/users': listOp({ type: 'array', items: { $ref: '#/components/schemas/A' } }) }, { components: { schemas: { A: { $ref: '#/components/schemas/B' } } } }));
    expect(model.defects).toEqual([expect.objectContaining({ kind: 'dangling-ref', ref: '#/components/schemas/B', source: { file: 'spec.json', pointer: '/components/schemas/A' } })]);
  });
});

describe('operations are keyed by method and path, never by an operationId that names no one operation', () => {
  const op = (method: string, path: string, id: string) => ({ method: method as 'get', path, id });

  it('an operationId given once is kept; one given twice, or spelled like another operation\'s METHOD path, is replaced by METHOD path', () => {
    const ops = [op('get', '/users', 'list'), op('get', '/groups', 'list'), op('get', '/keys', 'GET /users'), op('get', '/teams', 'listTeams'), op('post', '/teams', 'POST /teams')];
    const key = operationKeys(ops);
    expect(ops.map(key)).toEqual(['GET /users', 'GET /groups', 'GET /keys', 'listTeams', 'POST /teams']);
    expect(new Set(ops.map(key)).size).toBe(ops.length);
  });

  it('in a read document, every id is unique', async () => {
    const model = await modelOf(openapi({
      '/users': { get: { operationId: 'GET /groups', responses: { 200: { description: 'ok' } } } },
      '/groups': { get: { responses: { 200: { description: 'ok' } } } },
      '/keys': { get: { operationId: 'list', responses: { 200: { description: 'ok' } } } },
      '/apps': { get: { operationId: 'list', responses: { 200: { description: 'ok' } } } },
    }));
    expect(model.operations.map((o) => o.id)).toEqual(['GET /users', 'GET /groups', 'GET /keys', 'GET /apps']);
  });
});
