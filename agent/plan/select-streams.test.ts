import { describe, expect, it } from 'vitest';
import type { ApiModel } from '../ingest/api-model.ts';
import { arrayOf, listOp, modelOf, openapi, query, USER } from '../../test/helpers/spec.ts';
import { SchemaView } from '../docs-view/schema-view.ts';
import { selectStreams } from './select-streams.ts';

const select = (model: ApiModel) => selectStreams(model, new SchemaView(model));
const nameParam = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
const tokens = arrayOf({ id: { type: 'string' }, note: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } }, last_activity: { type: 'string', format: 'date-time' } });

describe('selectStreams', () => {
  it('makes `/users/{name}/tokens` a child of `users`, filled from each user\'s `name`', async () => {
    const { roots, children } = select(
      await modelOf(
        openapi({
          '/users': listOp(arrayOf({ name: { type: 'string' }, kind: { type: 'string' }, admin: { type: 'boolean' } })),
          '/users/{name}': { get: { ...(listOp({ type: 'object', properties: USER }).get as object), parameters: [nameParam] } },
          '/users/{name}/tokens': { get: { ...(listOp(tokens).get as object), parameters: [nameParam] } },
        }),
      ),
    );
    expect(roots.map((r) => r.name)).toEqual(['users']);
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({ name: 'user_tokens', kind: 'token' });
    expect(children[0]!.parent).toEqual({ stream: 'users', param: 'name', from_field: 'name', relation: 'owns', parent_is: 'from' });
  });

  it('puts `/Accounts/{AccountSid}/Keys.json` under `/Accounts.json`, from the account\'s `sid`', async () => {
    const sidParam = { name: 'AccountSid', in: 'path', required: true, schema: { type: 'string' } };
    const { roots, children } = select(
      await modelOf(
        openapi({
          '/2010-04-01/Accounts.json': listOp({
            type: 'object',
            properties: { accounts: arrayOf({ sid: { type: 'string' }, friendly_name: { type: 'string' }, status: { type: 'string', enum: ['active', 'suspended', 'closed'] } }), next_page_uri: { type: 'string' } },
          }),
          '/2010-04-01/Accounts/{AccountSid}/Keys.json': {
            get: { ...(listOp({ type: 'object', properties: { keys: arrayOf({ sid: { type: 'string' }, friendly_name: { type: 'string' }, date_created: { type: 'string' } }) } }).get as object), parameters: [sidParam] },
          },
        }),
      ),
    );
    expect(roots.map((r) => [r.name, r.kind])).toEqual([['accounts', 'service_account']]);
    expect(children.map((c) => [c.name, c.kind, c.items.path])).toEqual([['account_keys', 'api_key', 'keys']]);
    expect(children[0]!.parent).toMatchObject({ stream: 'accounts', param: 'AccountSid', from_field: 'sid', relation: 'owns' });
  });

  it('links group members to their group, filling `{groupId}` from the group\'s `id`', async () => {
    const groupId = { name: 'groupId', in: 'path', required: true, schema: { type: 'string' } };
    const { children } = select(
      await modelOf(
        openapi({
          '/groups': listOp(arrayOf({ id: { type: 'string' }, name: { type: 'string' } })),
          '/groups/{groupId}/members': { get: { ...(listOp(arrayOf(USER)).get as object), parameters: [groupId] } },
        }),
      ),
    );
    expect(children.map((c) => [c.name, c.kind])).toEqual([['group_members', 'human']]);
    expect(children[0]!.parent).toEqual({ stream: 'groups', param: 'groupId', from_field: 'id', relation: 'member_of', parent_is: 'to' });
  });

  it('fills a path parameter with one documented value as a constant, not a parent', async () => {
    const { roots, children } = select(
      await modelOf(
        openapi({
          '/{apiVersion}/users': {
            get: { ...(listOp(arrayOf(USER)).get as object), parameters: [{ name: 'apiVersion', in: 'path', required: true, schema: { type: 'string', enum: ['v4'], default: 'v4' } }] },
          },
        }),
      ),
    );
    expect(children).toEqual([]);
    expect(roots).toHaveLength(1);
    expect(roots[0]!.fixedPath).toEqual({ apiVersion: 'v4' });
    expect(roots[0]!.pathParams).toEqual([]);
  });

  it('rejects, with a reason, an operation that needs a required query parameter with no default', async () => {
    const { roots, rejections } = select(
      await modelOf(
        openapi({
          '/users': listOp(arrayOf(USER), { parameters: [query('filter', { type: 'string' }, 'A search expression.', true)] }),
          '/groups': listOp(arrayOf({ id: { type: 'string' }, name: { type: 'string' } }), { parameters: [query('include', { type: 'string', default: 'members' }, 'What to include.', true)] }),
          '/bots': listOp(arrayOf({ id: { type: 'string' }, name: { type: 'string' } }), { parameters: [query('team_id', { type: 'string' }, 'The team to list.', true)] }),
        }),
      ),
    );
    expect(roots.map((r) => r.name).sort()).toEqual(['bots', 'groups']);
    expect(roots.find((r) => r.name === 'groups')!.query).toEqual({ include: 'members' });
    // A required tenant scope is not a reason to reject: a human gives it.
    expect(roots.find((r) => r.name === 'bots')!.queryVariables).toEqual(['team_id']);
    expect(rejections).toContainEqual({ operation_id: 'GET /users', reason: expect.stringContaining('"filter"') });
  });

  it('keeps one root per kind and noun: the shortest path', async () => {
    const { roots } = select(
      await modelOf(
        openapi({
          '/admin/directory/v1/users': listOp({ type: 'object', properties: { users: arrayOf(USER) } }),
          '/users': listOp(arrayOf(USER)),
          '/scim/v2/Users': listOp({ type: 'object', properties: { Resources: arrayOf(USER) } }),
        }),
      ),
    );
    expect(roots.map((r) => r.op.path)).toEqual(['/users']);
  });

  it('does not take records of infrastructure for identities', async () => {
    const { roots, rejections } = select(
      await modelOf(
        openapi({
          '/groups': listOp(arrayOf({ id: { type: 'string' }, name: { type: 'string' }, region: { type: 'string' }, ipv4: { type: 'string' } })),
          '/users': listOp(arrayOf(USER)),
        }),
      ),
    );
    expect(roots.map((r) => r.name)).toEqual(['users']);
    expect(rejections).toContainEqual({ operation_id: 'GET /groups', reason: expect.stringContaining('infrastructure') });
  });

  it('prefers a live operation over a deprecated one, even on a longer path', async () => {
    const { roots } = select(
      await modelOf(
        openapi({
          '/users': { get: { ...(listOp(arrayOf(USER)).get as object), deprecated: true } },
          '/v2/users': listOp(arrayOf(USER)),
        }),
      ),
    );
    expect(roots.map((r) => r.op.path)).toEqual(['/v2/users']);
  });

  it('never selects a write operation or a single item', async () => {
    const { roots, children } = select(
      await modelOf(
        openapi({
          '/users': { post: listOp(arrayOf(USER)).get, delete: listOp(arrayOf(USER)).get },
          '/users/{id}': { get: { ...(listOp(arrayOf(USER)).get as object), parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] } },
          '/groups': listOp(arrayOf({ id: { type: 'string' }, name: { type: 'string' } })),
        }),
      ),
    );
    expect([...roots, ...children].map((c) => `${c.op.method} ${c.op.path}`)).toEqual(['get /groups']);
  });
});
