import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../agent/ingest/ingest.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { REPO_ROOT, VENDOR_DOCS } from '../helpers/vendor-docs.ts';

/**
 * The plan lists every GET operation it considered and did not take, with why (issue 11,
 * "Considered and excluded"): with the streams, it accounts for every GET in the docs exactly once,
 * so a reviewer can confirm no identity list is missing.
 */

const SPECS = ['slack.json', 'okta.yaml', 'pagerduty.json', 'linode.yaml', 'netlify.yaml'];

describe('considered and excluded', () => {
  it.each(SPECS)('%s: every GET is a stream or left out with a reason, never both, never neither', async (spec) => {
    const model = await ingest(path.join(VENDOR_DOCS, spec));
    const plan = planHeuristically(model);
    const gets = model.operations.filter((o) => o.method === 'get').map((o) => o.id);
    const streamed = new Set(plan.streams.map((s) => s.operation_id));
    const excluded = plan.excluded ?? [];
    expect(excluded.every((e) => e.reason.length > 10 && e.path.startsWith('/'))).toBe(true);
    expect(new Set(excluded.map((e) => e.operation_id)).size).toBe(excluded.length);
    for (const e of excluded) expect(streamed.has(e.operation_id), e.operation_id).toBe(false);
    expect([...streamed, ...excluded.map((e) => e.operation_id)].sort()).toEqual([...new Set(gets)].sort());
  });

  it('JupyterHub: single records, the caller, non-lists and the policy each say why', async () => {
    const plan = planHeuristically(await ingest(path.join(REPO_ROOT, 'examples/jupyterhub')));
    const why = (p: string) => plan.excluded?.find((e) => e.path === p)?.reason;
    expect(why('/users/{name}')).toMatch(/reads one record, not a list/);
    expect(why('/user')).toMatch(/singular/);
    expect(why('/oauth2/authorize')).toMatch(/refused by the request policy: .*credential endpoint/);
    expect(why('/info')).toMatch(/names no collection/);
  });
});
