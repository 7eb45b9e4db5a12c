import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../../agent/generate/generate-connector.ts';
import { expectAccounted, get, list, obj, pathParam, planCase, planSpec, str, streamOf, whyNot, PERSON } from './case.ts';

describe('planner case I: a tenant parameter after a non-tenant word; a parent list that is not a path prefix; a trailing slash', () => {
  it('the case file: a squad\'s people, {workspace_ref} a tenant, {squad_slug} from each squad\'s slug', async () => {
    const planned = await planCase('I-parent-elsewhere.yaml');
    const { plan } = planned;
    expect(streamOf(plan, '/workspaces/{workspace_ref}/squads/')).toMatchObject({ name: 'squads', kind: 'group', parent: null });
    expect(streamOf(plan, '/squads/{workspace_ref}/{squad_slug}/people/')).toMatchObject({
      kind: 'human',
      parent: { stream: 'squads', param: 'squad_slug', from_field: 'slug', relation: 'member_of', parent_is: 'to' },
    });
    expect(Object.keys(plan.tenant_variables)).toEqual(['workspace_ref']);
    expectAccounted(planned);
  });

  it('the connector reads each squad\'s people and the mock, reading the parent by its own rule, agrees', async () => {
    const { model, plan } = await planCase('I-parent-elsewhere.yaml');
    const r = await generateConnector(model, plan, { seed: 7, maxAttempts: 1, force: true });
    expect(r.scorecard.findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(r.scorecard.verdict).toBe('pass');
  });

  it('other words: a user group\'s members under /usergroups/{org_key}/{usergroupId}/members/, the groups listed per organisation', async () => {
    const { plan } = await planSpec(
      {
        '/orgs/{org_key}/usergroups/': get(list('T'), { parameters: [pathParam('org_key')] }),
        '/usergroups/{org_key}/{usergroupId}/members/': get(list('P'), { parameters: [pathParam('org_key'), pathParam('usergroupId')] }),
      },
      { T: obj({ id: str, name: str }), P: PERSON },
    );
    expect(streamOf(plan, '/usergroups/{org_key}/{usergroupId}/members/')).toMatchObject({ kind: 'human', parent: { stream: 'usergroups', param: 'usergroupId', from_field: 'id' } });
  });

  it('a parameter that names no listed records leaves the list out, with why', async () => {
    const planned = await planSpec(
      {
        '/workspaces/{workspace_ref}/squads/': get(list('T'), { parameters: [pathParam('workspace_ref')] }),
        '/things/{workspace_ref}/{thing_slug}/people/': get(list('P'), { parameters: [pathParam('workspace_ref'), pathParam('thing_slug')] }),
      },
      { T: obj({ id: str, slug: str }), P: PERSON },
    );
    expect(whyNot(planned.plan, '/things/{workspace_ref}/{thing_slug}/people/')).toMatch(/needs \{thing_slug\}/);
    expectAccounted(planned);
  });
});
