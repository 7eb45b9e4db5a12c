import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CatalogueEntry } from '../catalogue.ts';
import type { VendorInputs } from '../inputs-key.ts';
import type { JobSummary, VendorJob } from '../vendor-job.ts';
import { emptyState } from '../vendor-state.ts';
import { jobIdFor, jobOptions, JOB_ATTEMPTS, QueuedJobData, queuedJobData, QueuedSummary, RETRY_DELAY_MS, vendorDedupId, worthRetrying } from './queued-job.ts';

/** A queued job's id, deduplication id, data (checked as hostile when read back), BullMQ options and retry decision. */

const KEY = 'a'.repeat(64);

function entry(over: Partial<CatalogueEntry> = {}): CatalogueEntry {
  return { index: 2, vendor: 'okta', docs: 'docs/okta.yaml', docsPath: '/srv/catalogue/docs/okta.yaml', owner: '@acme/identity', priority: 0, tenant: { subdomain: 'acme' }, skip_streams: ['api_tokens'], ...over };
}

const INPUTS: VendorInputs = { docs_bytes_sha256: 'b'.repeat(64), observed_sha256: null, templates_sha256: 'c'.repeat(64), policy: 'policy-v1', planner: 'heuristic', options_sha256: 'd'.repeat(64) };

function vendorJob(over: Partial<VendorJob> = {}): VendorJob {
  return { entry: entry(), key: KEY, inputs: INPUTS, previous: emptyState('okta'), out: '/srv/connectors', stateDir: '/srv/state', seed: 7, maxAttempts: 3, ...over };
}

const PR = { repo: '/srv/repo', remote: 'origin', github: 'acme/connectors', requestedBy: '@alice' };

describe('jobIdFor', () => {
  it('gives the same id for the same inputs, with no ":" (BullMQ reserves it)', () => {
    expect(jobIdFor(vendorJob())).toBe(jobIdFor(vendorJob({ previous: emptyState('other'), seed: 7 })));
    expect(jobIdFor(vendorJob({ pr: PR }))).toBe(jobIdFor(vendorJob({ pr: { ...PR } })));
    expect(jobIdFor(vendorJob())).not.toContain(':');
    expect(jobIdFor(vendorJob({ pr: PR }))).not.toContain(':');
  });

  it('gives the same id whether the enqueuer prints JSON or not, and for the same repository named relatively', () => {
    expect(jobIdFor(vendorJob({ pr: { ...PR, json: true } }))).toBe(jobIdFor(vendorJob({ pr: PR })));
    const relative = path.relative(process.cwd(), PR.repo);
    expect(jobIdFor(vendorJob({ pr: { ...PR, repo: relative } }))).toBe(jobIdFor(vendorJob({ pr: PR })));
  });

  it('gives another id for another key, vendor, state folder, out folder or pr options', () => {
    const base = jobIdFor(vendorJob());
    const others = [
      vendorJob({ key: 'e'.repeat(64) }),
      vendorJob({ entry: entry({ vendor: 'slack' }) }),
      vendorJob({ stateDir: '/srv/state-2' }),
      vendorJob({ out: '/srv/connectors-2' }),
      vendorJob({ pr: PR }),
    ].map(jobIdFor);
    for (const id of others) expect(id).not.toBe(base);
    expect(new Set(others).size).toBe(others.length);
    expect(jobIdFor(vendorJob({ pr: { ...PR, remote: 'upstream' } }))).not.toBe(jobIdFor(vendorJob({ pr: PR })));
  });
});

describe('vendorDedupId', () => {
  it('is the same for the same vendor and folders whatever the key, and differs by vendor and folder', () => {
    const base = vendorDedupId(vendorJob());
    expect(vendorDedupId(vendorJob({ key: 'e'.repeat(64), pr: PR }))).toBe(base);
    expect(vendorDedupId(vendorJob({ entry: entry({ vendor: 'slack' }) }))).not.toBe(base);
    expect(vendorDedupId(vendorJob({ stateDir: '/srv/state-2' }))).not.toBe(base);
    expect(vendorDedupId(vendorJob({ out: '/srv/connectors-2' }))).not.toBe(base);
    expect(base).not.toContain(':');
  });
});

describe('queuedJobData', () => {
  it('round-trips through QueuedJobData.parse', () => {
    for (const job of [vendorJob(), vendorJob({ pr: PR, planner: 'llm', model: 'gpt-x', modelTimeout: 60, entry: entry({ observed: 'shapes/okta.json', observedPath: '/srv/catalogue/shapes/okta.json' }) })]) {
      const data = queuedJobData(job, 600_000);
      expect(QueuedJobData.parse(JSON.parse(JSON.stringify(data)))).toEqual(data);
    }
  });

  it('holds exactly the documented keys: no previous state, no inputs, no secret', () => {
    const data = queuedJobData(vendorJob({ pr: { ...PR, githubApi: 'https://github.example/api/v3', json: true } }), 600_000);
    expect(Object.keys(data).sort()).toEqual(['entry', 'jobTimeoutMs', 'key', 'maxAttempts', 'out', 'pr', 'schema', 'seed', 'stateDir']);
    expect(Object.keys(data.entry).sort()).toEqual(['docs', 'docsPath', 'index', 'owner', 'priority', 'skip_streams', 'tenant', 'vendor']);
    expect(Object.keys(data.pr!).sort()).toEqual(['github', 'githubApi', 'remote', 'repo', 'requestedBy']);
    const json = JSON.stringify(data);
    expect(json).not.toMatch(/previous|inputs|templates_sha256|done_key/);
    expect(data.jobTimeoutMs).toBe(600_000);
  });

  it('gives the pr repository as an absolute path, so a worker anywhere reads the same folder and the data passes its own check', () => {
    const data = queuedJobData(vendorJob({ pr: { ...PR, repo: path.relative(process.cwd(), PR.repo) } }), 600_000);
    expect(data.pr!.repo).toBe(PR.repo);
    expect(QueuedJobData.safeParse(data).success).toBe(true);
  });
});

describe('QueuedJobData refuses, as data read back from Redis', () => {
  const good = () => JSON.parse(JSON.stringify(queuedJobData(vendorJob({ pr: PR }), 600_000))) as Record<string, any>;

  it('accepts the data as made', () => {
    expect(QueuedJobData.safeParse(good()).success).toBe(true);
  });

  const cases: [string, (d: Record<string, any>) => void][] = [
    ['a relative out folder', (d) => (d.out = 'connectors')],
    ['a relative state folder', (d) => (d.stateDir = 'state')],
    ['a relative pr repo', (d) => (d.pr.repo = 'repo')],
    ['a path with NUL', (d) => (d.out = '/srv/connectors\u0000/x')],
    ['an unknown extra field', (d) => (d.token = 'x')],
    ['an unknown field in the entry', (d) => (d.entry.env = { GITHUB_TOKEN: 'x' })],
    ['a vendor name "../x"', (d) => (d.entry.vendor = '../x')],
    ['a vendor name "A B"', (d) => (d.entry.vendor = 'A B')],
    ['a key of 63 hex', (d) => (d.key = 'a'.repeat(63))],
    ['a key in upper case', (d) => (d.key = 'A'.repeat(64))],
    ['a key that is not hex', (d) => (d.key = 'g'.repeat(64))],
    ['another schema', (d) => (d.schema = 'fetchwright/queued-job@2')],
  ];
  it.each(cases)('%s', (_what, spoil) => {
    const d = good();
    spoil(d);
    expect(QueuedJobData.safeParse(d).success).toBe(false);
  });
});

describe('worthRetrying', () => {
  it.each([9, 7, 34, 5])('not after exit %i: the same inputs fail the same way', (code) => {
    expect(worthRetrying({ exit_code: code })).toBe(false);
  });

  it('not after a catalogue problem, whatever the exit code', () => {
    expect(worthRetrying({ exit_code: 1, problem: { field: 'skip_streams', message: 'no such stream' } })).toBe(false);
    expect(worthRetrying({ exit_code: null, problem: { field: 'tenant', message: 'no such variable' } })).toBe(false);
  });

  it.each([1, 4, 3, 22, 23, null])('after exit %s: a worker that died, a site down, a push refused may pass next time', (code) => {
    expect(worthRetrying({ exit_code: code })).toBe(true);
  });
});

describe('QueuedSummary', () => {
  const summary = (): JobSummary => ({ vendor: 'okta', owner: '@acme/identity', docs: 'docs/okta.yaml', outcome: 'failed', covered: false, connector_dir: null, streams: 0, identity_kinds: [], skipped_streams: [], drift: null, pr: null, cause: 'the proof failed', exit_code: 9, retry_at: '2026-12-01T18:00:00Z', elapsed_ms: 1200 });

  it('accepts a worker\'s summary', () => {
    expect(QueuedSummary.parse(summary())).toEqual(summary());
  });

  it.each<[string, Record<string, unknown>]>([
    ['a cause of 3000 characters', { cause: 'x'.repeat(3000) }],
    ['a negative elapsed_ms', { elapsed_ms: -1 }],
    ['an unknown outcome', { outcome: 'exploded' }],
    ['a vendor that is not a name', { vendor: '../x' }],
  ])('refuses %s', (_what, over) => {
    expect(QueuedSummary.safeParse({ ...summary(), ...over }).success).toBe(false);
  });
});

describe('jobOptions', () => {
  it('3 attempts, exponential backoff, the job id and the vendor\'s deduplication id, catalogue order as priority', () => {
    const job = vendorJob({ entry: entry({ index: 5 }) });
    const o = jobOptions(job);
    expect(o.attempts).toBe(3);
    expect(JOB_ATTEMPTS).toBe(3);
    expect(o.backoff).toEqual({ type: 'exponential', delay: RETRY_DELAY_MS });
    expect(o.jobId).toBe(jobIdFor(job));
    expect(o.deduplication).toEqual({ id: vendorDedupId(job) });
    expect(o.priority).toBe(6);
    expect(jobOptions(vendorJob({ entry: entry({ index: 0 }) })).priority).toBe(1);
  });
});
