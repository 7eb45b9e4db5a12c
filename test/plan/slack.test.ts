import { describe, expect, it } from 'vitest';
import { planOf, streamAt } from '../helpers/vendor-docs.ts';

describe('plan: Slack Web API (Swagger 2.0, lists known from examples)', async () => {
  const { plan, model } = await planOf('slack.json');

  it('reads Swagger 2.0', () => {
    expect(model.format).toBe('swagger-2.0');
    expect(model.servers[0]?.url).toBe('https://slack.com/api');
  });

  it('pages users.list by the cursor in response_metadata.next_cursor, records in `members`', () => {
    const users = streamAt(plan, '/users.list');
    expect(users.kind).toBe('human');
    expect(users.items_path).toBe('members');
    expect(users.pagination).toMatchObject({ style: 'cursor', cursor_param: 'cursor', cursor_path: 'response_metadata.next_cursor' });
    expect(users.mapping.status).toMatchObject({ path: 'deleted', transform: 'bool-true-is-deprovisioned' });
    expect(users.mapping.email?.path).toBe('profile.email');
    expect(users.required_scopes).toContain('users:read');
  });

  it('presents a human-provided OAuth token as a Bearer header and never sends it as the `token` parameter', () => {
    expect(plan.auth).toMatchObject({ type: 'oauth2', in: 'header', name: 'Authorization', prefix: 'Bearer ' });
    for (const s of plan.streams) expect(Object.keys(s.query)).not.toContain('token');
  });

  it('prefers the non-admin user groups; admin teams are workspaces (tenants), left out with why', () => {
    expect(streamAt(plan, '/usergroups.list').kind).toBe('group');
    expect(plan.excluded?.find((e) => e.path === '/admin.teams.list')?.reason).toMatch(/team_url.*tenants/);
    // The only admin list kept is the only list of apps (approved apps: a state after the noun), flagged admin-only.
    expect(plan.streams.filter((s) => s.path.startsWith('/admin.')).map((s) => s.path)).toEqual(['/admin.apps.approved.list']);
    expect(plan.assessment.verdict).toBe('generate');
  });

  it('reads each user group\'s members (bare user ids) with the group\'s id in the required `usergroup` query parameter', () => {
    const members = streamAt(plan, '/usergroups.users.list');
    expect(members).toMatchObject({ kind: 'human', items_path: 'users', parent: { stream: 'usergroups', param: 'usergroup', from_field: 'id', in: 'query', relation: 'member_of', parent_is: 'to' } });
    expect(members.mapping.id?.path).toBe('');
  });
});
