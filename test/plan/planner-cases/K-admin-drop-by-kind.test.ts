import { describe, expect, it } from 'vitest';
import { expectAccounted, get, list, obj, planCase, planSpec, str, streamOf, whyNot } from './case.ts';

const oauth = (scopes: Record<string, string>) => ({ oauth: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://auth.example.test/token', scopes } } } });

describe('planner case K: an admin-scoped list of a different collection is not covered by another stream of its kind', () => {
  it('the case file: runner access tokens are not "covered" by personal tokens; they need a scope with admin power, so they are left out, named with that scope', async () => {
    const planned = await planCase('K-admin-drop-by-kind.yaml');
    const { plan } = planned;
    expect(streamOf(plan, '/tokens')?.kind).toBe('token');
    expect(streamOf(plan, '/runners/access_tokens')).toBeUndefined();
    expect(whyNot(plan, '/runners/access_tokens')).toMatch(/^readable only with scopes that grant admin power \(runners:admin\)/);
    expectAccounted(planned);
  });

  it('the case file with a read-only admin scope: the runner tokens are kept beside personal tokens (a different collection)', async () => {
    const planned = await planSpec(
      {
        '/tokens': get(list('Token'), { security: [{ oauth: ['tokens:read'] }] }),
        '/runners/access_tokens': get(list('RunnerToken'), { security: [{ oauth: ['runners:admin.read'] }] }),
      },
      { Token: obj({ id: str, name: str, expires_at: str }), RunnerToken: obj({ id: str, runner: str, last_used_at: str }) },
      { components: { securitySchemes: oauth({ 'tokens:read': 'r', 'runners:admin.read': 'a' }), schemas: { Token: obj({ id: str, name: str, expires_at: str }), RunnerToken: obj({ id: str, runner: str, last_used_at: str }) } }, security: [] },
    );
    expect(streamOf(planned.plan, '/runners/access_tokens')).toMatchObject({ kind: 'token', required_scopes: ['runners:admin.read'] });
    expectAccounted(planned);
  });

  it('an admin-power list that is the only list stays (flagged by the assessment: manual build recommended)', async () => {
    const planned = await planSpec(
      { '/runners/access_tokens': get(list('RunnerToken'), { security: [{ oauth: ['runners:admin'] }] }) },
      { RunnerToken: obj({ id: str, runner: str, last_used_at: str }) },
      { components: { securitySchemes: oauth({ 'runners:admin': 'a' }), schemas: { RunnerToken: obj({ id: str, runner: str, last_used_at: str }) } }, security: [] },
    );
    expect(streamOf(planned.plan, '/runners/access_tokens')?.kind).toBe('token');
    expect(planned.plan.assessment.verdict).toBe('manual-build-recommended');
  });

  it('other words: service keys behind an admin scope beside personal keys; an admin list of the same records (same fields) is still dropped', async () => {
    const Key = obj({ id: str, name: str, expires_at: str });
    const planned = await planSpec(
      {
        '/keys': get(list('Key'), { security: [{ oauth: ['keys:read'] }] }),
        '/service/api_keys': get(list('SvcKey'), { security: [{ oauth: ['service:admin.read'] }] }),
        '/access_keys': get(list('Key'), { security: [{ oauth: ['keys:admin.read'] }] }),
      },
      { Key, SvcKey: obj({ id: str, service: str, last_used_at: str }) },
      { components: { securitySchemes: oauth({ 'keys:read': 'r', 'keys:admin.read': 'a', 'service:admin.read': 'a' }), schemas: { Key, SvcKey: obj({ id: str, service: str, last_used_at: str }) } }, security: [] },
    );
    const { plan } = planned;
    expect(streamOf(plan, '/keys')?.kind).toBe('api_key');
    expect(streamOf(plan, '/service/api_keys')?.kind).toBe('api_key');
    expect(streamOf(plan, '/access_keys')).toBeUndefined();
    expect(whyNot(plan, '/access_keys')).toMatch(/admin scopes, and another stream already lists the same api_key records/);
    expectAccounted(planned);
  });
});
