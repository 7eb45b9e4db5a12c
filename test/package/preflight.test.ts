import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliModulePath, EXIT_NODE_TOO_OLD, MIN_NODE_MAJOR, nodeTooOldMessage } from '../../bin/preflight.js';
import { EXIT } from '../../agent/errors.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';
import { findOldNode } from './old-node.ts';

/**
 * What the `fetchwright` bin does before it loads the CLI (bin/preflight.js): refuse a Node older
 * than 24 with what to do, and pick the CLI's module — the source in a checkout, dist/ installed.
 */

describe('the Node version check', () => {
  it('refuses Node 20 and 23, naming the version found, the Node binary and what to do', () => {
    const message = nodeTooOldMessage('20.20.2', '/usr/bin/node');
    expect(message).toBe(
      'error[node-too-old]: fetchwright needs Node.js 24 or newer, and this is Node.js 20.20.2 (/usr/bin/node)\n' +
        "  hint: install Node.js 24 or newer and run it again; from a fetchwright checkout, run `npm ci` and then `npx fetchwright …`, which uses the project's pinned Node 24.\n",
    );
    expect(nodeTooOldMessage('23.11.1', '/opt/node23/bin/node')).toContain('this is Node.js 23.11.1 (/opt/node23/bin/node)');
  });

  it('lets Node 24 and newer through', () => {
    expect(MIN_NODE_MAJOR).toBe(24);
    expect(nodeTooOldMessage('24.0.0', '/x/node')).toBeUndefined();
    expect(nodeTooOldMessage('24.21.0', '/x/node')).toBeUndefined();
    expect(nodeTooOldMessage('25.1.0', '/x/node')).toBeUndefined();
    expect(nodeTooOldMessage(process.versions.node, process.execPath)).toBeUndefined();
  });

  it('exits with the code the CLI documents for it', () => {
    expect(EXIT_NODE_TOO_OLD).toBe(EXIT.nodeTooOld);
  });
});

describe('which CLI module the bin loads', () => {
  const checkoutBin = path.join('/home/me/fetchwright', 'bin');
  const installedBin = path.join('/home/me/project/node_modules/fetchwright', 'bin');
  const all = () => true;

  it('in a checkout, the TypeScript source, even when a stale dist/ lies beside it', () => {
    expect(cliModulePath(checkoutBin, all)).toBe('/home/me/fetchwright/agent/cli/main.ts');
    expect(cliModulePath(checkoutBin, (f) => f.endsWith('main.ts'))).toBe('/home/me/fetchwright/agent/cli/main.ts');
  });

  it('installed under node_modules, the compiled dist/ — even if sources were shipped', () => {
    expect(cliModulePath(installedBin, (f) => f.endsWith('.js'))).toBe('/home/me/project/node_modules/fetchwright/dist/agent/cli/main.js');
    expect(cliModulePath(installedBin, all)).toBe('/home/me/project/node_modules/fetchwright/dist/agent/cli/main.js');
  });

  it('anywhere without the sources, the compiled dist/', () => {
    expect(cliModulePath('/opt/fetchwright/bin', (f) => f.endsWith('.js'))).toBe('/opt/fetchwright/dist/agent/cli/main.js');
  });
});

describe('bin/fetchwright.js from the checkout on a Node older than 24', () => {
  const old = findOldNode(MIN_NODE_MAJOR);
  const title = old
    ? `Node ${old.version} gets the message and exit ${EXIT_NODE_TOO_OLD}, not a stack trace`
    : 'skipped: no Node older than 24 on PATH (outside node_modules/.bin) to run it with';
  (old ? it : it.skip)(title, () => {
    const run = spawnSync(old!.bin, [path.join(REPO_ROOT, 'bin/fetchwright.js'), 'plan', path.join(REPO_ROOT, 'examples/jupyterhub')], { encoding: 'utf8', cwd: os.tmpdir(), timeout: 20_000 });
    expect(run.stderr).toBe(nodeTooOldMessage(old!.version, old!.execPath));
    expect(run.stdout).toBe('');
    expect(run.status).toBe(EXIT_NODE_TOO_OLD);
  });
});
