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

describe('the request policy, issue 10 spellings', () => {
  it('decodes path segments, and refuses strong verbs in any segment and before plural nouns', () => {
    for (const path of ['/%72otate/tokens', '/%72otate%zz/tokens', '/rotate-now/tokens', '/rotateKeys/tokens', '/admin/deleteInactiveUsers', '/keys/purgeAll']) expect(policy.operation({ path })?.rule, path).toBe('write-operation');
    expect(() => policy.operation({ path: '/%E0%A4%A/users' })).not.toThrow();
    for (const path of ['/refresh_tokens', '/invites', '/inviteRequests', '/users/{id}/access_tokens', '/created_users', '/grants']) expect(policy.operation({ path }), path).toBeUndefined();
    expect(policy.operation({ path: '/tokens', id: 'rotateAllTokens' })?.rule).toBe('write-operation');
    expect(policy.operation({ path: '/tokens', id: 'listTokens' })).toBeUndefined();
  });

  it('reads prose: clauses, passive acts with a trigger or every/all subject, markup, it-sentences, gerunds', () => {
    const refused = [
      'Lists keys; rotates every key first.',
      'Lists keys. Each key is revoked once returned.',
      'Lists the keys, which are purged by this call.',
      'Lists keys: every key gets rotated.',
      'Lists users and all users are deleted.',
      'Lists tokens, then <b>rotates</b> the tokens.',
      '**Rotates** the tokens.',
      'Lists tokens. Note: it regenerates all of them.',
      'Lists tokens by rotating each of them.',
      'Lists keys and wipes the secrets.',
      'This endpoint works like DELETE and revokes all tokens.',
    ];
    for (const description of refused) expect(policy.operation({ path: '/keys', description })?.rule, description).toBe('write-operation');
    const reads = ['Keys rotate every 90 days.', 'Tokens are revoked when their owner leaves.', 'List refresh tokens.', 'Use POST /keys to create a key.', 'Lists keys, which rotate automatically every 90 days.', 'Lists all keys, even those that are revoked.'];
    for (const description of reads) expect(policy.operation({ path: '/keys', summary: 'List keys', description }), description).toBeUndefined();
  });

  it('refuses fixed values: passive prose, confirm/commit, secrets in clear, foreign act words, dry runs off', () => {
    expect(policy.fixedValue('query', 'mode', 'full', 'When set, every token is revoked.')?.rule).toBe('write-value');
    expect(policy.fixedValue('query', 'confirm', 'yes', 'Confirm the revocation of every token.')?.rule).toBe('write-value');
    expect(policy.fixedValue('query', 'reveal_secret', 'true')?.rule).toBe('credential-flow');
    expect(policy.fixedValue('query', 'action', 'terminate')?.rule).toBe('write-value');
    expect(policy.fixedValue('query', 'action', 'expire')?.rule).toBe('write-value');
    for (const v of ['eliminar', 'borrar', 'löschen', 'supprimer', 'effacer', 'cancellare', 'rimuovere', 'excluir', 'apagar', 'rotar', 'revocar']) expect(policy.fixedValue('query', 'accion', v)?.rule, v).toBe('write-value');
    expect(policy.fixedValue('header', 'X-Dry-Run', 'false')?.rule).toBe('write-value');
    expect(policy.fixedValue('query', 'dry_run', '0')?.rule).toBe('write-value');
    expect(policy.fixedValue('query', 'dry_run', 'true')).toBeUndefined();
    expect(policy.fixedValue('query', 'include_deleted', 'true', 'Include deleted users')).toBeUndefined();
    expect(policy.fixedValue('query', 'include_deleted', 'true', 'Whether to include users that are deleted')).toBeUndefined();
    expect(policy.fixedValue('query', 'confirm', 'yes', 'Confirm you have read the terms.')).toBeUndefined();
    expect(policy.fixedValue('query', 'sort', 'expires')).toBeUndefined();
  });

  it('judges wire paths narrowly and wire query values whole', () => {
    for (const path of ['/admin/keys:rotate', '/users;_method=DELETE', '/oauth/token', '/admin/deleteInactiveUsers', '/auth.revoke', '/keys/%72otate']) expect(policy.path(path), path).toBeDefined();
    for (const path of ['/teams/delete-team/users', '/users/first.last@acme.test/tokens', '/users', '/refresh_tokens', '/v1/users.json']) expect(policy.path(path), path).toBeUndefined();
    expect(policy.wireQuery('action', 'rotate')?.rule).toBe('write-value');
    expect(policy.wireQuery('op', 'Delete')?.rule).toBe('method-override');
    expect(policy.wireQuery('_method', 'GET')?.rule).toBe('method-override');
    for (const [n, v] of [['event_type', 'user.delete'], ['cursor', 'gAddPnt9'], ['status', 'revoked'], ['regenerate', 'false']]) expect(policy.wireQuery(n!, v!), `${n}=${v}`).toBeUndefined();
  });
});

describe('lifecycle prose and grant lists are reads (a missing identity list is the worst bug)', () => {
  it('passive rules with a condition, and access lists, are not acts', () => {
    expect(policy.operation({ path: '/sessions', summary: 'List active sessions', description: 'All sessions are invalidated when the password changes.' })).toBeUndefined();
    expect(policy.operation({ path: '/keys', summary: 'List API keys', description: 'Lists API keys. All keys are rotated every 90 days.' })).toBeUndefined();
    expect(policy.operation({ path: '/users/{id}/access', summary: 'List access grants of a user' })).toBeUndefined();
    expect(policy.operation({ path: '/oauth.access' })?.rule).toBe('credential-flow');
    expect(policy.operation({ path: '/users', description: 'All users are deleted after the list is sent.' })?.rule).toBe('write-operation');
  });
});

describe('hostile sizes', () => {
  it('a megabyte of capitals in a value, a path or prose is judged at once (no backtracking pattern), and a huge fixed value is refused', () => {
    const big = 'A'.repeat(1_000_000);
    expect(policy.fixedValue('path', 'base', big)?.reason).toMatch(/1000000 characters cannot be judged/);
    expect(policy.header('X-Big', big)?.rule).toBe('write-value');
    expect(policy.operation({ path: `/${big}/users`, description: `<b ${big}`, summary: `**${big}` })).toBeUndefined();
    expect(policy.path(`/${big}/users`)).toBeUndefined();
    expect(wordsOf('HTTPMethodOverride')).toEqual(['http', 'method', 'override']);
  });
});

describe('after a second attack: reads a real API describes stay reads, and new spellings of acts are refused', () => {
  it('lists, filters and lifecycle prose', () => {
    const lists: [string, string?][] = [
      ['/users', 'Returns users. Deleted users are omitted when listed.'],
      ['/serviceAccounts', 'This endpoint returns service accounts; to remove accounts, see the admin guide.'],
      ['/users', 'Suspended users are hidden when the list is returned.'],
      ['/tokens', 'Lists tokens. Tokens are refreshed when requested by the client.'],
      ['/users', 'Every user is deactivated by an administrator, never by the API.'],
      ['/tokens', 'Every token is revoked once its owner leaves the org.'],
      ['/reset_requests'], ['/create-requests'], ['/reports/authorization'], ['/api/v1/monitor/can_delete'],
    ];
    for (const [path, description] of lists) expect(policy.operation({ path, description }), `${path} ${description ?? ''}`).toBeUndefined();
    for (const [n, v] of [['event_type', 'update'], ['type', 'login'], ['action_type', 'user.delete'], ['include', 'grants'], ['kind', 'grant']] as const) {
      expect(policy.fixedValue('query', n, v), `${n}=${v}`).toBeUndefined();
      expect(policy.wireQuery(n, v), `wire ${n}=${v}`).toBeUndefined();
    }
    expect(policy.fixedValue('query', 'include_deleted', 'true', 'Whether to include users that are deleted.')).toBeUndefined();
  });

  it('acts in new words, spellings and prose', () => {
    expect(policy.fixedValue('query', 'cleanup', 'true', 'When true, deactivated users are deleted before the list is returned.')).toBeDefined();
    expect(policy.fixedValue('query', 'prune', 'true', 'Set to true and inactive users will be removed.')).toBeDefined();
    expect(policy.fixedValue('query', 'force', 'true', 'Forces key rotation.')).toBeDefined();
    for (const v of ['nuke', 'drop', 'kill', 'cancel', 'archive', 'unlink', 'detach', 'sweep', 'clear']) expect(policy.fixedValue('query', 'action', v), v).toBeDefined();
    for (const path of ['/users:batchDelete', '/users/bulk-delete', '/users/{id}/nuke', '/users/%2564elete']) expect(policy.operation({ path }), path).toBeDefined();
    expect(policy.operation({ path: '/apiKeys', description: 'Lists API keys; the server issues a fresh key for every account.' })).toBeDefined();
    expect(policy.operation({ path: '/users', description: 'Returns all users and deletes the inactive ones.' })).toBeDefined();
    expect(policy.operation({ path: '/keys', description: 'Lists keys. Note that keys get rotated as part of this call.' })).toBeDefined();
    for (const path of ['/admin/keys%2Frotate', '/admin/users:batchDelete', '/admin/users/bulk-delete']) expect(policy.path(path), path).toBeDefined();
    expect(policy.wireQuery('action', 'ro\u00adtate')).toBeDefined();
  });
});
