import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { readConnectorDir } from '../../agent/generate/connector-dir.ts';
import { Manifest } from '../../agent/render/manifest.ts';
import { validateConnector } from '../../agent/validate/run-validation.ts';
import { Scorecard } from '../../agent/validate/scorecard.ts';
import { errorIds } from '../helpers/findings.ts';
import { vendorDoc } from '../helpers/vendor-docs.ts';

/**
 * `fetchwright generate` on every real description: the connector it writes passes its sandbox
 * proof — every seeded identity back exactly once, correctly mapped — through the documented
 * pagination, auth and the injected faults.
 */

const DOCS = ['jupyterhub', 'okta.yaml', 'slack.json', 'pagerduty.json', 'linode.yaml', 'twilio.json', 'kubernetes.json', 'datadog.yaml', 'netlify.yaml', 'digitalocean.yaml', 'snowflake.yaml', 'split/snowflake'];

describe('generate: every real vendor description', () => {
  for (const name of DOCS) {
    it(`${name}: passes its sandbox proof`, async () => {
      const out = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-gen-'));
      const io = captureIo();
      const code = await main(['generate', vendorDoc(name), '--out', out, '--json'], io);
      const result = JSON.parse(io.out()) as { dir: string; verdict: string; scorecard: Scorecard };
      expect({ code, errors: errorIds(result.scorecard) }).toEqual({ code: 0, errors: [] });
      const card = Scorecard.parse(JSON.parse(await readFile(path.join(result.dir, 'scorecard.json'), 'utf8')));
      for (const s of card.streams) expect({ stream: s.name, missing: s.missing, duplicates: s.duplicates, fetched: s.fetched }).toEqual({ stream: s.name, missing: 0, duplicates: 0, fetched: s.seeded });
      // The faults real vendors have were served and survived.
      expect(card.retries_exercised.rate_limited).toBeGreaterThan(0);
      expect(card.auth_verified).toBe(true);
      expect(card.calls.writes).toBe(0);
      const manifest = Manifest.parse(JSON.parse(await readFile(path.join(result.dir, 'manifest.json'), 'utf8')));
      expect(manifest.methods).toEqual(['GET']);
      expect(JSON.stringify(manifest)).not.toMatch(/fw-synthetic/);
      // Not a pass by luck of one mock: other synthetic identities, another page cap, another list length.
      const c = await readConnectorDir(result.dir);
      const again = await validateConnector({ model: c.model, plan: c.plan, fetcherSource: c.fetcher, seed: 7, mock: { pageSize: 4, rootCount: 13 } });
      expect(errorIds(again)).toEqual([]);
    }, 30_000);
  }
});
