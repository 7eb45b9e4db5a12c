import { describe, expect, it } from 'vitest';
import { expectAccounted, get, list, obj, planCase, planSpec, str, streamOf, whyNot, PERSON } from './case.ts';

const described = (description: string) => ({ type: 'string', description });

describe('planner case N: the kind from what the docs say, not the path word alone', () => {
  it('the case file: SSH keys by the summary and field words; team-container accounts left out; child accounts are service accounts', async () => {
    const planned = await planCase('N-kind-refinement.yaml');
    const { plan } = planned;
    expect(streamOf(plan, '/viewer/keys')?.kind).toBe('ssh_key');
    expect(streamOf(plan, '/child_users')?.kind).toBe('service_account');
    expect(streamOf(plan, '/accounts')).toBeUndefined();
    expect(whyNot(plan, '/accounts')).toMatch(/owner_ids.*roles_allowed.*not service accounts/);
    expectAccounted(planned);
  });

  it('other words: a field described as an SSH public key; GPG keys are not SSH keys; sub-accounts by their summary; accounts with members', async () => {
    const { plan } = await planSpec(
      {
        '/credentials': get(list('Cred')),
        '/profile/keys': get(list('Gpg'), { summary: 'List GPG keys of the caller' }),
        '/gpg_keys': get(list('Gpg')),
        '/subusers': get(list('P'), { summary: 'List your sub-accounts' }),
        '/accounts': get(list('Team')),
      },
      {
        Cred: obj({ id: str, title: str, key: described('An SSH public key, in OpenSSH format.') }),
        Gpg: obj({ id: str, key_id: str, public_key: str, expires_at: str }),
        P: PERSON,
        Team: obj({ id: str, name: str, members: { type: 'array', items: str }, type: str }),
      },
    );
    expect(streamOf(plan, '/credentials')?.kind).toBe('ssh_key');
    expect(streamOf(plan, '/profile/keys')?.kind).toBe('certificate');
    expect(streamOf(plan, '/gpg_keys')?.kind).toBe('certificate');
    expect(streamOf(plan, '/subusers')?.kind).toBe('service_account');
    expect(whyNot(plan, '/accounts')).toMatch(/members.*not service accounts/);
  });

  it('the words only refine: plain users stay people, plain API keys stay API keys, accounts with a sid and status stay service accounts', async () => {
    const planned = await planSpec(
      {
        '/users': get(list('P'), { summary: 'List users of your account' }),
        '/api_keys': get(list('Key'), { summary: 'List API keys' }),
        '/accounts': get(list('Acct')),
      },
      { P: PERSON, Key: obj({ id: str, name: str, last_used_at: str }), Acct: obj({ sid: str, friendly_name: str, status: str }) },
    );
    const { plan } = planned;
    expect(Object.fromEntries(plan.streams.map((s) => [s.path, s.kind]))).toEqual({ '/users': 'human', '/api_keys': 'api_key', '/accounts': 'service_account' });
    expectAccounted(planned);
  });
});
