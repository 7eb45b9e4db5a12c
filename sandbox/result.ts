import { z } from 'zod';
import { CallLogEntry } from './call-log.ts';
import { Violation, ViolationKind } from './violation.ts';

/** Why a run did not finish cleanly. Each limit and each contract breach has its own kind. */
export const FailureKind = z.enum([
  /** CPU spent inside the isolate passed `cpuMs`. */
  'cpu-timeout',
  /** The run passed `wallMs` (a promise that never settles ends here). */
  'wall-timeout',
  /** The isolate passed `memoryMb`, or the sandbox process ran out of memory or grew past its resident-memory limit. */
  'memory-limit',
  /** The fetcher threw (or rejected), at the top level or in `run`. */
  'fetcher-error',
  /** An emitted record was not plain JSON data, or was larger than `maxRecordBytes`. */
  'invalid-record',
  /** The fetcher emitted more records than `maxRecords`, or more bytes of records than `maxTotalRecordBytes`. */
  'record-flood',
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
  /** UTF-8 bytes of those records as JSON. */
  recordBytes: z.number().int().nonnegative(),
  /** Call-log entries, all of them: `calls` keeps the first MAX_KEPT_ENTRIES. */
  calls: z.number().int().nonnegative(),
  /** Violations, all of them: `violations` keeps the first MAX_KEPT_ENTRIES. */
  violations: z.number().int().nonnegative(),
  /** Violations by kind, all of them. */
  violationCounts: z.partialRecord(ViolationKind, z.number().int().nonnegative()),
  /** Lines the fetcher logged, dropped ones included (`logs` keeps the first `maxLogLines`); a run cut short may have logged more. */
  logLines: z.number().int().nonnegative(),
  /** The sandbox process's peak resident memory, as last sampled or reported (absent where the platform cannot say). */
  processPeakRssBytes: z.number().int().nonnegative().optional(),
});
export type RunStats = z.infer<typeof RunStats>;

const common = {
  /**
   * In emission order; on failure, the ones emitted before it. Empty when the run was started with
   * `keepRecords: false` (records then went only to `onRecord`, and `stats.records` counts them).
   */
  records: z.array(FetchedRecord),
  /** The first MAX_KEPT_ENTRIES call-log entries (`stats.calls` counts them all). */
  calls: z.array(CallLogEntry),
  /** The first MAX_KEPT_ENTRIES violations (`stats.violations` counts them all). */
  violations: z.array(Violation),
  /** The fetcher's `log()` lines, capped by `maxLogLines` (`stats.logLines` counts them all). */
  logs: z.array(z.string()),
  stats: RunStats,
};

export const RunResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), ...common }),
  z.object({ ok: z.literal(false), failure: Failure, ...common }),
]);
export type RunResult = z.infer<typeof RunResult>;

/** The statistics of a run that never started (its source did not compile). */
export function emptyRunStats(): RunStats {
  return { cpuMs: 0, wallMs: 0, startupMs: 0, requests: 0, records: 0, recordBytes: 0, calls: 0, violations: 0, violationCounts: {}, logLines: 0 };
}
