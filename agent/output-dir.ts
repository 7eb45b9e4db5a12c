import { existsSync, mkdirSync } from 'node:fs';
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
