import { closeSync, fchmodSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import { FetchwrightError } from '../errors.ts';
import { outputError } from '../output-dir.ts';

/**
 * Files written into a folder for the length of a step that may still fail, with a way back: `pr`
 * adds change-record.json and PULL_REQUEST.md to the connector folder before it commits and pushes,
 * and a failed or interrupted pr must leave the folder as it was.
 *
 * The way back exists before the first byte is written: `prepareRestorableWrite` reads what is
 * there (synchronously) and returns the handle, the caller registers its `restoreSync` with the
 * signal handler, and only then writes. Each write is synchronous too (a temporary file renamed into
 * place), so a signal handler runs before a write or after it, never during one.
 */

/** The handle: writes files, and puts the folder back as it was before the first of them. */
export interface RestorableWrite {
  /**
   * Writes `content` to `file` (one of the files it was prepared for) whole or not at all: a
   * temporary file `<file>.<pid>.tmp` beside it, renamed into place, with the old file's mode when
   * there was one (0644 less the umask otherwise). Synchronous. Throws `output-unwritable` (exit 10) when the write fails; the
   * caller restores.
   */
  write(file: string, content: string): void;
  /**
   * Puts the folder back as it was when prepared: each file written (or begun) gets its old bytes
   * and mode again, or is removed when it did not exist, and this process's temporary files for
   * the prepared files are removed. Best effort and never throws (it runs while another error is
   * being reported, or in a signal handler); returns the files it could not restore, for a note to
   * the user. Running it twice is harmless.
   */
  restoreSync(): string[];
  /** `restoreSync`, for an async caller. */
  restore(): Promise<string[]>;
}

/** What stood at a path before: a regular file's bytes and permission bits, or nothing. */
type Before = { bytes: Buffer; mode: number } | null;

/** What a non-regular file is, in words, for a refusal. */
function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Reads what stands at `file` now, without following a link. Throws `output-unwritable` (exit 10) for anything but a regular file or nothing, or an unreadable file. */
function readBefore(file: string): Before {
  let st: Stats | undefined;
  try {
    st = lstatSync(file, { throwIfNoEntry: false });
  } catch (e) {
    throw outputError(file, e);
  }
  if (!st) return null;
  if (!st.isFile()) {
    throw new FetchwrightError('output-unwritable', `cannot write ${file}: it is ${kindOf(st)}, and fetchwright only replaces regular files there`, {
      file,
      hint: 'Move it out of the connector folder and run the command again.',
    });
  }
  try {
    return { bytes: readFileSync(file), mode: st.mode & 0o7777 };
  } catch (e) {
    throw outputError(file, e);
  }
}

/** The temporary file this process writes `file` through. */
function tempFor(file: string): string {
  return `${file}.${process.pid}.tmp`;
}

/**
 * Writes `bytes` to `file` through `tempFor(file)`: whatever stands at the temporary name (a
 * leftover, or a link or pipe put there) is removed first and the temporary file is created new
 * (`wx`), so nothing at that name is followed or waited on. Throws the fs error; the temporary file
 * is removed on failure.
 */
function replaceSync(file: string, bytes: string | Buffer, mode: number | undefined): void {
  const tmp = tempFor(file);
  try {
    rmSync(tmp, { force: true });
    const fd = openSync(tmp, 'wx', mode ?? 0o644);
    try {
      // The old file's mode exactly, whatever the umask.
      if (mode !== undefined) fchmodSync(fd, mode);
      const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
      for (let at = 0; at < buffer.length; ) at += writeSync(fd, buffer, at);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the error below is the one to report
    }
    throw e;
  }
}

/**
 * Prepares to write `files` (absolute paths): reads, synchronously, what stands at each now (a
 * regular file's bytes and mode, or nothing) and returns the handle that writes them and takes the
 * writes back. Nothing is written yet, so its `restoreSync` can be handed to a signal handler before
 * the first byte is. Throws `output-unwritable` (exit 10) when one of them is a symbolic link,
 * folder, pipe, socket or device (replacing it would drop the link, or write where the user did not
 * mean), or cannot be read.
 */
export function prepareRestorableWrite(files: readonly string[]): RestorableWrite {
  const before = new Map<string, Before>();
  for (const file of files) before.set(file, readBefore(file));
  // Files whose write began, in order: the ones to put back.
  const touched: string[] = [];

  const restoreSync = (): string[] => {
    const failed: string[] = [];
    for (const file of [...touched].reverse()) {
      const old = before.get(file) ?? null;
      try {
        if (old === null) rmSync(file, { force: true });
        else replaceSync(file, old.bytes, old.mode);
      } catch {
        failed.push(file);
      }
    }
    touched.length = 0;
    for (const file of files) {
      try {
        rmSync(tempFor(file), { force: true });
      } catch {
        if (!failed.includes(file)) failed.push(tempFor(file));
      }
    }
    return failed;
  };

  return {
    write(file: string, content: string): void {
      if (!before.has(file)) throw new Error(`internal: ${file} was not prepared for a restorable write`);
      if (!touched.includes(file)) touched.push(file);
      try {
        replaceSync(file, content, before.get(file)?.mode);
      } catch (e) {
        throw outputError(file, e);
      }
    },
    restoreSync,
    restore: async () => restoreSync(),
  };
}
