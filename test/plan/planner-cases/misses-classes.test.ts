import { describe, expect, it } from 'vitest';
import { expectAccounted, get, list, obj, pathParam, planSpec, str, streamOf, whyNot, PERSON } from './case.ts';

/**
 * Classes of misses the labelled scorer found on real docs (bench/planner-score-run.ts), each with an
 * invented variant and a negative: delegations are OAuth consents; "same collection" reads the path's
 * words and the records; a blanket-nullable id still identifies; client secrets are credentials, a
 * secret store's entries are not; service integrations with granted scopes are apps; owners of a
 * record are ownership links; apps a person authorised are consents.
 */

const people = { '/members': get(list('P')) };
const arr = (name: string) => list(name);

describe('misses: delegations a person gave are OAuth consents', () => {
  it('a member\'s delegated authorizations (client, scope, expiry) are oauth_grant, granted_to the member', async () => {
    const planned = await planSpec(
      { ...people, '/members/{member_id}/delegations': get(obj({ delegations: arr('D') }), { parameters: [pathParam('member_id')] }) },
      { P: PERSON, D: obj({ id: str, client_id: str, scope: str, expires_at: str }) },
    );
    expect(streamOf(planned.plan, '/members/{member_id}/delegations')).toMatchObject({ kind: 'oauth_grant', parent: { stream: 'members', relation: 'granted_to', parent_is: 'to' } });
    expectAccounted(planned);
  });

  it('negative: "delegations" of work (assignee, task) name no client or scope: not identities', async () => {
    const { plan } = await planSpec({ ...people, '/delegations': get(arr('W')) }, { P: PERSON, W: obj({ id: str, task: str, assignee: str }) });
    expect(streamOf(plan, '/delegations')).toBeUndefined();
    expect(whyNot(plan, '/delegations')).toMatch(/not identities/);
  });
});

describe('misses: the same collection is one notion (path words, then records)', () => {
  const oauth = { oauth: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://auth.example.test/token', scopes: { 'keys:read': 'r', 'edge:admin.read': 'a' } } } } };
  it('an admin-scoped list of keys under another product\'s words is kept beside the plain keys; its tenant-like parent is read from its list', async () => {
    const K = obj({ name: str, access_key: str, created_at: str });
    const EK = obj({ id: str, name: str, expires_at: str });
    const NS = obj({ label: str, uuid: str, region: str });
    const planned = await planSpec(
      {
        '/keys': get(arr('K'), { security: [{ oauth: ['keys:read'] }] }),
        '/edge/namespaces': get(arr('NS'), { security: [{ oauth: ['keys:read'] }] }),
        '/edge/namespaces/{namespace_id}/keys': get(arr('EK'), { parameters: [pathParam('namespace_id')], security: [{ oauth: ['edge:admin.read'] }] }),
      },
      { K, EK, NS },
      { components: { securitySchemes: oauth, schemas: { K, EK, NS } }, security: [] },
    );
    const { plan } = planned;
    expect(streamOf(plan, '/keys')?.kind).toBe('api_key');
    // Read under each namespace the docs list (a container), not a tenant variable; not dropped as "the same api_key records".
    expect(streamOf(plan, '/edge/namespaces/{namespace_id}/keys')).toMatchObject({ kind: 'api_key', parent: { stream: 'namespaces', param: 'namespace_id', relation: 'owns' } });
    expect(plan.tenant_variables).toEqual({});
    expectAccounted(planned);
  });

  it('negative: a list under a word whose records are the plain list\'s is covered by it; different words with the same records stay apart, admin scope or not', async () => {
    const K = obj({ id: str, name: str, created_at: str });
    const T = obj({ id: str, name: str, expires_at: str });
    const planned = await planSpec(
      { '/keys': get(arr('K')), '/billing/keys': get(arr('K')), '/relay/tokens': get(arr('T'), { security: [{ oauth: ['keys:read'] }] }), '/vault/tokens': get(arr('T'), { security: [{ oauth: ['edge:admin.read'] }] }) },
      { K, T },
      { components: { securitySchemes: oauth, schemas: { K, T } }, security: [{ oauth: ['keys:read'] }] },
    );
    const { plan } = planned;
    expect(whyNot(plan, '/billing/keys')).toMatch(/covered by GET \/keys/);
    expect(streamOf(plan, '/relay/tokens')?.kind).toBe('token');
    expect(streamOf(plan, '/vault/tokens')?.kind).toBe('token');
    expectAccounted(planned);
  });
});

describe('misses: an id nullable like every other field still identifies', () => {
  const accounts = { '/Accounts.json': get(obj({ accounts: arr('A') })) };
  const A = obj({ sid: str, friendly_name: str });
  const nul = (d?: string) => ({ type: 'string', nullable: true, ...(d ? { description: d } : {}) });
  it('docs that mark every field nullable: the record-named sid is the id', async () => {
    const planned = await planSpec(
      { ...accounts, '/Accounts/{AccountSid}/AuthorizedPartnerApps.json': get(obj({ authorized_partner_apps: arr('C') }), { parameters: [pathParam('AccountSid')] }) },
      { A, C: obj({ account_sid: nul(), partner_app_sid: nul(), partner_app_name: nul(), permissions: { type: 'array', items: str, nullable: true } }) },
    );
    expect(streamOf(planned.plan, '/Accounts/{AccountSid}/AuthorizedPartnerApps.json')).toMatchObject({ kind: 'oauth_grant', mapping: { id: { path: 'partner_app_sid' } } });
  });

  it('negative: an id whose own words say it may be absent identifies nothing, even when every field is nullable', async () => {
    const planned = await planSpec(
      { ...accounts, '/Accounts/{AccountSid}/AuthorizedPartnerApps.json': get(obj({ authorized_partner_apps: arr('C') }), { parameters: [pathParam('AccountSid')] }) },
      { A, C: obj({ account_sid: nul(), partner_app_sid: nul('The SID of the partner app; may be null for apps installed before 2019.'), partner_app_name: nul(), permissions: { type: 'array', items: str, nullable: true } }) },
    );
    expect(whyNot(planned.plan, '/Accounts/{AccountSid}/AuthorizedPartnerApps.json')).toMatch(/no field of its records looks like an identifier/);
    expectAccounted(planned);
  });
});

describe('misses: client secrets are credentials, a secret store\'s entries are not', () => {
  const integrations = { '/integrations': get(arr('I')) };
  const I = obj({ id: str, client_id: str, label: str });
  it('secrets under each integration (hash, status, expiry), even under a credentials word, are api_key records it owns', async () => {
    const planned = await planSpec(
      { ...integrations, '/integrations/{integrationId}/credentials/client-secrets': get(arr('S'), { parameters: [pathParam('integrationId')] }) },
      { I, S: obj({ id: str, secret_hash: str, status: str, created: str, expires_at: str }) },
    );
    expect(streamOf(planned.plan, '/integrations/{integrationId}/credentials/client-secrets')).toMatchObject({ kind: 'api_key', parent: { stream: 'integrations', relation: 'owns' } });
  });

  it('negative: a secret store\'s entries (key, value) and certificate signing requests are not identities', async () => {
    const { plan } = await planSpec(
      { ...integrations, '/vault/secrets': get(arr('V')), '/integrations/{integrationId}/credentials/csrs': get(arr('R'), { parameters: [pathParam('integrationId')] }) },
      { I, V: obj({ id: str, name: str, value: str, expires_at: str }), R: obj({ id: str, csr: str, created: str }) },
    );
    expect(streamOf(plan, '/vault/secrets')).toBeUndefined();
    expect(whyNot(plan, '/vault/secrets')).toMatch(/secret store|not identities/);
    expect(streamOf(plan, '/integrations/{integrationId}/credentials/csrs')).toBeUndefined();
  });
});

describe('misses: service integrations granted scopes are apps', () => {
  it('`/partner-services` whose records hold grantedScopes: app', async () => {
    const { plan } = await planSpec({ '/partner-services': get(arr('S')) }, { S: obj({ id: str, name: str, grantedScopes: { type: 'array', items: str } }) });
    expect(streamOf(plan, '/partner-services')?.kind).toBe('app');
  });

  it('negative: plain services holding scopes stay service accounts; deployed services (a region) are not identities', async () => {
    const { plan } = await planSpec({ ...people, '/services': get(arr('S')), '/deploy/services': get(arr('D')) }, { P: PERSON, S: obj({ id: str, name: str, scopes: str }), D: obj({ id: str, name: str, region: str, image: str }) });
    expect(streamOf(plan, '/services')?.kind).toBe('service_account');
    expect(streamOf(plan, '/deploy/services')).toBeUndefined();
  });
});

describe('misses: owners of a record are ownership links', () => {
  const teams = { '/squads': get(arr('T')) };
  it('a squad\'s owners (id, type, displayName) are link records: each owner owns the team', async () => {
    const planned = await planSpec(
      { ...people, ...teams, '/squads/{squadId}/owners': get(arr('O'), { parameters: [pathParam('squadId')] }) },
      { P: PERSON, T: obj({ id: str, name: str }), O: obj({ id: str, type: { type: 'string', enum: ['USER', 'GROUP'] }, displayName: str }) },
    );
    expect(streamOf(planned.plan, '/squads/{squadId}/owners')).toMatchObject({ link: { relation: 'owns', from: { from: 'field', path: 'id' }, to: { from: 'parent' } }, parent: { stream: 'squads', param: 'squadId' } });
    expect(streamOf(planned.plan, '/squads/{squadId}/owners')?.mapping.id?.path).toBeNull();
    expectAccounted(planned);
  });

  it('negative: a root list of owners names no record they own: not a link stream', async () => {
    const { plan } = await planSpec({ ...people, '/owners': get(arr('O')) }, { P: PERSON, O: obj({ id: str, displayName: str }) });
    expect(streamOf(plan, '/owners')).toBeUndefined();
  });
});

describe('misses: apps a person authorised are consents', () => {
  it('"List authorized apps" / "apps you have given access to": oauth_grant', async () => {
    const { plan } = await planSpec(
      { '/profile/apps': get(arr('A'), { summary: 'List authorized apps', description: 'Third-party apps you have given access to your account.' }) },
      { A: obj({ id: str, label: str, scopes: str, expiry: str }) },
    );
    expect(streamOf(plan, '/profile/apps')?.kind).toBe('oauth_grant');
  });

  it('negative: "List approved apps" (an admin\'s allow-list) and plain app lists stay apps', async () => {
    const { plan } = await planSpec(
      { '/apps/approved': get(arr('A'), { summary: 'List approved apps' }), '/oauth/apps': get(arr('B'), { summary: 'List OAuth apps with their authorized redirect URIs' }) },
      { A: obj({ id: str, label: str, client_id: str, scopes: str }), B: obj({ id: str, name: str, client_id: str, redirect_uris: str }) },
    );
    expect(streamOf(plan, '/oauth/apps')?.kind).toBe('app');
    expect(plan.streams.every((s) => s.kind === 'app')).toBe(true);
  });
});

describe('misses: a parent found by the records\' own field, not a path prefix', () => {
  const roles = (param: string) => get(arr('R'), { parameters: [{ ...pathParam(param), description: '`client_id` of the app' }] });
  const R = obj({ id: str, role: str, assignmentType: str });
  it('`{clientId}` filled from each app\'s top-level client_id', async () => {
    const planned = await planSpec({ '/apps': get(arr('A')), '/oauth/clients/{clientId}/roles': roles('clientId') }, { A: obj({ id: str, label: str, client_id: str, scopes: str }), R });
    expect(streamOf(planned.plan, '/oauth/clients/{clientId}/roles')).toMatchObject({ kind: 'role', parent: { stream: 'apps', param: 'clientId', from_field: 'client_id' } });
    expectAccounted(planned);
  });

  it('negative: a client_id only nested in some records fills nothing: left out, quoting the parameter', async () => {
    const planned = await planSpec({ '/apps': get(arr('A')), '/oauth/clients/{clientId}/roles': roles('clientId') }, { A: obj({ id: str, label: str, client_id_issued_at: str, credentials: obj({ oauthClient: obj({ client_id: str }) }) }), R });
    expect(whyNot(planned.plan, '/oauth/clients/{clientId}/roles')).toMatch(/needs \{clientId\} \("`client_id` of the app"\).*no list's records carry it as a top-level field/);
  });
});

