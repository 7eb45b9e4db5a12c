import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { shellStatus } from '../helpers/exit-status.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

/**
 * Ctrl-C during `fetchwright pr`, as a shell sends it, at the worst moment: PULL_REQUEST.md written
 * and change-record.json not yet. The connector folder must be as it was, byte for byte, and the
 * line the CLI prints must say so truthfully.
 */

const BIN = path.join(REPO_ROOT, 'bin/fetchwright.js');
const EXAMPLE = path.join(REPO_ROOT, 'examples/jupyterhub');

/** Every entry of `dir`: its name, mode and bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const st = lstatSync(path.join(dir, name));
    out[name] = `${(st.mode & 0o7777).toString(8)} ${st.isFile() ? readFileSync(path.join(dir, name), 'base64') : 'not a file'}`;
  }
  return out;
}

/** Runs the CLI as a process; sends SIGINT once stderr says it paused. The code is the shell's `$?` (128 + the signal's number when the signal ended it). */
function interruptedPr(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let sent = false;
  child.stdout.resume();
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    if (!sent && /paused at pr-half-written/.test(stderr)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 50_000);
  return new Promise((resolve) => child.on('close', (code, signal) => (clearTimeout(guard), resolve({ code: shellStatus(code, signal), stderr }))));
}

describe('Ctrl-C during pr, between its two writes', () => {
  it('puts back the user’s own PULL_REQUEST.md (bytes and mode), adds no change record, leaves no .tmp, and says so; exit 130', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-pr-half-'));
    const state = path.join(root, 'state');
    const out = path.join(root, 'out');
    const io = captureIo();
    expect(await main(['generate', EXAMPLE, '--out', out], io, { ...process.env, FETCHWRIGHT_STATE_DIR: state }), io.err()).toBe(0);
    const connector = path.join(out, 'jupyterhub');
    writeFileSync(path.join(connector, 'PULL_REQUEST.md'), '# my own review notes\n');
    chmodSync(path.join(connector, 'PULL_REQUEST.md'), 0o600);
    const before = snapshot(connector);

    const repo = path.join(root, 'repo');
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    writeFileSync(path.join(repo, 'README.md'), '# r\n');
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.test', 'add', '.'], { cwd: repo });
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.test', 'commit', '-qm', 'init'], { cwd: repo });

    const r = await interruptedPr(['pr', connector, '--repo', repo], {
      FETCHWRIGHT_STATE_DIR: state,
      FETCHWRIGHT_TEST_PAUSE: 'pr-half-written',
      FETCHWRIGHT_SIGNING_KEY: '',
      GIT_AUTHOR_NAME: 'T',
      GIT_AUTHOR_EMAIL: 't@example.test',
      GIT_COMMITTER_NAME: 'T',
      GIT_COMMITTER_EMAIL: 't@example.test',
    });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain(`interrupted by SIGINT: the connector folder ${connector} is as it was`);
    expect(snapshot(connector)).toEqual(before);
    expect(readFileSync(path.join(connector, 'PULL_REQUEST.md'), 'utf8')).toBe('# my own review notes\n');

    // And the folder is one generate accepts again (a stray .tmp would be refused, exit 25).
    const again = captureIo();
    expect(await main(['generate', EXAMPLE, '--out', out], again, { ...process.env, FETCHWRIGHT_STATE_DIR: state }), again.err()).toBe(0);
  }, 60_000);
});
