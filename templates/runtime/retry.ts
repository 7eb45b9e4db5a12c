import type { RateLimitSlot, WaitUnit } from './contract.ts';

/**
 * template fetchwright/retry@3 — retry with backoff. A 429 waits until the window opens, as the docs
 * say the API tells it: the slot's headers (`rate_limit.waits`, first present wins) in their
 * documented unit — `Retry-After`'s seconds or HTTP date (RFC 9110 §10.2.3), a delay in seconds or
 * milliseconds, or a UTC epoch time in seconds or milliseconds. When the docs name none (no slot, or
 * none of its headers came back), the generic reading: `Retry-After`, else a usual reset header
 * (`RateLimit-Reset`, `X-RateLimit-Reset`, `X-Rate-Limit-Reset`: above 1e9 a UTC epoch time in
 * seconds, else seconds to wait), else exponential backoff. A value that puts the window more than
 * a day away is not believed (it was written in another unit). Every wait is bounded by the run's
 * `max_delay_ms` and by the docs' documented maximum; it is never negative or NaN — a reset time in
 * the past retries at once. Transient 5xx back off exponentially; the number of attempts is bounded.
 */

export interface RetryPolicy {
  max_attempts: number;
  base_delay_ms: number;
  max_delay_ms: number;
}

export const DEFAULT_RETRY: RetryPolicy = { max_attempts: 5, base_delay_ms: 500, max_delay_ms: 30_000 };

const TRANSIENT = [500, 502, 503, 504];
const GENERIC_RESET_HEADERS = ['ratelimit-reset', 'x-ratelimit-reset', 'x-rate-limit-reset'];
/** Generic reading only: above this, a reset value is an epoch time (seconds since 1970), not a number of seconds to wait. */
const GENERIC_EPOCH_SECONDS = 1e9;
/**
 * The longest wait a header is believed to give (a day): further than that, the value was not
 * written in the unit it is read in (epoch milliseconds read as seconds put the window millennia
 * away), and the header is passed over as unreadable.
 */
const MAX_BELIEVED_WAIT_MS = 86_400_000;
/** A number as a header writes one: digits, an optional fraction; nothing else (no sign, exponent or hex). */
const PLAIN_NUMBER = /^\s*\d{1,20}(\.\d{1,9})?\s*$/;

/** A header's value, only when the response has one of that name of its own (never an object's inherited property). */
function headerValue(headers: Record<string, string>, name: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(headers, name)) return undefined;
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Milliseconds from `now` until the time `value` names in `unit`; undefined when the value is not
 * written in that unit, or puts the window more than a day away. Negative when that time has passed.
 */
export function waitIn(value: string, unit: WaitUnit, now: number): number | undefined {
  const number = PLAIN_NUMBER.test(value) ? Number(value) : undefined;
  let ms: number | undefined;
  if (unit === 'delay-seconds') ms = number === undefined ? undefined : number * 1000;
  else if (unit === 'delay-milliseconds') ms = number;
  else if (unit === 'epoch-seconds') ms = number === undefined ? undefined : number * 1000 - now;
  else if (unit === 'epoch-milliseconds') ms = number === undefined ? undefined : number - now;
  else if (unit === 'http-date-or-seconds') ms = number !== undefined ? number * 1000 : /[a-z]/i.test(value) ? Date.parse(value) - now : undefined;
  return ms !== undefined && Number.isFinite(ms) && ms <= MAX_BELIEVED_WAIT_MS ? ms : undefined;
}

/** The wait the generic reading finds (no slot, or none of its headers came back); undefined when the headers say nothing usable. */
function genericWait(headers: Record<string, string>, now: number): number | undefined {
  const after = headerValue(headers, 'retry-after');
  if (after !== undefined) {
    const ms = waitIn(after, 'http-date-or-seconds', now);
    if (ms !== undefined) return ms;
  }
  for (const name of GENERIC_RESET_HEADERS) {
    const value = headerValue(headers, name);
    if (value === undefined || !PLAIN_NUMBER.test(value)) continue;
    return waitIn(value, Number(value) > GENERIC_EPOCH_SECONDS ? 'epoch-seconds' : 'delay-seconds', now);
  }
  return undefined;
}

/**
 * Milliseconds until a 429 may be retried, as its headers say — the slot's headers in their
 * documented units, else the generic reading; undefined when they say nothing usable. Unbounded.
 */
export function waitFor429(headers: Record<string, string>, rateLimit: RateLimitSlot | undefined, now: number): number | undefined {
  for (const { header, unit } of rateLimit?.waits ?? []) {
    const value = headerValue(headers, header);
    if (value === undefined) continue;
    const ms = waitIn(value, unit, now);
    if (ms !== undefined) return ms;
  }
  return genericWait(headers, now);
}

/**
 * Milliseconds to wait before attempt `attempt + 1` (0-based `attempt` just failed), or undefined when
 * the response is not retried: not a 429 or transient 5xx, or the attempts are spent. A 429 waits
 * what its headers say (`waitFor429`), at least 0 and at most the smaller of `policy.max_delay_ms` and
 * the docs' `rate_limit.max_wait_ms`; a 429 that says nothing, and a transient 5xx, back off
 * exponentially from `policy.base_delay_ms` (a 429 under the same bounds, a 5xx under `max_delay_ms`). `now` is epoch milliseconds.
 */
export function retryDelay(status: number, headers: Record<string, string>, attempt: number, policy: RetryPolicy, now: number, rateLimit?: RateLimitSlot): number | undefined {
  if (attempt + 1 >= policy.max_attempts) return undefined;
  const backoff = (cap: number) => Math.min(policy.base_delay_ms * 2 ** attempt, cap);
  if (status === 429) {
    const cap = Math.max(0, Math.min(policy.max_delay_ms, rateLimit?.max_wait_ms ?? policy.max_delay_ms));
    const told = waitFor429(headers, rateLimit, now);
    return told === undefined ? backoff(cap) : Math.min(Math.max(told, 0), cap);
  }
  if (TRANSIENT.includes(status)) return backoff(policy.max_delay_ms);
  return undefined;
}
