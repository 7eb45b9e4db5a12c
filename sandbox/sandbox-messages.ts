import { z } from 'zod';
import type { FetchReply } from './egress-gate.ts';
import { FailureKind } from './result.ts';

/**
 * The IPC protocol between the host (`run-fetcher.ts`) and the sandbox process
 * (`sandbox-process-main.ts`). The host parses every message it receives: the sandbox process runs
 * untrusted code, so what it sends is data to check, like anything else crossing an edge.
 */

/** Limits the sandbox process enforces itself (the wall clock and the egress policy stay with the host). */
export interface ProcessLimits {
  memoryMb: number;
  cpuMs: number;
  maxRecords: number;
  maxRecordBytes: number;
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
  z.object({ type: z.literal('fetch'), id: z.number().int().positive(), request: z.unknown() }),
  /** A batch of records, each as JSON text; the host parses and checks each (`record-check.ts`). */
  z.object({ type: z.literal('records'), json: z.array(z.string()) }),
  z.object({ type: z.literal('log'), message: text }),
  z.object({
    type: z.literal('end'),
    kind: z.union([z.literal('ok'), FailureKind]),
    message: text,
    cpuMs: z.number().nonnegative(),
    heapBytes: z.number().int().nonnegative().optional(),
  }),
]);
export type SandboxMessage = z.infer<typeof SandboxMessage>;
export type SandboxEnd = Extract<SandboxMessage, { type: 'end' }>;
