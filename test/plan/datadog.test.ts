import { describe, expect, it } from 'vitest';
import { planOf, streamAt } from '../helpers/vendor-docs.ts';

describe('plan: Datadog API v1 (OpenAPI 3.0.0, two key headers)', async () => {
  const { plan } = await planOf('datadog.yaml');

  it('injects both required key headers at once', () => {
    expect(plan.auth.type).toBe('api_key');
    expect(plan.auth.credentials.map((c) => c.name).sort()).toEqual(['DD-API-KEY', 'DD-APPLICATION-KEY']);
    expect(plan.auth.credentials.every((c) => c.in === 'header' && c.prefix === '')).toBe(true);
  });

  it('lists users, API keys and application keys, never copying a key\'s secret value', () => {
    expect(streamAt(plan, '/api/v1/user').items_path).toBe('users');
    const keys = streamAt(plan, '/api/v1/api_key');
    expect(keys.kind).toBe('api_key');
    for (const [field, m] of Object.entries(keys.mapping)) {
      if (m?.path === 'key') expect({ field, transform: m.transform }).toEqual({ field: 'id', transform: 'sha256-fingerprint' });
    }
  });

  it('fills the site placeholder from the docs\' default', () => {
    expect(plan.base_url.url).toBe('https://{subdomain}.{site}');
    expect(plan.base_url.variables.site).toBe('datadoghq.com');
  });

  it('cites the documented permission for reading users', () => {
    expect(streamAt(plan, '/api/v1/user').required_scopes).toContain('user_access_read');
  });
});
