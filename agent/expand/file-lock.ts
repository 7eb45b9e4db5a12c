import { closeSync, lstatSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { FetchwrightError } from '../errors.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { ownerMayBeAlive } from '../generate/connector-dir.ts';

/**
 * A lock file: created with O_EXCL (`wx`) holding `{pid, at}`; held while the file exists. A lock
 * whose process is gone (or whose pid was reused by a younger process: connector-dir's
 * `ownerMayBeAlive`) is stale and taken over. Used for one expand per state folder and one git
 * writer per connectors repository among expand's workers.
 */

export interface LockHolder {
  pid: number;
  /** ms since the epoch. */
  at: number;
}

/** The holder written in a lock file, or undefined when it is missing or unreadable. */
function holderOf(file: string): LockHolder | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof data.pid === 'number' && typeof data.at === 'number' ? { pid: data.pid, at: data.at } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock at `file` for this process, or returns the live holder when another has it. A
 * stale lock is removed and taken (`tookOver` names whose it was). A lock file that cannot be read (being written this instant, or
 * damaged) counts as held by an unknown process (pid 0) until it is older than a few seconds.
 * Throws the fs error when the folder cannot be written.
 */
export function tryLock(file: string): { taken: true; release: () => void; tookOver?: LockHolder } | { taken: false; holder: LockHolder; notALock?: true } {
  let tookOver: LockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, at: Date.now() }));
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        taken: true,
        ...(tookOver ? { tookOver } : {}),
        release: () => {
          if (released) return;
          released = true;
          if (holderOf(file)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const st = lstatSync(file, { throwIfNoEntry: false });
    // A link, a pipe or anything but a file fetchwright wrote is no lock: a link is removed (never
    // followed); a folder is left for a person, and the lock counts as held by no known process.
    if (st && !st.isFile()) {
      if (st.isDirectory()) return { taken: false, holder: { pid: 0, at: st.mtimeMs }, notALock: true };
      tookOver = { pid: 0, at: st.mtimeMs };
      rmSync(file, { force: true });
      continue;
    }
    const holder = st ? holderOf(file) : undefined;
    if (holder && ownerMayBeAlive(holder.pid, holder.at)) return { taken: false, holder };
    if (!holder) {
      // Written this instant by its taker, or damaged: wait a moment before judging it.
      const ageMs = Date.now() - (fileMtimeMs(file) ?? Date.now());
      if (ageMs < 5_000) return { taken: false, holder: { pid: 0, at: Date.now() } };
    }
    tookOver = holder ?? { pid: 0, at: fileMtimeMs(file) ?? Date.now() };
    rmSync(file, { force: true });
  }
  const holder = holderOf(file);
  return { taken: false, holder: holder ?? { pid: 0, at: Date.now() } };
}

/** The lock file's own modification time (ms since the epoch; a link's, not its target's), or undefined when it is gone. */
function fileMtimeMs(file: string): number | undefined {
  return lstatSync(file, { throwIfNoEntry: false })?.mtimeMs;
}

/** How long `waitLock` waits by default before it gives up (ms): longer than any one vendor's git work. */
export const LOCK_WAIT_MS = 30 * 60_000;

/**
 * Waits (polling every `pollMs`) until the lock at `file` is taken; returns its release. Throws
 * `expand-busy` (exit 35) naming the holder after `maxWaitMs`.
 */
export async function waitLock(file: string, pollMs = 100, maxWaitMs = LOCK_WAIT_MS): Promise<() => void> {
  const until = Date.now() + maxWaitMs;
  for (;;) {
    const r = tryLock(file);
    if (r.taken) return r.release;
    if (!r.taken && r.notALock) throw new FetchwrightError('expand-busy', `${file} is a folder, not a lock file`, { file, hint: 'Remove it: expand writes a lock file there while one worker works on the repository.' });
    if (Date.now() >= until) {
      throw new FetchwrightError('expand-busy', `${file} was held by ${r.holder.pid ? `process ${r.holder.pid}` : 'something that is not a lock file'} for longer than ${Math.round(maxWaitMs / 60_000)} minutes`, { file, hint: 'If no expand is running, remove it.' });
    }
    await sleep(pollMs);
  }
}
