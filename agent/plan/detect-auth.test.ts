import { describe, expect, it } from 'vitest';
import type { ApiModel } from '../ingest/api-model.ts';
import { arrayOf, listOp, modelOf, openapi, swagger2, USER } from '../../test/helpers/spec.ts';
import { detectAuth } from './detect-auth.ts';
import { planHeuristically } from './heuristic-planner.ts';

const usersPath = { '/users': listOp(arrayOf(USER)) };

function authOf(model: ApiModel) {
  return detectAuth(model.operations.filter((o) => o.method === 'get'), model);
}

function withSchemes(securitySchemes: Record<string, object>, security: object[], extra: Record<string, unknown> = {}) {
  return openapi(usersPath, { components: { securitySchemes }, security, ...extra });
}

describe('detectAuth', () => {
  it('sends an http bearer scheme as `Authorization: Bearer …`', async () => {
    const auth = authOf(await modelOf(withSchemes({ bearerAuth: { type: 'http', scheme: 'bearer' } }, [{ bearerAuth: [] }])));
    expect(auth).toMatchObject({ type: 'bearer', scheme_keys: ['bearerAuth'] });
    expect(auth.credentials).toEqual([{ name: 'Authorization', in: 'header', prefix: 'Bearer ', scheme: 'bearerAuth' }]);
  });

  it('sends Swagger 2.0 basic auth as `Authorization: Basic …`', async () => {
    const auth = authOf(
      await modelOf(swagger2({ '/users': { get: { responses: { '200': { description: 'OK', schema: arrayOf(USER) } } } } }, { securityDefinitions: { basic: { type: 'basic' } }, security: [{ basic: [] }] })),
    );
    expect(auth).toMatchObject({ type: 'basic', name: 'Authorization', prefix: 'Basic ' });
  });

  it('takes an API key header\'s prefix from the scheme description (`Authorization: SSWS {API Token}`)', async () => {
    const auth = authOf(
      await modelOf(
        withSchemes(
          { apiToken: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Pass the API token as a header in your API call: `Authorization: SSWS {API Token}`' } },
          [{ apiToken: [] }],
        ),
      ),
    );
    expect(auth).toMatchObject({ type: 'api_key', in: 'header', name: 'Authorization', prefix: 'SSWS ' });
    expect(auth.evidence.some((e) => e.quote?.includes('`Authorization: SSWS {API Token}`'))).toBe(true);
  });

  it('reads no prefix from a bare ALL-CAPS placeholder (`X-API-Key: YOUR_API_KEY`)', async () => {
    const auth = authOf(
      await modelOf(withSchemes({ key: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Send your key as `X-API-Key: YOUR_API_KEY`.' } }, [{ key: [] }])),
    );
    expect(auth).toMatchObject({ type: 'api_key', name: 'X-API-Key', prefix: '' });
  });

  it('reads a scheme word before an ALL-CAPS placeholder (`Authorization: Bearer YOUR_TOKEN`) as bearer', async () => {
    const auth = authOf(
      await modelOf(withSchemes({ key: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Header: `Authorization: Bearer YOUR_TOKEN`' } }, [{ key: [] }]), { format: 'yaml' }),
    );
    expect(auth).toMatchObject({ type: 'bearer', name: 'Authorization', prefix: 'Bearer ' });
  });

  it('reads a prefix from a description that gives only the format (`Token token=<API_KEY>`)', async () => {
    const auth = authOf(
      await modelOf(withSchemes({ api_key: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'The API Key with format `Token token=<API_KEY>`' } }, [{ api_key: [] }])),
    );
    expect(auth).toMatchObject({ type: 'api_key', name: 'Authorization', prefix: 'Token token=' });
  });

  it('finds the prefix in Markdown prose beside the spec', async () => {
    const markdown = [
      '# Using the REST API',
      '',
      'Send your token in the Authorization header:',
      '',
      '```python',
      "r = requests.get(api_url + '/users', headers={",
      "    'Authorization': f'token {token}',",
      '})',
      '```',
    ].join('\n');
    const spec = withSchemes({ token: { type: 'apiKey', in: 'header', name: 'Authorization' } }, [{ token: [] }]);
    const withDocs = authOf(await modelOf(spec, { files: { 'rest.md': markdown } }));
    expect(withDocs).toMatchObject({ type: 'api_key', name: 'Authorization', prefix: 'token ' });
    expect(withDocs.evidence.some((e) => e.source.file === 'rest.md')).toBe(true);
    // Without the page the prefix is unknown, and the plan says so through its confidence.
    const bare = authOf(await modelOf(spec));
    expect(bare.prefix).toBe('');
    expect(bare.confidence).toBeLessThan(withDocs.confidence);
  });

  it('injects two API key headers that are required together', async () => {
    const auth = authOf(
      await modelOf(
        withSchemes(
          { apiKeyAuth: { type: 'apiKey', in: 'header', name: 'DD-API-KEY' }, appKeyAuth: { type: 'apiKey', in: 'header', name: 'DD-APPLICATION-KEY' } },
          [{ apiKeyAuth: [], appKeyAuth: [] }],
        ),
      ),
    );
    expect(auth.type).toBe('api_key');
    expect(auth.credentials.map((c) => [c.name, c.in, c.prefix])).toEqual([
      ['DD-API-KEY', 'header', ''],
      ['DD-APPLICATION-KEY', 'header', ''],
    ]);
    expect(auth.scheme_keys).toEqual(['apiKeyAuth', 'appKeyAuth']);
  });

  it('presents an OAuth 2 token as a Bearer credential', async () => {
    const auth = authOf(
      await modelOf(
        withSchemes({ oauth: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: 'https://api.example.test/oauth/authorize', tokenUrl: 'https://api.example.test/oauth/token', scopes: { 'users:read': 'Read users' } } } } }, [
          { oauth: ['users:read'] },
        ]),
      ),
    );
    expect(auth).toMatchObject({ type: 'oauth2', name: 'Authorization', in: 'header', prefix: 'Bearer ' });
  });

  it('chooses the document\'s API key when an operation lists only OAuth 2 scopes', async () => {
    const spec = openapi(
      { '/users': { get: { ...listOp(arrayOf(USER)).get as object, security: [{ oauth2: ['read:users'] }] } } },
      {
        components: {
          securitySchemes: {
            token: { type: 'apiKey', in: 'header', name: 'Authorization' },
            oauth2: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: '/hub/api/oauth2/authorize', tokenUrl: '/hub/api/oauth2/token', scopes: { 'read:users': 'Read users' } } } },
          },
        },
        security: [{ token: [] }, { oauth2: [] }],
      },
    );
    const auth = authOf(await modelOf(spec));
    expect(auth.scheme_keys).toEqual(['token']);
    expect(auth).toMatchObject({ type: 'api_key', name: 'Authorization' });
  });

  it('puts a query API key in the query, with no prefix', async () => {
    const auth = authOf(
      await modelOf(withSchemes({ key: { type: 'apiKey', in: 'query', name: 'api_key', description: 'Your key, e.g. `Bearer {key}` is NOT accepted here.' } }, [{ key: [] }])),
    );
    expect(auth).toMatchObject({ type: 'api_key', in: 'query', name: 'api_key', prefix: '' });
  });

  it('is `none` when the docs define no security scheme', async () => {
    const auth = authOf(await modelOf(openapi(usersPath)));
    expect(auth).toMatchObject({ type: 'none', credentials: [], scheme_keys: [] });
  });
});

describe('detectAuth: which of several schemes, and why (least privilege first)', () => {
  const basic = { type: 'http', scheme: 'basic' };
  const key = { type: 'apiKey', in: 'header', name: 'X-Api-Key' };
  const authCode = { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: 'https://api.example.test/oauth/authorize', tokenUrl: 'https://api.example.test/oauth/token', scopes: { 'users:read': 'Read users', 'users:write': 'Manage users' } } } };
  const clientCredentials = { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://api.example.test/oauth/token', scopes: { 'users:read': 'Read users' } } } };
  const usersWith = (security: object[]) => ({ '/users': { get: { ...(listOp(arrayOf(USER)).get as object), security } } });

  it('prefers an API key over a person\'s password (HTTP Basic), whatever the order, and says why', async () => {
    for (const order of [[{ basic: [] }, { key: [] }], [{ key: [] }, { basic: [] }]]) {
      const auth = authOf(await modelOf(withSchemes({ basic, key }, order)));
      expect(auth.scheme_keys).toEqual(['key']);
      expect(auth.evidence.some((e) => /HTTP Basic: a user name and password, which cannot be scoped/.test(e.reasoning))).toBe(true);
    }
  });

  it('prefers OAuth 2.0 with the client credentials grant and declared scopes over an unscoped API key', async () => {
    const auth = authOf(await modelOf(withSchemes({ key, oauth: clientCredentials }, [{ key: [] }, { oauth: [] }])));
    expect(auth).toMatchObject({ type: 'oauth2', scheme_keys: ['oauth'] });
    expect(auth.evidence.some((e) => /client credentials grant: a client a human scopes and revokes on its own/.test(e.reasoning) && /not key/.test(e.reasoning))).toBe(true);
  });

  it('keeps an API key over OAuth 2.0 that needs a person to sign in (authorization code)', async () => {
    const auth = authOf(await modelOf(withSchemes({ oauth: authCode, key }, [{ oauth: [] }, { key: [] }])));
    expect(auth.scheme_keys).toEqual(['key']);
    expect(auth.evidence.some((e) => /need a person to sign in/.test(e.reasoning))).toBe(true);
  });

  it('prefers a token the docs say carries scopes over an unscoped key', async () => {
    const docs = { info: { title: 'Example API', version: '1', description: 'Personal access tokens can have scopes, just like OAuth tokens do.' } };
    const spec = withSchemes({ apiKey: key, personalAccessToken: { type: 'http', scheme: 'bearer' }, oauth: authCode }, [{ apiKey: [] }, { personalAccessToken: [] }, { oauth: [] }], docs);
    const auth = authOf(await modelOf(spec));
    expect(auth.scheme_keys).toEqual(['personalAccessToken']);
    expect(auth.evidence.some((e) => /a scoped API token/.test(e.reasoning))).toBe(true);
  });

  describe('least privilege for the scheme the connector uses', () => {
    it('an unscoped API key gets none of the OAuth scheme\'s scopes, and the least role the docs name', async () => {
      const people = { ...USER, role: { type: 'string', enum: ['admin', 'member', 'read_only'] } };
      const spec = openapi(
        { '/users': { get: { ...(listOp(arrayOf(people)).get as object), security: [{ key: [] }, { oauth: ['users:read'] }] } } },
        { components: { securitySchemes: { key, oauth: authCode }, schemas: { User: { type: 'object', properties: people } } } },
      );
      const plan = planHeuristically(await modelOf(spec));
      expect(plan.auth.scheme_keys).toEqual(['key']);
      const users = plan.assessment.privilege[0]!;
      expect(users.least_scopes).toEqual([]);
      expect(users.least_role).toBe('read_only');
      expect(users.evidence.some((e) => /scopes of the oauth scheme, which the connector does not use, are not asked for/.test(e.reasoning))).toBe(true);
    });

    it('an OAuth client gets its own scopes, read scopes before write ones', async () => {
      const plan = planHeuristically(await modelOf(openapi(usersWith([{ key: [] }, { oauth: ['users:read'] }]), { components: { securitySchemes: { key, oauth: clientCredentials } } })));
      expect(plan.auth.scheme_keys).toEqual(['oauth']);
      expect(plan.assessment.privilege[0]!.least_scopes).toEqual(['users:read']);
      expect(plan.auth.client_credentials?.scopes).toEqual(['users:read']);
    });

    it('a token the docs say carries scopes gets the OAuth scopes, with the sentence quoted', async () => {
      const docs = { info: { title: 'Example API', version: '1', description: 'Personal access tokens can have scopes, just like OAuth tokens do.' } };
      const plan = planHeuristically(await modelOf(openapi(usersWith([{ personalAccessToken: [] }, { oauth: ['users:read'] }]), { components: { securitySchemes: { personalAccessToken: { type: 'http', scheme: 'bearer' }, oauth: authCode } }, ...docs })));
      expect(plan.auth.scheme_keys).toEqual(['personalAccessToken']);
      const users = plan.assessment.privilege[0]!;
      expect(users.least_scopes).toEqual(['users:read']);
      expect(users.evidence.some((e) => e.quote?.includes('Personal access tokens can have scopes'))).toBe(true);
    });

    it('an extension named for scopes counts only for a scoped credential; one named for permissions for any', async () => {
      const op = (ext: Record<string, unknown>) => openapi({ '/users': { get: { ...(listOp(arrayOf(USER)).get as object), ...ext } } }, { components: { securitySchemes: { key } }, security: [{ key: [] }] });
      const scoped = planHeuristically(await modelOf(op({ 'x-requires-scope': 'users.read' })));
      expect(scoped.assessment.privilege[0]!.least_scopes).toEqual([]);
      const permission = planHeuristically(await modelOf(op({ 'x-permission': { permissions: ['user_access_read'] } })));
      expect(permission.assessment.privilege[0]!.least_scopes).toEqual(['user_access_read']);
    });

    it('a role the operation\'s description requires wins over the least role: sufficient as well as least', async () => {
      const spec = openapi(
        { '/users': { get: { ...(listOp(arrayOf({ ...USER, role: { type: 'string', enum: ['owner', 'read_only'] } })).get as object), description: 'Lists users. Requires admin or owner role permissions.' } } },
        { components: { securitySchemes: { key } }, security: [{ key: [] }] },
      );
      const users = planHeuristically(await modelOf(spec)).assessment.privilege[0]!;
      expect(users.least_role).toBe('admin or owner');
      expect(users.flagged.map((f) => f.scope)).toEqual(['admin', 'owner']);
    });
  });
});
