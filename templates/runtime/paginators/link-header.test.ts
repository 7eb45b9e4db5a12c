import { describe, expect, it } from 'vitest';
import { pageCtx } from './ctx.fixture.ts';
import { firstUrl, nextUrl } from './index.ts';

/** The composed paginator: the source with its page-size option and stop conditions. */
const p = { first: firstUrl, next: nextUrl };

const slot = { style: 'link-header' as const, rel: 'next', cursor_param: 'after', limit_param: 'limit', page_size: 200, stops: [{ when: 'no-next' as const }] };

describe('paginator link-header', () => {
  it('asks for the page size first, then follows rel=next until there is none', () => {
    expect(p.first(slot, 'https://o.test/api/v1/users', {})).toBe('https://o.test/api/v1/users?limit=200');
    const next = p.next(slot, pageCtx('https://o.test/api/v1/users?limit=200', [], [{}], { link: '<https://o.test/api/v1/users?after=00u9&limit=200>; rel="next"' }), {});
    expect(next).toBe('https://o.test/api/v1/users?after=00u9&limit=200');
    expect(p.next(slot, pageCtx(next!, [], [{}], { link: '<https://o.test/api/v1/users?limit=200>; rel="self"' }), {})).toBeUndefined();
  });

  it('resolves a relative link against the request', () => {
    expect(p.next(slot, pageCtx('https://s.test/api/v2/users', [], [{}], { link: '</api/v2/results/x?page=1>; rel="next"' }), {})).toBe('https://s.test/api/v2/results/x?page=1');
  });
});
