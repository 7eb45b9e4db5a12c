import { closeSync, constants as fsConstants, readSync } from 'node:fs';
import { FetchwrightError, isFetchwrightError } from '../errors.ts';
import { auditPaths, ChainBroken, checkFolder, GENESIS, judgeLine, lineHash, linesRange, MAX_LINE_BYTES, openLog, readHead, type AuditPaths, type ChainBreak } from './audit-chain.ts';
import type { AuditHead } from './audit-entry.ts';
import { withLock } from './audit-lock.ts';

/**
 * `fetchwright audit verify`: walks a whole audit log, streaming (a log can be large: it is read in
 * 256 KiB chunks, one line kept at a time), and names the first line where the chain does not hold
 * (agent/audit/audit-chain.ts says what the chain is). The log and its audit.head are snapshotted
 * under the log's lock (its size and head), so a run appending meanwhile is not taken for a cut line.
 */

/** What `audit verify --json` prints. */
export interface ChainReport {
  file: string;
  /** Lines read and found chained (all of them when intact; up to the break otherwise). */
  lines: number;
  intact: boolean;
  /**
   * audit.head: matches the last line, is one line behind it (a run ended between its two writes),
   * does not match, is absent, or was not reached (the walk stopped at an earlier break).
   */
  head: 'matches' | 'one-behind' | 'does-not-match' | 'absent' | 'not-checked';
  broken?: ChainBreak;
}

/**
 * Verifies the log at `logFile`. `stateLog`: it is the state folder's log, so its folder must not be
 * a link, audit.head must be there once it has lines, and a missing log is an empty one (0 lines).
 * Otherwise a missing file is 'input-not-found' (exit 3) and a log without a head is checked up to
 * its last line (removing lines from its end cannot then be told). Never throws for a broken chain:
 * the report says where.
 */
export async function verifyChain(logFile: string, options: { stateLog: boolean }): Promise<ChainReport> {
  const paths = auditPaths(logFile);
  const report = (lines: number, head: ChainReport['head'], found?: ChainBreak): ChainReport => ({ file: paths.log, lines, intact: !found, head, ...(found ? { broken: found } : {}) });
  let snap: Snapshot;
  try {
    if (options.stateLog) checkFolder(paths.dir);
    snap = snapshot(paths);
  } catch (e) {
    if (e instanceof ChainBroken) return report(0, 'not-checked', e.found);
    throw e;
  }
  if (!snap.fd) {
    if (snap.head && snap.head.seq > 0) return report(0, 'does-not-match', { line: 1, reason: 'deleted', message: `the log is empty or was deleted (from line 1 on), but audit.head records ${snap.head.seq} lines` });
    if (options.stateLog) return report(0, snap.head ? 'matches' : 'absent');
    throw new FetchwrightError('input-not-found', `the audit log ${paths.log} does not exist`, { file: paths.log, hint: 'Without --file, audit verify checks the state folder\'s audit.jsonl.' });
  }
  const walk = new ChainWalk();
  try {
    const chunk = Buffer.alloc(256 * 1024);
    for (let pos = 0; pos < snap.size; ) {
      const n = readSync(snap.fd, chunk, 0, Math.min(chunk.length, snap.size - pos), pos);
      if (n === 0) break;
      walk.bytes(chunk.subarray(0, n));
      pos += n;
    }
    walk.end();
  } catch (e) {
    if (!(e instanceof ChainBroken)) throw e;
    return report(walk.intactLines(e.found), snap.head ? 'not-checked' : 'absent', e.found);
  } finally {
    closeSync(snap.fd);
  }
  return judgeHead(walk, snap.head, options.stateLog, report);
}

interface Snapshot {
  fd?: number;
  size: number;
  head?: AuditHead;
}

/** The log opened (no link followed) with its size, and audit.head, read together under the lock when it can be taken. */
function snapshot(paths: AuditPaths): Snapshot {
  const take = (): Snapshot => {
    const head = readHead(paths.head);
    const opened = openLog(paths.log, fsConstants.O_RDONLY);
    return { ...(opened ? { fd: opened.fd } : {}), size: opened?.st.size ?? 0, ...(head ? { head } : {}) };
  };
  try {
    return withLock(paths.lock, take);
  } catch (e) {
    // A read-only copy (no lock can be made beside it) or a lock that stays taken: read without it.
    if (isFetchwrightError(e) && e.code === 'audit-unwritable') return take();
    throw e;
  }
}

function judgeHead(walk: ChainWalk, head: AuditHead | undefined, required: boolean, report: (lines: number, head: ChainReport['head'], found?: ChainBreak) => ChainReport): ChainReport {
  const n = walk.count;
  if (!head) {
    if (required && n > 0) return report(n, 'absent', { reason: 'head-missing', message: `audit.head is missing beside ${n} chained lines (it guards the end of the log)` });
    return report(n, 'absent');
  }
  if (head.seq === n && head.sha256 === walk.lastHash) return report(n, 'matches');
  if (n > 0 && head.seq === n - 1 && head.sha256 === walk.lastPrev) return report(n, 'one-behind');
  if (n === 0 && head.seq > 0) return report(0, 'does-not-match', { line: 1, reason: 'deleted', message: `the log is empty or was deleted (from line 1 on), but audit.head records ${head.seq} lines` });
  if (head.seq > n) return report(n, 'does-not-match', { line: n + 1, reason: 'removed', message: `${linesRange(n + 1, head.seq)} removed from the end (audit.head records ${head.seq} lines)` });
  if (head.seq === n) return report(n - 1, 'does-not-match', { line: n, reason: 'edited', message: `line ${n}, the last, was edited: its sha256 is not the one audit.head recorded` });
  return report(n, 'does-not-match', { line: head.seq + 1, reason: 'head-mismatch', message: `audit.head records ${head.seq} lines but the log has ${n}: lines were added outside fetchwright, or audit.head was replaced` });
}

/**
 * The walk: bytes in, lines out (split on `\n`, exact bytes hashed), each judged when the line after
 * it is known (a line whose seq jumps ahead is a removal, or a swap when the next one goes back).
 * Throws ChainBroken at the first break.
 */
class ChainWalk {
  /** Lines judged whole so far. */
  count = 0;
  lastHash = GENESIS;
  lastPrev = GENESIS;
  /** The current line's bytes so far (copied: the read buffer is reused). */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** A line whose seq is out of place, waiting for the next one to say whether lines were swapped or removed. */
  private pending?: { n: number; seq: number };

  bytes(chunk: Buffer): void {
    let start = 0;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, start)) {
      this.take(chunk.subarray(start, i));
      this.line(this.partial.length === 1 ? this.partial[0]! : Buffer.concat(this.partial));
      this.partial = [];
      this.partialBytes = 0;
      start = i + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start));
  }

  /** End of file: text after the last `\n` is a line cut short. */
  end(): void {
    if (this.partialBytes > 0) this.fail({ line: this.count + 1, reason: 'truncated', message: `line ${this.count + 1} has no end: the file was cut mid-line` });
    if (this.pending) this.jump(undefined);
  }

  /** How many lines before the break held. */
  intactLines(found: ChainBreak): number {
    return found.line !== undefined ? Math.min(this.count, found.line - 1) : this.count;
  }

  private take(part: Buffer): void {
    this.partialBytes += part.length;
    // A line longer than any audit line is not buffered further: judged on what was read.
    if (this.partialBytes > MAX_LINE_BYTES + 1) this.fail({ line: this.count + 1, reason: 'not-an-entry', message: `line ${this.count + 1} is longer than any audit line` });
    if (part.length) this.partial.push(Buffer.from(part));
  }

  private line(bytes: Buffer): void {
    const n = this.count + 1;
    if (this.pending) {
      let nextSeq: number | undefined;
      try {
        nextSeq = judgeLine(bytes, n + 1).seq;
      } catch {
        nextSeq = undefined; // the out-of-place line is the first break either way
      }
      this.jump(nextSeq);
    }
    const line = judgeLine(bytes, n);
    if (line.seq !== n) {
      if (line.seq < n) this.fail({ line: n, reason: 'reordered', message: `line ${n} carries seq ${line.seq}: lines were reordered or repeated` });
      this.pending = { n, seq: line.seq };
      return;
    }
    if (line.prev !== this.lastHash) {
      this.fail(n === 1 ? { line: 1, reason: 'edited', message: 'line 1 was edited: it does not start the chain' } : { line: n - 1, reason: 'edited', message: `line ${n - 1} was edited, or line ${n} was not chained on it: its sha256 is not the one line ${n} recorded` });
    }
    this.count = n;
    this.lastPrev = line.prev;
    this.lastHash = lineHash(bytes);
  }

  /** Judges the pending out-of-place line, knowing the seq of the line after it (undefined: it was the last). */
  private jump(nextSeq: number | undefined): void {
    const { n, seq } = this.pending!;
    if (nextSeq !== undefined && nextSeq < seq) this.fail({ line: n, reason: 'reordered', message: `line ${n} carries seq ${seq}, and the line after it seq ${nextSeq}: lines were reordered` });
    this.fail({ line: n, reason: 'removed', message: `${linesRange(n, seq - 1)} removed (line ${n} carries seq ${seq})` });
  }

  private fail(found: ChainBreak): never {
    throw new ChainBroken(found);
  }
}
