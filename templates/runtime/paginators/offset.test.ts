import { describe, expect, it } from 'vitest';
import { pageCtx } from './ctx.fixture.ts';
import { firstUrl, nextUrl } from './index.ts';

/** The composed paginator: the source with its page-size option and stop conditions. */
const p = { first: firstUrl, next: nextUrl };

const base = { style: 'offset' as const, offset_param: 'offset', limit_param: 'limit', page_size: 100, first_offset: 0 };

describe('paginator offset', () => {
  it('advances by the records received, so a server clamping the page size loses nothing', () => {
    const slot = { ...base, stops: [{ when: 'empty-page' as const }] };
    const state = {};
    const first = p.first(slot, 'https://h.test/users', state);
    expect(first).toBe('https://h.test/users?offset=0&limit=100');
    const second = p.next(slot, pageCtx(first, [], new Array(10).fill({})), state);
    expect(second).toBe('https://h.test/users?offset=10&limit=100');
    expect(p.next(slot, pageCtx(second!, [], []), state)).toBeUndefined();
  });

  it('stops when `more` is false', () => {
    const slot = { ...base, stops: [{ when: 'more-false' as const, path: 'more' }] };
    const state = {};
    const url = p.first(slot, 'https://pd.test/users', state);
    expect(p.next(slot, pageCtx(url, { more: true }, [{}, {}]), state)).toBe('https://pd.test/users?offset=2&limit=100');
    expect(p.next(slot, pageCtx(url, { more: false }, [{}]), state)).toBeUndefined();
  });

  it('stops once `total` records came', () => {
    const slot = { ...base, stops: [{ when: 'total-reached' as const, path: 'total' }] };
    const state = {};
    const url = p.first(slot, 'https://h.test/u', state);
    expect(p.next(slot, pageCtx(url, { total: 3 }, [{}, {}]), state)).toBeDefined();
    expect(p.next(slot, pageCtx(url, { total: 3 }, [{}]), state)).toBeUndefined();
  });

  it('starts at the documented first offset', () => {
    expect(p.first({ ...base, first_offset: 1, stops: [{ when: 'empty-page' as const }] }, 'https://h.test/u', {})).toBe('https://h.test/u?offset=1&limit=100');
  });
});
