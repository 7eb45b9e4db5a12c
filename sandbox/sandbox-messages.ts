import { z } from 'zod';
import type { FetchReply } from './egress-gate.ts';
import { FailureKind } from './result.ts';

/**
 * The IPC protocol between the host (`run-fetcher.ts`) and the sandbox process
 * (`sandbox-process-main.ts`). The host parses every message it receives: the sandbox process runs
 * untrusted code, so what it sends is data to check, like anything else crossing an edge. Records
 * do not cross here but on a pipe of their own, with flow control (`record-lines.ts`); the host
 * parses and checks each one (`record-check.ts`).
 */

/** Limits the sandbox process enforces itself (the wall clock and the egress policy stay with the host). */
export interface ProcessLimits {
  memoryMb: number;
  /** The process's resident-memory limit (`processMemoryLimitMb`): the process stops the run past it, and the host kills it. */
  processMemoryMb: number;
  cpuMs: number;
  maxRecords: number;
  maxRecordBytes: number;
  /** 0: unbounded. */
  maxTotalRecordBytes: number;
  maxLogLines: number;
  maxMessageChars: number;
  maxDepth: number;
  /** sleep(ms) waits ms × sleepScale. */
  sleepScale: number;
}

export type HostMessage =
  | { type: 'start'; source: string; inputJson: string; filename: string; limits: ProcessLimits }
  | { type: 'fetch-reply'; id: number; reply: FetchReply }
  | { type: 'abort'; kind: FailureKind; message: string };

const text = z.string().max(1_000_000);

export const SandboxMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** `after`: records the sandbox process had written to the records pipe when the fetcher asked; the host reads them first. */
  z.object({ type: z.literal('fetch'), id: z.number().int().positive(), request: z.unknown(), after: z.number().int().nonnegative() }),
  z.object({ type: z.literal('log'), message: text }),
  z.object({
    type: z.literal('end'),
    kind: z.union([z.literal('ok'), FailureKind]),
    message: text,
    cpuMs: z.number().nonnegative(),
    heapBytes: z.number().int().nonnegative().optional(),
    /** log() calls the fetcher made, dropped ones included, as last counted. */
    logLines: z.number().int().nonnegative().optional(),
    /** The sandbox process's own peak resident memory (`process.resourceUsage().maxRSS`), in bytes. */
    maxRssBytes: z.number().int().nonnegative().optional(),
  }),
]);
export type SandboxMessage = z.infer<typeof SandboxMessage>;
export type SandboxEnd = Extract<SandboxMessage, { type: 'end' }>;
