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
