import { describe, expect, it } from 'vitest';
import { planOf, streamAt } from '../helpers/vendor-docs.ts';

describe('plan: Kubernetes (Swagger 2.0, 4 MB)', async () => {
  const { plan } = await planOf('kubernetes.json');

  it('lists service accounts across namespaces, paging by the `continue` cursor in metadata', () => {
    const sa = streamAt(plan, '/api/v1/serviceaccounts');
    expect(sa.kind).toBe('service_account');
    expect(sa.items_path).toBe('items');
    expect(sa.pagination).toMatchObject({ style: 'cursor', cursor_param: 'continue', cursor_path: 'metadata.continue', limit_param: 'limit' });
    expect(sa.mapping.id?.path).toBe('metadata.uid');
    expect(sa.mapping.display_name?.path).toBe('metadata.name');
  });

  it('covers RBAC roles and cluster roles, not namespaced duplicates or watch endpoints', () => {
    expect(streamAt(plan, '/apis/rbac.authorization.k8s.io/v1/clusterroles').kind).toBe('role');
    expect(plan.streams.some((s) => s.path.includes('{namespace}') || s.path.includes('/watch/'))).toBe(false);
  });

  it('reads role bindings and cluster role bindings as link streams: each subject has_role the bound role', () => {
    for (const path of ['/apis/rbac.authorization.k8s.io/v1/rolebindings', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings']) {
      expect(streamAt(plan, path).link).toEqual({ relation: 'has_role', from: { from: 'each', path: 'subjects', field: 'name' }, to: { from: 'field', path: 'roleRef.name' } });
    }
    expect(plan.excluded?.find((e) => e.path === '/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/rolebindings')?.reason).toMatch(/^covered by GET/);
    // Admission policy bindings bind policies, not roles: no link stream.
    expect(plan.streams.some((s) => /policybindings/.test(s.path))).toBe(false);
  });

  it('uses a bearer token and asks a human for the API server, which the docs do not name', () => {
    expect(plan.auth).toMatchObject({ type: 'bearer', prefix: 'Bearer ' });
    expect(plan.base_url.url).toBe('https://{host}');
    expect(plan.base_url.variables).toEqual({ host: '' });
  });
});
