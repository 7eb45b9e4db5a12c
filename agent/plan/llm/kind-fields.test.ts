import { describe, expect, it } from 'vitest';
import { kindMisfit } from './kind-fields.ts';

/** A kind a model names where the heuristics read none must fit the records: two signals, not one field that many records have. */
describe('kindMisfit', () => {
  it.each([
    ['human', ['id', 'email', 'amount', 'status']],
    ['human', ['id', 'user_name', 'comment', 'created_at']],
    ['api_key', ['id', 'key', 'title', 'body']],
    ['api_key', ['key', 'value']],
    ['api_key', ['id', 'object_key', 'size']],
    ['token', ['id', 'code', 'expires_at']],
    ['oauth_grant', ['id', 'client', 'total']],
    ['app', ['id', 'name', 'url']],
    ['role', ['id', 'rules', 'direction']],
    ['certificate', ['id', 'serial_number', 'model']],
    ['group', ['id', 'name', 'description']],
  ] as const)('refuses %s for records with %j', (kind, fields) => {
    expect(kindMisfit(kind, fields)).toMatch(/do not carry what/);
  });

  it.each([
    ['human', ['id', 'email', 'given_name', 'family_name']],
    ['human', ['login', 'name', 'last_login_at']],
    ['api_key', ['id', 'key_id', 'prefix', 'last_used_at']],
    ['ssh_key', ['id', 'public_key', 'fingerprint']],
    ['service_account', ['id', 'display_name', 'roles', 'disabled']],
    ['oauth_grant', ['id', 'client_id', 'scopes']],
    ['certificate', ['id', 'fingerprint', 'not_after', 'issuer']],
    ['group', ['id', 'name', 'members']],
    ['role', ['id', 'name', 'permissions']],
  ] as const)('accepts %s for records with %j', (kind, fields) => {
    expect(kindMisfit(kind, fields)).toBeUndefined();
  });

  it('takes bare ids as any kind (nothing to judge)', () => {
    expect(kindMisfit('human', [])).toBeUndefined();
  });
});
