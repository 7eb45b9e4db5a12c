import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `git <args>` in `cwd`, never prompting; its stdout, trimmed. Throws when git fails. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }).trim();
}

export interface ConnectorsRepo {
  /** The temporary folder holding the repository (and the bare remote). */
  root: string;
  /** The working tree, on `main`, with one commit. */
  repo: string;
  /** The bare remote `origin` (with `remote: true`), `main` pushed to it. */
  bare?: string;
}

/**
 * A team's connectors repository for a test, in a new temporary folder: a working tree on `main`
 * with one commit of `files` (default: a README), committed as Grace Hopper; with `remote`, a bare
 * `origin` it was pushed to, and with `preReceive`, that remote's pre-receive hook (a shell script).
 */
export function connectorsRepo(opts: { files?: Record<string, string>; remote?: boolean; preReceive?: string; prefix?: string } = {}): ConnectorsRepo {
  const root = mkdtempSync(path.join(os.tmpdir(), opts.prefix ?? 'fetchwright-repo-'));
  const repo = path.join(root, 'connectors');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  git(repo, 'config', 'user.name', 'Grace Hopper');
  git(repo, 'config', 'user.email', 'grace@example.test');
  for (const [name, text] of Object.entries(opts.files ?? { 'README.md': '# our connectors\n' })) writeFileSync(path.join(repo, name), text);
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'init');
  if (!opts.remote && !opts.preReceive) return { root, repo };
  const bare = path.join(root, 'remote.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  git(repo, 'remote', 'add', 'origin', bare);
  git(repo, 'push', '-q', 'origin', 'main');
  if (opts.preReceive) {
    writeFileSync(path.join(bare, 'hooks', 'pre-receive'), opts.preReceive);
    chmodSync(path.join(bare, 'hooks', 'pre-receive'), 0o755);
  }
  return { root, repo, bare };
}
