import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../../agent/generate/generate-connector.ts';
import { expectAccounted, get, list, obj, planCase, planSpec, str, streamOf, whyNot, PERSON } from './case.ts';

const required = (name: string) => ({ name, in: 'query', required: true, schema: { type: 'string' } });
const Group = obj({ id: str, name: str });

describe('planner case X: precision — a per-person list is not a root; a product feature called groups holds no identities', () => {
  it('the case file: one person\'s groups are read per person (accountId from /people), never a root with a tenant variable; mail suppression groups left out', async () => {
    const planned = await planCase('X-fp-tenant-misread-and-name-collision.yaml');
    const { plan } = planned;
    expect(streamOf(plan, '/person/groups')).toMatchObject({
      kind: 'group',
      query_variables: [],
      parent: { stream: 'people', param: 'accountId', from_field: 'accountId', in: 'query', relation: 'member_of', parent_is: 'from' },
    });
    expect(plan.tenant_variables).toEqual({});
    expect(whyNot(plan, '/mail/suppression/groups')).toMatch(/product feature of (mail|suppression)/);
    expectAccounted(planned);
  });

  it('passes its proof: the mock reads the query parent by its own rule', async () => {
    const { model, plan } = await planCase('X-fp-tenant-misread-and-name-collision.yaml');
    const r = await generateConnector(model, plan, { seed: 13, maxAttempts: 1, force: true });
    expect(r.scorecard.findings.filter((f) => f.level === 'error')).toEqual([]);
  });

  it('other words: a member\'s teams by `memberId`; unsubscribe groups, device groups, security groups, TLS certificates', async () => {
    const planned = await planSpec(
      {
        '/members': get(list('M')),
        '/member/teams': get(list('G'), { parameters: [required('memberId')] }),
        '/email/unsubscribe_groups': get(list('G')),
        '/devices/groups': get(list('G')),
        '/security-groups': get(list('G')),
        '/certificates': get(list('Cert')),
      },
      { M: obj({ memberId: str, email: str }), G: Group, Cert: obj({ id: str, common_name: str, domains: { type: 'array', items: str }, expires_at: str }) },
    );
    const { plan } = planned;
    expect(streamOf(plan, '/member/teams')).toMatchObject({ parent: { stream: 'members', param: 'memberId', in: 'query' }, query_variables: [] });
    expect(whyNot(plan, '/email/unsubscribe_groups')).toMatch(/product feature of (email|unsubscribe)/);
    expect(whyNot(plan, '/devices/groups')).toMatch(/product feature of devices/);
    expect(whyNot(plan, '/security-groups')).toMatch(/product feature of security/);
    expect(whyNot(plan, '/certificates')).toMatch(/secure servers or domains/);
    expectAccounted(planned);
  });

  it('one user\'s teams under the singular word for the users, by an `accountId` that is not their id field: read per user, and proved', async () => {
    const planned = await planSpec(
      { '/users': get(list('U')), '/user/teams': get(list('G'), { parameters: [required('accountId')] }) },
      { U: obj({ id: str, email: str }), G: Group },
    );
    expect(streamOf(planned.plan, '/user/teams')).toMatchObject({ query_variables: [], parent: { stream: 'users', param: 'accountId', from_field: 'id', in: 'query' } });
    expect(planned.plan.tenant_variables).toEqual({});
    const r = await generateConnector(planned.model, planned.plan, { seed: 17, maxAttempts: 1, force: true });
    expect(r.scorecard.findings.filter((f) => f.level === 'error')).toEqual([]);
  });

  it('the rule is about the context, not the word: plain and admin groups stay groups; a tenant key that is no list\'s id stays a tenant variable', async () => {
    const { plan } = await planSpec(
      {
        '/people': get(list('P')),
        '/groups': get(list('G')),
        '/admin/user_groups': get(list('G')),
        '/teams': get(list('G'), { parameters: [required('org_id')] }),
      },
      { P: PERSON, G: Group },
    );
    expect(streamOf(plan, '/groups')?.kind).toBe('group');
    expect(streamOf(plan, '/admin/user_groups')?.kind).toBe('group');
    expect(streamOf(plan, '/teams')).toMatchObject({ parent: null, query_variables: ['org_id'] });
  });
});
