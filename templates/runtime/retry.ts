/**
 * template fetchwright/retry@1 — retry with backoff: 429 honouring `Retry-After` (seconds or an
 * HTTP date) up to a cap, transient 5xx with exponential backoff, a bounded number of attempts.
 */

export interface RetryPolicy {
  max_attempts: number;
  base_delay_ms: number;
  max_delay_ms: number;
}

export const DEFAULT_RETRY: RetryPolicy = { max_attempts: 5, base_delay_ms: 500, max_delay_ms: 30_000 };

const TRANSIENT = [500, 502, 503, 504];

/** Milliseconds to wait before attempt `attempt + 1`, or undefined when the response is not retried. */
export function retryDelay(status: number, headers: Record<string, string>, attempt: number, policy: RetryPolicy, now: number): number | undefined {
  if (attempt + 1 >= policy.max_attempts) return undefined;
  if (status === 429) {
    const after = headers['retry-after'];
    if (after !== undefined) {
      const seconds = Number(after);
      const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - now;
      if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), policy.max_delay_ms);
    }
    return Math.min(policy.base_delay_ms * 2 ** attempt, policy.max_delay_ms);
  }
  if (TRANSIENT.includes(status)) return Math.min(policy.base_delay_ms * 2 ** attempt, policy.max_delay_ms);
  return undefined;
}
