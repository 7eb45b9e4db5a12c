import { describe, expect, it } from 'vitest';
import { pageCtx } from './ctx.fixture.ts';
import { firstUrl, nextUrl } from './index.ts';

/** The composed paginator: the source with its page-size option and stop conditions. */
const p = { first: firstUrl, next: nextUrl };

describe('paginator next-url', () => {
  it('follows a relative next_page_uri on the API host', () => {
    const slot = { style: 'next-url' as const, next_path: 'next_page_uri', relative: true, limit_param: 'PageSize', page_size: 50, stops: [{ when: 'no-next' as const }] };
    const first = p.first(slot, 'https://api.twilio.test/2010-04-01/Accounts.json', {});
    expect(first).toBe('https://api.twilio.test/2010-04-01/Accounts.json?PageSize=50');
    const next = p.next(slot, pageCtx(first, { next_page_uri: '/2010-04-01/Accounts.json?PageSize=50&Page=1&PageToken=PA1' }, [{}]), {});
    expect(next).toBe('https://api.twilio.test/2010-04-01/Accounts.json?PageSize=50&Page=1&PageToken=PA1');
    expect(p.next(slot, pageCtx(next!, { next_page_uri: null }, [{}]), {})).toBeUndefined();
  });

  it('follows an absolute links.pages.next', () => {
    const slot = { style: 'next-url' as const, next_path: 'links.pages.next', relative: false, stops: [{ when: 'no-next' as const }] };
    expect(p.next(slot, pageCtx('https://do.test/v2/account/keys', { links: { pages: { next: 'https://do.test/v2/account/keys?page=2' } } }, [{}]), {})).toBe('https://do.test/v2/account/keys?page=2');
    expect(p.next(slot, pageCtx('https://do.test/v2/account/keys', { links: {} }, [{}]), {})).toBeUndefined();
  });
});
