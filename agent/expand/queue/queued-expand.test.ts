import { describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { emptyState } from '../vendor-state.ts';
import type { JobSummary, VendorJob } from '../vendor-job.ts';
import { awaitJobs } from './queued-expand.ts';

/**
 * awaitJobs against a queue whose one job finishes at the worst moment: the instant its state is
 * asked. A reading that fetched the job before its state would take it for finished with no result.
 */

const entry = { index: 0, vendor: 'okta', docs: 'okta.yaml', docsPath: '/d/okta.yaml', owner: '@x', priority: 0, tenant: {}, skip_streams: [] };
const job = { entry, key: 'k'.repeat(64), inputs: {} as VendorJob['inputs'], previous: emptyState('okta'), out: '/o', stateDir: '/s', seed: 1, maxAttempts: 3 } as VendorJob;
// Not covered: a covered answer is also checked against the state folder, which this stand-in has none of.
const summary: JobSummary = { vendor: 'okta', owner: '@x', docs: 'okta.yaml', outcome: 'kept', covered: false, connector_dir: null, streams: 3, identity_kinds: ['human'], skipped_streams: [], drift: null, pr: null, cause: null, exit_code: null, retry_at: null, elapsed_ms: 1200 };

/** A stand-in for BullMQ's Queue: the job's hash as Redis holds it, completed when its state is first read. */
function racingQueue(): Queue {
  let finished = false;
  const hash = () => ({
    name: 'vendor',
    data: '{}',
    opts: '{}',
    timestamp: '1',
    attemptsMade: finished ? '1' : '0',
    progress: { worker: 'host:1' },
    ...(finished ? { returnvalue: JSON.stringify(summary), finishedOn: '3', processedOn: '2' } : { processedOn: '2' }),
  });
  return {
    name: 'expand',
    keys: {},
    toKey: (k: string) => `fetchwright:expand:${k}`,
    backend: { getJobData: async () => hash() },
    getJobState: async () => {
      finished = true;
      return 'completed';
    },
  } as unknown as Queue;
}

describe('awaitJobs', () => {
  it('takes a job that finishes between two readings with its result, not for one without', async () => {
    const got: JobSummary[] = [];
    const workers = await awaitJobs(racingQueue(), {} as Redis, [job], [{ vendor: 'okta', how: 'queued', jobId: 'v1-x' }], { onDone: (s) => got.push(s) }, 'redis://h/0');
    expect(got).toEqual([summary]);
    expect(workers).toEqual(['host:1']);
  });
});
