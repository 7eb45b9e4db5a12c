import { describe, expect, it } from 'vitest';
import { judgeRow, judgeTarget, TARGETS } from '../../bench/targets.ts';

/**
 * `npm run bench` judges every row against its target: a spec over the target says "not met" even
 * when the largest spec is under it, and a missed throughput target says "not met".
 */

describe('bench targets: every row judged, "not met" where it is', () => {
  it('ingest + plan: one spec over 2 s among specs under it — that row and the summary say "not met"', () => {
    const rows = [judgeRow(TARGETS.plan, 'jupyterhub', [120, 90]), judgeRow(TARGETS.plan, 'okta.yaml', [2310, 210]), judgeRow(TARGETS.plan, 'kubernetes.json (largest)', [1500, 250])];
    expect(rows.map((r) => r.verdict)).toEqual(['met', 'not met', 'met']);
    expect(judgeTarget(TARGETS.plan, rows).line).toBe('target ingest + plan, per spec < 2,000 ms and < 300 MB: not met — 1 of 3 rows misses it: okta.yaml (total 2,310 ms ≥ 2,000 ms)');
  });

  it('the largest spec\'s in-process ingest + plan: 500 ms or more is "not met"; under it, "met"', () => {
    expect(judgeRow(TARGETS.planLargest, 'kubernetes.json', [755]).broken).toEqual(['total 755 ms ≥ 500 ms']);
    expect(judgeRow(TARGETS.planLargest, 'kubernetes.json', [499]).verdict).toBe('met');
  });

  it('memory counts as much as time', () => {
    expect(judgeRow(TARGETS.plan, 'datadog.yaml', [800, 320])).toEqual({ row: 'datadog.yaml', verdict: 'not met', broken: ['peak RSS 320 MB ≥ 300 MB'] });
  });

  it('throughput under 50,000 records/s is "not met"; at or above it, "met"', () => {
    const slow = judgeRow(TARGETS.throughput, 'jupyterhub users', [41_234]);
    expect(slow.verdict).toBe('not met');
    expect(judgeTarget(TARGETS.throughput, [slow]).line).toBe('target sandbox throughput, mapped records/s ≥ 50,000 records/s: not met — 1 of 1 row misses it: jupyterhub users (mapped records/s 41,234 records/s < 50,000 records/s)');
    expect(judgeRow(TARGETS.throughput, 'jupyterhub users', [50_000]).verdict).toBe('met');
  });

  it('live-run memory: a 200k-record run peaking at 1.5 × the 20k-record run or more is "not met"; under it, "met"', () => {
    const growing = judgeRow(TARGETS.liveMemory, '201,010 against 20,110 records', [2.4]);
    expect(growing).toEqual({ row: '201,010 against 20,110 records', verdict: 'not met', broken: ['peak RSS, 200k records ÷ 20k records 2.4 × ≥ 1.5 ×'] });
    expect(judgeTarget(TARGETS.liveMemory, [growing]).line).toBe('target live run host memory, flat in the number of records < 1.5 ×: not met — 1 of 1 row misses it: 201,010 against 20,110 records (peak RSS, 200k records ÷ 20k records 2.4 × ≥ 1.5 ×)');
    expect(judgeRow(TARGETS.liveMemory, 'flat', [1.5]).verdict).toBe('not met');
    expect(judgeRow(TARGETS.liveMemory, 'flat', [1.12]).verdict).toBe('met');
  });

  it('"met" only when every row met it; missing docs are named, and nothing measured is not met', () => {
    const rows = ['a', 'b'].map((n) => judgeRow(TARGETS.generate, n, [4000]));
    expect(judgeTarget(TARGETS.generate, rows, ['twilio.json'])).toMatchObject({ verdict: 'met', line: expect.stringMatching(/: met by all 2 rows; not measured: twilio\.json$/) });
    expect(judgeTarget(TARGETS.generate, [], ['twilio.json']).verdict).toBe('not met');
  });
});
