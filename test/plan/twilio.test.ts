import { describe, expect, it } from 'vitest';
import { planOf, streamAt } from '../helpers/vendor-docs.ts';

describe('plan: Twilio API 2010 (OpenAPI 3.0.1)', async () => {
  const { plan } = await planOf('twilio.json');

  it('authenticates with HTTP basic (account SID and auth token)', () => {
    expect(plan.auth).toMatchObject({ type: 'basic', in: 'header', name: 'Authorization', prefix: 'Basic ' });
  });

  it('pages accounts by the relative next_page_uri', () => {
    const accounts = streamAt(plan, '/2010-04-01/Accounts.json');
    expect(accounts.items_path).toBe('accounts');
    expect(accounts.pagination).toMatchObject({ style: 'next-url', next_path: 'next_page_uri', relative: true });
    expect(accounts.mapping.id?.path).toBe('sid');
  });

  it('reads each account\'s API keys as a child stream filled from the account sid', () => {
    const keys = streamAt(plan, '/2010-04-01/Accounts/{AccountSid}/Keys.json');
    expect(keys.kind).toBe('api_key');
    expect(keys.parent).toMatchObject({ stream: 'accounts', param: 'AccountSid', from_field: 'sid', relation: 'owns', parent_is: 'from' });
  });
});
