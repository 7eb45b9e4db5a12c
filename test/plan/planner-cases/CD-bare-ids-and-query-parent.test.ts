import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../../agent/generate/generate-connector.ts';
import { expectAccounted, get, list, obj, planCase, planSpec, str, streamOf, whyNot, PERSON } from './case.ts';

const ids = (field: string, type = 'string') => obj({ [field]: { type: 'array', items: { type } } });
const required = (name: string) => ({ name, in: 'query', required: true, schema: { type: 'string' } });

describe('planner case CD: bare-id records; a parent key in a required query parameter', () => {
  it('the case file: admins as bare ids; a squad\'s people read per squad with `?squad=`, filled from each squad\'s id', async () => {
    const planned = await planCase('CD-bare-ids-and-query-parent.yaml');
    const { plan } = planned;
    expect(streamOf(plan, '/admins.list')).toMatchObject({ name: 'admins', kind: 'human', items_path: 'admin_ids', parent: null, mapping: { id: { path: '' }, email: { path: null } } });
    expect(streamOf(plan, '/squads.people.list')).toMatchObject({
      kind: 'human',
      items_path: 'people',
      query_variables: [],
      mapping: { id: { path: '' } },
      parent: { stream: 'squads', param: 'squad', from_field: 'id', in: 'query', relation: 'member_of', parent_is: 'to' },
      // Bare ids under a parent say only who belongs: relationships, never identities with every field unknown.
      link: { relation: 'member_of', from: { from: 'record' }, to: { from: 'parent' } },
    });
    expect(plan.tenant_variables).toEqual({});
    expectAccounted(planned);
  });

  it('the connector reads each squad\'s people with its id in the query, and the mock (its own reading) agrees', async () => {
    const { model, plan } = await planCase('CD-bare-ids-and-query-parent.yaml');
    const r = await generateConnector(model, plan, { seed: 3, maxAttempts: 1, force: true });
    expect(r.scorecard.findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(r.scorecard.verdict).toBe('pass');
  });

  it('other words: a group\'s member ids by `?group_id=`, collaborators as integer ids', async () => {
    const { plan } = await planSpec(
      {
        '/groups': get(list('G')),
        '/groups/members': get(ids('members'), { parameters: [required('group_id')] }),
        '/collaborators': get(ids('collaborator_ids', 'integer')),
      },
      { G: obj({ id: str, name: str }) },
    );
    expect(streamOf(plan, '/groups/members')).toMatchObject({ kind: 'human', parent: { stream: 'groups', param: 'group_id', in: 'query', from_field: 'id' } });
    expect(streamOf(plan, '/collaborators')).toMatchObject({ name: 'collaborators', kind: 'human', items_path: 'collaborator_ids', mapping: { id: { path: '' } } });
  });

  it('negatives: a required key no stream lists, bare ids of one record of another collection, a list of unnamed ids', async () => {
    const planned = await planSpec(
      {
        '/users': get(list('P')),
        '/teams.list': get(obj({ teams: list('G') }), { parameters: [required('channel')] }),
        '/conversations.members': get(ids('members')),
        '/groups': get(ids('values')),
      },
      { P: PERSON, G: obj({ id: str, name: str }) },
    );
    const { plan } = planned;
    expect(plan.streams.map((s) => s.path)).toEqual(['/users']);
    expect(whyNot(plan, '/teams.list')).toMatch(/needs the query parameter "channel".*names no stream's records/);
    expect(whyNot(plan, '/conversations.members')).toMatch(/bare ids of the members of one conversations record/);
    expect(whyNot(plan, '/groups')).toMatch(/no list of groups/);
    expectAccounted(planned);
  });
});

describe('a parent in the query passes the request policy like any run-time query value', () => {
  it('a slot whose query parent is a method override is refused', async () => {
    const { ConnectorSlots } = await import('../../../templates/slots/connector.ts');
    const { slotsFromPlan } = await import('../../../agent/render/slots-from-plan.ts');
    const { plan } = await planCase('CD-bare-ids-and-query-parent.yaml');
    const slots = slotsFromPlan(plan);
    expect(ConnectorSlots.safeParse(slots).success).toBe(true);
    const child = slots.streams.find((s) => s.parent?.in === 'query')!;
    child.parent = { ...child.parent!, param: '_method' };
    const parsed = ConnectorSlots.safeParse(slots);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.some((i) => i.path.join('.').endsWith('parent.param'))).toBe(true);
  });
});
