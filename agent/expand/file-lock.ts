import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
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
 * stale lock is removed and taken. A lock file that cannot be read (being written this instant, or
 * damaged) counts as held by an unknown process (pid 0) until it is older than a few seconds.
 * Throws the fs error when the folder cannot be written.
 */
export function tryLock(file: string): { taken: true; release: () => void } | { taken: false; holder: LockHolder } {
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
        release: () => {
          if (released) return;
          released = true;
          if (holderOf(file)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = holderOf(file);
    if (holder && ownerMayBeAlive(holder.pid, holder.at)) return { taken: false, holder };
    if (!holder) {
      // Written this instant by its taker, or damaged: wait a moment before judging it.
      const ageMs = Date.now() - (fileMtimeMs(file) ?? Date.now());
      if (ageMs < 5_000) return { taken: false, holder: { pid: 0, at: Date.now() } };
    }
    rmSync(file, { force: true });
  }
  const holder = holderOf(file);
  return { taken: false, holder: holder ?? { pid: 0, at: Date.now() } };
}

/** The file's modification time (ms since the epoch), or undefined when it is gone. */
function fileMtimeMs(file: string): number | undefined {
  return statSync(file, { throwIfNoEntry: false })?.mtimeMs;
}

/** Waits (polling every `pollMs`) until the lock at `file` is taken; returns its release. */
export async function waitLock(file: string, pollMs = 100): Promise<() => void> {
  for (;;) {
    const r = tryLock(file);
    if (r.taken) return r.release;
    await sleep(pollMs);
  }
}
