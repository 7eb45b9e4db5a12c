import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../agent/generate/generate-connector.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { modelOf, openapi } from '../helpers/spec.ts';
import { errorIds } from '../helpers/findings.ts';

/**
 * Shapes real identity APIs have, built in code from what their public docs show, each planned and
 * proved end to end: tenant-scoped paths (`/orgs/{org}/members`), a tenant in the query, Atlassian's
 * startAt/maxResults/isLast, and SCIM 2.0's startIndex/count/totalResults/Resources.
 */

const list = (items: string, fields: Record<string, unknown>) => ({
  get: {
    parameters: [
      { name: 'org', in: 'path', required: true, description: 'The organization name. The name is not case sensitive.', schema: { type: 'string' } },
      { name: 'per_page', in: 'query', description: 'The number of results per page (max 100).', schema: { type: 'integer', maximum: 100 } },
      { name: 'page', in: 'query', description: 'The page number of the results to fetch.', schema: { type: 'integer', default: 1 } },
    ],
    responses: { '200': { description: 'ok', headers: { Link: { schema: { type: 'string' } } }, content: { 'application/json': { schema: { type: 'array', items: { type: 'object', properties: fields } } } } }, '404': { description: 'not found' } },
  },
});

const spec = openapi(
  {
    '/orgs/{org}/members': list('members', { id: { type: 'integer' }, login: { type: 'string' }, email: { type: 'string', format: 'email', nullable: true } }),
    '/orgs/{org}/teams': list('teams', { id: { type: 'integer' }, slug: { type: 'string' }, name: { type: 'string' } }),
    '/orgs/{org}/teams/{team_slug}/members': {
      get: {
        ...list('members', { id: { type: 'integer' }, login: { type: 'string' } }).get,
        parameters: [...list('members', {}).get.parameters, { name: 'team_slug', in: 'path', required: true, description: 'The slug of the team name.', schema: { type: 'string' } }],
      },
    },
  },
  { components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } }, security: [{ token: [] }] },
);

describe('tenant-scoped APIs', () => {
  it('plans {org} as a path variable, members and teams as roots, team members as a child', async () => {
    const model = await modelOf(spec, { vendor: 'octo' });
    const plan = planHeuristically(model);
    expect(plan.tenant_variables).toEqual({ org: 'The organization name. The name is not case sensitive.' });
    expect(plan.streams.map((s) => [s.name, s.parent?.stream ?? null]).sort()).toEqual([
      ['members', null],
      ['team_members', 'teams'],
      ['teams', null],
    ]);
    expect(plan.streams.find((s) => s.name === 'team_members')!.parent).toMatchObject({ param: 'team_slug', from_field: 'slug', relation: 'member_of' });
  });

  it('generates a connector that passes its proof, the host giving the tenant value', async () => {
    const model = await modelOf(spec, { vendor: 'octo' });
    const result = await generateConnector(model, planHeuristically(model), { seed: 2, maxAttempts: 2, force: false });
    expect(errorIds(result.scorecard)).toEqual([]);
    expect(result.scorecard.verdict).toBe('pass');
    expect(result.manifest.tenant_variables).toHaveProperty('org');
  });
});

describe('a tenant scope required in the query string', () => {
  it('is a tenant variable, sent on every request, and the connector passes its proof', async () => {
    const model = await modelOf(
      openapi(
        {
          '/v1/users': {
            get: {
              parameters: [
                { name: 'teamId', in: 'query', required: true, description: 'The team to list users of.', schema: { type: 'string' } },
                { name: 'cursor', in: 'query', description: 'Cursor from the previous page.', schema: { type: 'string' } },
              ],
              responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { users: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string', format: 'email' } } } }, next_cursor: { type: 'string', nullable: true } } } } } } },
            },
          },
        },
        { components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } }, security: [{ token: [] }] },
      ),
      { vendor: 'acme' },
    );
    const plan = planHeuristically(model);
    expect(plan.tenant_variables).toEqual({ teamId: 'The team to list users of.' });
    expect(plan.streams[0]!.query_variables).toEqual(['teamId']);
    const result = await generateConnector(model, plan, { seed: 4, maxAttempts: 1, force: false });
    expect(errorIds(result.scorecard)).toEqual([]);
    expect(result.scorecard.verdict).toBe('pass');
  });
});

describe('startAt/maxResults with isLast (the Atlassian shape)', () => {
  it('pages by offset and stops when isLast is true', async () => {
    const model = await modelOf(
      openapi(
        {
          '/rest/api/3/users/search': {
            get: {
              parameters: [
                { name: 'startAt', in: 'query', description: 'The index of the first item to return in a page of results (page offset).', schema: { type: 'integer', default: 0 } },
                { name: 'maxResults', in: 'query', description: 'The maximum number of items to return per page.', schema: { type: 'integer', default: 50 } },
              ],
              responses: {
                '200': {
                  description: 'ok',
                  content: { 'application/json': { schema: { type: 'object', properties: { values: { type: 'array', items: { type: 'object', properties: { accountId: { type: 'string' }, emailAddress: { type: 'string' }, displayName: { type: 'string' }, active: { type: 'boolean' } } } }, isLast: { type: 'boolean' }, startAt: { type: 'integer' } } } } },
                },
              },
            },
          },
        },
        { components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' } } }, security: [{ basic: [] }] },
      ),
      { vendor: 'atlas' },
    );
    const plan = planHeuristically(model);
    const users = plan.streams[0]!;
    expect(users.pagination).toMatchObject({ style: 'offset', offset_param: 'startAt', limit_param: 'maxResults', stops: [{ when: 'last-true', path: 'isLast' }] });
    expect(users.mapping.id?.path).toBe('accountId');
    const result = await generateConnector(model, plan, { seed: 6, maxAttempts: 1, force: false });
    expect(errorIds(result.scorecard)).toEqual([]);
    expect(result.scorecard.verdict).toBe('pass');
  });
});

describe('a SCIM 2.0 Users endpoint', () => {
  it('pages by 1-based startIndex/count until totalResults, records in Resources, email from emails[].value', async () => {
    const model = await modelOf(
      openapi(
        {
          '/scim/v2/Users': {
            get: {
              parameters: [
                { name: 'startIndex', in: 'query', description: 'The 1-based index of the first query result.', schema: { type: 'integer' } },
                { name: 'count', in: 'query', description: 'Non-negative integer. Specifies the desired maximum number of query results per page.', schema: { type: 'integer' } },
              ],
              responses: {
                '200': {
                  description: 'A list of users',
                  content: {
                    'application/scim+json': {
                      schema: {
                        type: 'object',
                        properties: {
                          schemas: { type: 'array', items: { type: 'string' } },
                          totalResults: { type: 'integer' },
                          itemsPerPage: { type: 'integer' },
                          startIndex: { type: 'integer' },
                          Resources: {
                            type: 'array',
                            items: {
                              type: 'object',
                              properties: {
                                id: { type: 'string' },
                                userName: { type: 'string' },
                                displayName: { type: 'string' },
                                active: { type: 'boolean' },
                                emails: { type: 'array', items: { type: 'object', properties: { value: { type: 'string' }, type: { type: 'string' }, primary: { type: 'boolean' } } } },
                              },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        { components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }, security: [{ bearer: [] }] },
      ),
      { vendor: 'scimco' },
    );
    const plan = planHeuristically(model);
    const users = plan.streams[0]!;
    expect(users.items_path).toBe('Resources');
    expect(users.pagination).toMatchObject({ style: 'offset', offset_param: 'startIndex', limit_param: 'count', first_offset: 1, stops: [{ when: 'total-reached', path: 'totalResults' }] });
    expect(users.mapping.email).toMatchObject({ path: 'emails', transform: 'first-string' });
    expect(users.mapping.status).toMatchObject({ path: 'active', transform: 'bool-true-is-active' });
    const result = await generateConnector(model, plan, { seed: 8, maxAttempts: 1, force: false });
    expect(errorIds(result.scorecard)).toEqual([]);
    expect(result.scorecard.verdict).toBe('pass');
    expect(result.scorecard.streams[0]!.coverage.email!.fetched_with_value).toBeGreaterThan(0);
  });
});

describe('a Google-Directory-like list: a required customer, pageToken → nextPageToken', () => {
  it('plans the customer as a tenant variable and pages by the token', async () => {
    const model = await modelOf(
      openapi(
        {
          '/admin/directory/v1/users': {
            get: {
              parameters: [
                { name: 'customer', in: 'query', required: true, description: 'The unique ID for the customer\'s account, or my_customer.', schema: { type: 'string' } },
                { name: 'maxResults', in: 'query', description: 'Maximum number of results to return.', schema: { type: 'integer', maximum: 500 } },
                { name: 'pageToken', in: 'query', description: 'Token to specify next page in the list.', schema: { type: 'string' } },
              ],
              responses: {
                '200': {
                  description: 'ok',
                  content: { 'application/json': { schema: { type: 'object', properties: { kind: { type: 'string' }, users: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, primaryEmail: { type: 'string' }, suspended: { type: 'boolean' }, creationTime: { type: 'string', format: 'date-time' }, lastLoginTime: { type: 'string', format: 'date-time' } } } }, nextPageToken: { type: 'string' } } } } },
                },
              },
            },
          },
        },
        { components: { securitySchemes: { oauth: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: 'https://accounts.example.test/o', tokenUrl: 'https://accounts.example.test/t', scopes: { 'admin.directory.user.readonly': 'read users' } } } } } }, security: [{ oauth: ['admin.directory.user.readonly'] }] },
      ),
      { vendor: 'gdir' },
    );
    const plan = planHeuristically(model);
    const users = plan.streams[0]!;
    expect(plan.tenant_variables).toHaveProperty('customer');
    expect(users.pagination).toMatchObject({ style: 'cursor', cursor_param: 'pageToken', cursor_path: 'nextPageToken' });
    expect(users.mapping).toMatchObject({ email: { path: 'primaryEmail' }, status: { path: 'suspended', transform: 'bool-true-is-suspended' }, last_used_at: { path: 'lastLoginTime' } });
    const result = await generateConnector(model, plan, { seed: 9, maxAttempts: 1, force: false });
    expect(errorIds(result.scorecard)).toEqual([]);
    expect(result.scorecard.verdict).toBe('pass');
  });
});

describe('a global directory beside tenant-scoped lists (the GitHub shape)', () => {
  it('inventories the tenant\'s members, not every user of the service', async () => {
    const users = { id: { type: 'integer' }, login: { type: 'string' } };
    const model = await modelOf(
      openapi({
        '/users': { get: { parameters: [{ name: 'since', in: 'query', schema: { type: 'integer' } }], responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { type: 'object', properties: users } } } } } } } },
        '/orgs/{org}/members': list('members', users),
      }),
      { vendor: 'octo' },
    );
    const plan = planHeuristically(model);
    expect(plan.streams.map((s) => s.path)).toEqual(['/orgs/{org}/members']);
  });
});
