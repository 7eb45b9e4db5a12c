import { describe, expect, it } from 'vitest';
import { describeAuth } from '../cli/render-plan.ts';
import { checkQuotes } from '../docs-view/quote-check.ts';
import { arrayOf, listOp, modelOf, openapi, USER } from '../../test/helpers/spec.ts';
import { unsafeTokenUrl, withClientCredentials } from './client-credentials.ts';
import { planHeuristically } from './heuristic-planner.ts';

/** The plan records the client credentials grant when the chosen scheme offers it, quoting the docs' tokenUrl. */

const oauthSpec = (flows: object, scopes: string[] = ['users:read']) => openapi({ '/users': listOp(arrayOf(USER), { security: [{ oauth: scopes }] }) }, { components: { securitySchemes: { oauth: { type: 'oauth2', flows } } } });

describe('withClientCredentials', () => {
  it('an oauth2 scheme with a clientCredentials flow: the token URL, the least scopes the flow offers, the tokenUrl quoted', async () => {
    const model = await modelOf(oauthSpec({ clientCredentials: { tokenUrl: 'https://login.example.test/oauth/token', scopes: { 'users:read': 'Read', 'users:write': 'Write' } } }));
    const plan = planHeuristically(model);
    expect(plan.auth.client_credentials).toEqual({ scheme: 'oauth', token_url: 'https://login.example.test/oauth/token', scopes: ['users:read'] });
    const cited = plan.auth.evidence.find((e) => e.quote === 'https://login.example.test/oauth/token');
    expect(cited?.source.pointer).toBe('/components/securitySchemes/oauth/flows/clientCredentials');
    expect(checkQuotes(plan, model)).toEqual([]);
    expect(describeAuth(plan.auth)).toMatch(/the host obtains it with the client credentials grant from https:\/\/login\.example\.test\/oauth\/token, scopes users:read/);
  });

  it('a token URL written `//host/path` names another host: never called relative to the base URL, and said to be on another origin', async () => {
    const reasoningOf = async (tokenUrl: string) => {
      const plan = planHeuristically(await modelOf(oauthSpec({ clientCredentials: { tokenUrl, scopes: { 'users:read': 'Read' } } })));
      return plan.auth.evidence.map((e) => e.reasoning).join(' | ');
    };
    const network = await reasoningOf('//auth.other.example/token');
    expect(network).not.toMatch(/relative to the base URL/);
    expect(network).toMatch(/not on the API's origin/);
    const path = await reasoningOf('/token');
    expect(path).toMatch(/relative to the base URL/);
    expect(path).not.toMatch(/not on the API's origin/);
  });

  it('asks only for scopes the flow offers: a least scope of another flow is left out, and said so', async () => {
    const model = await modelOf(
      oauthSpec({ authorizationCode: { authorizationUrl: 'https://login.example.test/a', tokenUrl: 'https://login.example.test/t', scopes: { 'users:read': 'Read' } }, clientCredentials: { tokenUrl: '/token', scopes: { 'directory:read': 'Read' } } }, ['users:read']),
    );
    const auth = withClientCredentials(planHeuristically(model).auth, model, ['users:read']);
    expect(auth.client_credentials?.scopes).toEqual([]);
    expect(auth.evidence.some((e) => /users:read is not offered by this flow/.test(e.reasoning))).toBe(true);
  });

  it('a token URL on a host that is not public, or with user-info, is left out of the plan, and the evidence says why without repeating it', async () => {
    for (const [tokenUrl, secret] of [['http://169.254.169.254/token', '169.254.169.254/token'], ['https://svc:pw-4f9a2c@login.example.test/token', 'pw-4f9a2c'], ['//kubernetes.default.svc/token', 'kubernetes.default.svc/token']] as const) {
      const model = await modelOf(oauthSpec({ clientCredentials: { tokenUrl, scopes: { 'users:read': 'Read' } } }));
      const plan = planHeuristically(model);
      expect(plan.auth.client_credentials, tokenUrl).toBeUndefined();
      expect(JSON.stringify(plan)).not.toContain(secret);
      expect(plan.auth.evidence.some((e) => /token URL is not kept in the plan: .*run --token-url/.test(e.reasoning)), tokenUrl).toBe(true);
      expect(checkQuotes(plan, model)).toEqual([]);
    }
  });

  it('unsafeTokenUrl: path references and public hosts (placeholders as validation fills them) are kept', () => {
    expect(unsafeTokenUrl('/oauth/token')).toBeUndefined();
    expect(unsafeTokenUrl('https://login.example.test/oauth/token')).toBeUndefined();
    expect(unsafeTokenUrl('https://{tenant}.auth0.com/oauth/token')).toBeUndefined();
    expect(unsafeTokenUrl('file:///etc/passwd')).toMatch(/not http or https/);
  });

  it('no client credentials when the flow is another grant, or the chosen scheme is not oauth2', async () => {
    const code = await modelOf(oauthSpec({ authorizationCode: { authorizationUrl: 'https://login.example.test/a', tokenUrl: 'https://login.example.test/t', scopes: { 'users:read': 'Read' } } }));
    expect(planHeuristically(code).auth.client_credentials).toBeUndefined();
    const keyFirst = await modelOf(
      openapi({ '/users': listOp(arrayOf(USER)) }, {
        components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' }, oauth: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/token', scopes: {} } } } } },
        security: [{ key: [] }, { oauth: [] }],
      }),
    );
    const auth = planHeuristically(keyFirst).auth;
    expect(auth.type).toBe('api_key');
    expect(auth.client_credentials).toBeUndefined();
  });
});
