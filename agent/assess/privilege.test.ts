import { describe, expect, it } from 'vitest';
import type { ApiModel } from '../ingest/api-model.ts';
import { planHeuristically } from '../plan/heuristic-planner.ts';
import { arrayOf, listOp, modelOf, openapi, operation, query, USER } from '../../test/helpers/spec.ts';
import { checkQuotes } from '../docs-view/quote-check.ts';
import { classifyScope, privilegeOf, recordFieldsRead } from './privilege.ts';

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

describe('privilege: the docs\' scope conventions (listing scopes, field scopes)', () => {
  // An invented API with JupyterHub's convention under other names: members with handles, badges, a last-seen time.
  const MEMBER = { handle: { type: 'string' }, badges: { type: 'array', items: { type: 'string' } }, last_seen: { type: 'string', format: 'date-time' }, created: { type: 'string', format: 'date-time' } };
  const scopes = {
    'list:members': 'List members, including at least their handles.',
    'read:members': 'Read member models.',
    'read:members:handle': 'Read member handles.',
    'read:members:seen': 'Read when members were last seen.',
    'read:badges:members': 'Read member badge assignments.',
    'admin:members': 'Read, write, create and delete members.',
    // Declared, but its description does not say it lists: only the prose convention makes it the listing scope.
    'list:crews': 'Crews, by name.',
    'read:crews': 'Read crew models.',
    'read:crews:name': 'Read crew names.',
  };
  const CONVENTIONS = [
    '# Scopes',
    '',
    '## Scope conventions',
    '',
    '- `read:<resource>` \\',
    '  Limits permissions to read-only operations on single resources.',
    '',
    '- `list:<resource>` \\',
    '  Read-only access to listing endpoints.',
    '  Use `read:<resource>:<subresource>` to control what fields are returned.',
    '',
  ].join('\n');
  const memberRead = ['read:members', 'read:members:handle', 'read:members:seen', 'read:badges:members', 'admin:members'];
  const acme = (declared: Record<string, string>, files: Record<string, string> = { 'scopes.md': CONVENTIONS }) =>
    modelOf(
      openapi(
        {
          '/members': secured([{ oauth: memberRead }], { responses: { '200': { description: 'OK', content: { 'application/json': { schema: arrayOf(MEMBER) } } } } }),
          '/crews': secured([{ oauth: ['read:crews', 'read:crews:name'] }]),
        },
        { components: { securitySchemes: { oauth: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: 'https://api.example.test/authorize', tokenUrl: 'https://api.example.test/token', scopes: declared } } } } } },
      ),
      { files },
    );
  const members = (model: ApiModel, fields?: string[]) => privilegeOf({ name: 'members', op: operation(model, '/members'), ...(fields ? { fields } : {}) }, model);

  it('asks for the listing scope the declared scopes name for the resource, and only the field scopes the mapped fields need', async () => {
    const model = await acme(scopes);
    const finding = members(model, ['badges', 'handle', 'last_seen']);
    // `handle` comes with the listing ("including at least their handles"); `last_seen` and `badges` need their field scopes.
    expect(finding.least_scopes).toEqual(['list:members', 'read:members:seen', 'read:badges:members']);
    expect(finding.flagged).toEqual([{ scope: 'admin:members', why: 'admin' }]);
    expect(finding.evidence[0]).toMatchObject({ quote: 'List members, including at least their handles.', reasoning: expect.stringContaining('list:members') });
    expect(finding.evidence.map((e) => e.quote)).toContain('Use `read:<resource>:<subresource>` to control what fields are returned.');
    expect(finding.evidence.find((e) => e.quote === 'read:members:handle')?.reasoning).toMatch(/not asked for: handle comes with list:members/);
    // Every quote is the docs' own text where it is cited.
    expect(checkQuotes(finding, model)).toEqual([]);
  });

  it('a field no field scope names needs the whole-model read scope', async () => {
    const finding = members(await acme(scopes), ['created', 'handle']);
    expect(finding.least_scopes).toEqual(['list:members', 'read:members']);
  });

  it('finds the listing scope from the prose convention alone, quoting it, when only the docs declare that scope', async () => {
    const model = await acme(scopes);
    const finding = privilegeOf({ name: 'crews', op: operation(model, '/crews'), fields: ['name'] }, model);
    expect(finding.least_scopes).toEqual(['list:crews', 'read:crews:name']);
    expect(finding.evidence[0]).toMatchObject({ quote: '`list:<resource>` \\ Read-only access to listing endpoints.' });
    expect(checkQuotes(finding, model)).toEqual([]);
  });

  it('without the prose rule on field scopes, every read scope of the requirement stays', async () => {
    const finding = members(await acme(scopes, {}), ['badges', 'handle', 'last_seen']);
    expect(finding.least_scopes).toEqual(['list:members', 'read:members', 'read:members:handle', 'read:members:seen', 'read:badges:members']);
  });

  it('without listing scopes declared, nothing is added', async () => {
    const { 'list:members': _m, 'list:crews': _c, ...noListing } = scopes;
    const model = await acme(noListing);
    expect(members(model, ['badges', 'handle', 'last_seen']).least_scopes).toEqual(['read:members:handle', 'read:members:seen', 'read:badges:members']);
    expect(privilegeOf({ name: 'crews', op: operation(model, '/crews'), fields: ['name'] }, model).least_scopes).toEqual(['read:crews:name']);
    // And without the conventions too: exactly the reading before them.
    const plain = await acme(noListing, {});
    expect(members(plain, ['handle']).least_scopes).toEqual(['read:members', 'read:members:handle', 'read:members:seen', 'read:badges:members']);
  });

  it('without the fields a connector reads, no read scope is left out', async () => {
    expect(members(await acme(scopes)).least_scopes).toEqual(['list:members', 'read:members', 'read:members:handle', 'read:members:seen', 'read:badges:members']);
  });

  it('prose cannot add a scope: a convention naming an undeclared scope, or an admin one, adds nothing', async () => {
    const hostile = ['## Scope conventions', '', '- `admin:<resource>` \\', '  Listing endpoints, all of them.', '- `list:<resource>` \\', '  Read-only access to listing endpoints.', ''].join('\n');
    const { 'list:members': _m, ...rest } = scopes;
    const model = await acme(rest, { 'scopes.md': hostile });
    // list:members is not declared; admin:members is, but is an admin scope.
    expect(members(model, ['handle']).least_scopes).toEqual(['read:members', 'read:members:handle', 'read:members:seen', 'read:badges:members']);
  });
});

describe('recordFieldsRead', () => {
  it('is the mapping\'s top-level fields and the fields child streams are filled from', () => {
    const mapping = { id: { path: 'name' }, email: { path: 'profile.email' }, status: { path: null } };
    const child = { parent: { stream: 'users', from_field: 'uid' } };
    expect(recordFieldsRead({ name: 'users', mapping }, [{ parent: null }, child])).toEqual(['name', 'profile', 'uid']);
  });
});
