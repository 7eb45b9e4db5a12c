import { randomUUID } from 'node:crypto';
import { closeSync, constants as fsConstants, fstatSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import { FetchwrightError } from '../errors.ts';

/**
 * The audit log's lock: one writer at a time, across processes (two CLI runs at once, or the parallel
 * forks of a test run). Appending reads the last line to chain on and writes the next one; two
 * writers interleaving there would both chain on the same line and fork the chain.
 *
 * Scheme: a lock file created with O_CREAT|O_EXCL (atomic on local file systems; never follows a
 * link planted at its name) holding `{pid, host, nonce, at}`. A writer that finds it taken waits with
 * backoff (1 ms doubling to 50 ms, at most `waitMs`), synchronously: `AuditLog.record` is
 * synchronous so that a signal handler can write the closing line. The lock is held for the few
 * milliseconds of one append.
 *
 * A lock is stale when its holder is gone: on this host, a pid that no longer exists; anywhere, a
 * lock older than `staleMs` (no append takes that long) or one that was never written whole. A stale
 * lock is removed under a second lock (`<lock>.break`, also O_EXCL), after reading it again there,
 * so two writers that both judged it stale cannot remove a fresh lock taken in between. What this
 * does not cover: a holder on another host sharing the folder that stalls for more than `staleMs`
 * and then writes (its line then forks the chain, which the next append or `audit verify` reports).
 */

/** How long a writer waits for the lock before giving up (ms). */
export const LOCK_WAIT_MS = 15_000;
/** A lock this old (ms) belongs to a writer that died or hung: no append holds it this long. */
export const LOCK_STALE_MS = 10_000;

interface LockOwner {
  pid: number;
  host: string;
  nonce: string;
  at: number;
}

export interface LockOptions {
  waitMs?: number;
  staleMs?: number;
}

/**
 * Runs `fn` holding the lock at `lockFile`, and releases it (also when `fn` throws).
 * Throws FetchwrightError 'audit-unwritable' when the lock cannot be taken within `waitMs`, naming
 * its holder, or cannot be created at all.
 */
export function withLock<T>(lockFile: string, fn: () => T, options: LockOptions = {}): T {
  const owner = acquire(lockFile, options.waitMs ?? LOCK_WAIT_MS, options.staleMs ?? LOCK_STALE_MS);
  try {
    return fn();
  } finally {
    release(lockFile, owner);
  }
}

function acquire(lockFile: string, waitMs: number, staleMs: number): LockOwner {
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), nonce: randomUUID(), at: Date.now() };
  const deadline = Date.now() + waitMs;
  let pause = 1;
  for (;;) {
    if (tryCreate(lockFile, `${JSON.stringify(owner)}\n`)) return owner;
    const held = readLock(lockFile);
    if (Date.now() < deadline && held && isStale(held, staleMs)) {
      breakStale(lockFile, held.text, staleMs);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = held?.owner ? `process ${held.owner.pid} on ${held.owner.host} since ${new Date(held.owner.at).toISOString()}` : 'another process';
      throw new FetchwrightError('audit-unwritable', `the audit log is locked by ${who}: ${lockFile}`, {
        hint: 'Another fetchwright is writing its audit line. If none runs, remove the lock file.',
      });
    }
    sleepSync(pause);
    pause = Math.min(pause * 2, 50);
  }
}

/** Creates `file` exclusively with `text`; false when it exists. Other failures are 'audit-unwritable'. */
function tryCreate(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY | fsConstants.O_NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new FetchwrightError('audit-unwritable', `the audit log's lock ${file} cannot be created: ${(e as Error).message}`, {
      hint: 'Every action is audited. Set FETCHWRIGHT_STATE_DIR to a writable folder.',
    });
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

interface HeldLock {
  text: string;
  owner?: LockOwner;
  /** Age by the file's own mtime (ms): for a lock whose content was never written. */
  ageMs: number;
}

function readLock(file: string): HeldLock | undefined {
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
  } catch {
    return undefined; // released meanwhile (or a link: O_EXCL refuses it anyway, and the wait times out naming it)
  }
  try {
    const st = fstatSync(fd);
    const text = st.isFile() && st.size < 4096 ? readFileSync(fd, 'utf8') : '';
    const ageMs = Date.now() - st.mtimeMs;
    try {
      const o = JSON.parse(text) as Partial<LockOwner>;
      if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.nonce === 'string' && typeof o.at === 'number') {
        return { text, owner: { pid: o.pid, host: o.host, nonce: o.nonce, at: o.at }, ageMs };
      }
    } catch {
      // half-written: judged by its age below
    }
    return { text, ageMs };
  } finally {
    closeSync(fd);
  }
}

/** Whether the holder of `held` is gone: a dead pid on this host, or older than `staleMs` either way. */
export function isStale(held: HeldLock, staleMs: number): boolean {
  if (!held.owner) return held.ageMs > Math.min(staleMs, 2_000);
  if (Date.now() - held.owner.at > staleMs || held.ageMs > staleMs) return true;
  return held.owner.host === os.hostname() && !processExists(held.owner.pid);
}

function processExists(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false; // 0 and negatives name process groups
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, another user's
  }
}

/** Removes the stale lock whose content is `staleText`, under `<lock>.break`; a no-op when another writer got there first. */
function breakStale(lockFile: string, staleText: string, staleMs: number): void {
  const breakFile = `${lockFile}.break`;
  if (!tryCreate(breakFile, `${JSON.stringify({ pid: process.pid, host: os.hostname(), nonce: randomUUID(), at: Date.now() })}\n`)) {
    const breaker = readLock(breakFile);
    // A breaker holds this for microseconds: one that is old died there.
    if (breaker && isStale(breaker, staleMs)) unlinkQuietly(breakFile);
    else sleepSync(1);
    return;
  }
  try {
    if (readLock(lockFile)?.text === staleText) unlinkQuietly(lockFile);
  } finally {
    unlinkQuietly(breakFile);
  }
}

/** Removes the lock if it is still ours (a writer that judged us stale may have taken it). */
function release(lockFile: string, owner: LockOwner): void {
  if (readLock(lockFile)?.owner?.nonce === owner.nonce) unlinkQuietly(lockFile);
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` (the append is synchronous: see the module comment). */
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
