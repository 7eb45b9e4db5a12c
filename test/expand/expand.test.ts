import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CoverageSummary } from '../../agent/expand/coverage-summary.ts';
import { everyDescription, writeCatalogue } from './catalogue-files.ts';
import { fetchwright, processesWithEnv } from './expand-cli.ts';

/**
 * `fetchwright expand` over a catalogue of every real description in shared/vendor-docs, as a
 * scheduler runs it: the first run generates all, a second changes nothing, a run killed with
 * SIGKILL resumes without redoing what was done.
 */

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), `fetchwright-expand-${prefix}-`));

function summaryOf(stdout: string): CoverageSummary {
  return JSON.parse(stdout) as CoverageSummary;
}

describe('expand over every description in shared/vendor-docs', () => {
  const root = tmp('all');
  const state = path.join(root, 'state');
  const out = path.join(root, 'connectors');
  const entries = everyDescription();
  let catalogue: string;
  let first: CoverageSummary;

  beforeAll(() => {
    catalogue = writeCatalogue(root, entries);
  });

  it('generates and proves every vendor on the first run, in two worker processes, and writes the coverage summary', async () => {
    const r = await fetchwright(['expand', '--catalog', catalogue, '--state', path.join(state, 'expand'), '--out', out, '--concurrency', '2', '--json'], { state, env: { CI: 'true' } });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, r.stderr).toBe(0);
    first = summaryOf(r.stdout);
    expect(first.vendors.map((v) => [v.vendor, v.outcome, v.covered])).toEqual(entries.map((e) => [e.vendor, 'generated', true]));
    expect(first.totals).toMatchObject({ vendors: entries.length, covered: entries.length, generated: entries.length, failed: 0, invalid_entries: 0 });
    for (const v of first.vendors) {
      expect(v.streams, v.vendor).toBeGreaterThan(0);
      expect(v.identity_kinds.length, v.vendor).toBeGreaterThan(0);
      expect(JSON.parse(readFileSync(path.join(v.connector_dir!, 'scorecard.json'), 'utf8')).verdict).toBe('pass');
    }
    // The summary as a file, for the scheduler, and as Markdown, for a CI job summary.
    expect(JSON.parse(readFileSync(path.join(state, 'expand', 'coverage.json'), 'utf8'))).toEqual(first);
    const md = readFileSync(path.join(state, 'expand', 'coverage.md'), 'utf8');
    for (const e of entries) expect(md).toContain(e.vendor);
    // Plain progress lines under CI, one per vendor, no terminal control sequence.
    for (const e of entries) expect(r.stderr).toMatch(new RegExp(`\\b${e.vendor}\\b.*generated`));
    expect(r.stderr).not.toMatch(/\u001b|\r/);
  });

  it('changes nothing on a second run: every vendor skipped, no connector file touched, no proof run', async () => {
    const before = new Map(first.vendors.map((v) => [v.vendor, statSync(path.join(v.connector_dir!, 'fetcher.ts')).mtimeMs]));
    const auditBefore = readFileSync(path.join(state, 'audit.jsonl'), 'utf8').split('\n').length;
    const r = await fetchwright(['expand', '--catalog', catalogue, '--state', path.join(state, 'expand'), '--out', out, '--json'], { state, env: { CI: 'true' } });
    expect(r.code, r.stderr).toBe(0);
    const second = summaryOf(r.stdout);
    expect(second.vendors.map((v) => v.outcome)).toEqual(entries.map(() => 'skipped'));
    expect(second.totals.covered).toBe(entries.length);
    for (const v of second.vendors) expect(statSync(path.join(v.connector_dir!, 'fetcher.ts')).mtimeMs).toBe(before.get(v.vendor));
    // Only the command's own lines: no ingest, plan, proof or write was audited.
    const newLines = readFileSync(path.join(state, 'audit.jsonl'), 'utf8').trim().split('\n').slice(auditBefore - 1).map((l) => JSON.parse(l).step as string);
    expect(newLines.filter((s) => /^(expand-plan|attempt-|write)/.test(s))).toEqual([]);
  });
});

describe('expand killed with SIGKILL mid-way', () => {
  it('resumes on the next run: what was done is skipped, the rest is done, nothing half-written, no worker left running', async () => {
    const root = tmp('kill');
    const state = path.join(root, 'state');
    const out = path.join(root, 'connectors');
    // Small descriptions, one at a time: the kill lands after the first is recorded and before the last.
    const picked = everyDescription().filter((e) => ['netlify', 'snowflake', 'jupyterhub', 'split-snowflake'].includes(e.vendor));
    expect(picked).toHaveLength(4);
    const catalogue = writeCatalogue(root, picked);
    const expandState = path.join(state, 'expand');
    const args = ['expand', '--catalog', catalogue, '--state', expandState, '--out', out, '--concurrency', '1', '--json'];
    const done = () => (existsSync(path.join(expandState, 'vendors')) ? readdirSync(path.join(expandState, 'vendors')).filter((f) => f.endsWith('.json')) : []);
    // Killed while a worker is in the middle of the next vendor (the command and a worker both carry the state folder in their environment).
    let seen = 0;
    const midJob = () => done().length >= 1 && processesWithEnv(state).length >= 2 && ++seen >= 3;
    const killed = await fetchwright(args, { state, until: (child) => (midJob() ? child.kill('SIGKILL') : false) });
    expect(killed.code).toBe(137);
    const recorded = done().map((f) => f.replace(/\.json$/, ''));
    expect(recorded.length).toBeGreaterThanOrEqual(1);
    expect(recorded.length).toBeLessThan(picked.length);
    // The worker of the vendor in progress ends with its parent (the IPC channel closes).
    await expect.poll(() => processesWithEnv(state), { timeout: 10_000, interval: 100 }).toEqual([]);

    const again = await fetchwright(args, { state, env: { CI: 'true' } });
    expect(again.code, again.stderr).toBe(0);
    const s = summaryOf(again.stdout);
    for (const v of s.vendors) expect(v.outcome, v.vendor).toBe(recorded.includes(v.vendor) ? 'skipped' : 'generated');
    expect(s.totals.covered).toBe(picked.length);
    // No staging or backup folder left beside the connectors.
    expect(readdirSync(out).sort()).toEqual(picked.map((p) => p.vendor).sort());
  });
});

describe('a worker process that dies mid-job', () => {
  it('fails only its vendor, with how it ended, and the vendor waits for its retry time instead of being tried on every run', async () => {
    const root = tmp('worker');
    const state = path.join(root, 'state');
    const expandState = path.join(state, 'expand');
    const catalogue = writeCatalogue(root, everyDescription().filter((e) => e.vendor === 'okta'));
    const args = ['expand', '--catalog', catalogue, '--state', expandState, '--out', path.join(root, 'connectors'), '--json'];
    let seen = 0;
    let killedWorker = false;
    const r = await fetchwright(args, {
      state,
      env: { CI: 'true' },
      until: (child) => {
        const workers = processesWithEnv(state).filter((pid) => pid !== child.pid);
        if (workers.length && ++seen >= 3) {
          for (const pid of workers) process.kill(pid, 'SIGKILL');
          killedWorker = true;
          return true;
        }
        return false;
      },
    });
    expect(killedWorker).toBe(true);
    expect(r.code, r.stderr).toBe(33);
    const v = summaryOf(r.stdout).vendors[0]!;
    expect(v).toMatchObject({ vendor: 'okta', outcome: 'failed', covered: false });
    expect(v.cause).toMatch(/worker process ended without a result \(killed by SIGKILL/);
    const again = await fetchwright(args, { state, env: { CI: 'true' } });
    expect(again.code).toBe(33);
    expect(summaryOf(again.stdout).vendors[0]).toMatchObject({ outcome: 'waiting', retry_at: v.retry_at });
  });
});

describe('a vendor whose job does not end', () => {
  it('is stopped at the job timeout and fails, saying so; the run goes on', async () => {
    const root = tmp('timeout');
    const state = path.join(root, 'state');
    const catalogue = writeCatalogue(root, everyDescription().filter((e) => e.vendor === 'snowflake'));
    // The worker holds before its job (FETCHWRIGHT_TEST_PAUSE, 30 s); the timeout is 2 s.
    const r = await fetchwright(['expand', '--catalog', catalogue, '--state', path.join(state, 'expand'), '--out', path.join(root, 'connectors'), '--json', '--job-timeout', '2'], { state, env: { CI: 'true', FETCHWRIGHT_TEST_PAUSE: 'expand-job' } });
    expect(r.code, r.stderr).toBe(33);
    const v = summaryOf(r.stdout).vendors[0]!;
    expect(v).toMatchObject({ vendor: 'snowflake', outcome: 'failed', covered: false });
    expect(v.cause).toMatch(/stopped after 2 s, the job timeout \(--job-timeout\)/);
    expect(processesWithEnv(state)).toEqual([]);
  });
});
