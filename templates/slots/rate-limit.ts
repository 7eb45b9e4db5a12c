import { z } from 'zod';

/**
 * The rate-limit slot the retry template (templates/runtime/retry.ts) reads: which response headers
 * of a 429 say when the request may be retried, in which unit, and the longest wait the docs
 * document. The header names come from the docs — hostile data — so each must be an HTTP field name
 * (RFC 9110 §5.1: a `token`), lower-cased, and never a name an object already has (`__proto__`).
 */

/** Names a plain object answers for itself: never a header the runtime looks up. */
const OBJECT_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

/** An HTTP field name as RFC 9110 §5.6.2 writes a token, lower-case (how the host hands headers over), at most 100 characters. */
export const HeaderToken = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[!#$%&'*+.^_`|~0-9a-z-]+$/, 'a header name is an RFC 9110 token, lower-case')
  .refine((name) => !OBJECT_KEYS.has(name), 'a header name is never a property every object has');
export type HeaderToken = z.infer<typeof HeaderToken>;

/**
 * How a header's value says when to retry:
 * - `http-date-or-seconds`: `Retry-After`'s own grammar (RFC 9110 §10.2.3), a number of seconds to
 *   wait or an HTTP date (an ISO 8601 date-time is read too);
 * - `delay-seconds` / `delay-milliseconds`: how long to wait;
 * - `epoch-seconds` / `epoch-milliseconds`: when the window opens, as UTC time since 1970.
 */
export const WaitUnit = z.enum(['http-date-or-seconds', 'delay-seconds', 'delay-milliseconds', 'epoch-seconds', 'epoch-milliseconds']);
export type WaitUnit = z.infer<typeof WaitUnit>;

/** One header that says when a 429 may be retried, and its unit. */
export const WaitHeader = z.object({ header: HeaderToken, unit: WaitUnit });
export type WaitHeader = z.infer<typeof WaitHeader>;

/** A day: no documented maximum wait is taken beyond it. */
export const MAX_DOCUMENTED_WAIT_MS = 86_400_000;

export const RateLimitSlot = z
  .object({
    /** The headers, first present wins; none present (or `[]`): the template's generic reading. */
    waits: z.array(WaitHeader).max(4),
    /** The longest wait the docs document, in milliseconds; null when they document none. */
    max_wait_ms: z.number().int().positive().max(MAX_DOCUMENTED_WAIT_MS).nullable(),
  })
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.waits.forEach((w, i) => {
      if (seen.has(w.header)) ctx.addIssue({ code: 'custom', path: ['waits', i, 'header'], message: `header ${w.header} is listed twice` });
      seen.add(w.header);
    });
  });
export type RateLimitSlot = z.infer<typeof RateLimitSlot>;
