import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateConnector } from '../generate/generate-connector.ts';
import { ingest } from '../ingest/ingest.ts';
import { planHeuristically } from '../plan/heuristic-planner.ts';
import { REPO_ROOT } from '../../test/helpers/vendor-docs.ts';
import { prTitle, renderPrBody } from './pr-body.ts';

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
  });
});
