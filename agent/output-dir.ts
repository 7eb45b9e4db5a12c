import { accessSync, constants as fsConstants, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { FetchwrightError } from './errors.ts';

/**
 * mkdir -p, one component at a time: Node's recursive mkdir can spin forever (under /proc, for
 * one), and a wrong --out or state folder must fail fast with a clear message, not hang.
 */
export function ensureDir(dir: string, mode?: number): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!existsSync(current)) {
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of missing) mkdirSync(d, mode === undefined ? {} : { mode });
}

/** An fs failure while writing output, as a message a person can act on. */
export function outputError(target: string, e: unknown): FetchwrightError {
  const code = (e as NodeJS.ErrnoException)?.code;
  return new FetchwrightError('output-unwritable', `cannot write ${target}${code ? ` (${code})` : ''}`, {
    file: target,
    hint: 'Choose an output folder you can write to (--out).',
  });
}

/** The nearest existing folder at or above `p` (resolved), or the file that stands where a folder must be. */
function nearestExisting(p: string): { path: string; isDir: boolean } {
  let current = path.resolve(p);
  for (;;) {
    const st = statSync(current, { throwIfNoEntry: false });
    if (st) return { path: current, isDir: st.isDirectory() };
    const parent = path.dirname(current);
    if (parent === current) return { path: current, isDir: true };
    current = parent;
  }
}

function checkCreatableUnder(target: string, what: string, flag: string): void {
  const near = nearestExisting(target);
  if (!near.isDir) {
    throw new FetchwrightError('output-unwritable', `cannot write ${what} ${target}: ${near.path} is a file, not a folder`, { file: target, hint: `Give ${flag} a path under a folder.` });
  }
  try {
    accessSync(near.path, fsConstants.W_OK);
  } catch {
    throw new FetchwrightError('output-unwritable', `cannot write ${what} ${target}: ${near.path} is not writable by you`, { file: target, hint: `Choose a ${what} you can write to (${flag}).` });
  }
}

/**
 * Refuses, before any work, an output folder this run could not create or write: a path that is a
 * file, or one under a file or an unwritable folder. Throws FetchwrightError 'output-unwritable' (exit 10).
 */
export function checkOutputFolder(dir: string, flag = '--out'): void {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) {
    throw new FetchwrightError('output-unwritable', `${flag} ${dir} is a file, not a folder`, { file: dir, hint: `Give ${flag} a folder (it is created if missing).` });
  }
  checkCreatableUnder(dir, 'output folder', flag);
}

/**
 * Refuses, before any work, an output file this run could not write: a path that is a folder, or
 * one whose folder cannot be created or written. Throws FetchwrightError 'output-unwritable' (exit 10).
 */
export function checkOutputFile(file: string, flag = '--out'): void {
  const st = statSync(file, { throwIfNoEntry: false });
  if (st?.isDirectory()) {
    throw new FetchwrightError('output-unwritable', `${flag} ${file} is a folder; give the path of a file to write`, { file, hint: `e.g. ${flag} ${path.join(file, 'plan.json')}` });
  }
  checkCreatableUnder(path.dirname(path.resolve(file)), 'output file', flag);
}
