#!/usr/bin/env node
// The `fetchwright` command. Checks the Node version before loading anything that needs Node 24,
// then runs the CLI: from the TypeScript source in a checkout, from dist/ when installed.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cliLoadFailure, cliModulePath, EXIT_NODE_TOO_OLD, EXIT_PIPE_CLOSED, hideExperimentalWarnings, nodeTooOldMessage } from './preflight.js';

const tooOld = nodeTooOldMessage(process.versions.node, process.execPath);
if (tooOld !== undefined) {
  process.stderr.write(tooOld);
  process.exitCode = EXIT_NODE_TOO_OLD;
} else {
  hideExperimentalWarnings();
  // The reader went away (`fetchwright plan --json | head`): stop quietly, as a shell's tools do
  // on SIGPIPE (128 + 13), instead of an unhandled EPIPE and its stack trace.
  process.stdout.on('error', (/** @type {NodeJS.ErrnoException} */ e) => {
    if (e.code === 'EPIPE') process.exit(EXIT_PIPE_CLOSED);
    throw e;
  });
  // Nobody reads the progress any more (`2>&1 | head -1` closed it): the work goes on, and the
  // audit log still records it; only the lines for people are lost.
  process.stderr.on('error', (/** @type {NodeJS.ErrnoException} */ e) => {
    if (e.code !== 'EPIPE') throw e;
  });
  const cli = cliModulePath(path.dirname(fileURLToPath(import.meta.url)), existsSync);
  import(pathToFileURL(cli).href)
    .then((/** @type {typeof import('../agent/cli/main.ts')} */ m) => m.main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }))
    .then(
      (/** @type {number} */ code) => {
        process.exitCode = code;
      },
      (/** @type {Error} */ e) => {
        // Only a broken install or checkout gets here: the CLI's own errors are handled inside main().
        process.stderr.write(cliLoadFailure(cli, e));
        process.exitCode = 1;
      },
    );
}
