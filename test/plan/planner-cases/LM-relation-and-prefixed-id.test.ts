import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../../agent/generate/generate-connector.ts';
import { expectAccounted, get, obj, pathParam, planCase, planSpec, str, streamOf, whyNot } from './case.ts';

const arr = (name: string) => ({ type: 'array', items: { $ref: `#/components/schemas/${name}` } });
const accounts = { '/Accounts.json': get(obj({ accounts: arr('Account') })) };
const Account = obj({ sid: str, friendly_name: str, status: str });

describe('planner case LM: apps, groups and consents under an account parent; `<record>_sid` ids', () => {
  it('the case file: the account owns its OAuth apps; its consented apps are OAuth grants to it, identified by oauth_app_sid', async () => {
    const planned = await planCase('LM-relation-and-prefixed-id.yaml');
    const { plan } = planned;
    expect(streamOf(plan, '/Accounts/{AccountSid}/OauthApps.json')).toMatchObject({ kind: 'app', parent: { stream: 'accounts', param: 'AccountSid', from_field: 'sid', relation: 'owns', parent_is: 'from' } });
    expect(streamOf(plan, '/Accounts/{AccountSid}/ConsentedOauthApps.json')).toMatchObject({
      kind: 'oauth_grant',
      mapping: { id: { path: 'oauth_app_sid' } },
      parent: { stream: 'accounts', relation: 'granted_to', parent_is: 'to' },
    });
    expectAccounted(planned);
  });

  it('passes its proof: the mock keeps each record\'s `<record>_sid` by its own reading', async () => {
    const { model, plan } = await planCase('LM-relation-and-prefixed-id.yaml');
    const r = await generateConnector(model, plan, { seed: 11, maxAttempts: 1, force: true });
    expect(r.scorecard.findings.filter((f) => f.level === 'error')).toEqual([]);
  });

  it('other words: groups an account holds; authorized apps identified by `connected_app_id`', async () => {
    const sid = [pathParam('AccountSid')];
    const { plan } = await planSpec(
      {
        ...accounts,
        '/Accounts/{AccountSid}/Groups.json': get(obj({ groups: arr('Group') }), { parameters: sid }),
        '/Accounts/{AccountSid}/AuthorizedConnectedApps.json': get(obj({ authorized_connected_apps: arr('Auth') }), { parameters: sid }),
      },
      { Account, Group: obj({ sid: str, friendly_name: str }), Auth: obj({ account_sid: str, connected_app_id: str, permissions: { type: 'array', items: str } }) },
    );
    expect(streamOf(plan, '/Accounts/{AccountSid}/Groups.json')).toMatchObject({ kind: 'group', parent: { stream: 'accounts', param: 'AccountSid', from_field: 'sid' } });
    expect(streamOf(plan, '/Accounts/{AccountSid}/AuthorizedConnectedApps.json')).toMatchObject({ kind: 'oauth_grant', mapping: { id: { path: 'connected_app_id' } } });
  });

  it('an id field the docs say may be null identifies nothing: the list is left out, with why', async () => {
    const planned = await planSpec(
      { ...accounts, '/Accounts/{AccountSid}/ConsentedOauthApps.json': get(obj({ consented_oauth_apps: arr('C') }), { parameters: [pathParam('AccountSid')] }) },
      { Account, C: obj({ oauth_app_sid: { type: 'string', nullable: true }, permissions: { type: 'array', items: str } }) },
    );
    expect(whyNot(planned.plan, '/Accounts/{AccountSid}/ConsentedOauthApps.json')).toMatch(/no field of its records looks like an identifier/);
    expectAccounted(planned);
  });
});
