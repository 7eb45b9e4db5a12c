import { describe, expect, it } from 'vitest';
import { planOf, streamAt } from '../helpers/vendor-docs.ts';

describe('plan: DigitalOcean API (OpenAPI 3.0.0, bundled from ~2,900 files)', async () => {
  const { plan } = await planOf('digitalocean.yaml');

  it('pages SSH keys by links.pages.next, an absolute URL', () => {
    const keys = streamAt(plan, '/v2/account/keys');
    expect(keys.kind).toBe('ssh_key');
    expect(keys.items_path).toBe('ssh_keys');
    expect(keys.pagination).toMatchObject({ style: 'next-url', next_path: 'links.pages.next', relative: false, limit_param: 'per_page' });
    expect(keys.required_scopes).toContain('ssh_key:read');
  });

  it('authenticates with a bearer token and keeps deployed apps out of the identity streams', () => {
    expect(plan.auth).toMatchObject({ type: 'bearer', prefix: 'Bearer ' });
    expect(plan.streams.some((s) => s.path === '/v2/apps')).toBe(false);
  });
});
