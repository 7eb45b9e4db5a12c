import { z } from 'zod';

/**
 * What one fetcher run may consume. Every limit ends the run with its own failure kind; none of
 * them can be lifted from inside the isolate.
 */
export const SandboxLimits = z.object({
  memoryMb: z
    .number()
    .int()
    .min(8)
    .max(2048)
    .default(64)
    .meta({ description: "The isolate's heap cap in MB (isolated-vm's memoryLimit; 8 is its minimum)." }),
  cpuMs: z
    .number()
    .int()
    .positive()
    .default(2_000)
    .meta({ description: 'CPU time the fetcher may spend inside the isolate, summed over the whole run.' }),
  wallMs: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .meta({ description: 'Wall-clock deadline for the whole run, sandbox start-up and time spent waiting on fetch included.' }),
  maxRecords: z.number().int().positive().default(100_000).meta({ description: 'Records one run may emit.' }),
  maxRecordBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024)
    .meta({ description: 'UTF-8 size of one record as JSON.' }),
  maxTotalRecordBytes: z
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: 'UTF-8 size of all records as JSON, summed over the run (unbounded when absent: a live run streams its records to a file).' }),
  maxLogLines: z.number().int().nonnegative().default(200).meta({ description: 'log() lines kept; later ones are counted and dropped.' }),
});
export type SandboxLimits = z.infer<typeof SandboxLimits>;

/** Longest `log()` line or error message that crosses out of the isolate; the rest is cut. */
export const MAX_MESSAGE_CHARS = 2_000;

/** Deepest nesting a record may have (objects and arrays). Deeper, or cyclic, is an invalid record. */
export const MAX_RECORD_DEPTH = 32;

/**
 * Resident memory the sandbox process may hold beyond its isolate's heap cap: Node itself and
 * isolated-vm (about 45 MB before the isolate exists, about 80 MB for an idle run), the isolate's
 * young generation and code, a batch of records on its way out and the fetch replies in flight. A
 * heap bomb that isolated-vm stops at a 128 MB cap peaks near 235 MB of resident memory.
 */
export const PROCESS_ALLOWANCE_MB = 192;

/** The sandbox process's resident-memory limit for an isolate cap of `memoryMb`: past it, the host kills the process (`memory-limit`). */
export function processMemoryLimitMb(memoryMb: number): number {
  return memoryMb + PROCESS_ALLOWANCE_MB;
}
