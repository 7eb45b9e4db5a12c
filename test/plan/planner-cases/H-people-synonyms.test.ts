import { describe, expect, it } from 'vitest';
import { expectAccounted, get, list, obj, planCase, planSpec, str, streamOf, whyNot, PERSON } from './case.ts';

describe('planner case H: words for people the vocabulary lacked', () => {
  it('the case file: coworkers (records in `results`) and the crew (a mass noun, a bare array) are people', async () => {
    const planned = await planCase('H-people-synonyms.yaml');
    const { plan } = planned;
    expect(streamOf(plan, '/coworkers')).toMatchObject({ kind: 'human', items_path: 'results' });
    expect(streamOf(plan, '/crew')).toMatchObject({ kind: 'human', items_path: '' });
    expectAccounted(planned);
  });

  it('other words: staff, teammates, colleagues, personnel; agents and operators when their records are a person\'s', async () => {
    const { plan } = await planSpec(
      { '/staff': get(list('P')), '/teammates': get(list('P')), '/colleagues': get(list('P')), '/personnel': get(list('P')), '/agents': get(list('P')), '/operators': get(list('P')), '/identities': get(list('P')) },
      { P: PERSON },
    );
    expect(plan.streams.map((s) => [s.path, s.kind]).sort()).toEqual(['/agents', '/colleagues', '/identities', '/operators', '/personnel', '/staff', '/teammates'].map((p) => [p, 'human']));
  });

  it('agents and operators that are software (build agents, cluster operators) are not people', async () => {
    const planned = await planSpec(
      { '/users': get(list('P')), '/agents': get(list('Agent')), '/operators': get(list('Op')), '/identities': get(list('Op')) },
      { P: PERSON, Agent: obj({ id: str, name: str, version: str, os: str }), Op: obj({ id: str, name: str, image: str }) },
    );
    const { plan } = planned;
    expect(plan.streams.map((s) => s.path)).toEqual(['/users']);
    expect(whyNot(plan, '/agents')).toMatch(/not identities/);
    expect(whyNot(plan, '/operators')).toMatch(/not identities/);
    expect(whyNot(plan, '/identities')).toMatch(/not identities/);
    expectAccounted(planned);
  });
});
