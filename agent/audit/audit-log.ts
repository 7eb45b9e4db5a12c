import { randomUUID } from 'node:crypto';
import { closeSync, constants as fsConstants, fsyncSync, lstatSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FetchwrightError, isFetchwrightError } from '../errors.ts';
import { ensureDir } from '../output-dir.ts';
import { currentActor, type Actor } from './actor.ts';
import { auditPaths, ChainBroken, checkFolder, checkTail, lineHash, MAX_LINE_BYTES, openLog, readHead, sameFolder, samePath, tamperedError, writeAll, writeHead, type AuditPaths } from './audit-chain.ts';
import { AuditEntry } from './audit-entry.ts';
import { withLock, type LockOptions } from './audit-lock.ts';
import type { Redactor } from './redact.ts';

export { AuditEntry, AuditLine } from './audit-entry.ts';

/**
 * The append-only, hash-chained audit log (design invariant 6): one JSON line per step of every
 * command (who, what, the hashes of its inputs, the outcome), `audit.jsonl` in the state directory.
 *
 * Each append, under the lock (agent/audit/audit-lock.ts: an O_EXCL lock file, waited for with
 * backoff, stale locks of dead writers broken): checks the folder is not a link, opens the log with
 * O_NOFOLLOW|O_APPEND, checks its last lines and `audit.head` (agent/audit/audit-chain.ts), writes
 * `{seq, prev, ...entry}` + `\n` in one write, fsyncs it, and replaces audit.head. A log that does
 * not hold — a link, not a regular file, cut mid-line, its end edited or removed, deleted while
 * audit.head stays, lines without the chain (an older fetchwright's: moved aside by hand, never
 * chained onto) — is refused with FetchwrightError 'audit-tampered' (exit 31) and nothing is
 * written. The CLI's first line is `start`, so a bad log stops a command before any work.
 *
 * Secrets are redacted value by value before the entry is serialised (Redactor.value): a secret
 * holding `"`, `\` or a newline is matched as it is, not as its JSON escape.
 */

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FETCHWRIGHT_STATE_DIR) return path.resolve(env.FETCHWRIGHT_STATE_DIR);
  const base = env.XDG_STATE_HOME ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'fetchwright');
}

const UNWRITABLE_HINT = 'Every action is audited. Set FETCHWRIGHT_STATE_DIR to a writable folder.';

export class AuditLog {
  readonly file: string;
  readonly runId = randomUUID();
  private readonly paths: AuditPaths;
  private readonly command: string;
  private readonly actor: Actor;
  private readonly lock: LockOptions;
  readonly redactor: Redactor;
  /** Told, in a sentence, when a log from before the chain is moved aside. */
  private readonly onNote: ((line: string) => void) | undefined;

  /**
   * The log `audit.jsonl` in `dir` (created 0700 when missing). Nothing is read or written until
   * `record`. Throws 'audit-unwritable' when the folder cannot be made. `lock` is for tests.
   */
  constructor(options: { dir: string; command: string; redactor: Redactor; actor?: Actor; lock?: LockOptions; onNote?: (line: string) => void }) {
    this.onNote = options.onNote;
    this.paths = auditPaths(path.join(options.dir, 'audit.jsonl'));
    this.file = this.paths.log;
    this.command = options.command;
    this.redactor = options.redactor;
    this.actor = options.actor ?? currentActor();
    this.lock = options.lock ?? {};
    try {
      // A link standing where the folder should be is refused by record(), not created through.
      if (lstatSync(this.paths.dir, { throwIfNoEntry: false })?.isSymbolicLink()) return;
      ensureDir(options.dir, 0o700);
    } catch (e) {
      throw new FetchwrightError('audit-unwritable', `the audit log's folder ${options.dir} cannot be created: ${(e as Error).message}`, { hint: UNWRITABLE_HINT });
    }
  }

  /**
   * Appends one line, chained on the last. Synchronous (a signal handler writes the closing line).
   * Throws 'audit-tampered' (exit 31) when the log does not hold, 'audit-unwritable' (exit 13) when
   * it cannot be written or its lock cannot be taken.
   */
  record(step: string, outcome: AuditEntry['outcome'], inputs: Record<string, string> = {}, details: Record<string, unknown> = {}): void {
    const entry = this.redactor.value<AuditEntry>({ ts: new Date().toISOString(), run_id: this.runId, command: this.command, step, actor: this.actor, outcome, inputs, details });
    try {
      // Checked before the lock too: its lock file is not created through a linked folder either.
      checkFolder(this.paths.dir);
      withLock(this.paths.lock, () => this.append(entry), this.lock);
    } catch (e) {
      if (e instanceof ChainBroken) throw tamperedError(this.file, e.found);
      if (isFetchwrightError(e)) throw e;
      throw new FetchwrightError('audit-unwritable', `the audit log ${this.file} cannot be appended to: ${(e as Error).message}`, { hint: UNWRITABLE_HINT });
    }
  }

  /** The append itself, holding the lock. */
  private append(entry: AuditEntry): void {
    const folder = checkFolder(this.paths.dir);
    const head = readHead(this.paths.head);
    const flags = fsConstants.O_RDWR | fsConstants.O_APPEND;
    let opened = openLog(this.file, flags);
    if (!opened) {
      // No log yet, or one deleted while audit.head stays: that is refused as it is (checkTail of an
      // empty log reads nothing), with no empty file made in its place.
      checkTail(-1, 0, head);
      opened = openLog(this.file, flags | fsConstants.O_CREAT)!;
    }
    // A log from before the hash chain (no audit.head, its last line a plain entry) is not tampering:
    // it is moved aside whole, never chained onto, and the new log's first line says where it went.
    if (head === undefined && opened.st.size > 0 && isUnchained(opened.fd, opened.st.size)) {
      closeSync(opened.fd);
      const moved = path.join(path.dirname(this.file), `audit-unchained-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
      renameSync(this.file, moved);
      this.onNote?.(`note: the audit log ${this.file} was written by a fetchwright from before the hash chain; it was moved to ${moved} and a new, chained log starts`);
      entry = { ...entry, details: { ...entry.details, unchained_log_moved_to: moved } };
      opened = openLog(this.file, flags | fsConstants.O_CREAT)!;
    }
    try {
      const end = checkTail(opened.fd, opened.st.size, head);
      sameFolder(this.paths.dir, folder);
      samePath(this.file, opened.st);
      const bytes = serialise({ seq: end.seq + 1, prev: end.sha256, ...entry });
      writeAll(opened.fd, Buffer.concat([bytes, Buffer.from('\n')]));
      fsyncSync(opened.fd);
      writeHead(this.paths.head, { seq: end.seq + 1, sha256: lineHash(bytes) });
    } finally {
      closeSync(opened.fd);
    }
  }
}

/** Whether the log's last line is a plain audit entry with no chain: a log written before the chain. */
function isUnchained(fd: number, size: number): boolean {
  try {
    checkTail(fd, size, undefined);
    return false;
  } catch (e) {
    return e instanceof ChainBroken && e.found.reason === 'unchained';
  }
}

/** One line's bytes; details too long for a line are replaced by a note saying so. */
function serialise(line: AuditEntry & { seq: number; prev: string }): Buffer {
  const bytes = Buffer.from(JSON.stringify(line));
  if (bytes.length <= MAX_LINE_BYTES - 1024) return bytes;
  return Buffer.from(JSON.stringify({ ...line, details: { omitted: `details of ${bytes.length} bytes, longer than an audit line holds` } }));
}
