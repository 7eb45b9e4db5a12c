import { z } from 'zod';
import { CallOutcome, KeptFirst } from './call-log.ts';

/**
 * Something the fetcher tried that the egress policy forbids. Any violation fails the run
 * (`egress-violation`), even when the fetcher caught the refusal and carried on: a connector that
 * reaches for another host or brings its own credentials is not one to ship.
 */
export const ViolationKind = z.enum([
  // Every refusal the gate logs is a violation…
  ...CallOutcome.exclude(['ok', 'network-error']).options,
  // …and so is what the gate strips from a request before sending it:
  /** The fetcher set Authorization, Cookie, a credential-looking header (`X-Access-Key`), or a header the host injects auth into. */
  'credential-header',
  /** The fetcher put a user name or password into the URL. */
  'credential-in-url',
  /** The fetcher set Host or a hop-by-hop header (Connection, Transfer-Encoding…). */
  'forbidden-header',
  /** The fetcher set a header the plan does not declare (only the plan's headers and `Accept` pass), or a declared one with another value. */
  'undeclared-header',
  /** The fetcher set a header the request policy refuses (a method override: `X-HTTP-Method-Override: DELETE`). */
  'policy-header',
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

/** The first violations whole (`KeptFirst`), and a count of every one by kind: a flood of refusals is counted, not kept. */
export class ViolationLog {
  readonly #first = new KeptFirst<Violation>();
  readonly #counts: Partial<Record<ViolationKind, number>> = {};

  push(violation: Violation): void {
    this.#first.push(violation);
    this.#counts[violation.kind] = (this.#counts[violation.kind] ?? 0) + 1;
  }

  /** The first violations, in the order they happened (a copy). */
  get kept(): Violation[] {
    return this.#first.kept;
  }

  get total(): number {
    return this.#first.total;
  }

  /** Every violation, counted by kind. */
  get counts(): Partial<Record<ViolationKind, number>> {
    return { ...this.#counts };
  }
}
