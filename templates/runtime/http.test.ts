import { afterEach, describe, expect, it } from 'vitest';
import { installFakeHost } from './fake-host.fixture.ts';
import { getJson, holdsLongDigitRun, parseJson } from './http.ts';
import { DEFAULT_RETRY, retryDelay } from './retry.ts';

let fake: ReturnType<typeof installFakeHost> | undefined;
afterEach(() => fake?.restore());

describe('template retry + http', () => {
  it('honours Retry-After on 429, capped', () => {
    expect(retryDelay(429, { 'retry-after': '2' }, 0, DEFAULT_RETRY, 0)).toBe(2000);
    expect(retryDelay(429, { 'retry-after': '3600' }, 0, DEFAULT_RETRY, 0)).toBe(DEFAULT_RETRY.max_delay_ms);
    expect(retryDelay(503, {}, 1, DEFAULT_RETRY, 0)).toBe(1000);
    expect(retryDelay(400, {}, 0, DEFAULT_RETRY, 0)).toBeUndefined();
    expect(retryDelay(503, {}, DEFAULT_RETRY.max_attempts - 1, DEFAULT_RETRY, 0)).toBeUndefined();
  });

  it('without Retry-After, a 429 waits for the documented reset: seconds to wait, or a UTC epoch time', () => {
    const now = Date.UTC(2026, 10, 30, 12, 0, 0);
    expect(retryDelay(429, { 'x-rate-limit-reset': String(now / 1000 + 12) }, 0, DEFAULT_RETRY, now)).toBe(12_000);
    expect(retryDelay(429, { 'ratelimit-reset': '7' }, 0, DEFAULT_RETRY, now)).toBe(7_000);
    expect(retryDelay(429, { 'x-ratelimit-reset': String(now / 1000 + 3600) }, 0, DEFAULT_RETRY, now)).toBe(DEFAULT_RETRY.max_delay_ms);
    // Retry-After wins when both are sent; nothing usable falls back to backoff.
    expect(retryDelay(429, { 'retry-after': '2', 'x-rate-limit-reset': String(now / 1000 + 12) }, 0, DEFAULT_RETRY, now)).toBe(2_000);
    expect(retryDelay(429, { 'x-rate-limit-reset': 'soon' }, 1, DEFAULT_RETRY, now)).toBe(1_000);
  });

  it('retries a 429 and a transient 503, then returns the page', async () => {
    const answers = [
      { status: 429, headers: { 'retry-after': '1' }, body: '{"error":"slow down"}' },
      { status: 503, body: 'unavailable' },
      { status: 200, json: { users: [1] } },
    ];
    fake = installFakeHost(() => answers.shift()!);
    const stats = { requests: 0, retries: 0, waited_ms: 0 };
    const page = await getJson('https://api.test/users', {}, DEFAULT_RETRY, stats);
    expect(page.body).toEqual({ users: [1] });
    expect(stats).toEqual({ requests: 3, retries: 2, waited_ms: 2000 });
    // Retry-After: 1 → 1 s; then the 503 on the second attempt backs off 500 ms × 2¹.
    expect(fake.sleeps).toEqual([1000, 1000]);
  });

  it('fails loudly on 401 with the vendor\'s own message', async () => {
    fake = installFakeHost(() => ({ status: 401, body: JSON.stringify({ errorSummary: 'Invalid token provided' }) }));
    await expect(getJson('https://api.test/users', {}, DEFAULT_RETRY, { requests: 0, retries: 0, waited_ms: 0 })).rejects.toMatchObject({ finding: { id: 'auth-refused', args: { status: 401 } }, message: expect.stringContaining('Invalid token provided') });
  });

  it('answers a list request only with 200, 203 or a 204; any other 2xx or 3xx is a finding, not a page', async () => {
    for (const status of [201, 202, 206, 302]) {
      fake = installFakeHost(() => ({ status, body: '[]' }));
      await expect(getJson('https://api.test/users', {}, DEFAULT_RETRY, { requests: 0, retries: 0, waited_ms: 0 })).rejects.toMatchObject({ finding: { id: 'unexpected-status', args: { status } } });
      fake.restore();
    }
    fake = installFakeHost(() => ({ status: 204, body: '' }));
    expect(await getJson('https://api.test/users', {}, DEFAULT_RETRY, { requests: 0, retries: 0, waited_ms: 0 })).toMatchObject({ status: 204, body: undefined });
  });

  it('a 200 whose body is not JSON, or empty, is a finding', async () => {
    for (const body of ['<html>maintenance</html>', '']) {
      fake = installFakeHost(() => ({ status: 200, body }));
      await expect(getJson('https://api.test/users', {}, DEFAULT_RETRY, { requests: 0, retries: 0, waited_ms: 0 })).rejects.toMatchObject({ finding: { id: 'body-not-json' } });
      fake.restore();
    }
  });

  it('finds a run of 16 digits wherever /\\d{16}/ does, and nowhere else', () => {
    for (const text of ['', '1'.repeat(15), '1'.repeat(16), `x${'2'.repeat(16)}`, `${'3'.repeat(16)}x`, `${'4'.repeat(15)}x${'5'.repeat(15)}`, `${'6'.repeat(10)}x${'7'.repeat(17)}`, `x${'8'.repeat(15)}x${'9'.repeat(16)}y`, '१२३४५६७८९०१२३४५६']) {
      expect(holdsLongDigitRun(text), text).toBe(/\d{16}/.test(text));
    }
    let seed = 3;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      const digitShare = (next() % 100) / 100;
      let text = '';
      for (let n = next() % 90; n > 0; n--) text += next() % 1000 < digitShare * 1000 ? String(next() % 10) : ':"-.,e'[next() % 6];
      expect(holdsLongDigitRun(text), text).toBe(/\d{16}/.test(text));
    }
  });

  it('keeps integers beyond 2^53 exact, and parses everything else as JSON.parse does', () => {
    expect(parseJson('{"id":9007199254740993,"n":12,"t":"2024-01-02T03:04:05.123456Z"}')).toEqual({ id: '9007199254740993', n: 12, t: '2024-01-02T03:04:05.123456Z' });
    expect(parseJson('[1.5,-3,"1234567890123456789"]')).toEqual([1.5, -3, '1234567890123456789']);
  });

  it('gives up after the bounded number of attempts', async () => {
    fake = installFakeHost(() => ({ status: 503, body: '' }));
    await expect(getJson('https://api.test/users', {}, { ...DEFAULT_RETRY, max_attempts: 3 }, { requests: 0, retries: 0, waited_ms: 0 })).rejects.toMatchObject({ finding: { id: 'server-error' } });
    expect(fake.requests).toHaveLength(3);
  });
});
