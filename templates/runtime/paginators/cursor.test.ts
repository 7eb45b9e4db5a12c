import { describe, expect, it } from 'vitest';
import { firstUrl, nextUrl } from './index.ts';

/** The composed paginator: the source with its page-size option and stop conditions. */
const p = { first: firstUrl, next: nextUrl };
import { pageCtx } from './ctx.fixture.ts';

const slot = { style: 'cursor' as const, cursor_param: 'cursor', cursor_path: 'response_metadata.next_cursor', limit_param: 'limit', page_size: 100, stops: [{ when: 'no-next' as const }] };

describe('paginator cursor', () => {
  it('sends the body\'s next cursor back, replacing the previous one', () => {
    const url = p.first(slot, 'https://slack.test/api/users.list', {});
    expect(url).toBe('https://slack.test/api/users.list?limit=100');
    const second = p.next(slot, pageCtx(url, { response_metadata: { next_cursor: 'dXNlcjpVMEc5' } }, [{}]), {});
    expect(second).toBe('https://slack.test/api/users.list?limit=100&cursor=dXNlcjpVMEc5');
    expect(p.next(slot, pageCtx(second!, { response_metadata: { next_cursor: 'Mg==' } }, [{}]), {})).toBe('https://slack.test/api/users.list?limit=100&cursor=Mg%3D%3D');
  });

  it('stops on an empty, null or missing cursor', () => {
    for (const body of [{ response_metadata: { next_cursor: '' } }, { response_metadata: { next_cursor: null } }, { response_metadata: {} }]) {
      expect(p.next(slot, pageCtx('https://x.test/u', body, [{}]), {})).toBeUndefined();
    }
  });

  it('a page without the cursor\'s container at all is a finding, not the end', () => {
    expect(() => p.next(slot, pageCtx('https://x.test/u', {}, [{}]), {})).toThrow(expect.objectContaining({ finding: expect.objectContaining({ id: 'stop-signal-missing' }) }));
  });
});
