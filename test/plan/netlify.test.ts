import { describe, expect, it } from 'vitest';
import { planOf, streamAt } from '../helpers/vendor-docs.ts';

describe('plan: Netlify (Swagger 2.0)', async () => {
  const { plan, model } = await planOf('netlify.yaml');

  it('reads Swagger 2.0 host and basePath into one https server', () => {
    expect(model.format).toBe('swagger-2.0');
    expect(plan.base_url.url).toBe('https://api.netlify.com/api/v1');
  });

  it('lists deploy keys as SSH keys and presents the OAuth token as Bearer', () => {
    expect(streamAt(plan, '/deploy_keys').kind).toBe('ssh_key');
    expect(plan.auth).toMatchObject({ type: 'oauth2', prefix: 'Bearer ' });
  });
});

describe('plan: Netlify team members, scoped by an account in the path', async () => {
  const { plan } = await planOf('netlify.yaml');

  it('lists /{account_slug}/members with account_slug as a path variable a human fills in', () => {
    const members = streamAt(plan, '/{account_slug}/members');
    expect(members.kind).toBe('human');
    expect(members.parent).toBeNull();
    expect(Object.keys(plan.tenant_variables)).toEqual(['account_slug']);
  });
});
