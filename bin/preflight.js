// Plain JavaScript that any Node since 12 can parse: it runs before anything that needs Node 24.
// No `?.`, `??` or top-level await here or in fetchwright.js.
import path from 'node:path';

/** The oldest Node major fetchwright runs on (type stripping, isolated-vm 7, `import.meta.main`). */
export const MIN_NODE_MAJOR = 24;

/** The exit code when Node is too old: EXIT.nodeTooOld in agent/errors.ts (a test holds the two together). */
export const EXIT_NODE_TOO_OLD = 27;

/** The exit code when the reader closes the output pipe: EXIT.pipeClosed in agent/errors.ts (128 + SIGPIPE). */
export const EXIT_PIPE_CLOSED = 141;

/**
 * What to tell a person running fetchwright on a Node that is too old, or `undefined` when
 * `version` (as `process.versions.node`, e.g. `20.20.2`) is new enough. `execPath` names the Node
 * that was found. Two lines, in the CLI's error format.
 *
 * @param {string} version
 * @param {string} execPath
 * @returns {string | undefined}
 */
export function nodeTooOldMessage(version, execPath) {
  const major = Number(String(version).split('.')[0]);
  if (major >= MIN_NODE_MAJOR) return undefined;
  return (
    `error[node-too-old]: fetchwright needs Node.js ${MIN_NODE_MAJOR} or newer, and this is Node.js ${version} (${execPath})\n` +
    `  hint: install Node.js ${MIN_NODE_MAJOR} or newer and run it again; from a fetchwright checkout, run \`npm ci\` and then \`npx fetchwright …\`, which uses the project's pinned Node ${MIN_NODE_MAJOR}.\n`
  );
}

/**
 * The CLI's module to import, given the folder of the running bin (its real path) and a way to
 * test that a file exists. In a checkout the TypeScript source is the truth, even when a stale
 * `dist/` lies beside it: `agent/cli/main.ts`, run through Node's type stripping. Installed (the
 * bin under a `node_modules` folder, where Node refuses to strip types), the compiled
 * `dist/agent/cli/main.js`, which `npm pack` builds.
 *
 * @param {string} binDir
 * @param {(file: string) => boolean} exists
 * @returns {string}
 */
export function cliModulePath(binDir, exists) {
  const source = path.join(binDir, '..', 'agent', 'cli', 'main.ts');
  const underNodeModules = binDir.split(path.sep).indexOf('node_modules') !== -1;
  if (!underNodeModules && exists(source)) return source;
  return path.join(binDir, '..', 'dist', 'agent', 'cli', 'main.js');
}

/**
 * Keeps every process warning but Node's ExperimentalWarning: the sandbox turns fetcher.ts into
 * JavaScript with `node:module`'s stripTypeScriptTypes, which says on every run that it is
 * experimental. Replaces Node's default printer with one that prints the others as it would.
 */
export function hideExperimentalWarnings() {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'ExperimentalWarning') return;
    process.stderr.write(`(node:${process.pid}) ${warning.name}: ${warning.message}\n`);
  });
}

/**
 * The message when the CLI's module cannot be loaded (a package installed without `dist/`, a
 * checkout without `npm ci`): what failed, and what to do; never a raw stack trace.
 *
 * @param {string} cli the module that was imported
 * @param {Error} error
 * @returns {string}
 */
export function cliLoadFailure(cli, error) {
  const code = /** @type {{ code?: string }} */ (error).code;
  return (
    `error[internal]: fetchwright's CLI could not be loaded from ${cli}${code ? ` (${code})` : ''}: ${error && error.message ? error.message.split('\n')[0] : String(error)}\n` +
    '  hint: in a checkout, run `npm ci`; an installed package is missing its compiled files: install it again from a tarball made by `npm pack`. Set FETCHWRIGHT_DEBUG=1 for the stack trace.\n' +
    (process.env.FETCHWRIGHT_DEBUG && error && error.stack ? `${error.stack}\n` : '')
  );
}
