import { describe, expect, it } from 'vitest';
import { planOf, streamAt } from '../helpers/vendor-docs.ts';

describe('plan: Snowflake (one bundled file, and the split tree with cross-file $refs)', async () => {
  const bundled = await planOf('snowflake.yaml');
  const split = await planOf('split/snowflake');

  it('reads the split tree as one API with cross-file references resolved', () => {
    expect(split.model.documents.length).toBeGreaterThan(40);
    expect(split.model.vendor).toBe('snowflake');
    const users = streamAt(split.plan, '/api/v2/users');
    expect(users.mapping.email?.path).toBe('email');
  });

  it('pages users by the documented Link header, in both forms', () => {
    for (const { plan } of [bundled, split]) {
      expect(streamAt(plan, '/api/v2/users').pagination.style).toBe('link-header');
    }
  });

  it('reads each user\'s grants as roles, filled from the user\'s name', () => {
    const grants = streamAt(split.plan, '/api/v2/users/{name}/grants');
    expect(grants.kind).toBe('role');
    expect(grants.parent).toMatchObject({ stream: 'users', from_field: 'name', relation: 'has_role' });
  });

  it('authenticates with a bearer token', () => {
    expect(split.plan.auth).toMatchObject({ type: 'bearer', prefix: 'Bearer ' });
  });
});
