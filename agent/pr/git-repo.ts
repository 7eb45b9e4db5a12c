import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FetchwrightError } from '../errors.ts';

/**
 * The one edge of the `pr` stage that touches a git repository: a thin adapter over the `git` CLI
 * (execFile with an argument array, never a shell; no prompts; no config written anywhere).
 *
 * What it can do is deliberately narrow. It creates a *new* branch in a temporary worktree, so the
 * user's checked-out branch and working tree are never touched, and it pushes that one branch
 * without force. It never commits to the default branch, merges, force-pushes or rewrites history.
 */

export interface RepoState {
  /** The branch pull requests target: the remote's HEAD, else init.defaultBranch, else main/master. */
  defaultBranch: string;
  /** `undefined` on a detached HEAD (as in most CI checkouts). */
  currentBranch: string | undefined;
  /** `undefined` when the repository has no commit yet. */
  headSha: string | undefined;
  /** Anything `git status --porcelain` reports, untracked files included. */
  dirty: boolean;
  /** user.name / user.email as git resolves them for this repository. */
  user: { name?: string; email?: string };
}

export interface CommitOnNewBranch {
  repoPath: string;
  /** Must not exist locally (nor as `<remote>/<branch>` when `remote` is given). */
  branch: string;
  /** Commit-ish the branch starts from, e.g. `main` or `origin/main`. */
  base: string;
  /** Relative path inside the repository → file content. Exactly these paths are committed. */
  files: Record<string, string>;
  message: string;
  /** Appended as `Key: value` lines after a blank line. */
  trailers: Record<string, string>;
  /** Defaults to the repository's user.name / user.email. */
  author?: { name: string; email: string };
  /** Also refuse when `<remote>/<branch>` is known locally. */
  remote?: string;
}

export interface Push {
  repoPath: string;
  remote: string;
  branch: string;
}

/** The adapter as a value, so a stage can receive it and a test can hand it a fake. */
export interface GitRepo {
  inspect(repoPath: string, opts?: { remote?: string }): Promise<RepoState>;
  branchExists(repoPath: string, branch: string, remote?: string): Promise<boolean>;
  commitOnNewBranch(req: CommitOnNewBranch): Promise<string>;
  push(req: Push): Promise<void>;
  deleteUnpublishedBranch(repoPath: string, branch: string, expectedSha: string): Promise<void>;
}

const GIT_TIMEOUT_MS = 120_000;

/** `https://user:secret@host` → `https://[REDACTED]@host`, for any scheme. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi, '$1[REDACTED]@');
}

interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  code: number | string | null;
}

function run(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      // Paths are literal everywhere: a file named `*.ts` is that file, not a glob.
      ['--literal-pathspecs', '-C', cwd, ...args],
      {
        env: { ...process.env, ...env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        maxBuffer: 64 * 1024 * 1024,
        timeout: GIT_TIMEOUT_MS,
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        const code = error ? ((error as NodeJS.ErrnoException & { code?: number | string }).code ?? null) : 0;
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT' && !stderr) {
          resolve({ ok: false, stdout: '', stderr: 'git is not installed or not on PATH', code });
          return;
        }
        if (error && (error as { killed?: boolean }).killed) {
          resolve({ ok: false, stdout, stderr: `${stderr}\ngit ${args[0] ?? ''} timed out after ${GIT_TIMEOUT_MS / 1000}s`, code });
          return;
        }
        resolve({ ok: !error, stdout, stderr, code });
      },
    );
  });
}

/** Runs git and returns stdout, or throws a redacted `git-failed` error naming what was attempted. */
async function git(cwd: string, args: string[], what: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await run(cwd, args, env);
  if (!r.ok) throw gitFailed(what, r.stderr);
  return r.stdout;
}

function gitFailed(what: string, stderr: string, hint?: string): FetchwrightError {
  const detail = stderr.trim().split('\n').filter(Boolean).slice(-6).join('\n');
  return new FetchwrightError('git-failed', redactUrlCredentials(`could not ${what}${detail ? `: ${detail}` : ''}`), hint ? { hint } : {});
}

async function readConfig(repoPath: string, key: string): Promise<string | undefined> {
  const r = await run(repoPath, ['config', '--get', key]);
  const value = r.stdout.trim();
  return r.ok && value ? value : undefined;
}

async function refExists(repoPath: string, ref: string): Promise<boolean> {
  return (await run(repoPath, ['show-ref', '--verify', '--quiet', ref])).ok;
}

async function assertWorkTree(repoPath: string): Promise<string> {
  const r = await run(repoPath, ['rev-parse', '--is-inside-work-tree', '--show-toplevel']);
  const [inside, top] = r.stdout.trim().split('\n');
  if (!r.ok || inside !== 'true' || !top) {
    throw new FetchwrightError('not-a-git-repo', `${repoPath} is not inside a git working tree`, {
      file: repoPath,
      hint: 'Point at a clone of the repository the connector should land in (run `git clone` or `git init` first).',
    });
  }
  return top;
}

async function assertBranchName(repoPath: string, branch: string): Promise<void> {
  const r = await run(repoPath, ['check-ref-format', '--branch', branch]);
  if (!r.ok || branch.startsWith('-')) {
    throw new FetchwrightError('usage', `"${branch}" is not a valid branch name`, { hint: 'Use a name such as fetchwright/okta-connector.' });
  }
}

export async function inspect(repoPath: string, opts: { remote?: string } = {}): Promise<RepoState> {
  await assertWorkTree(repoPath);
  const remote = opts.remote ?? 'origin';

  const symbolic = await run(repoPath, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  const currentBranch = symbolic.ok ? symbolic.stdout.trim() || undefined : undefined;
  const head = await run(repoPath, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  const headSha = head.ok ? head.stdout.trim() || undefined : undefined;

  const status = await git(repoPath, ['status', '--porcelain', '--untracked-files=normal'], `read the status of ${repoPath}`);

  const [name, email] = await Promise.all([readConfig(repoPath, 'user.name'), readConfig(repoPath, 'user.email')]);
  const user: RepoState['user'] = {};
  if (name) user.name = name;
  if (email) user.email = email;

  return { defaultBranch: await defaultBranchOf(repoPath, remote, currentBranch), currentBranch, headSha, dirty: status.trim() !== '', user };
}

async function defaultBranchOf(repoPath: string, remote: string, currentBranch: string | undefined): Promise<string> {
  const remoteHead = await run(repoPath, ['symbolic-ref', '--quiet', `refs/remotes/${remote}/HEAD`]);
  const prefix = `refs/remotes/${remote}/`;
  const target = remoteHead.stdout.trim();
  if (remoteHead.ok && target.startsWith(prefix) && target.length > prefix.length) return target.slice(prefix.length);
  const configured = await readConfig(repoPath, 'init.defaultBranch');
  if (configured) return configured;
  if (currentBranch === 'main' || currentBranch === 'master') return currentBranch;
  return 'main';
}

export async function branchExists(repoPath: string, branch: string, remote?: string): Promise<boolean> {
  await assertWorkTree(repoPath);
  if (await refExists(repoPath, `refs/heads/${branch}`)) return true;
  return remote !== undefined && (await refExists(repoPath, `refs/remotes/${remote}/${branch}`));
}

/** Whether `remote` is a configured remote of the repository (`git remote get-url`). */
export async function remoteExists(repoPath: string, remote: string): Promise<boolean> {
  await assertWorkTree(repoPath);
  return (await run(repoPath, ['remote', 'get-url', remote])).ok;
}

const TRAILER_KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/** The message, a blank line, then one `Key: value` line per trailer. */
export function messageWithTrailers(message: string, trailers: Record<string, string>): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(trailers)) {
    if (!TRAILER_KEY.test(key)) throw new FetchwrightError('usage', `commit trailer key "${key}" must be letters, digits and dashes`);
    if (/[\r\n]/.test(value)) throw new FetchwrightError('usage', `commit trailer "${key}" must be one line`);
    lines.push(`${key}: ${value.trim()}`);
  }
  const body = message.trimEnd();
  return lines.length ? `${body}\n\n${lines.join('\n')}\n` : `${body}\n`;
}

/** A file path the commit may contain: relative, inside the repository, not in `.git`. */
function checkedPath(relative: string): string {
  const normal = path.posix.normalize(relative.replaceAll('\\', '/'));
  const parts = normal.split('/');
  if (!relative || path.posix.isAbsolute(normal) || path.win32.isAbsolute(relative) || parts.includes('..') || normal === '.' || parts.some((p) => p.toLowerCase() === '.git')) {
    throw new FetchwrightError('usage', `"${relative}" is not a path inside the repository`, { hint: 'Files to commit are named relative to the repository root, e.g. connectors/okta/fetcher.ts.' });
  }
  return normal;
}

/**
 * Creates `branch` from `base` with one commit holding exactly `files`, without touching the
 * user's checkout: the work happens in a temporary worktree that is removed afterwards, whatever
 * happens. Returns the new commit's sha.
 */
export async function commitOnNewBranch(req: CommitOnNewBranch): Promise<string> {
  const { repoPath, branch, base } = req;
  await assertWorkTree(repoPath);
  await assertBranchName(repoPath, branch);
  const entries = Object.entries(req.files).map(([relative, content]) => [checkedPath(relative), content] as const);
  const paths = entries.map(([p]) => p);
  if (paths.length === 0) throw new FetchwrightError('usage', 'there are no files to commit');
  if (new Set(paths).size !== paths.length) throw new FetchwrightError('usage', 'two files to commit name the same path');
  const message = messageWithTrailers(req.message, req.trailers);
  if (!message.trim()) throw new FetchwrightError('usage', 'the commit message is empty');

  const state = await inspect(repoPath, req.remote ? { remote: req.remote } : {});
  if (branch === state.defaultBranch || branch === 'main' || branch === 'master') {
    throw new FetchwrightError('usage', `refusing to commit to ${branch}, the default branch`, { hint: 'fetchwright only commits to a new branch; name one, e.g. fetchwright/<vendor>-connector.' });
  }
  if (await branchExists(repoPath, branch, req.remote)) {
    const where = (await refExists(repoPath, `refs/heads/${branch}`)) ? 'locally' : `on ${redactUrlCredentials(req.remote ?? '')}`;
    throw new FetchwrightError('branch-exists', `branch ${branch} already exists ${where}`, {
      hint: `fetchwright never rewrites a branch, and a plan always proposes on the same one: review ${branch}, or delete it yourself if it is no longer needed.`,
    });
  }
  const resolved = await run(repoPath, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
  const baseSha = resolved.stdout.trim();
  if (!resolved.ok || !baseSha) {
    throw new FetchwrightError('git-failed', `base ${base} is not a commit in ${repoPath}`, { hint: 'Fetch the base branch first (git fetch), or name an existing branch as the base.' });
  }

  // Identity: the author given, else the repository's; the committer is the repository's user when
  // one is configured, else the author. Passed through the environment: no config is written.
  const env: NodeJS.ProcessEnv = {};
  if (req.author) {
    env.GIT_AUTHOR_NAME = req.author.name;
    env.GIT_AUTHOR_EMAIL = req.author.email;
    if (!state.user.name) env.GIT_COMMITTER_NAME = req.author.name;
    if (!state.user.email) env.GIT_COMMITTER_EMAIL = req.author.email;
  }

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-pr-'));
  const worktree = path.join(tmp, 'worktree');
  let added = false;
  let sha: string | undefined;
  try {
    await git(repoPath, ['worktree', 'add', '--quiet', '-b', branch, worktree, baseSha], `create branch ${branch} from ${base}`);
    added = true;
    for (const [relative, content] of entries) {
      const target = path.join(worktree, ...relative.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    // --force: the connector's files are committed even where the repository's .gitignore matches them.
    await git(worktree, ['add', '--force', '--', ...paths], `stage the files on ${branch}`);
    if ((await run(worktree, ['diff', '--cached', '--quiet'])).ok) {
      throw new FetchwrightError('nothing-to-commit', `the files are identical to ${base}: there is nothing to commit on ${branch}`, { hint: 'The files in the repository are already up to date.' });
    }
    const messageFile = path.join(tmp, 'COMMIT_MSG');
    await writeFile(messageFile, message);
    await git(worktree, ['commit', '--quiet', '--cleanup=whitespace', '-F', messageFile], `commit on ${branch}`, env);
    sha = (await git(worktree, ['rev-parse', 'HEAD'], `read the new commit on ${branch}`)).trim();
    return sha;
  } finally {
    if (added) {
      await run(repoPath, ['worktree', 'remove', '--force', worktree]);
      // A failure left the new branch pointing at the base: remove it (only if it still does), so a
      // retry is not refused. A branch with a commit on it is never deleted.
      if (sha === undefined) await run(repoPath, ['update-ref', '-d', `refs/heads/${branch}`, baseSha]);
    }
    await rm(tmp, { recursive: true, force: true });
    if (added) await run(repoPath, ['worktree', 'prune']);
  }
}

/** Pushes `branch` to the same name on `remote`: never with force, never another ref. */
export async function push(req: Push): Promise<void> {
  const { repoPath, remote, branch } = req;
  // The remote may be a URL with credentials in it: only ever show it redacted.
  const shown = redactUrlCredentials(remote);
  await assertWorkTree(repoPath);
  await assertBranchName(repoPath, branch);
  if (remote.startsWith('-')) throw new FetchwrightError('usage', `"${shown}" is not a remote`);
  const state = await inspect(repoPath, { remote });
  if (branch === state.defaultBranch) {
    throw new FetchwrightError('usage', `refusing to push ${branch}, the default branch`, { hint: 'fetchwright only pushes the new branch it created.' });
  }
  if (!(await refExists(repoPath, `refs/heads/${branch}`))) {
    throw new FetchwrightError('git-failed', `there is no local branch ${branch} to push`);
  }
  const ref = `refs/heads/${branch}`;
  const r = await run(repoPath, ['push', '--no-follow-tags', '--porcelain', remote, `${ref}:${ref}`]);
  if (r.ok) return;
  const out = `${r.stdout}\n${r.stderr}`;
  if (/\[rejected\]|non-fast-forward|fetch first|\[remote rejected\]/.test(out)) {
    throw new FetchwrightError('push-rejected', redactUrlCredentials(`${shown} refused branch ${branch}: ${pushReason(out)}`), {
      hint: `The branch ${branch} on ${shown} has commits this one does not, or the remote does not accept it. fetchwright never force-pushes. Read the remote's message above; if the branch there is stale, delete it on the remote (git push ${shown} --delete ${branch}) and run pr again.`,
    });
  }
  throw gitFailed(`push ${branch} to ${shown}`, r.stderr, 'Check the remote URL and that your git credentials can push to it (no prompt is shown).');
}

function pushReason(out: string): string {
  const lines = out.split('\n').map((l) => l.trim());
  const status = lines.find((l) => /^!\s|\[rejected\]|\[remote rejected\]/.test(l));
  // `!<tab>refs/heads/a:refs/heads/a<tab>[remote rejected] (pre-receive hook declined)` → the bracket and its reason.
  const reason = status ? (/\[([^\]]+)\]\s*(.*)$/.exec(status)?.slice(1).join(' ').trim() ?? status.replace(/^!\s*/, '')) : 'the push was rejected';
  // What the remote itself said (a hook's message): `remote: pushes are frozen today`.
  const said = lines.filter((l) => l.startsWith('remote:')).map((l) => l.slice('remote:'.length).trim()).filter(Boolean);
  return said.length ? `${reason}; the remote said: ${said.slice(0, 5).join(' / ')}` : reason;
}

/** The adapter as one value. */
/**
 * Removes a branch this run created and could not publish, so the same plan can be proposed again.
 * Never the default branch, never the checked-out one, and only while it is exactly `expectedSha`.
 */
export async function deleteUnpublishedBranch(repoPath: string, branch: string, expectedSha: string): Promise<void> {
  const state = await inspect(repoPath);
  if (branch === state.defaultBranch || branch === state.currentBranch) return;
  const r = await run(repoPath, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
  if (!r.ok || r.stdout.trim() !== expectedSha) return;
  await git(repoPath, ['update-ref', '-d', `refs/heads/${branch}`, expectedSha], `remove the unpublished branch ${branch}`);
}

export const gitCli: GitRepo = { inspect, branchExists, commitOnNewBranch, push, deleteUnpublishedBranch };
