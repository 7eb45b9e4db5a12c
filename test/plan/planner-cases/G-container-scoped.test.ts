import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../../agent/generate/generate-connector.ts';
import { slotsFromPlan } from '../../../agent/render/slots-from-plan.ts';
import { ConnectorSlots } from '../../../templates/slots/connector.ts';
import { expectAccounted, get, list, obj, pathParam, planCase, planSpec, str, streamOf, whyNot, PERSON } from './case.ts';

describe('planner case G: credentials under each record of a non-identity container', () => {
  it('the case file: the pipelines are read only to reach their keys, never emitted; the keys are a child stream', async () => {
    const planned = await planCase('G-container-scoped.yaml');
    const { plan } = planned;
    const pipelines = streamOf(plan, '/pipelines');
    expect(pipelines).toMatchObject({ container: true, parent: null, mapping: { id: { path: 'id' } } });
    expect(streamOf(plan, '/pipelines/{pipeline_id}/keys')).toMatchObject({
      kind: 'ssh_key',
      parent: { stream: pipelines!.name, param: 'pipeline_id', from_field: 'id', relation: 'owns', parent_is: 'from' },
    });
    expect(ConnectorSlots.parse(slotsFromPlan(plan)).streams.find((s) => s.path === '/pipelines')?.container).toBe(true);
    expectAccounted(planned);
  });

  it('the connector emits the keys and no pipeline, and passes its proof', async () => {
    const { model, plan } = await planCase('G-container-scoped.yaml');
    const r = await generateConnector(model, plan, { seed: 5, maxAttempts: 1, force: true });
    expect(r.scorecard.findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(r.scorecard.verdict).toBe('pass');
  });

  it('other words: access tokens under each repository', async () => {
    const { plan } = await planSpec(
      {
        '/repositories': get(list('Repo')),
        '/repositories/{repo_id}/access-tokens': get(list('Tok'), { parameters: [pathParam('repo_id')] }),
      },
      { Repo: obj({ id: str, full_name: str }), Tok: obj({ id: str, name: str, expires_at: str, scopes: { type: 'array', items: str } }) },
    );
    expect(streamOf(plan, '/repositories')?.container).toBe(true);
    expect(streamOf(plan, '/repositories/{repo_id}/access-tokens')).toMatchObject({ kind: 'token', parent: { param: 'repo_id', from_field: 'id' } });
  });

  it('bounded to credentials: people or groups under a container are not read through it, and a container with no credentials is not read', async () => {
    const planned = await planSpec(
      {
        '/people': get(list('P')),
        '/pipelines': get(list('Pipe')),
        '/pipelines/{pipeline_id}/members': get(list('P'), { parameters: [pathParam('pipeline_id')] }),
        '/projects': get(list('Pipe')),
        '/projects/{project_id}/stages': get(list('Pipe'), { parameters: [pathParam('project_id')] }),
      },
      { P: PERSON, Pipe: obj({ id: str, name: str }) },
    );
    const { plan } = planned;
    expect(plan.streams.map((s) => s.path)).toEqual(['/people']);
    expect(whyNot(plan, '/pipelines')).toMatch(/not identities/);
    expect(whyNot(plan, '/pipelines/{pipeline_id}/members')).toMatch(/needs \{pipeline_id\}/);
    expectAccounted(planned);
  });
});

describe('a container with no credential left to read', () => {
  it('is not read: when the keys under it are left out (admin-only, the same records as another stream), so is the container, with why', async () => {
    const Key = obj({ id: str, name: str, expires_at: str });
    const schemas = { Key, Pipe: obj({ id: str, name: str }) };
    const planned = await planSpec(
      {
        '/keys': get(list('Key'), { security: [{ oauth: ['keys:read'] }] }),
        '/pipelines': get(list('Pipe'), { security: [{ oauth: ['keys:read'] }] }),
        '/pipelines/{pipeline_id}/keys': get(list('Key'), { parameters: [pathParam('pipeline_id')], security: [{ oauth: ['pipelines:admin'] }] }),
      },
      schemas,
      { components: { securitySchemes: { oauth: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://auth.example.test/token', scopes: { 'keys:read': 'r', 'pipelines:admin': 'a' } } } } }, schemas }, security: [] },
    );
    const { plan } = planned;
    expect(plan.streams.map((s) => s.path)).toEqual(['/keys']);
    expect(whyNot(plan, '/pipelines/{pipeline_id}/keys')).toMatch(/admin scopes/);
    expect(whyNot(plan, '/pipelines')).toMatch(/read only to reach the credentials under its records, and none of them is read/);
    expectAccounted(planned);
  });
});
