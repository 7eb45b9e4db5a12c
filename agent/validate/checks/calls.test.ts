import { describe, expect, it } from 'vitest';
import type { MockCall } from '../../../synthetic-data/mock-api/mock-vendor.ts';
import { authenticated } from './calls.ts';

/** Authentication is verified by any call the API let past its credential check, and by none that it refused. */
describe('calls: authentication verified', () => {
  const call = (outcome: MockCall['outcome']): MockCall => ({ seq: 1, method: 'GET', path: '/users', query: {}, status: 200, operation_id: 'listUsers', outcome, undocumented: [] });

  it('a page refused for its paging still got past the credential check', () => {
    expect(authenticated([call('bad-request')])).toBe(true);
    expect(authenticated([call('fault-429'), call('ok')])).toBe(true);
  });

  it('no call past the check, or one refused by it, is not verified', () => {
    expect(authenticated([call('unknown-path')])).toBe(false);
    expect(authenticated([call('ok'), call('unauthorised')])).toBe(false);
    expect(authenticated([])).toBe(false);
  });
});

describe('calls: a flood of calls gives a bounded scorecard', () => {
  it('lists the first unplanned calls and paths with undocumented parameters, cut short, and counts them all', async () => {
    const { checkCalls, MAX_LISTED_CALLS } = await import('./calls.ts');
    const plan = { streams: [{ name: 'users', operation_id: 'listUsers' }], auth: { type: 'bearer' } } as never;
    const long = 'p'.repeat(16_000);
    const calls: MockCall[] = [];
    for (let i = 0; i < 5_000; i++) {
      calls.push({ seq: calls.length + 1, method: 'GET', path: `/nowhere/${i}/${long}`, query: {}, status: 404, operation_id: null, outcome: 'unknown-path', undocumented: [] });
      calls.push({ seq: calls.length + 1, method: 'GET', path: `/users/${i}/${long}`, query: { [`q${i}`]: '1' }, status: 200, operation_id: 'listUsers', outcome: 'ok', undocumented: [`q${i}${long}`] });
    }
    const { findings, summary } = checkCalls(plan, calls, 0);
    expect(summary.unplanned).toHaveLength(MAX_LISTED_CALLS);
    expect(summary.unplanned_total).toBe(5_000);
    expect(summary.undocumented_params).toHaveLength(MAX_LISTED_CALLS);
    expect(findings.find((f) => f.id === 'calls-unplanned')!.args.count).toBe(5_000);
    expect(findings.find((f) => f.id === 'calls-not-listed')!.args.more).toBe(5_000 - MAX_LISTED_CALLS);
    expect(JSON.stringify({ findings, summary }).length).toBeLessThan(200_000);
  });
});
