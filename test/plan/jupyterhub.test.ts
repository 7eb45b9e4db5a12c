import { describe, expect, it } from 'vitest';
import { recordFieldsRead } from '../../agent/assess/privilege.ts';
import { planOf, streamAt } from '../helpers/vendor-docs.ts';

describe('plan: JupyterHub 3.0 (OpenAPI 3.0.3 and its Markdown docs)', async () => {
  const { plan, model } = await planOf('jupyterhub');

  it('reads the Markdown pages beside the spec as prose', () => {
    expect(model.documents.map((d) => d.kind).sort()).toEqual(['markdown', 'markdown', 'openapi']);
  });

  it('sends `Authorization: token …`, the prefix taken from the REST page\'s example', () => {
    expect(plan.auth).toMatchObject({ type: 'api_key', in: 'header', name: 'Authorization', prefix: 'token ' });
    expect(plan.auth.evidence.some((e) => e.source.file.endsWith('.md') && e.quote?.includes("f'token {token}'"))).toBe(true);
  });

  it('pages /users by offset/limit over a bare array', () => {
    const users = streamAt(plan, '/users');
    expect(users.items_path).toBe('');
    expect(users.pagination).toMatchObject({ style: 'offset', offset_param: 'offset', limit_param: 'limit', stops: [{ when: 'empty-page' }] });
  });

  it('reads each user\'s tokens as a child stream filled from the user\'s name', () => {
    const tokens = streamAt(plan, '/users/{name}/tokens');
    expect(tokens.kind).toBe('token');
    expect(tokens.parent).toMatchObject({ stream: 'users', param: 'name', from_field: 'name', relation: 'owns', parent_is: 'from' });
    expect(tokens.required_scopes).toEqual(['read:tokens']);
  });

  it('flags the admin scopes the docs attach to listing users, and asks for the listing scope and the field scopes the mapping reads', () => {
    const users = plan.assessment.privilege.find((p) => p.stream === 'users')!;
    expect(users.least_scopes.some((s) => s.startsWith('admin:'))).toBe(false);
    expect(users.flagged.map((f) => f.scope)).toContain('admin:auth_state');
    // The server refuses a list without `list:users` (which includes names); each other field needs its own field scope.
    const fieldScopes: Record<string, string> = { last_activity: 'read:users:activity', roles: 'read:roles:users', groups: 'read:users:groups' };
    const fields = recordFieldsRead(streamAt(plan, '/users'), plan.streams);
    expect(fields.filter((f) => f !== 'name' && !(f in fieldScopes))).toEqual([]);
    expect(users.least_scopes[0]).toBe('list:users');
    expect([...users.least_scopes].sort()).toEqual(['list:users', ...Object.entries(fieldScopes).filter(([f]) => fields.includes(f)).map(([, s]) => s)].sort());
    for (const name of ['groups', 'services']) expect(plan.assessment.privilege.find((p) => p.stream === name)!.least_scopes[0]).toBe(`list:${name}`);
  });

  it('makes the relative server a host a human fills in', () => {
    expect(plan.base_url.url).toBe('https://{host}/hub/api');
  });
});
