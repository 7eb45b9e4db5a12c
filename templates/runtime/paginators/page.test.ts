import { describe, expect, it } from 'vitest';
import { pageCtx } from './ctx.fixture.ts';
import { firstUrl, nextUrl } from './index.ts';

/** The composed paginator: the source with its page-size option and stop conditions. */
const p = { first: firstUrl, next: nextUrl };

describe('paginator page', () => {
  it('counts pages from the first page and stops at the page count', () => {
    const slot = { style: 'page' as const, page_param: 'page', size_param: 'page_size', page_size: 500, first_page: 1, stops: [{ when: 'page-count' as const, path: 'pages' }] };
    const state = {};
    const first = p.first(slot, 'https://l.test/v4/account/users', state);
    expect(first).toBe('https://l.test/v4/account/users?page=1&page_size=500');
    const second = p.next(slot, pageCtx(first, { pages: 2 }, [{}]), state);
    expect(second).toBe('https://l.test/v4/account/users?page_size=500&page=2');
    expect(p.next(slot, pageCtx(second!, { pages: 2 }, [{}]), state)).toBeUndefined();
  });

  it('with zero-based pages, stops at the count too', () => {
    const slot = { style: 'page' as const, page_param: 'p', first_page: 0, stops: [{ when: 'page-count' as const, path: 'meta.total_pages' }] };
    const state = {};
    const url = p.first(slot, 'https://h.test/u', state);
    expect(p.next(slot, pageCtx(url, { meta: { total_pages: 1 } }, [{}]), state)).toBeUndefined();
  });

  it('stops on an empty page when the body gives no count', () => {
    const slot = { style: 'page' as const, page_param: 'page', first_page: 1, stops: [{ when: 'empty-page' as const }] };
    const state = {};
    const url = p.first(slot, 'https://h.test/u', state);
    expect(p.next(slot, pageCtx(url, {}, [{}]), state)).toBe('https://h.test/u?page=2');
    expect(p.next(slot, pageCtx(url, {}, []), state)).toBeUndefined();
  });
});
