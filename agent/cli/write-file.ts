import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isFetchwrightError } from '../errors.ts';
import { checkOutputFile, ensureDir, outputError } from '../output-dir.ts';

/**
 * Writes a file whole or not at all: a temporary file beside it (created new, never followed),
 * renamed into place. `file` is checked again as `checkOutputFile` checks it before any work, so
 * a symbolic link, device, pipe or folder put there since is refused rather than replaced.
 * Throws `output-unwritable` (exit 10), naming `flag` in the message.
 */
export async function writeFileAtomic(file: string, content: string, flag = '--out', mode = 0o644): Promise<void> {
  checkOutputFile(file, flag);
  const abs = path.resolve(file);
  const tmp = `${abs}.${process.pid}.${Date.now()}.tmp`;
  try {
    ensureDir(path.dirname(abs));
    await writeFile(tmp, content, { flag: 'wx', mode });
    // The write took time: check once more just before the rename that would replace what is there.
    checkOutputFile(file, flag);
    await rename(tmp, abs);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw isFetchwrightError(e) ? e : outputError(file, e);
  }
}
