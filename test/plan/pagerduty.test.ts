import { describe, expect, it } from 'vitest';
import { planOf, streamAt } from '../helpers/vendor-docs.ts';

describe('plan: PagerDuty REST API (OpenAPI 3.0.2)', async () => {
  const { plan } = await planOf('pagerduty.json');

  it('authenticates with `Authorization: Token token=`', () => {
    expect(plan.auth).toMatchObject({ type: 'api_key', in: 'header', name: 'Authorization', prefix: 'Token token=' });
  });

  it('pages /users by offset/limit and stops when `more` is false', () => {
    const users = streamAt(plan, '/users');
    expect(users.kind).toBe('human');
    expect(users.items_path).toBe('users');
    expect(users.pagination).toMatchObject({ style: 'offset', offset_param: 'offset', limit_param: 'limit', stops: [{ when: 'more-false', path: 'more' }], first_offset: 0 });
    expect(users.mapping.email?.path).toBe('email');
  });

  it('reads team members per team, mapped through the nested user', () => {
    const members = streamAt(plan, '/teams/{id}/members');
    expect(members.parent).toMatchObject({ stream: 'teams', param: 'id', from_field: 'id', relation: 'member_of' });
    expect(members.mapping.id?.path).toBe('user.id');
  });
});
