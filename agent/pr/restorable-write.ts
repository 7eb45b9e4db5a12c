import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { outputError } from '../output-dir.ts';

/**
 * Files written into a folder for the length of a step that may still fail, with a way back: `pr`
 * adds change-record.json and PULL_REQUEST.md to the connector folder before it commits and pushes,
 * and a failed pr must leave the folder as it was.
 */

/** What `writeRestorably` wrote, and how to take it back. */
export interface RestorableWrite {
  /**
   * Puts the folder back as it was before the write: a file that existed gets its old bytes again,
   * a file that did not is removed. Best effort and never throws (it runs while another error is
   * being reported); returns the files it could not restore, for a note to the user.
   */
  restore(): Promise<string[]>;
  /** The same, synchronously: for a signal handler that exits right after (Ctrl-C during a pr). */
  restoreSync(): string[];
}

/** A file's bytes, or null when it did not exist. Any other read error is thrown. */
async function bytesOrNull(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw outputError(file, e);
  }
}

/** Writes `content` through a temporary file renamed into place, so `file` is never half-written. Throws `output-unwritable` (exit 10). */
async function writeAtomic(file: string, content: string | Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, content);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw outputError(file, e);
  }
}

/**
 * Writes each of `files` (absolute path → content), in order, each atomically, after keeping what
 * was there. When a write fails, the ones already made are taken back before the error
 * (`output-unwritable`, exit 10) is thrown. On success, returns the way back for a later failure.
 */
export async function writeRestorably(files: [file: string, content: string][]): Promise<RestorableWrite> {
  const before = new Map<string, Buffer | null>();
  for (const [file] of files) before.set(file, await bytesOrNull(file));
  const written: string[] = [];
  const restore = async (): Promise<string[]> => {
    const failed: string[] = [];
    for (const file of written.reverse()) {
      const old = before.get(file);
      try {
        if (old === null || old === undefined) await rm(file, { force: true });
        else await writeAtomic(file, old);
      } catch {
        failed.push(file);
      }
    }
    written.length = 0;
    return failed;
  };
  const restoreSync = (): string[] => {
    const failed: string[] = [];
    for (const file of written.reverse()) {
      const old = before.get(file);
      try {
        if (old === null || old === undefined) rmSync(file, { force: true });
        else {
          const tmp = `${file}.${process.pid}.tmp`;
          writeFileSync(tmp, old);
          renameSync(tmp, file);
        }
      } catch {
        failed.push(file);
      }
    }
    written.length = 0;
    return failed;
  };
  try {
    for (const [file, content] of files) {
      written.push(file);
      await writeAtomic(file, content);
    }
  } catch (e) {
    await restore();
    throw e;
  }
  return { restore, restoreSync };
}
