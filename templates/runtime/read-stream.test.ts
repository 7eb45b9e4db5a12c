import { afterEach, describe, expect, it } from 'vitest';
import type { RunInput, StreamSlot } from '../slots/connector.ts';
import { installFakeHost } from './fake-host.fixture.ts';
import { newOutcome, readStream } from './read-stream.ts';

/**
 * A stream asks for the next page as soon as the current one is read and checked, and emits the
 * current page's records while the host fetches it. What a stream emits, counts and finds, and every
 * request it makes, stay those of a read that emits each record before asking for the next page: a
 * page that stops the stream (the record cap, a loop, a paginator's finding, the page cap) sends no
 * request after it, and its records still come out first.
 */

let fake: ReturnType<typeof installFakeHost> | undefined;
afterEach(() => fake?.restore());

const input: RunInput = { base_url: 'https://hub.test', tenant_variables: {}, max_pages_per_stream: 20, max_records: 1000, retry: { max_attempts: 1, base_delay_ms: 0, max_delay_ms: 0 } };
const users: StreamSlot = {
  name: 'users', kind: 'human', operation_id: 'listUsers', path: '/users', path_params: {}, query: {}, query_variables: [], headers: {}, items_path: '',
  empty: { no_content: false, null_items: false },
  pagination: { style: 'offset', offset_param: 'offset', limit_param: 'limit', page_size: 2, first_offset: 0, stops: [{ when: 'empty-page' }] },
  mapping: { id: { path: 'name', transform: 'string' } }, parent: null,
};
const offsetOf = (url: string) => Number(/offset=(\d+)/.exec(url)?.[1] ?? 0);
const named = (...names: string[]) => names.map((name) => ({ name }));

/** Reads the stream; returns the outcome, what was emitted (identity ids) and each request with how many records had been emitted when it was made. */
async function read(slot: StreamSlot, answer: (url: string) => { json?: unknown; status?: number; body?: string }, options: Partial<RunInput> = {}) {
  const requests: { url: string; emittedBefore: number }[] = [];
  const emitted: string[] = [];
  fake = installFakeHost((url) => {
    requests.push({ url, emittedBefore: emitted.length });
    return answer(url);
  });
  const outcome = newOutcome(slot.name);
  let error: unknown;
  try {
    await readStream(slot, { ...input, ...options }, 'hub', {}, outcome, (_raw, identity) => emitted.push(identity.id));
  } catch (e) {
    error = e;
  }
  return { outcome, emitted, requests, error, finding: (error as { finding?: { id: string } } | undefined)?.finding?.id };
}

describe('list-stream: the next page is fetched while this one is emitted', () => {
  const pages = [named('a', 'b'), named('c', 'd'), named('e'), []];

  it('asks for page k + 1 before emitting page k, and for page k + 2 only after', async () => {
    const { emitted, requests, outcome } = await read(users, (url) => ({ json: pages[offsetOf(url) / 2] ?? [] }));
    expect(emitted).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(requests.map((r) => [offsetOf(r.url), r.emittedBefore])).toEqual([
      [0, 0],
      [2, 0],
      [4, 2],
      // The offset moves by the records received: page 3 held one.
      [5, 4],
    ]);
    expect(outcome).toMatchObject({ records: 5, pages: 4, requests: 4, complete: true });
  });

  it('the record cap: nothing asked for after the page it is passed on, the records before it emitted', async () => {
    const { emitted, requests, outcome, finding } = await read(users, (url) => ({ json: pages[offsetOf(url) / 2] ?? [] }), { max_records: 3 });
    expect(finding).toBe('record-cap');
    expect(emitted).toEqual(['a', 'b', 'c']);
    expect(requests.map((r) => offsetOf(r.url))).toEqual([0, 2]);
    // As when each record was emitted as soon as it was checked: the one past the cap was counted, then refused.
    expect(outcome.records).toBe(4);
  });

  it('a page of records already seen: a loop, and no request after it', async () => {
    const { requests, finding, emitted } = await read(users, () => ({ json: named('a', 'b') }));
    expect(finding).toBe('pagination-loop');
    expect(emitted).toEqual(['a', 'b']);
    expect(requests.map((r) => offsetOf(r.url))).toEqual([0, 2]);
  });

  it('a paginator finding on a page: its records still come out, and nothing more is asked for', async () => {
    const more: StreamSlot = { ...users, items_path: 'users', pagination: { ...users.pagination, stops: [{ when: 'more-false', path: 'more' }] } as StreamSlot['pagination'] };
    const { requests, finding, emitted } = await read(more, (url) => (offsetOf(url) === 0 ? { json: { users: named('a', 'b'), more: true } } : { json: { users: named('c', 'd') } }));
    expect(finding).toBe('stop-signal-missing');
    expect(emitted).toEqual(['a', 'b', 'c', 'd']);
    expect(requests.map((r) => offsetOf(r.url))).toEqual([0, 2]);
  });

  it('the page cap: the last page allowed is emitted, the one after it never asked for', async () => {
    const { requests, finding, emitted } = await read(users, (url) => ({ json: pages[offsetOf(url) / 2] ?? [] }), { max_pages_per_stream: 2 });
    expect(finding).toBe('page-cap');
    expect(emitted).toEqual(['a', 'b', 'c', 'd']);
    expect(requests.map((r) => offsetOf(r.url))).toEqual([0, 2]);
  });

  it('a record that cannot be mapped: the records before it come out, then the stream stops, nothing more asked for', async () => {
    const timed: StreamSlot = { ...users, mapping: { ...users.mapping, last_used_at: { path: 't', transform: 'unix-seconds' } } };
    // A time past what a Date holds makes the transform throw.
    const { requests, emitted, outcome, error } = await read(timed, () => ({ json: [{ name: 'a', t: 1 }, { name: 'b', t: 1e13 }, { name: 'c', t: 2 }] }));
    expect(String(error)).toContain('RangeError');
    expect(emitted).toEqual(['a']);
    expect(outcome.records).toBe(1);
    expect(requests.map((r) => offsetOf(r.url))).toEqual([0]);
  });

  it('a next page that fails: the page before it is emitted in full first', async () => {
    const { requests, finding, emitted, outcome } = await read(users, (url) => (offsetOf(url) === 0 ? { json: named('a', 'b') } : { status: 404, body: '{"error":"gone"}' }));
    expect(finding).toBe('not-found');
    expect(emitted).toEqual(['a', 'b']);
    expect(requests.map((r) => offsetOf(r.url))).toEqual([0, 2]);
    expect(outcome).toMatchObject({ records: 2, pages: 2, requests: 2 });
  });
});
