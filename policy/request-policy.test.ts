import { describe, expect, it } from 'vitest';
import { READ_ONLY_REQUEST_POLICY as policy, wordsOf } from './request-policy.ts';

describe('the request policy', () => {
  it('splits names into words', () => {
    expect(wordsOf('X-HTTP-Method-Override')).toEqual(['x', 'http', 'method', 'override']);
    expect(wordsOf('regenerateKeys')).toEqual(['regenerate', 'keys']);
  });

  it('refuses method-override headers and parameters, in any spelling', () => {
    for (const h of ['X-HTTP-Method-Override', 'x-http-method', 'X-Method-Override', 'X-HTTP-Method', 'Http-Verb', 'X-Original-URL']) expect(policy.header(h)?.rule, h).toBe('method-override');
    for (const q of ['_method', 'method', 'httpMethod', 'http_method', '_HttpMethod', 'x-http-method-override']) expect(policy.fixedValue('query', q, 'GET')?.rule, q).toBe('method-override');
    expect(policy.fixedValue('query', 'mode', 'DELETE')?.rule).toBe('method-override');
    expect(policy.header('X-Mode', 'patch')?.rule).toBe('method-override');
  });

  it('refuses a fixed value or flag that asks for a write, an issuance, a rotation, a revocation or a deletion', () => {
    expect(policy.fixedValue('path', 'action', 'rotate')?.rule).toBe('write-value');
    expect(policy.fixedValue('query', 'regenerate', 'true')?.rule).toBe('write-value');
    expect(policy.fixedValue('query', 'op', 'revokeAll')?.rule).toBe('write-value');
    expect(policy.fixedValue('query', 'force_delete', '1')?.rule).toBe('write-value');
    expect(policy.fixedValue('header', 'X-Action', 'issue-token')?.rule).toBe('write-value');
    expect(policy.fixedValue('query', 'grant_type', 'client_credentials')?.rule).toBe('credential-flow');
    expect(policy.fixedValue('query', 'refresh', 'yes', 'When true, the server rotates every token before answering.')?.rule).toBe('write-value');
    expect(policy.fixedValue('query', 'mode', 'full', 'Set to full to regenerate all keys.')?.rule).toBe('write-value');
  });

  it('leaves reads alone: states a list filters on, switched-off flags, field names', () => {
    expect(policy.fixedValue('query', 'include_deleted', 'true')).toBeUndefined();
    expect(policy.fixedValue('query', 'status', 'revoked')).toBeUndefined();
    expect(policy.fixedValue('query', 'regenerate', 'false')).toBeUndefined();
    expect(policy.fixedValue('query', 'sort', 'create_time')).toBeUndefined();
    expect(policy.fixedValue('query', 'state', 'all')).toBeUndefined();
    expect(policy.fixedValue('path', 'apiVersion', 'v4')).toBeUndefined();
    expect(policy.fixedValue('query', 'type', 'refresh_tokens', 'Which tokens to list.')).toBeUndefined();
    expect(policy.header('Accept', 'application/vnd.github+json')).toBeUndefined();
    expect(policy.header('X-Api-Version', '2024-01-01')).toBeUndefined();
  });

  it('refuses operations that issue, exchange, check or rotate credentials, whatever the method', () => {
    for (const path of ['/oauth/token', '/oauth2/v1/token', '/oauth/revoke', '/oauth2/introspect', '/login', '/tokens/regenerate', '/keys:rotate', '/auth.revoke', '/users/{id}/delete', '/users/{id}/resetPassword', '/{action}/apiKeys:regenerate']) {
      expect(policy.operation({ path })?.rule, path).toMatch(/credential-flow|write-operation/);
    }
    expect(policy.operation({ path: '/tokens', summary: 'Regenerate tokens', description: 'Rotates every token of the account and returns the new ones.' })?.rule).toBe('write-operation');
    expect(policy.operation({ path: '/keys', description: 'Lists the keys. Calling this endpoint revokes all expired keys.' })?.rule).toBe('write-operation');
  });

  it('takes list operations, plural nouns that look like verbs and prose about other calls', () => {
    for (const path of ['/users', '/oauth/grants', '/invites', '/users/{id}/tokens', '/authorizations', '/locks', '/refresh_tokens']) expect(policy.operation({ path }), path).toBeUndefined();
    expect(policy.operation({ path: '/keys', summary: 'List API keys', description: 'Lists keys. Use POST /keys to create a key; keys rotate every 90 days.' })).toBeUndefined();
    expect(policy.operation({ path: '/refresh_tokens', summary: 'List refresh tokens' })).toBeUndefined();
    expect(policy.operation({ path: '/users', summary: 'List users', description: 'Returns the users created in the last day.' })).toBeUndefined();
  });
});
