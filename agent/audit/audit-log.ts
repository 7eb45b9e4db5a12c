import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { FetchwrightError } from '../errors.ts';
import { ensureDir } from '../output-dir.ts';
import { currentActor, type Actor } from './actor.ts';
import type { Redactor } from './redact.ts';

/**
 * The append-only audit log: one JSON line per step of every command (who, what, the hashes of its
 * inputs, the outcome), in the state directory. Lines are only ever appended (O_APPEND), and every
 * line passes through the redactor first.
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

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FETCHWRIGHT_STATE_DIR) return path.resolve(env.FETCHWRIGHT_STATE_DIR);
  const base = env.XDG_STATE_HOME ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'fetchwright');
}

export class AuditLog {
  readonly file: string;
  readonly runId = randomUUID();
  private readonly command: string;
  private readonly actor: Actor;
  readonly redactor: Redactor;

  constructor(options: { dir: string; command: string; redactor: Redactor; actor?: Actor }) {
    this.file = path.join(options.dir, 'audit.jsonl');
    this.command = options.command;
    this.redactor = options.redactor;
    this.actor = options.actor ?? currentActor();
    try {
      ensureDir(options.dir, 0o700);
    } catch (e) {
      throw new FetchwrightError('audit-unwritable', `the audit log's folder ${options.dir} cannot be created: ${(e as Error).message}`, {
        hint: 'Every action is audited. Set FETCHWRIGHT_STATE_DIR to a writable folder.',
      });
    }
  }

  record(step: string, outcome: AuditEntry['outcome'], inputs: Record<string, string> = {}, details: Record<string, unknown> = {}): void {
    const entry: AuditEntry = { ts: new Date().toISOString(), run_id: this.runId, command: this.command, step, actor: this.actor, outcome, inputs, details };
    try {
      appendFileSync(this.file, `${this.redactor.text(JSON.stringify(entry))}\n`, { flag: 'a', mode: 0o600 });
    } catch (e) {
      throw new FetchwrightError('audit-unwritable', `the audit log ${this.file} cannot be appended to: ${(e as Error).message}`, {
        hint: 'Every action is audited. Set FETCHWRIGHT_STATE_DIR to a writable folder.',
      });
    }
  }
}
