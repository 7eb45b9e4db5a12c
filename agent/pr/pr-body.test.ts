import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateConnector } from '../generate/generate-connector.ts';
import { ingest } from '../ingest/ingest.ts';
import { planHeuristically } from '../plan/heuristic-planner.ts';
import { REPO_ROOT } from '../../test/helpers/vendor-docs.ts';
import { prTitle, renderPrBody } from './pr-body.ts';
import { renderValidation } from '../validate/validation-report.ts';

/** The PR body a reviewer reads is plain English: counts agree with their nouns, articles with their words. */
describe('the PR body\'s English', () => {
  it('one stream is "1 stream"; a one-page stream is not "paged by none"; credentials take the right article', async () => {
    const model = await ingest(path.join(REPO_ROOT, 'examples/jupyterhub'));
    const full = planHeuristically(model);
    const one = { ...full, streams: full.streams.filter((s) => s.name === 'services') };
    expect(prTitle(one)).toMatch(/\(1 stream\)$/);
    expect(prTitle(full)).toMatch(/\(4 streams\)$/);
    const g = await generateConnector(model, full, { seed: 1, maxAttempts: 1, force: false, onLog: () => undefined });
    const body = renderPrBody({ plan: full, manifest: g.manifest, scorecard: g.scorecard, signed: false, forced: false, requestedBy: 'someone' });
    expect(body).not.toMatch(/paged by none|\b1 streams\b|\bA (api_key|oauth2|bearer|basic)\b|\ba (api|oauth|app)\b/i);
    expect(body).toMatch(/`services` \(service_account\): `GET \/services`, one page \(no paging\)/);
    expect(body).toMatch(/- \[ \] An API key for the `token` scheme/);
    // What was considered and left out, for the reviewer to confirm none is an identity list.
    expect(body).toMatch(/<details><summary>Considered and left out: \d+ GET operations — confirm none lists identities/);
    expect(body).toContain('- `GET /users/{name}`: ends in a path parameter: it reads one record, not a list');
    expect(body).toContain('- [ ] None of the operations considered and left out lists identities this connector should read');
  });
});

/** Text from the docs is data in the PR body and VALIDATION.md: it cannot add an image, a link, a mention, HTML, a heading or a table cell. */
describe('doc text in the PR body and VALIDATION.md', () => {
  it('a hostile quote, stream name, tenant description and field name render as text', async () => {
    const model = await ingest(path.join(REPO_ROOT, 'examples/jupyterhub'));
    const plan = planHeuristically(model);
    const g = await generateConnector(model, plan, { seed: 1, maxAttempts: 1, force: false, onLog: () => undefined });
    const evil = 'ok ![px](https://pixel.example/t.gif) @security-team <img src=x onerror=alert(1)>\n## APPROVED by security | x';
    const hostilePlan = {
      ...plan,
      tenant_variables: { 'org|x': evil },
      planner: { kind: 'auto' as const, model: evil, prompt_sha256: 'a'.repeat(64), tokens: { prompt: 1, completion: 1, rounds: 1 }, changes: [evil] },
      warnings: [{ source: { file: 'spec.yaml', pointer: '/paths/~1x' }, message: evil }],
      streams: plan.streams.map((st, i) => (i === 0 ? { ...st, name: 'users`|`\n# APPROVED' } : st)),
    };
    const manifest = { ...g.manifest, credentials: g.manifest.credentials.map((c) => ({ ...c, evidence: [{ ...c.evidence[0]!, reasoning: evil, quote: evil }] })) };
    const scorecard = { ...g.scorecard, streams: g.scorecard.streams.map((st, i) => (i === 0 ? { ...st, name: evil, coverage: { [evil]: { path: 'a|b`c', seeded_with_value: 1, fetched_with_value: 1 } } } : st)) } as typeof g.scorecard;
    const prBody = renderPrBody({ plan: hostilePlan, manifest, scorecard, signed: false, forced: false, requestedBy: 'someone' });
    // The docs' defects outside what the connector reads are put to the reviewer, as text.
    expect(prBody).toContain('Docs defects outside what this connector reads: 1 warning');
    expect(prBody).toContain('`spec.yaml#/paths/~1x`: ok ');
    // A model's review is put to the reviewer: who, and each change, as text.
    expect(prBody).toMatch(/^> \*\*The heuristic plan, reviewed by a model\*\* where the heuristics doubted or the proof failed: .* Its changes:$/m);
    expect(prBody).toMatch(/^> - ok /m);
    for (const text of [prBody, renderValidation(scorecard, [])]) {
      expect(text).not.toMatch(/(^|[^\\])!\[px\]/);
      expect(text).not.toMatch(/(^|[^\\])@security-team/);
      expect(text).not.toContain('<img');
      expect(text.split('\n').filter((l) => /APPROVED/.test(l) && /^#/.test(l))).toEqual([]);
      // Every table row has as many cells as its header.
      const rows = text.split('\n').filter((l) => l.startsWith('| '));
      for (const r of rows) {
        const cells = r.replace(/\\\|/g, '').split('|').length;
        const header = rows.find((h) => h.startsWith('| stream') && h.replace(/\\\|/g, '').split('|').length === cells);
        expect(header, r).toBeDefined();
      }
    }
  }, 60_000);
});
