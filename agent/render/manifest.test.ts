import { describe, expect, it } from 'vitest';
import { checkQuotes } from '../docs-view/quote-check.ts';
import { planOf } from '../../test/helpers/vendor-docs.ts';
import { buildManifest } from './manifest.ts';

describe('manifest: the credential a human provisions', () => {
  it('cites every least scope it asks for, in the docs\' own words', async () => {
    const { plan, model } = await planOf('jupyterhub');
    const manifest = buildManifest(plan, [], 'sha');
    const [credential] = manifest.credentials;
    expect(credential!.least_scopes).toContain('list:users');
    for (const scope of credential!.least_scopes) {
      const cited = credential!.evidence.filter((e) => e.quote === scope || e.reasoning.split(/[\s,;()]+/).includes(scope));
      expect(cited.length, scope).toBeGreaterThan(0);
    }
    expect(credential!.evidence.filter((e) => /not asked for/.test(e.reasoning))).toEqual([]);
    expect(checkQuotes(manifest, model)).toEqual([]);
  });

  it('never cites the evidence that says a scope was left out, even when another stream asks for that scope', async () => {
    const { plan } = await planOf('jupyterhub');
    const users = plan.assessment.privilege.find((p) => p.stream === 'users')!;
    const leftOut = users.evidence.find((e) => /not asked for/.test(e.reasoning))!.quote!;
    // Another stream asking for a scope the users stream left out.
    const privilege = plan.assessment.privilege.map((p) => (p.stream === 'groups' ? { ...p, least_scopes: [...p.least_scopes, leftOut] } : p));
    const manifest = buildManifest({ ...plan, assessment: { ...plan.assessment, privilege } }, [], 'sha');
    expect(manifest.credentials[0]!.least_scopes).toContain(leftOut);
    expect(manifest.credentials[0]!.evidence.filter((e) => /not asked for/.test(e.reasoning))).toEqual([]);
  });
});
