import { describe, expect, it } from 'vitest';
import type { PaginatorOf, StopCondition } from '../contract.ts';
import { idOf } from '../fake-host.fixture.ts';
import { pageCtx } from './ctx.fixture.ts';
import { firstUrl, nextUrl } from './index.ts';
import { judgeStop, type StopContext } from './stops.ts';

/** A stop context for `records` records on a page with this body, after `seen` records and `pages` pages. */
function at(body: unknown, records: number, more: Partial<StopContext> = {}): StopContext {
  return { ctx: pageCtx('https://h.test/u', body, Array(records).fill({})), seen: records, pages: 1, requested: undefined, ...more };
}
const says = (stop: StopCondition, s: StopContext) => judgeStop(stop, s).says;

describe('stop conditions, one at a time', () => {
  it('empty-page ends at a page with no records, and says nothing of a page with some', () => {
    expect(says({ when: 'empty-page' }, at({}, 0))).toBe('ends');
    expect(says({ when: 'empty-page' }, at({}, 1))).toBe('silent');
  });

  it('short-page ends at a page shorter than the size asked for, and needs a size', () => {
    expect(says({ when: 'short-page' }, at({}, 7, { requested: 10 }))).toBe('ends');
    expect(says({ when: 'short-page' }, at({}, 10, { requested: 10 }))).toBe('silent');
    expect(says({ when: 'short-page' }, at({}, 7, { requested: undefined }))).toBe('silent');
  });

  it('more-false ends when the flag is false, says more follow when it is true, and fails closed on anything else', () => {
    const stop: StopCondition = { when: 'more-false', path: 'meta.has_more' };
    expect(says(stop, at({ meta: { has_more: false } }, 2))).toBe('ends');
    expect(judgeStop(stop, at({ meta: { has_more: true } }, 2))).toEqual({ says: 'more', signal: '"meta.has_more": true' });
    expect(idOf(() => judgeStop(stop, at({ meta: {} }, 2)))).toBe('stop-signal-missing');
    expect(idOf(() => judgeStop(stop, at({ meta: { has_more: 'false' } }, 2)))).toBe('pagination-value-invalid');
  });

  it('last-true ends when the flag is true, says more follow when it is false', () => {
    const stop: StopCondition = { when: 'last-true', path: 'isLast' };
    expect(says(stop, at({ isLast: true }, 2))).toBe('ends');
    expect(says(stop, at({ isLast: false }, 2))).toBe('more');
    expect(idOf(() => judgeStop(stop, at({}, 2)))).toBe('stop-signal-missing');
  });

  it('total-reached ends once the records seen reach the total (a numeric string counts too)', () => {
    const stop: StopCondition = { when: 'total-reached', path: 'total' };
    expect(says(stop, at({ total: 12 }, 2, { seen: 12 }))).toBe('ends');
    expect(says(stop, at({ total: '12' }, 2, { seen: 11 }))).toBe('more');
    expect(idOf(() => judgeStop(stop, at({ total: null }, 2)))).toBe('stop-signal-missing');
    expect(idOf(() => judgeStop(stop, at({ total: -1 }, 2)))).toBe('pagination-value-invalid');
  });

  it('page-count ends once as many pages were read as the count says', () => {
    const stop: StopCondition = { when: 'page-count', path: 'pages' };
    expect(says(stop, at({ pages: 3 }, 2, { pages: 3 }))).toBe('ends');
    expect(says(stop, at({ pages: 3 }, 2, { pages: 2 }))).toBe('more');
  });
});

describe('stop conditions composed around a source', () => {
  const keyset: PaginatorOf<'cursor'> = { style: 'cursor', cursor_param: 'starting_after', last_record_path: 'id', limit_param: 'limit', page_size: 2, stops: [{ when: 'more-false', path: 'has_more' }] };

  it('keyset paging: the next cursor is the last record\'s id, and has_more false ends the list', () => {
    const state = {};
    const first = firstUrl(keyset, 'https://t.test/v1/users', state);
    expect(first).toBe('https://t.test/v1/users?limit=2');
    const second = nextUrl(keyset, pageCtx(first, { has_more: true }, [{ id: 'u1' }, { id: 'u2' }]), state);
    expect(second).toBe('https://t.test/v1/users?limit=2&starting_after=u2');
    expect(nextUrl(keyset, pageCtx(second!, { has_more: false }, [{ id: 'u3' }]), state)).toBeUndefined();
  });

  it('keyset paging fails closed: an empty page while has_more is true, a last record without the field', () => {
    expect(idOf(() => nextUrl(keyset, pageCtx('https://t.test/u', { has_more: true }, []), {}))).toBe('list-ended-early');
    expect(idOf(() => nextUrl(keyset, pageCtx('https://t.test/u', { has_more: true }, [{ name: 'x' }]), {}))).toBe('pagination-value-invalid');
  });

  it('any one condition ends the list: a page count reached ends it though no flag was planned to', () => {
    const page: PaginatorOf<'page'> = { style: 'page', page_param: 'page', first_page: 1, stops: [{ when: 'total-reached', path: 'total' }, { when: 'page-count', path: 'pages' }] };
    const state = {};
    const url = firstUrl(page, 'https://h.test/u', state);
    // 5 records of a total of 12 came, but the body says there is one page: the count ends the list — and the total contradicts it.
    expect(idOf(() => nextUrl(page, pageCtx(url, { total: 12, pages: 1 }, Array(5).fill({})), state))).toBe('list-ended-early');
    const agreeing = {};
    const first = firstUrl(page, 'https://h.test/u', agreeing);
    expect(nextUrl(page, pageCtx(first, { total: 5, pages: 1 }, Array(5).fill({})), agreeing)).toBeUndefined();
  });

  it('a short page ends the list where the docs say so, but not while has_more says more follow', () => {
    const short: PaginatorOf<'offset'> = { style: 'offset', offset_param: 'offset', limit_param: 'limit', page_size: 10, first_offset: 0, stops: [{ when: 'short-page' }] };
    const state = {};
    const url = firstUrl(short, 'https://h.test/u', state);
    expect(nextUrl(short, pageCtx(url, {}, Array(10).fill({})), state)).toBe('https://h.test/u?offset=10&limit=10');
    expect(nextUrl(short, pageCtx(url, {}, Array(4).fill({})), state)).toBeUndefined();
    const both: PaginatorOf<'offset'> = { ...short, stops: [{ when: 'short-page' }, { when: 'more-false', path: 'more' }] };
    expect(idOf(() => nextUrl(both, pageCtx(url, { more: true }, Array(4).fill({})), {}))).toBe('list-ended-early');
  });

  it('a short page is not the end while the server gives a next position (a server capping the page size below the size asked for)', () => {
    const records = Array(100).fill({});
    const cursor: PaginatorOf<'cursor'> = { style: 'cursor', cursor_param: 'cursor', cursor_path: 'next_cursor', limit_param: 'limit', page_size: 500, stops: [{ when: 'no-next' }, { when: 'short-page' }] };
    const url = firstUrl(cursor, 'https://h.test/u', {});
    expect(idOf(() => nextUrl(cursor, pageCtx(url, { next_cursor: 'c2' }, records), {}))).toBe('list-ended-early');
    expect(nextUrl(cursor, pageCtx(url, { next_cursor: null }, records), {})).toBeUndefined();
    const link: PaginatorOf<'link-header'> = { style: 'link-header', rel: 'next', limit_param: 'per_page', page_size: 500, stops: [{ when: 'no-next' }, { when: 'short-page' }] };
    expect(idOf(() => nextUrl(link, pageCtx(url, records, records, { link: '<https://h.test/u?page=2>; rel="next"' }), {}))).toBe('list-ended-early');
    const nextLink: PaginatorOf<'next-url'> = { style: 'next-url', next_path: 'next', relative: true, limit_param: 'limit', page_size: 500, stops: [{ when: 'no-next' }, { when: 'short-page' }] };
    expect(idOf(() => nextUrl(nextLink, pageCtx(url, { next: '/u?after=9' }, records), {}))).toBe('list-ended-early');
    // Positions the connector computes itself (keyset from the last record, an offset) always exist: the short page ends those.
    const keyset: PaginatorOf<'cursor'> = { style: 'cursor', cursor_param: 'starting_after', last_record_path: 'id', limit_param: 'limit', page_size: 500, stops: [{ when: 'short-page' }] };
    expect(nextUrl(keyset, pageCtx(url, {}, [{ id: 'u9' }]), {})).toBeUndefined();
  });

  it('a total (or page count) the list already went past is not the end while the server gives a next position; reached exactly, it is', () => {
    const records = Array(10).fill({});
    const link: PaginatorOf<'next-url'> = { style: 'next-url', next_path: 'next', relative: true, stops: [{ when: 'no-next' }, { when: 'total-reached', path: 'total' }] };
    const url = firstUrl(link, 'https://h.test/u', {});
    expect(idOf(() => nextUrl(link, pageCtx(url, { total: 5, next: '/u?after=10' }, records), {}))).toBe('list-ended-early');
    expect(nextUrl(link, pageCtx(url, { total: 10, next: '/u?after=10' }, records), {})).toBeUndefined();
    const pages: PaginatorOf<'next-url'> = { ...link, stops: [{ when: 'no-next' }, { when: 'page-count', path: 'pages' }] };
    expect(idOf(() => nextUrl(pages, pageCtx(url, { pages: 0, next: '/u?after=10' }, records), {}))).toBe('list-ended-early');
    expect(nextUrl(pages, pageCtx(url, { pages: 0, next: null }, records), {})).toBeUndefined();
  });

  it('a next cursor missing while has_more is true is a finding; a source with no next and no planned stop for it is too', () => {
    const cursor: PaginatorOf<'cursor'> = { style: 'cursor', cursor_param: 'cursor', cursor_path: 'next', stops: [{ when: 'no-next' }, { when: 'more-false', path: 'has_more' }] };
    expect(idOf(() => nextUrl(cursor, pageCtx('https://h.test/u', { next: null, has_more: true }, [{}]), {}))).toBe('list-ended-early');
    expect(nextUrl(cursor, pageCtx('https://h.test/u', { next: null, has_more: false }, [{}]), {})).toBeUndefined();
    const unplanned: PaginatorOf<'cursor'> = { ...cursor, stops: [{ when: 'empty-page' }] };
    expect(idOf(() => nextUrl(unplanned, pageCtx('https://h.test/u', { next: null }, [{}]), {}))).toBe('stop-signal-missing');
  });
});
