import { createHash, randomUUID } from 'node:crypto';
import { closeSync, constants as fsConstants, fstatSync, fsyncSync, lstatSync, openSync, readSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import path from 'node:path';
import { FetchwrightError } from '../errors.ts';
import { AuditEntry, AuditHead, AuditLine } from './audit-entry.ts';

/**
 * The audit log's hash chain (design invariant 6). Every line of `audit.jsonl` is one JSON object
 * carrying `seq` (its 1-based line number) and `prev`: the sha256, in lower-case hex, of the exact
 * bytes of the line before it (without its `\n`), or GENESIS (64 zeros) on line 1. An edited line
 * no longer hashes to what its successor recorded; a removed or moved line breaks `seq`.
 *
 * The end of the log, which no successor guards, is guarded by the sidecar `audit.head` beside it:
 * `{"seq": N, "sha256": "<hash of line N>"}`, replaced atomically (write + fsync + rename) after each
 * append. Removing the last lines, editing the last line, truncating the file or deleting it while
 * audit.head stays are detected. What is not: deleting or rewriting both files consistently, or
 * adding lines that chain (the chain has no secret; anyone who can write the folder can compute it).
 * Against that, only a copy outside the machine helps (ship the lines to a log collector as they are
 * written).
 *
 * Files are opened with O_NOFOLLOW (a link at the log's name is refused, never followed) and
 * O_NONBLOCK (a FIFO planted there cannot block the open); a log that is not a regular file or has
 * another hard link is refused too.
 */

/** `prev` of line 1. */
export const GENESIS = '0'.repeat(64);

/** No audit line is longer (bytes); a longer one is not an audit entry (and bounds what a read buffers). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/** The files of one audit log: `<name>.jsonl`, its `<name>.head` and its `<name>.lock`, in one folder. */
export interface AuditPaths {
  dir: string;
  log: string;
  head: string;
  lock: string;
}

export function auditPaths(logFile: string): AuditPaths {
  const log = path.resolve(logFile);
  const stem = log.endsWith('.jsonl') ? log.slice(0, -'.jsonl'.length) : log;
  return { dir: path.dirname(log), log, head: `${stem}.head`, lock: `${stem}.lock` };
}

/** sha256 (hex) of one line's bytes, without its `\n`. */
export function lineHash(line: Uint8Array): string {
  return createHash('sha256').update(line).digest('hex');
}

/** Why a log fails its chain, as `audit verify --json` reports it. */
export type BreakReason =
  | 'link'
  | 'not-a-file'
  | 'hard-linked'
  | 'truncated'
  | 'not-json'
  | 'not-an-entry'
  | 'unchained'
  | 'edited'
  | 'removed'
  | 'reordered'
  | 'deleted'
  | 'head-missing'
  | 'head-mismatch';

/** The first place the chain does not hold: the line (1-based, when one is named) and why, in one sentence. */
export interface ChainBreak {
  line?: number;
  reason: BreakReason;
  message: string;
}

/** Thrown inside the chain code; callers turn it into a FetchwrightError or a report. */
export class ChainBroken extends Error {
  readonly found: ChainBreak;
  constructor(found: ChainBreak) {
    super(found.message);
    this.found = found;
  }
}

const broken = (reason: BreakReason, message: string, line?: number): ChainBroken => new ChainBroken({ reason, message, ...(line !== undefined ? { line } : {}) });

/** The error a command ends with when its audit log does not hold (exit 31). */
export function tamperedError(logFile: string, found: ChainBreak, options: { verifying?: boolean } = {}): FetchwrightError {
  const hint =
    found.reason === 'unchained'
      ? 'It was written by a fetchwright from before the hash chain: move it aside (e.g. mv audit.jsonl audit-unchained.jsonl) and a new, chained log starts.'
      : found.reason === 'link' || found.reason === 'not-a-file' || found.reason === 'hard-linked'
        ? 'The audit log must be a regular file of its own in a real folder: nothing was written through the link. Remove it, or set FETCHWRIGHT_STATE_DIR to a real folder.'
        : `Keep the files as evidence${options.verifying ? '' : '; `fetchwright audit verify` names the first broken line'}. To go on, move audit.jsonl and audit.head aside: a new log starts.`;
  return new FetchwrightError('audit-tampered', `the audit log does not hold: ${found.message}`, { file: logFile, hint });
}

/** lstat of the log's folder; a link there is refused (the log would be written wherever it points). */
export function checkFolder(dir: string): Stats | undefined {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) throw broken('link', `its folder ${dir} is a symbolic link`);
  if (st && !st.isDirectory()) throw broken('not-a-file', `its folder ${dir} is not a folder`);
  return st;
}

/** Throws unless `dir` is still the folder `before` was (no swap between the check and the write). */
export function sameFolder(dir: string, before: Stats | undefined): void {
  const now = checkFolder(dir);
  if (!before || !now || now.ino !== before.ino || now.dev !== before.dev) throw broken('link', `its folder ${dir} was replaced while it was being written`);
}

/**
 * Opens the log without following a link (`flags` besides O_NOFOLLOW|O_NONBLOCK), and checks it is a
 * regular file with one name. Returns undefined when it does not exist (and `flags` has no O_CREAT).
 */
export function openLog(file: string, flags: number): { fd: number; st: Stats } | undefined {
  let fd: number;
  try {
    fd = openSync(file, flags | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK, 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP' || code === 'EMLINK') throw broken('link', `${path.basename(file)} is a symbolic link`);
    throw e;
  }
  const st = fstatSync(fd);
  const bad = !st.isFile() ? broken('not-a-file', `${path.basename(file)} is not a regular file`) : st.nlink !== 1 ? broken('hard-linked', `${path.basename(file)} has ${st.nlink} names (a hard link to another file)`) : undefined;
  if (bad) {
    closeSync(fd);
    throw bad;
  }
  return { fd, st };
}

/** Throws unless `file` still names the file `st` was opened from. */
export function samePath(file: string, st: Stats): void {
  const now = lstatSync(file, { throwIfNoEntry: false });
  if (!now || now.ino !== st.ino || now.dev !== st.dev) throw broken('link', `${path.basename(file)} was replaced while it was being written`);
}

/** audit.head, or undefined when there is none. A link, a non-file or damaged text is a break. */
export function readHead(headFile: string): AuditHead | undefined {
  const opened = openLog(headFile, fsConstants.O_RDONLY);
  if (!opened) return undefined;
  try {
    const text = opened.st.size <= 4096 ? readAll(opened.fd, opened.st.size).toString('utf8') : '';
    let head: ReturnType<typeof AuditHead.safeParse> | undefined;
    try {
      head = AuditHead.safeParse(JSON.parse(text));
    } catch {
      head = undefined;
    }
    if (!head?.success) throw broken('head-mismatch', `${path.basename(headFile)} is damaged`);
    return head.data;
  } finally {
    closeSync(opened.fd);
  }
}

/** Replaces audit.head atomically: a new file (O_EXCL), fsync, rename over the old one (never through a link). */
export function writeHead(headFile: string, head: AuditHead): void {
  const tmp = `${headFile}.${process.pid}.${randomUUID()}.tmp`;
  const fd = openSync(tmp, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY | fsConstants.O_NOFOLLOW, 0o600);
  try {
    writeAll(fd, Buffer.from(`${JSON.stringify(head)}\n`));
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, headFile);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
}

export function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

function readAll(fd: number, size: number, position = 0): Buffer {
  const buf = Buffer.alloc(size);
  let done = 0;
  while (done < size) {
    const n = readSync(fd, buf, done, size - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

/** What one line holds: a chained entry, or the reason it is not one. `n` names it in the sentence. */
export function judgeLine(bytes: Uint8Array, n: number | undefined): AuditLine {
  const which = n === undefined ? 'the last line' : `line ${n}`;
  if (bytes.length > MAX_LINE_BYTES) throw broken('not-an-entry', `${which} is longer than any audit line (${bytes.length} bytes)`, n);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw broken('not-json', `${which} is not JSON`, n);
  }
  const line = AuditLine.safeParse(value);
  if (line.success) return line.data;
  if (AuditEntry.safeParse(value).success) throw broken('unchained', `${which} carries no hash chain (written by a fetchwright from before it)`, n);
  throw broken('not-an-entry', `${which} is not an audit entry`, n);
}

/** "line 4 was" or "lines 4–6 were", for a sentence about lines `from`..`to`. */
export function linesRange(from: number, to: number): string {
  return from === to ? `line ${from} was` : `lines ${from}–${to} were`;
}

/** Where the next line chains on: the last line's number (0 for an empty log) and hash. */
export interface ChainEnd {
  seq: number;
  sha256: string;
}

/**
 * Checks the end of the log open at `fd` (`size` bytes) against audit.head, reading only its last
 * two lines, and returns where the next line chains on. Throws ChainBroken: the file does not end
 * with `\n` (cut mid-line), its last line is not a chained entry or does not follow the one before,
 * it is shorter than audit.head says (lines removed from the end, or the file deleted or emptied),
 * its last line is not the one audit.head hashed (edited), or a non-empty log has no audit.head.
 * audit.head one line behind, with the last line chaining on it, is a run that ended between
 * writing its line and the head: accepted.
 */
export function checkTail(fd: number, size: number, head: AuditHead | undefined): ChainEnd {
  if (size === 0) {
    if (head && head.seq > 0) throw broken('deleted', `audit.jsonl is empty or was deleted (from line 1 on), but audit.head records ${head.seq} lines`, 1);
    return { seq: 0, sha256: GENESIS };
  }
  const tail = readTailLines(fd, size, 2);
  if (!tail.endsWithNewline) throw broken('truncated', 'its last line has no end: the file was cut mid-line');
  const lastBytes = tail.lines.at(-1)!;
  const last = judgeLine(lastBytes, undefined);
  const sha256 = lineHash(lastBytes);
  const beforeBytes = tail.lines.length > 1 ? tail.lines[0]! : undefined;
  if (beforeBytes) {
    const before = judgeLine(beforeBytes, undefined);
    if (last.seq !== before.seq + 1) throw broken(last.seq > before.seq ? 'removed' : 'reordered', `its last line carries seq ${last.seq} after line ${before.seq}`, before.seq + 1);
    if (last.prev !== lineHash(beforeBytes)) throw broken('edited', `line ${before.seq} was edited: its sha256 is not the one line ${last.seq} recorded`, before.seq);
  } else if (last.seq !== 1 || last.prev !== GENESIS) {
    throw broken('removed', `its only line carries seq ${last.seq}: the lines before it were removed`, 1);
  }
  if (!head) throw broken('head-missing', `audit.head is missing beside ${last.seq} chained lines (it guards the end of the log)`);
  if (head.seq === last.seq && head.sha256 === sha256) return { seq: last.seq, sha256 };
  if (head.seq === last.seq - 1 && head.sha256 === last.prev) return { seq: last.seq, sha256 };
  if (head.seq > last.seq) throw broken('removed', `${linesRange(last.seq + 1, head.seq)} removed from the end (audit.head records ${head.seq} lines)`, last.seq + 1);
  if (head.seq === last.seq) throw broken('edited', `line ${last.seq}, the last, was edited: its sha256 is not the one audit.head recorded`, last.seq);
  throw broken('head-mismatch', `audit.head records ${head.seq} lines but the last line is line ${last.seq}: lines were added outside fetchwright, or audit.head was replaced`, head.seq + 1);
}

/**
 * The last `count` complete lines of the file (bytes, without `\n`), reading backwards in chunks:
 * at most about `count` × MAX_LINE_BYTES, never the whole file. `endsWithNewline`: false when the
 * file was cut mid-line. A line longer than MAX_LINE_BYTES is returned cut (and judged not an entry).
 */
export function readTailLines(fd: number, size: number, count: number): { lines: Buffer[]; endsWithNewline: boolean } {
  const CHUNK = 64 * 1024;
  const limit = count * (MAX_LINE_BYTES + 1) + 1;
  let pos = size;
  let acc: Buffer = Buffer.alloc(0);
  const endsWithNewline = size > 0 && readAll(fd, 1, size - 1)[0] === 0x0a;
  let newlines = 0;
  while (pos > 0 && acc.length < limit) {
    const len = Math.min(CHUNK, pos);
    const chunk = readAll(fd, len, pos - len);
    // The file's own last `\n` ends the last line: it separates nothing.
    const counted = pos === size && endsWithNewline ? chunk.subarray(0, -1) : chunk;
    for (let i = counted.indexOf(0x0a); i !== -1; i = counted.indexOf(0x0a, i + 1)) newlines++;
    pos -= len;
    acc = acc.length ? Buffer.concat([chunk, acc]) : chunk;
    if (newlines >= count) break;
  }
  const parts: Buffer[] = [];
  let start = 0;
  const end = acc.length - (endsWithNewline ? 1 : 0);
  for (let i = acc.indexOf(0x0a); i !== -1 && i < end; i = acc.indexOf(0x0a, i + 1)) {
    parts.push(acc.subarray(start, i));
    start = i + 1;
  }
  parts.push(acc.subarray(start, end));
  // The first part begins mid-line unless the read reached the start of the file.
  if (pos > 0 && parts.length > 1) parts.shift();
  return { lines: parts.slice(-count), endsWithNewline };
}
