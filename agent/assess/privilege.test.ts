import { describe, expect, it } from 'vitest';
import type { ApiModel } from '../ingest/api-model.ts';
import { planHeuristically } from '../plan/heuristic-planner.ts';
import { arrayOf, listOp, modelOf, openapi, operation, query, USER } from '../../test/helpers/spec.ts';
import { classifyScope, privilegeOf } from './privilege.ts';

const oauth = {
  oauth: {
    type: 'oauth2',
    flows: {
      clientCredentials: {
        tokenUrl: 'https://api.example.test/oauth/token',
        scopes: { 'users:read': 'Read users', 'admin:users': 'Administer users', 'users:write': 'Change users', 'read:org': 'Read the organisation', 'admin:org': 'Administer the organisation' },
      },
    },
  },
};

function spec(paths: object) {
  return openapi(paths, { components: { securitySchemes: oauth }, security: [{ oauth: [] }] });
}

const secured = (security: object[], more: Record<string, unknown> = {}) => ({ get: { ...(listOp(arrayOf(USER)).get as object), security, ...more } });
const findingFor = (model: ApiModel, path: string) => privilegeOf({ name: 'users', op: operation(model, path) }, model);

describe('classifyScope', () => {
  it.each([
    ['users:read', undefined],
    ['read:users', undefined],
    ['admin:users', 'admin'],
    ['org.admin', 'admin'],
    ['*', 'admin'],
    ['users:write', 'write'],
    ['write:org', 'write'],
    ['repo.manage', 'write'],
    ['account:read_write', 'write'],
    ['account:read_only', undefined],
    ['User.Read.All', undefined],
    ['User.ReadWrite.All', 'write'],
  ] as const)('%s → %s', (scope, why) => {
    expect(classifyScope(scope)).toBe(why);
  });
});

describe('privilegeOf', () => {
  it('asks for the read scope when the requirement also lists admin ones, and flags those', async () => {
    const model = await modelOf(spec({ '/users': secured([{ oauth: ['admin:users', 'users:read', 'users:write'] }]) }));
    const finding = findingFor(model, '/users');
    expect(finding.least_scopes).toEqual(['users:read']);
    expect(finding.flagged).toEqual([
      { scope: 'admin:users', why: 'admin' },
      { scope: 'users:write', why: 'write' },
    ]);
    expect(finding.evidence.map((e) => e.quote)).toContain('admin:users');
    // The least scope's evidence comes first: it is what a human provisions.
    expect(finding.evidence[0]).toMatchObject({ quote: 'users:read', reasoning: expect.stringContaining('users:read') });
  });

  it('asks for `read_only` rather than `read_write` when both are offered', async () => {
    const model = await modelOf(spec({ '/users': secured([{ oauth: ['account:read_write', 'account:read_only'] }]) }));
    const finding = findingFor(model, '/users');
    expect(finding.least_scopes).toEqual(['account:read_only']);
    expect(finding.flagged).toEqual([{ scope: 'account:read_write', why: 'write' }]);
  });

  it('keeps admin scopes as the least when the docs offer nothing weaker', async () => {
    const model = await modelOf(spec({ '/users': secured([{ oauth: ['admin:org'] }]) }));
    expect(findingFor(model, '/users')).toMatchObject({ least_scopes: ['admin:org'], flagged: [{ scope: 'admin:org', why: 'admin' }] });
  });

  it('reads "Requires scope: `users:read`" in a parameter\'s prose', async () => {
    const model = await modelOf(
      spec({ '/users': listOp(arrayOf(USER), { parameters: [query('token', { type: 'string' }, 'Authentication token. Requires scope: `users:read`')] }) }),
    );
    const finding = findingFor(model, '/users');
    expect(finding.least_scopes).toEqual(['users:read']);
    expect(finding.evidence.map((e) => e.quote)).toContain('Requires scope: `users:read`');
  });

  it('reads a documented permission extension (`x-permission`)', async () => {
    const model = await modelOf(spec({ '/users': secured([], { 'x-permission': { permissions: ['USER_READ'], operator: 'OR' } }) }));
    const finding = findingFor(model, '/users');
    expect(finding.least_scopes).toEqual(['USER_READ']);
    expect(finding.flagged).toEqual([]);
  });

  it('flags an admin role named by an extension', async () => {
    const model = await modelOf(spec({ '/users': secured([], { 'x-required-role': 'ORG_ADMIN' }) }));
    expect(findingFor(model, '/users').flagged).toEqual([{ scope: 'ORG_ADMIN', why: 'admin' }]);
  });

  it('needs no scope when the docs name none', async () => {
    const model = await modelOf(spec({ '/users': listOp(arrayOf(USER)) }));
    expect(findingFor(model, '/users')).toMatchObject({ least_scopes: [], flagged: [] });
  });
});

describe('least privilege in the plan', () => {
  it('drops an admin-only stream when a non-admin stream covers the same kind', async () => {
    const plan = planHeuristically(
      await modelOf(
        spec({
          '/members': secured([{ oauth: ['read:org'] }]),
          '/admins': secured([{ oauth: ['admin:org'] }]),
        }),
      ),
    );
    expect(plan.streams.map((s) => s.name)).toEqual(['members']);
    expect(plan.streams[0]!.required_scopes).toEqual(['read:org']);
    expect(plan.assessment.privilege.map((p) => p.stream)).toEqual(['members']);
  });

  it('keeps an admin-only stream that is the only source of its kind, and recommends a manual build', async () => {
    const plan = planHeuristically(
      await modelOf(
        spec({
          '/members': secured([{ oauth: ['read:org'] }]),
          '/api_keys': { get: { ...(listOp(arrayOf({ id: { type: 'string' }, name: { type: 'string' }, created_at: { type: 'string', format: 'date-time' } })).get as object), security: [{ oauth: ['admin:org'] }] } },
        }),
      ),
    );
    expect(plan.streams.map((s) => s.name).sort()).toEqual(['api_keys', 'members']);
    expect(plan.streams.find((s) => s.name === 'api_keys')?.required_scopes).toEqual(['admin:org']);
    expect(plan.assessment.verdict).toBe('manual-build-recommended');
    expect(plan.assessment.reasons).toContainEqual(expect.stringContaining('api_keys can only be read with admin scopes'));
  });
});

describe('privilege: prose is data', () => {
  it('a scope injected into parameter prose is ignored when the docs declare their scopes', async () => {
    const model = await modelOf(
      openapi(
        {
          '/users': {
            get: {
              parameters: [{ name: 'limit', in: 'query', description: 'Requires scope: `admin:everything`. Requires scope: `users:read`', schema: { type: 'integer' } }],
              security: [{ oauth: ['users:read'] }],
              responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } } } } } },
            },
          },
        },
        { components: { securitySchemes: { oauth: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://api.example.test/token', scopes: { 'users:read': 'read users' } } } } } } },
      ),
    );
    const finding = privilegeOf({ name: 'users', op: model.operations[0]! }, model);
    expect(finding.least_scopes).toEqual(['users:read']);
    expect(finding.flagged).toEqual([]);
  });
});
