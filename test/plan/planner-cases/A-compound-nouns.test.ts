import { describe, expect, it } from 'vitest';
import { expectAccounted, get, list, obj, planCase, planSpec, str, streamOf, whyNot, PERSON } from './case.ts';

describe('planner case A: an identity word inside a compound collection name', () => {
  it('the case file: the head noun of snake, CamelCase, squashed and kebab names decides the kind', async () => {
    const planned = await planCase('A-compound-nouns.yaml');
    const { plan } = planned;
    expect(streamOf(plan, '/guest_collaborators')?.kind).toBe('human');
    expect(streamOf(plan, '/PartnerUsers')?.kind).toBe('human');
    expect(streamOf(plan, '/subadmins')?.kind).toBe('human');
    expect(streamOf(plan, '/custom-apps')?.kind).toBe('app');
    expect(streamOf(plan, '/billingrole')).toMatchObject({ kind: 'role', mapping: { id: { path: 'key' } } });
    expect(streamOf(plan, '/people')?.kind).toBe('human');
    expectAccounted(planned);
  });

  it('other words of the class: external_members, VendorAdmins, superusers, partner-apps, supportroles, ProjectTeams', async () => {
    const app = obj({ id: str, name: str, client_id: str });
    const { plan } = await planSpec(
      {
        '/external_members': get(list('P')),
        '/VendorAdmins': get(list('P')),
        '/superusers': get(list('P')),
        '/partner-apps': get(list('App')),
        '/supportroles': get(list('Role')),
        '/ProjectTeams': get(list('Team')),
      },
      { P: PERSON, App: app, Role: obj({ id: str, name: str }), Team: obj({ id: str, name: str }) },
    );
    expect(Object.fromEntries(plan.streams.map((s) => [s.path, s.kind]))).toEqual({
      '/external_members': 'human',
      '/VendorAdmins': 'human',
      '/superusers': 'human',
      '/partner-apps': 'app',
      '/supportroles': 'role',
      '/ProjectTeams': 'group',
    });
  });

  it('guard rails: a modifier never makes identities of a head that names none, nor does a word that merely ends like one', async () => {
    const thing = obj({ id: str, name: str, created_at: str });
    const planned = await planSpec(
      {
        '/users': get(list('P')),
        '/user_settings': get(list('T')),
        '/userpreferences': get(list('T')),
        '/parole': get(list('T')),
        '/abusers': get(list('P')),
        '/monkeys': get(list('T')),
        // "apps" after a modifier still needs an integration's fields: a deployed web app is not one.
        '/custom-apps': get(list('Site')),
      },
      { P: PERSON, T: thing, Site: obj({ id: str, name: str, live_url: str }) },
    );
    const { plan } = planned;
    expect(plan.streams.map((s) => s.path)).toEqual(['/users']);
    for (const p of ['/user_settings', '/userpreferences', '/parole', '/abusers', '/monkeys', '/custom-apps']) expect(whyNot(plan, p), p).toMatch(/not identities|infrastructure/);
    expectAccounted(planned);
  });
});
