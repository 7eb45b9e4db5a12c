import { describe, expect, it } from 'vitest';
import { expectAccounted, get, list, obj, planCase, planSpec, str, streamOf, whyNot, PERSON } from './case.ts';

describe('planner case B: a state or batch word after the noun; a singular noun in a page wrapper', () => {
  it('the case file: deactivated users and blocked bots are collections of their own; a squad\'s members page in `items`', async () => {
    const planned = await planCase('B-trailing-qualifier.yaml');
    const { plan } = planned;
    expect(streamOf(plan, '/users')).toMatchObject({ name: 'users', kind: 'human' });
    expect(streamOf(plan, '/users/deactivated')).toMatchObject({ name: 'deactivated_users', kind: 'human' });
    expect(streamOf(plan, '/admin.bots.blocked.list')).toMatchObject({ name: 'blocked_bots', kind: 'bot', items_path: 'blocked_bots' });
    expect(streamOf(plan, '/squad/member')).toMatchObject({ kind: 'human', items_path: 'items' });
    expectAccounted(planned);
  });

  it('other words: suspended members, invited users in an RPC name, a singular `user` whose page is `data`', async () => {
    const page = obj({ data: list('P'), next: str });
    const { plan } = await planSpec(
      {
        '/members': get(list('P')),
        '/members/suspended': get(list('P')),
        '/admin.users.invited.list': get(obj({ ok: { type: 'boolean' }, invited_users: list('P') })),
        '/team/user': get(page, { parameters: [{ name: 'page', in: 'query', schema: { type: 'integer' } }] }),
      },
      { P: PERSON },
    );
    expect(streamOf(plan, '/members/suspended')).toMatchObject({ name: 'suspended_members', kind: 'human' });
    expect(streamOf(plan, '/admin.users.invited.list')).toMatchObject({ name: 'invited_users', kind: 'human', items_path: 'invited_users' });
    expect(streamOf(plan, '/team/user')).toMatchObject({ kind: 'human', items_path: 'data' });
  });

  it('a batch word or a state the plain list holds reads the same collection, covered by it; a singular noun in a wrapper with no paging nor plural is one record', async () => {
    const planned = await planSpec(
      {
        '/users': get(list('P')),
        '/users/bulk': get(list('P')),
        '/users/active': get(list('P')),
        '/squad/member': get(obj({ data: list('P') }), { summary: 'Get the lead member of the squad' }),
      },
      { P: PERSON },
    );
    const { plan } = planned;
    expect(plan.streams.map((s) => s.path)).toEqual(['/users']);
    expect(whyNot(plan, '/users/bulk')).toMatch(/covered by GET \/users/);
    // Active users are in the plain list anyway: a subset, not a collection of their own.
    expect(whyNot(plan, '/users/active')).toMatch(/covered by GET \/users/);
    expect(whyNot(plan, '/squad/member')).toMatch(/singular/);
    expectAccounted(planned);
  });
});
