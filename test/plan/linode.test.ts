import { describe, expect, it } from 'vitest';
import { planOf, streamAt } from '../helpers/vendor-docs.ts';

describe('plan: Linode API (OpenAPI 3.0.1, {apiVersion} in every path)', async () => {
  const { plan } = await planOf('linode.yaml');

  it('pages /account/users by page and page_size, stopping at `pages`', () => {
    const users = streamAt(plan, '/{apiVersion}/account/users');
    expect(users.kind).toBe('human');
    expect(users.items_path).toBe('data');
    expect(users.pagination).toMatchObject({ style: 'page', page_param: 'page', size_param: 'page_size', first_page: 1, stops: [{ when: 'total-reached', path: 'results' }, { when: 'page-count', path: 'pages' }] });
    expect(users.path_params).toEqual({ apiVersion: 'v4' });
    expect(users.mapping.id?.path).toBe('username');
  });

  it('authenticates with a personal access token as Bearer', () => {
    expect(plan.auth).toMatchObject({ type: 'bearer', name: 'Authorization', prefix: 'Bearer ' });
  });

  it('covers the profile\'s tokens and SSH keys, and not placement groups', () => {
    expect(streamAt(plan, '/{apiVersion}/profile/tokens').kind).toBe('token');
    expect(streamAt(plan, '/{apiVersion}/profile/sshkeys').kind).toBe('ssh_key');
    expect(plan.streams.some((s) => s.path.includes('placement'))).toBe(false);
  });

  it('cites the OAuth scope the docs give in prose', () => {
    expect(streamAt(plan, '/{apiVersion}/account/users').required_scopes).toContain('account:read_only');
  });
});
