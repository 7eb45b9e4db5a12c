import { z } from 'zod';

/**
 * What one line of the audit log says: who ran which command, which step, the hashes of its inputs,
 * the outcome and redacted details (AuditEntry); and, on every line, its place in the hash chain
 * (AuditLine: `seq`, its 1-based line number, and `prev`, the sha256 of the line before it).
 */

export const AuditEntry = z.object({
  ts: z.string(),
  run_id: z.string(),
  command: z.string(),
  step: z.string(),
  actor: z.object({ user: z.string(), host: z.string(), ci_job: z.string().optional() }),
  outcome: z.enum(['ok', 'fail', 'refused', 'error']),
  inputs: z.record(z.string(), z.string()),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A line of the chained log: the entry, its line number and the hash of the line before. */
export const AuditLine = AuditEntry.extend({
  seq: z.number().int().positive(),
  prev: z.string().regex(SHA256_HEX),
});
export type AuditLine = z.infer<typeof AuditLine>;

/** audit.head: the last line's number and sha256 (agent/audit/audit-chain.ts). */
export const AuditHead = z.strictObject({
  seq: z.number().int().nonnegative(),
  sha256: z.string().regex(SHA256_HEX),
});
export type AuditHead = z.infer<typeof AuditHead>;
