import { z } from 'zod';
import { CallLogEntry } from './call-log.ts';
import { Violation } from './violation.ts';

/** Why a run did not finish cleanly. Each limit and each contract breach has its own kind. */
export const FailureKind = z.enum([
  /** CPU spent inside the isolate passed `cpuMs`. */
  'cpu-timeout',
  /** The run passed `wallMs` (a promise that never settles ends here). */
  'wall-timeout',
  /** The isolate passed `memoryMb`, or the sandbox process ran out of memory. */
  'memory-limit',
  /** The fetcher threw (or rejected), at the top level or in `run`. */
  'fetcher-error',
  /** An emitted record was not plain JSON data, was too large, or passed `maxRecords`. */
  'invalid-record',
  /** The fetcher tried something the egress policy forbids (see `violations`). */
  'egress-violation',
  /** The source does not compile, or defines no `run` function. */
  'bad-source',
  /** The sandbox process died for a reason the host could not attribute to a limit. */
  'sandbox-crash',
]);
export type FailureKind = z.infer<typeof FailureKind>;

export const Failure = z.object({ kind: FailureKind, message: z.string() });
export type Failure = z.infer<typeof Failure>;

/** A record as the host received it: a plain JSON object. */
export const FetchedRecord = z.record(z.string(), z.json());
export type FetchedRecord = z.infer<typeof FetchedRecord>;

export const RunStats = z.object({
  /** CPU time spent inside the isolate. */
  cpuMs: z.number().nonnegative(),
  /** From starting the sandbox process to the end of the run. */
  wallMs: z.number().nonnegative(),
  /** Part of `wallMs` spent starting the sandbox process. */
  startupMs: z.number().nonnegative(),
  /** The isolate's heap (plus external memory) when the run ended, when it could still be asked. */
  heapBytes: z.number().int().nonnegative().optional(),
  /** Requests that went out through the gate, redirect hops included. */
  requests: z.number().int().nonnegative(),
  /** Records the host received and accepted, in `records` or not (`keepRecords: false` keeps none). */
  records: z.number().int().nonnegative(),
});
export type RunStats = z.infer<typeof RunStats>;

const common = {
  /**
   * In emission order; on failure, the ones emitted before it. Empty when the run was started with
   * `keepRecords: false` (records then went only to `onRecord`, and `stats.records` counts them).
   */
  records: z.array(FetchedRecord),
  calls: z.array(CallLogEntry),
  violations: z.array(Violation),
  /** The fetcher's `log()` lines, capped by `maxLogLines`. */
  logs: z.array(z.string()),
  stats: RunStats,
};

export const RunResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), ...common }),
  z.object({ ok: z.literal(false), failure: Failure, ...common }),
]);
export type RunResult = z.infer<typeof RunResult>;
