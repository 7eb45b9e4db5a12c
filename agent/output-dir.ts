import { accessSync, closeSync, constants as fsConstants, existsSync, lstatSync, mkdirSync, openSync, readlinkSync, realpathSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { FetchwrightError } from './errors.ts';
import { withArticle } from './english.ts';

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

function checkCreatableUnder(target: string, what: string, flag: string, folder = target): void {
  const near = nearestExisting(folder);
  if (!near.isDir) {
    throw new FetchwrightError('output-unwritable', `cannot write ${what} ${target}: ${near.path} is a file, not a folder`, { file: target, hint: `Give ${flag} a path under a folder.` });
  }
  try {
    accessSync(near.path, fsConstants.W_OK);
    // Permission bits are not the whole story (root passes them; /proc, a read-only mount or a full
    // quota refuses anyway): create and remove a file there, so the refusal comes before any work.
    const probe = path.join(near.path, `.fetchwright-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
    closeSync(openSync(probe, 'wx', 0o600));
    rmSync(probe, { force: true });
  } catch {
    throw new FetchwrightError('output-unwritable', `cannot write ${what} ${target}: ${near.path} is not writable by you`, { file: target, hint: `Choose ${withArticle(what)} you can write to (${flag}).` });
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
 * Refuses, before any work and again when writing, an output file this run could not write or
 * should not replace: a path that is a folder; one that exists and is not a regular file (a
 * symbolic link, device, named pipe or socket: the file is written by renaming a new one into
 * place, which would replace the link or the device itself, so, as `generate` does for a linked
 * connector folder, it is refused rather than followed); or one whose folder cannot be created or
 * written. A link among the folders above the file is fine. Throws FetchwrightError
 * 'output-unwritable' (exit 10) with a message naming what is there.
 */
export function checkOutputFile(file: string, flag = '--out', example = 'plan.json'): void {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(file, { throwIfNoEntry: false });
  } catch (e) {
    // ENOTDIR: a folder on the way is a file; said plainly below.
    if ((e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw outputError(file, e);
    st = undefined;
  }
  if (st?.isDirectory()) {
    throw new FetchwrightError('output-unwritable', `${flag} ${file} is a folder; give the path of a file to write`, { file, hint: `e.g. ${flag} ${path.join(file, example)}` });
  }
  if (st?.isSymbolicLink()) {
    let target = '';
    try {
      target = readlinkSync(file);
    } catch {
      // named without its target, then
    }
    const resolved = target ? path.resolve(path.dirname(path.resolve(file)), target) : '';
    // Name the file it points to as the way out only when that is a regular file or nothing yet
    // (not for /dev/stdout, whose link ends at the terminal or a pipe).
    let end: ReturnType<typeof statSync>;
    try {
      end = statSync(file, { throwIfNoEntry: false });
    } catch {
      end = undefined;
    }
    const writable = resolved && (!end || end.isFile());
    throw new FetchwrightError('output-unwritable', `${flag} ${file} is a symbolic link${target ? ` to ${target}` : ''}, not a regular file: writing it would replace the link`, {
      file,
      hint: writable
        ? `Give ${flag} the file itself (${flag} ${resolved}), or a new path.`
        : `Give ${flag} the path of a regular file (it is created if missing); for standard output or a pipe, use --json and your shell's redirection instead.`,
    });
  }
  if (st && !st.isFile()) {
    const what = st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isFIFO() ? 'a named pipe' : st.isSocket() ? 'a socket' : 'a special file';
    throw new FetchwrightError('output-unwritable', `${flag} ${file} is ${what}, not a regular file: writing it would replace it`, {
      file,
      hint: `Give ${flag} the path of a regular file (it is created if missing); for standard output or a pipe, use --json and your shell's redirection instead.`,
    });
  }
  checkCreatableUnder(file, 'output file', flag, path.dirname(path.resolve(file)));
}

/** `p` with symbolic links resolved as far as it exists (the rest appended): where a write would really land. */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let current = abs;
  for (;;) {
    try {
      return path.join(realpathSync(current), ...rest);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return abs;
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
}

/** True when `inner` is `outer` or lies inside it, after resolving symbolic links. */
export function isWithin(inner: string, outer: string): boolean {
  const rel = path.relative(realPathOf(outer), realPathOf(inner));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Refuses (usage, exit 2) an output inside the docs it was made from — the docs folder, or the docs
 * file itself: the next run would read the connector's own files (VALIDATION.md, plan.json) as the
 * vendor's docs, or the plan would overwrite the spec.
 */
export function checkOutputOutsideDocs(out: string, docs: string, flag = '--out'): void {
  const docsIsFolder = statSync(docs, { throwIfNoEntry: false })?.isDirectory() ?? false;
  if (docsIsFolder ? isWithin(out, docs) : realPathOf(out) === realPathOf(docs)) {
    throw new FetchwrightError('usage', `${flag} ${out} is ${docsIsFolder ? 'inside the docs folder' : 'the docs file'} ${docs}`, {
      hint: docsIsFolder ? 'Write the output elsewhere: a later run would read its files as the vendor\'s docs.' : 'Give another file: the plan would overwrite the docs it was made from.',
    });
  }
}
