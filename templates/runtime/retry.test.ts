import { describe, expect, it } from 'vitest';
import { RateLimitSlot } from '../slots/rate-limit.ts';
import type { RateLimitSlot as RateLimitSlotType } from './contract.ts';
import { DEFAULT_RETRY, retryDelay, waitFor429, waitIn } from './retry.ts';

/** A whole second, so HTTP dates (one-second resolution) are exact. */
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const policy = { max_attempts: 5, base_delay_ms: 100, max_delay_ms: 60_000 };
const slot = (waits: RateLimitSlotType['waits'], max_wait_ms: number | null = null): RateLimitSlotType => ({ waits, max_wait_ms });

describe('template retry: a 429 waits as the docs say the API tells it', () => {
  it('reads each documented unit', () => {
    expect(waitIn('12', 'delay-seconds', NOW)).toBe(12_000);
    expect(waitIn('1.5', 'delay-seconds', NOW)).toBe(1_500);
    expect(waitIn('2500', 'delay-milliseconds', NOW)).toBe(2_500);
    expect(waitIn(String(NOW / 1000 + 12), 'epoch-seconds', NOW)).toBe(12_000);
    expect(waitIn(String(NOW + 12_000), 'epoch-milliseconds', NOW)).toBe(12_000);
    expect(waitIn('7', 'http-date-or-seconds', NOW)).toBe(7_000);
    expect(waitIn(new Date(NOW + 12_000).toUTCString(), 'http-date-or-seconds', NOW)).toBe(12_000);
    expect(waitIn(new Date(NOW + 12_000).toISOString(), 'http-date-or-seconds', NOW)).toBe(12_000);
  });

  it('never reads a value written otherwise: signs, exponents, hex, words, empty', () => {
    for (const value of ['-5', '1e3', '0x10', 'soon', '', ' ', 'NaN', 'Infinity', '12abc', '١٢']) {
      for (const unit of ['delay-seconds', 'delay-milliseconds', 'epoch-seconds', 'epoch-milliseconds'] as const) expect(waitIn(value, unit, NOW), `${unit} ${JSON.stringify(value)}`).toBeUndefined();
    }
    expect(waitIn('tomorrow-ish', 'http-date-or-seconds', NOW)).toBeUndefined();
  });

  it('does not believe a value that puts the window more than a day away: it was written in another unit', () => {
    // Epoch milliseconds read as epoch seconds: the window would open in the year 50 000.
    expect(waitIn(String(NOW + 12_000), 'epoch-seconds', NOW)).toBeUndefined();
    expect(waitIn(String(NOW / 1000 + 3600), 'epoch-seconds', NOW)).toBe(3_600_000);
  });

  it('takes the slot\'s headers in order, the first present; an unusual name the generic reading would never see', () => {
    const rl = slot([
      { header: 'retry-after', unit: 'http-date-or-seconds' },
      { header: 'x-throttle-wait-ms', unit: 'delay-milliseconds' },
    ]);
    expect(waitFor429({ 'x-throttle-wait-ms': '2500' }, rl, NOW)).toBe(2_500);
    expect(waitFor429({ 'retry-after': '3', 'x-throttle-wait-ms': '2500' }, rl, NOW)).toBe(3_000);
    expect(waitFor429({ 'x-throttle-wait-ms': '2500' }, undefined, NOW)).toBeUndefined();
    // None of the slot's headers came back: the generic reading.
    expect(waitFor429({ 'x-ratelimit-reset': '4' }, rl, NOW)).toBe(4_000);
  });

  it('reads a documented unit as documented, where the generic reading would guess otherwise', () => {
    // Epoch milliseconds in X-RateLimit-Reset: the generic reading takes them for epoch seconds and does not believe them.
    const ms = { 'x-ratelimit-reset': String(NOW + 9_000) };
    expect(retryDelay(429, ms, 0, policy, NOW, slot([{ header: 'x-ratelimit-reset', unit: 'epoch-milliseconds' }]))).toBe(9_000);
    expect(retryDelay(429, ms, 0, policy, NOW)).toBe(100);
    // A small reset value documented as epoch seconds is a time long past, not seconds to wait.
    expect(retryDelay(429, { 'x-ratelimit-reset': '30' }, 0, policy, NOW, slot([{ header: 'x-ratelimit-reset', unit: 'epoch-seconds' }]))).toBe(0);
    expect(retryDelay(429, { 'x-ratelimit-reset': '30' }, 0, policy, NOW)).toBe(30_000);
  });

  it('a reset time in the past retries at once, and the attempts stay bounded', () => {
    const rl = slot([{ header: 'x-rate-limit-reset', unit: 'epoch-seconds' }]);
    const past = { 'x-rate-limit-reset': String(NOW / 1000 - 5) };
    expect(retryDelay(429, past, 0, policy, NOW, rl)).toBe(0);
    expect(retryDelay(429, past, policy.max_attempts - 2, policy, NOW, rl)).toBe(0);
    expect(retryDelay(429, past, policy.max_attempts - 1, policy, NOW, rl)).toBeUndefined();
  });

  it('is bounded by the run\'s max delay and by the documented maximum, whichever is smaller', () => {
    const after = { 'retry-after': '3600' };
    expect(retryDelay(429, after, 0, policy, NOW, slot([{ header: 'retry-after', unit: 'http-date-or-seconds' }]))).toBe(60_000);
    expect(retryDelay(429, after, 0, policy, NOW, slot([{ header: 'retry-after', unit: 'http-date-or-seconds' }], 5_000))).toBe(5_000);
    expect(retryDelay(429, after, 0, { ...policy, max_delay_ms: 2_000 }, NOW, slot([], 5_000))).toBe(2_000);
    // A 429 that says nothing backs off under the documented maximum too; a 5xx only under the run's.
    expect(retryDelay(429, {}, 6, { ...policy, max_attempts: 10 }, NOW, slot([], 5_000))).toBe(5_000);
    expect(retryDelay(503, {}, 6, { ...policy, max_attempts: 10 }, NOW, slot([], 5_000))).toBe(6_400);
  });

  it('never waits a negative or NaN time, whatever the headers say', () => {
    const rl = slot([
      { header: 'x-a', unit: 'epoch-seconds' },
      { header: 'x-b', unit: 'epoch-milliseconds' },
      { header: 'retry-after', unit: 'http-date-or-seconds' },
    ]);
    const values = ['-1', '0', '1e309', '99999999999999999999', 'Thu, 01 Jan 1970 00:00:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', 'x', '  7  ', '0.000001'];
    for (const a of values) {
      for (const b of values) {
        const d = retryDelay(429, { 'x-a': a, 'x-b': b, 'retry-after': b }, 0, policy, NOW, rl);
        expect(Number.isFinite(d) && d! >= 0 && d! <= policy.max_delay_ms, `${a} ${b} → ${d}`).toBe(true);
      }
    }
  });

  it('reads only a header the response has of its own, never an inherited property', () => {
    const headers = Object.create({ 'x-rate-limit-reset': String(NOW / 1000 + 20), 'retry-after': '20' }) as Record<string, string>;
    expect(retryDelay(429, headers, 0, policy, NOW, slot([{ header: 'x-rate-limit-reset', unit: 'epoch-seconds' }]))).toBe(100);
  });

  it('without a slot, reads as it did before the docs were read (the generic reading)', () => {
    expect(retryDelay(429, { 'retry-after': '2' }, 0, DEFAULT_RETRY, NOW)).toBe(2_000);
    expect(retryDelay(429, { 'x-rate-limit-reset': String(NOW / 1000 + 12) }, 0, DEFAULT_RETRY, NOW)).toBe(12_000);
    expect(retryDelay(429, { 'ratelimit-reset': '7' }, 0, DEFAULT_RETRY, NOW)).toBe(7_000);
    expect(retryDelay(429, {}, 1, DEFAULT_RETRY, NOW)).toBe(1_000);
  });
});

describe('the rate-limit slot: header names from the docs are hostile data', () => {
  it('takes an RFC 9110 token in lower case, and nothing else', () => {
    const ok = (header: string) => RateLimitSlot.safeParse({ waits: [{ header, unit: 'delay-seconds' }], max_wait_ms: null }).success;
    expect(ok('x-rate-limit-reset')).toBe(true);
    expect(ok("x-odd!#$%&'*+.^_`|~1")).toBe(true);
    for (const bad of ['X-Rate-Limit-Reset', 'x rate', 'x-reset\r\nset-cookie: a=b', 'x-reset:', '', '__proto__', 'constructor', 'x'.repeat(101), 'ümlaut']) {
      expect(ok(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('bounds the documented maximum and refuses a header listed twice', () => {
    expect(RateLimitSlot.safeParse({ waits: [], max_wait_ms: 86_400_001 }).success).toBe(false);
    expect(RateLimitSlot.safeParse({ waits: [], max_wait_ms: 0 }).success).toBe(false);
    expect(RateLimitSlot.safeParse({ waits: [{ header: 'retry-after', unit: 'delay-seconds' }, { header: 'retry-after', unit: 'epoch-seconds' }], max_wait_ms: null }).success).toBe(false);
    expect(RateLimitSlot.safeParse({ waits: Array.from({ length: 5 }, (_, i) => ({ header: `x-${i}`, unit: 'delay-seconds' })), max_wait_ms: null }).success).toBe(false);
  });
});
