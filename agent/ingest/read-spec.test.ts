import { describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, swagger2, USER } from '../../test/helpers/spec.ts';

/** Security schemes: the OAuth 2.0 client credentials flow's token URL and scopes, with their source. */

const usersPath = { '/users': listOp(arrayOf(USER)) };

describe('readSpec: an OAuth 2.0 client credentials flow', () => {
  it('OpenAPI 3: keeps flows.clientCredentials\' tokenUrl and that flow\'s scopes only, at the flow\'s pointer; other flows stay as they were', async () => {
    const model = await modelOf(
      openapi(usersPath, {
        components: {
          securitySchemes: {
            oauth: {
              type: 'oauth2',
              flows: {
                authorizationCode: { authorizationUrl: 'https://login.acme.test/authorize', tokenUrl: 'https://login.acme.test/code-token', scopes: { 'profile:read': 'Your profile' } },
                clientCredentials: { tokenUrl: '/oauth/token', scopes: { 'users:read': 'Read users', 'users:write': 'Change users' } },
              },
            },
          },
        },
      }),
    );
    const [scheme] = model.security_schemes;
    expect(scheme!.client_credentials).toEqual({
      token_url: '/oauth/token',
      scopes: [{ name: 'users:read', description: 'Read users' }, { name: 'users:write', description: 'Change users' }],
      source: { file: 'spec.json', pointer: '/components/securitySchemes/oauth/flows/clientCredentials' },
    });
    expect(scheme!.flows).toEqual(['authorizationCode', 'clientCredentials']);
    expect(scheme!.scopes.map((s) => s.name)).toEqual(['profile:read', 'users:read', 'users:write']);
  });

  it('Swagger 2.0: flow application with its tokenUrl, the scheme\'s scopes, at the scheme\'s pointer', async () => {
    const model = await modelOf(
      swagger2({ '/users': { get: { responses: { '200': { description: 'OK', schema: arrayOf(USER) } } } } }, {
        securityDefinitions: { oauth: { type: 'oauth2', flow: 'application', tokenUrl: 'https://login.example.test/token', scopes: { 'users:read': 'Read users' } } },
      }),
    );
    expect(model.security_schemes[0]!.client_credentials).toEqual({
      token_url: 'https://login.example.test/token',
      scopes: [{ name: 'users:read', description: 'Read users' }],
      source: { file: 'spec.json', pointer: '/securityDefinitions/oauth' },
    });
  });

  it('no client credentials for another grant, nor for a flow without a tokenUrl', async () => {
    const model = await modelOf(
      swagger2({ '/users': { get: { responses: { '200': { description: 'OK', schema: arrayOf(USER) } } } } }, {
        securityDefinitions: {
          code: { type: 'oauth2', flow: 'accessCode', authorizationUrl: 'https://login.example.test/a', tokenUrl: 'https://login.example.test/token', scopes: {} },
          bare: { type: 'oauth2', flow: 'application', scopes: {} },
        },
      }),
    );
    expect(model.security_schemes.map((s) => s.client_credentials)).toEqual([undefined, undefined]);
  });
});
