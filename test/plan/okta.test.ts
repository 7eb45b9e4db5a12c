import { describe, expect, it } from 'vitest';
import { planOf, streamAt } from '../helpers/vendor-docs.ts';

describe('plan: Okta management API (OpenAPI 3.0.3, 2 MB)', async () => {
  const { plan, model } = await planOf('okta.yaml');

  it('authenticates with the API token header and its SSWS prefix, cited to the scheme', () => {
    expect(plan.auth).toMatchObject({ type: 'api_key', in: 'header', name: 'Authorization', prefix: 'SSWS ' });
    expect(plan.auth.evidence.map((e) => e.quote).join(' ')).toContain('SSWS');
  });

  it('pages /api/v1/users by the Link header, carrying the `after` cursor named in the parameter prose', () => {
    const users = streamAt(plan, '/api/v1/users');
    expect(users.kind).toBe('human');
    expect(users.items_path).toBe('');
    expect(users.pagination).toMatchObject({ style: 'link-header', rel: 'next', cursor_param: 'after', limit_param: 'limit' });
    expect(users.pagination.evidence.some((e) => /Link/.test(e.quote ?? ''))).toBe(true);
    expect(users.mapping.email?.path).toBe('profile.email');
    expect(users.mapping.status?.transform).toBe('status-map');
    expect(users.mapping.status?.values?.DEPROVISIONED).toBe('deprovisioned');
    // The API token takes no OAuth scope: the oauth2 scheme's okta.users.read is not its to ask for.
    expect(users.required_scopes).toEqual([]);
  });

  it('covers groups, apps and API tokens, and reads group members per group', () => {
    expect(streamAt(plan, '/api/v1/groups').kind).toBe('group');
    expect(streamAt(plan, '/api/v1/apps').kind).toBe('app');
    expect(streamAt(plan, '/api/v1/api-tokens').kind).toBe('token');
    const members = streamAt(plan, '/api/v1/groups/{groupId}/users');
    expect(members.parent).toMatchObject({ stream: 'groups', param: 'groupId', from_field: 'id', relation: 'member_of', parent_is: 'to' });
  });

  it('only plans GETs that exist in the docs, on the documented server with its placeholder', () => {
    const ids = new Set(model.operations.filter((o) => o.method === 'get').map((o) => o.id));
    for (const s of plan.streams) expect(ids.has(s.operation_id)).toBe(true);
    expect(plan.methods).toEqual(['GET']);
    expect(plan.base_url.url).toBe('https://{yourOktaDomain}');
    expect(plan.base_url.variables.yourOktaDomain).toBe('subdomain.okta.com');
  });

  it('assesses the docs as good enough to generate from, with read scopes', () => {
    expect(plan.assessment.verdict).toBe('generate');
    const users = plan.assessment.privilege.find((p) => p.stream === 'users');
    // Least privilege for the SSWS API token the connector uses: no scope (it acts with its owner's
    // admin role), the least role the docs name, and never the oauth2 scheme's scopes.
    expect(users?.least_scopes).toEqual([]);
    expect(users?.least_role).toBe('READ_ONLY_ADMIN');
    expect(users?.evidence.some((e) => /not asked for/.test(e.reasoning) && /oauth2/.test(e.reasoning))).toBe(true);
  });
});
