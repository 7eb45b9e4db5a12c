import { describe, expect, it } from 'vitest';
import { expectAccounted, get, list, obj, pathParam, planCase, planSpec, str, streamOf, whyNot, PERSON } from './case.ts';

describe('planner case F: two collections with the same last word', () => {
  it('the case file: the tenant\'s teams and the caller\'s teams, the relay\'s keys and the storage\'s keys — all kept', async () => {
    const planned = await planCase('F-one-root-per-noun.yaml');
    const { plan } = planned;
    expect(streamOf(plan, '/orgs/{org}/teams')).toMatchObject({ name: 'teams', kind: 'group' });
    expect(streamOf(plan, '/viewer/teams')).toMatchObject({ name: 'viewer_teams', kind: 'group' });
    expect(streamOf(plan, '/relay/keys')?.kind).toBe('api_key');
    expect(streamOf(plan, '/storage/keys')).toMatchObject({ name: 'storage_keys', kind: 'api_key' });
    expect(plan.excluded ?? []).toEqual([]);
    expectAccounted(planned);
  });

  it('other words: billing and deploy tokens, my groups beside the workspace\'s groups', async () => {
    const { plan } = await planSpec(
      {
        '/billing/tokens': get(list('T')),
        '/deploy/tokens': get(list('T')),
        '/my/groups': get(list('G')),
        '/workspaces/{workspace}/groups': { ...get(list('G'), { parameters: [pathParam('workspace')] }) },
      },
      { T: obj({ id: str, name: str, expires_at: str }), G: obj({ id: str, name: str }) },
    );
    expect(plan.streams.map((s) => [s.path, s.kind]).sort()).toEqual([
      ['/billing/tokens', 'token'],
      ['/deploy/tokens', 'token'],
      ['/my/groups', 'group'],
      ['/workspaces/{workspace}/groups', 'group'],
    ]);
    expect(streamOf(plan, '/my/groups')?.name).toBe('my_groups');
    expect(streamOf(plan, '/workspaces/{workspace}/groups')?.name).toBe('groups');
  });

  it('the same collection under another word is covered by the plain list: one stream', async () => {
    const planned = await planSpec({ '/users': get(list('P')), '/iam/assignees/users': get(list('P')), '/directory/users': get(list('P')) }, { P: PERSON });
    const { plan } = planned;
    expect(plan.streams.map((s) => s.path)).toEqual(['/users']);
    expect(whyNot(plan, '/iam/assignees/users')).toMatch(/covered by GET \/users/);
    expect(whyNot(plan, '/directory/users')).toMatch(/covered by GET \/users/);
    expectAccounted(planned);
  });
});
