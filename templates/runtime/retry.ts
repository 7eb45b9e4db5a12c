/**
 * template fetchwright/retry@2 — retry with backoff: a 429 waits as the server says — `Retry-After`
 * (seconds or an HTTP date, RFC 9110 §10.2.3), else a rate-limit reset header (`RateLimit-Reset`,
 * `X-RateLimit-Reset`, `X-Rate-Limit-Reset`: seconds to wait, or a UTC epoch time in seconds) — up
 * to a cap; transient 5xx back off exponentially; the number of attempts is bounded.
 */

export interface RetryPolicy {
  max_attempts: number;
  base_delay_ms: number;
  max_delay_ms: number;
}

export const DEFAULT_RETRY: RetryPolicy = { max_attempts: 5, base_delay_ms: 500, max_delay_ms: 30_000 };

const TRANSIENT = [500, 502, 503, 504];
const RESET_HEADERS = ['ratelimit-reset', 'x-ratelimit-reset', 'x-rate-limit-reset'];
/** Above this, a reset value is an epoch time (seconds since 1970), not a number of seconds to wait. */
const EPOCH_SECONDS = 1e9;

/** Milliseconds until a 429 may be retried, as its headers say; undefined when they say nothing usable. */
function waitFor429(headers: Record<string, string>, now: number): number | undefined {
  const after = headers['retry-after'];
  if (after !== undefined) {
    const seconds = Number(after);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - now;
    if (Number.isFinite(ms)) return ms;
  }
  for (const name of RESET_HEADERS) {
    const value = Number(headers[name]);
    if (headers[name] === undefined || !Number.isFinite(value)) continue;
    return value > EPOCH_SECONDS ? value * 1000 - now : value * 1000;
  }
  return undefined;
}

/** Milliseconds to wait before attempt `attempt + 1`, or undefined when the response is not retried. */
export function retryDelay(status: number, headers: Record<string, string>, attempt: number, policy: RetryPolicy, now: number): number | undefined {
  if (attempt + 1 >= policy.max_attempts) return undefined;
  if (status === 429) {
    const told = waitFor429(headers, now);
    if (told !== undefined) return Math.min(Math.max(told, 0), policy.max_delay_ms);
    return Math.min(policy.base_delay_ms * 2 ** attempt, policy.max_delay_ms);
  }
  if (TRANSIENT.includes(status)) return Math.min(policy.base_delay_ms * 2 ** attempt, policy.max_delay_ms);
  return undefined;
}
