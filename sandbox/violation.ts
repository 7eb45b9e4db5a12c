import { z } from 'zod';
import { CallOutcome } from './call-log.ts';

/**
 * Something the fetcher tried that the egress policy forbids. Any violation fails the run
 * (`egress-violation`), even when the fetcher caught the refusal and carried on: a connector that
 * reaches for another host or brings its own credentials is not one to ship.
 */
export const ViolationKind = z.enum([
  // Every refusal the gate logs is a violation…
  ...CallOutcome.exclude(['ok', 'network-error']).options,
  // …and so is what the gate strips from a request before sending it:
  /** The fetcher set Authorization, Cookie, or a header the host injects auth into. */
  'credential-header',
  /** The fetcher put a user name or password into the URL. */
  'credential-in-url',
  /** The fetcher set Host or a hop-by-hop header (Connection, Transfer-Encoding…). */
  'forbidden-header',
]);
export type ViolationKind = z.infer<typeof ViolationKind>;

export const Violation = z.object({
  kind: ViolationKind,
  /** The call-log entry it belongs to. */
  seq: z.number().int().positive(),
  /** Names headers and hosts; never a header value. */
  message: z.string(),
});
export type Violation = z.infer<typeof Violation>;
