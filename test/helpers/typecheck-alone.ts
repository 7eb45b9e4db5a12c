import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { STANDALONE_TSC } from '../../agent/render/render-fetcher.ts';

/**
 * Type-checks a fetcher.ts the way its header tells a reviewer or a connectors repository's CI to:
 * the options of `STANDALONE_TSC`, read by TypeScript's own command-line parser, on the file alone
 * in a fresh temporary folder (nothing beside it, no node_modules above it, so no `@types` package
 * can be picked up), plus `extra` options. Returns the diagnostics as `tsc` prints them, one string
 * each; an empty list means it type-checks.
 */
export async function typecheckAlone(source: string, extra: ts.CompilerOptions = {}): Promise<string[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-tsc-'));
  try {
    const file = path.join(dir, 'fetcher.ts');
    await writeFile(file, source);
    const command = ts.parseCommandLine(STANDALONE_TSC.split(' ').slice(1));
    if (command.errors.length) throw new Error(ts.formatDiagnostics(command.errors, formatHost(dir)));
    if ((await readdir(dir)).length !== 1) throw new Error(`${dir} holds more than fetcher.ts`);
    const options = { ...command.options, ...extra, types: [] };
    const program = ts.createProgram({ rootNames: [file], options });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, formatHost(dir)).trim());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function formatHost(dir: string): ts.FormatDiagnosticsHost {
  return { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => '\n' };
}
