import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../ingest/ingest.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { planHeuristically } from '../plan/heuristic-planner.ts';
import { REPO_ROOT } from '../../test/helpers/vendor-docs.ts';
import { errorIds } from '../../test/helpers/findings.ts';
import { generateConnector } from './generate-connector.ts';

/** On a failed proof the planner tries its next-best reading of the docs, a bounded number of times. */

describe('generate: the next hypothesis after a failed proof', async () => {
  const model = await ingest(path.join(REPO_ROOT, 'examples/jupyterhub'));
  const good = planHeuristically(model);
  // A wrong first reading: /users read as one page, the right one demoted to an alternative.
  const users = good.streams.find((s) => s.name === 'users')!;
  const wrong: ConnectorPlan = {
    ...good,
    streams: good.streams.map((s) =>
      s.name === 'users' ? { ...s, pagination: { style: 'none', evidence: [], confidence: 0.5 }, pagination_alternatives: [users.pagination] } : s,
    ),
  };

  it('fails the first attempt, names why, and passes with the docs\' next reading', async () => {
    const attempts: string[] = [];
    const result = await generateConnector(model, wrong, { seed: 3, maxAttempts: 3, force: false, onAttempt: (a) => attempts.push(`${a.attempt}:${a.verdict}`) });
    expect(attempts).toEqual(['1:fail', '2:pass']);
    expect(errorIds(result.attempts[0]!)).toEqual(expect.arrayContaining(['pagination-ignored@users', 'records-missing@users']));
    expect(result.attempts[0]!.findings.find((f) => f.id === 'records-missing')!.args).toMatchObject({ missing: 17, seeded: 27 });
    expect(result.attempts[1]!.changes).toEqual(['users: pagination none → offset']);
    expect(result.plan.streams.find((s) => s.name === 'users')!.pagination.style).toBe('offset');
    expect(result.scorecard.verdict).toBe('pass');
  });

  it('stops at the bound, keeping the failing scorecard', async () => {
    const result = await generateConnector(model, wrong, { seed: 3, maxAttempts: 1, force: false });
    expect(result.attempts).toHaveLength(1);
    expect(result.scorecard.verdict).toBe('fail');
  });
});
