import { describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, USER } from '../../test/helpers/spec.ts';
import { classifyNoun, collectionName, collectionNoun, endsInParameter, isExcludedPath, looksLikeInfrastructure, refineKind } from './identity-kinds.ts';
import { SchemaView } from '../docs-view/schema-view.ts';
import { selectStreams } from './select-streams.ts';

describe('collectionNoun', () => {
  it.each([
    ['/api/v1/users', 'users'],
    ['/users.list', 'users'],
    ['/admin.users.list', 'users'],
    ['/2010-04-01/Accounts.json', 'accounts'],
    ['/api-tokens', 'api-tokens'],
    ['/api/v1/namespaces/{namespace}/serviceaccounts', 'serviceaccounts'],
    ['/users/{name}/tokens', 'tokens'],
    ['/v1/users:list', 'users'],
    ['/rest/api/3/users/search', 'users'],
  ])('%s → %s', (path, noun) => {
    expect(collectionNoun(path)).toBe(noun);
  });

  it('a path that ends in a parameter is one item, not a list', () => {
    expect(endsInParameter('/users/{id}')).toBe(true);
    expect(endsInParameter('/Accounts/{Sid}.json')).toBe(true);
    expect(endsInParameter('/users/{id}/keys')).toBe(false);
  });
});

describe('classifyNoun', () => {
  it.each([
    ['users', 'human'],
    ['members', 'human'],
    ['api-tokens', 'token'],
    ['serviceaccounts', 'service_account'],
    ['service_accounts', 'service_account'],
    ['ssh_keys', 'ssh_key'],
    ['api_keys', 'api_key'],
    ['groups', 'group'],
    ['roles', 'role'],
    ['bots', 'bot'],
  ] as const)('%s names %s', (noun, kind) => {
    expect(classifyNoun(noun, ['id'])?.kind).toBe(kind);
  });

  it('compound nouns win over their parts (`service_accounts` is not `accounts`)', () => {
    expect(classifyNoun('service_accounts', ['sid'])).toMatchObject({ kind: 'service_account', weight: 1 });
  });

  it('weak nouns count only when the records look like identities', () => {
    expect(classifyNoun('keys', ['id', 'color'])).toBeUndefined();
    expect(classifyNoun('keys', ['id', 'last_used_at'])?.kind).toBe('api_key');
    expect(classifyNoun('services', ['id', 'url'])).toBeUndefined();
    expect(classifyNoun('services', ['name', 'roles', 'admin'])?.kind).toBe('service_account');
    expect(classifyNoun('apps', ['id', 'live_url'])).toBeUndefined();
    expect(classifyNoun('apps', ['id', 'client_id'])?.kind).toBe('app');
    expect(classifyNoun('accounts', ['id', 'balance'])).toBeUndefined();
    expect(classifyNoun('accounts', ['sid', 'friendly_name'])?.kind).toBe('service_account');
  });

  it('reads grants as OAuth consents or as privilege grants by their fields', () => {
    expect(classifyNoun('grants', ['id', 'client_id', 'scope'])?.kind).toBe('oauth_grant');
    expect(classifyNoun('grants', ['privilege', 'grantee_name'])?.kind).toBe('role');
    expect(classifyNoun('grants', ['id', 'amount'])).toBeUndefined();
  });

  it('knows robots, cloud key pairs, and owners or identities whose records are a person\'s', () => {
    expect(classifyNoun('robots', ['id'])?.kind).toBe('bot');
    expect(classifyNoun('key_pairs', ['id', 'fingerprint'])?.kind).toBe('ssh_key');
    expect(classifyNoun('owners', ['id', 'email'])?.kind).toBe('human');
    expect(classifyNoun('owners', ['id', 'share'])).toBeUndefined();
    expect(classifyNoun('identities', ['id', 'username'])?.kind).toBe('human');
  });

  it('does not name identities for unrelated nouns', () => {
    expect(classifyNoun('invoices', ['id', 'email'])).toBeUndefined();
    expect(classifyNoun('droplets', ['id', 'name'])).toBeUndefined();
  });
});

describe('collectionName', () => {
  it('drops a trailing state word (kept as the state) and batch words; keeps the spelling for word splitting', () => {
    expect(collectionName('/users/deactivated')).toMatchObject({ noun: 'users', state: 'deactivated' });
    expect(collectionName('/admin.bots.blocked.list')).toMatchObject({ noun: 'bots', state: 'blocked', context: ['admin'] });
    expect(collectionName('/users/bulk')).toEqual({ noun: 'users', raw: 'users', context: [] });
    expect(collectionName('/api/v2/PartnerUsers')).toEqual({ noun: 'partnerusers', raw: 'PartnerUsers', context: [] });
    expect(collectionName('/mail/suppression/groups')?.context).toEqual(['mail', 'suppression']);
  });
});

describe('kind refinements', () => {
  it('a key with a public key or fingerprint is an SSH key', () => {
    expect(refineKind('api_key', ['id', 'fingerprint'])).toBe('ssh_key');
    expect(refineKind('api_key', ['id', 'last_used_at'])).toBe('api_key');
  });

  it('groups with regions or IPs are infrastructure', () => {
    expect(looksLikeInfrastructure('group', ['id', 'region'])).toBe(true);
    expect(looksLikeInfrastructure('human', ['id', 'region'])).toBe(false);
  });

  it('`me`, `sessions` and audit paths are never identity lists', () => {
    expect(isExcludedPath('/users/me/keys')).toBe(true);
    expect(isExcludedPath('/audit/users')).toBe(true);
    expect(isExcludedPath('/admin/users')).toBe(false);
  });
});

describe('nouns in a whole spec', () => {
  it('a singular `/user` without a list of records is not a stream', async () => {
    const model = await modelOf(
      openapi({
        '/user': listOp({ type: 'object', properties: { id: { type: 'integer' }, login: { type: 'string' }, orgs: arrayOf({ id: { type: 'integer' }, name: { type: 'string' } }) } }),
        '/users': listOp(arrayOf(USER)),
      }),
    );
    const { roots } = selectStreams(model, new SchemaView(model));
    expect(roots.map((r) => r.op.path)).toEqual(['/users']);
  });

  it('a singular noun whose body is the array is a list', async () => {
    const model = await modelOf(openapi({ '/user': listOp(arrayOf(USER)) }));
    const { roots } = selectStreams(model, new SchemaView(model));
    expect(roots.map((r) => [r.op.path, r.kind])).toEqual([['/user', 'human']]);
  });

  it('weak nouns need identity-like fields in the spec too', async () => {
    const model = await modelOf(
      openapi({
        '/keys': listOp(arrayOf({ id: { type: 'string' }, color: { type: 'string' } })),
        '/credentials': listOp(arrayOf({ id: { type: 'string' }, last_used_at: { type: 'string', format: 'date-time' } })),
        '/api-tokens': listOp(arrayOf({ id: { type: 'string' }, name: { type: 'string' } })),
      }),
    );
    const { roots } = selectStreams(model, new SchemaView(model));
    expect(Object.fromEntries(roots.map((r) => [r.op.path, r.kind]))).toEqual({ '/credentials': 'api_key', '/api-tokens': 'token' });
  });
});
