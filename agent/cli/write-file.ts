import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureDir, outputError } from '../output-dir.ts';

/** Writes a file whole or not at all: a temporary file beside it, renamed into place. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const abs = path.resolve(file);
  const tmp = `${abs}.${process.pid}.${Date.now()}.tmp`;
  try {
    ensureDir(path.dirname(abs));
    await writeFile(tmp, content, { flag: 'wx' });
    await rename(tmp, abs);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw outputError(file, e);
  }
}
