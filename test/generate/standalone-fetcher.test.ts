import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateConnector } from '../../agent/generate/generate-connector.ts';
import { ingest } from '../../agent/ingest/ingest.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { STANDALONE_TSC } from '../../agent/render/render-fetcher.ts';
import { typecheckAlone } from '../helpers/typecheck-alone.ts';
import { REPO_ROOT, vendorDoc } from '../helpers/vendor-docs.ts';

/**
 * A generated fetcher.ts type-checks on its own — `tsc --strict`, the ES2024 library and nothing
 * else: no other file, no DOM, no Node types — as a reviewer's editor and a connectors repository's
 * CI see it. Its header names the command; the check here runs that command's options.
 */

const VENDORS: [string, string][] = [
  ['jupyterhub', path.join(REPO_ROOT, 'examples/jupyterhub')],
  ['okta', 'okta.yaml'],
];

describe.each(VENDORS)('a generated fetcher.ts, alone: %s', (_name, docs) => {
  let fetcher: string;

  beforeAll(async () => {
    const model = await ingest(path.isAbsolute(docs) ? docs : vendorDoc(docs));
    const plan = planHeuristically(model);
    const result = await generateConnector(model, plan, { seed: 1, maxAttempts: 3, force: false });
    expect(result.scorecard.verdict).toBe('pass');
    fetcher = result.fetcher;
  }, 60_000);

  it('names the command that type-checks it, and passes it', async () => {
    expect(fetcher).toContain(`//   ${STANDALONE_TSC}\n`);
    expect(await typecheckAlone(fetcher)).toEqual([]);
  }, 30_000);

  it('passes the repository\'s stricter options too', async () => {
    expect(await typecheckAlone(fetcher, { noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, noImplicitOverride: true, noImplicitReturns: true })).toEqual([]);
  }, 30_000);

  it('fails without a declaration it uses: the check is of this file alone', async () => {
    const withoutRunInput = fetcher.replace(/^interface RunInput \{[\s\S]*?^\}\n/m, '');
    expect(withoutRunInput).not.toBe(fetcher);
    const errors = await typecheckAlone(withoutRunInput);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/fetcher\.ts\(\d+,\d+\): error TS2304: Cannot find name 'RunInput'\./);
  }, 30_000);

  it('fails when a template reaches for a global the isolate does not have (no DOM, no Node types)', async () => {
    for (const global of ['new URL(base)', 'new Headers()', 'setTimeout(() => undefined, 1)', 'Buffer.from(base)']) {
      const edited = fetcher.replace('async function run(input: RunInput): Promise<RunRecord> {', `async function run(input: RunInput): Promise<RunRecord> {\n  const base = input.base_url;\n  void ${global};`);
      const name = /^(?:new )?(\w+)/.exec(global)![1];
      expect((await typecheckAlone(edited)).join('\n'), global).toContain(`Cannot find name '${name}'`);
    }
  }, 60_000);
});
