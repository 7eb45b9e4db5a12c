import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchwrightError } from '../errors.ts';
import { branchExists, commitOnNewBranch, inspect, push, redactUrlCredentials } from './git-repo.ts';
import { rejection } from '../../test/helpers/rejection.ts';

/**
 * Real repositories in temp dirs, a local bare repository as the remote. The machine's global and
 * system git config are swapped for an empty file, so nothing here depends on (or writes to) them.
 */

let root: string;
let globalConfig: string;
const saved = { GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM: process.env.GIT_CONFIG_NOSYSTEM };

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-git-test-'));
  globalConfig = path.join(root, 'global.gitconfig');
  await writeFile(globalConfig, '');
  process.env.GIT_CONFIG_GLOBAL = globalConfig;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
});

afterAll(async () => {
  // Nothing was written to the (stand-in) global config by any test.
  expect(await readFile(globalConfig, 'utf8')).toBe('');
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await rm(root, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }).trim();
}

let n = 0;
async function makeRepo(opts: { user?: boolean } = {}): Promise<string> {
  const repo = await mkdtemp(path.join(root, `repo-${n++}-`));
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.name', 'Grace Hopper');
  git(repo, 'config', 'user.email', 'grace@example.test');
  await writeFile(path.join(repo, 'README.md'), '# our connectors\n');
  await writeFile(path.join(repo, '.gitignore'), '*.json\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'init');
  if (opts.user === false) {
    git(repo, 'config', '--unset', 'user.name');
    git(repo, 'config', '--unset', 'user.email');
  }
  return repo;
}

async function bareRemote(repo: string, name = 'origin'): Promise<string> {
  const bare = await mkdtemp(path.join(root, 'remote-'));
  git(bare, 'init', '-q', '--bare', '-b', 'main');
  git(repo, 'remote', 'add', name, bare);
  git(repo, 'push', '-q', name, 'main');
  return bare;
}


const FILES = {
  'connectors/okta/fetcher.ts': 'export const streams = [];\n',
  'connectors/okta/plan.json': '{ "vendor": "okta" }\n',
};
const TRAILERS = { 'Generated-by': 'fetchwright 0.1.0', 'Fetchwright-Plan': 'sha256:abc123' };

describe('inspect', () => {
  it('reports the branch, head, identity and a clean tree', async () => {
    const repo = await makeRepo();
    const state = await inspect(repo);
    expect(state).toEqual({
      defaultBranch: 'main',
      currentBranch: 'main',
      headSha: git(repo, 'rev-parse', 'HEAD'),
      dirty: false,
      user: { name: 'Grace Hopper', email: 'grace@example.test' },
    });
  });

  it('reports an untracked file or a modified file as dirty', async () => {
    const repo = await makeRepo();
    await writeFile(path.join(repo, 'notes.txt'), 'wip\n');
    expect((await inspect(repo)).dirty).toBe(true);
    await rm(path.join(repo, 'notes.txt'));
    expect((await inspect(repo)).dirty).toBe(false);
    await writeFile(path.join(repo, 'README.md'), '# changed\n');
    expect((await inspect(repo)).dirty).toBe(true);
  });

  it("takes the default branch from the remote's HEAD, even when another branch is checked out", async () => {
    const upstream = await makeRepo();
    git(upstream, 'branch', '-m', 'main', 'trunk');
    const clone = path.join(root, `clone-${n++}`);
    git(root, 'clone', '-q', upstream, clone);
    git(clone, 'checkout', '-q', '-b', 'feature');
    const state = await inspect(clone);
    expect(state.defaultBranch).toBe('trunk');
    expect(state.currentBranch).toBe('feature');
    expect(state.user).toEqual({});
  });

  it('falls back to init.defaultBranch, and reports a detached HEAD as no current branch', async () => {
    const repo = await makeRepo();
    git(repo, 'config', 'init.defaultBranch', 'develop');
    git(repo, 'checkout', '-q', '--detach');
    const state = await inspect(repo);
    expect(state.defaultBranch).toBe('develop');
    expect(state.currentBranch).toBeUndefined();
    expect(state.headSha).toBe(git(repo, 'rev-parse', 'HEAD'));
  });

  it('refuses a directory that is not a git work tree', async () => {
    const dir = await mkdtemp(path.join(root, 'plain-'));
    const e = await rejection(inspect(dir));
    expect(e.code).toBe('not-a-git-repo');
    expect(e.message).toContain(dir);
  });
});

describe('branchExists', () => {
  it('sees local branches, and remote-tracking ones when a remote is named', async () => {
    const repo = await makeRepo();
    await bareRemote(repo);
    git(repo, 'branch', 'fw/local');
    git(repo, 'push', '-q', 'origin', 'main:refs/heads/fw/remote-only');
    git(repo, 'fetch', '-q', 'origin');
    expect(await branchExists(repo, 'fw/local')).toBe(true);
    expect(await branchExists(repo, 'fw/remote-only')).toBe(false);
    expect(await branchExists(repo, 'fw/remote-only', 'origin')).toBe(true);
    expect(await branchExists(repo, 'fw/nowhere', 'origin')).toBe(false);
  });
});

describe('commitOnNewBranch', () => {
  it("commits exactly the files, with the trailers, and leaves the user's checkout alone", async () => {
    const repo = await makeRepo();
    git(repo, 'checkout', '-q', '-b', 'my-work');
    await writeFile(path.join(repo, 'README.md'), '# my uncommitted edit\n');
    await writeFile(path.join(repo, 'scratch.txt'), 'untracked\n');
    const mainBefore = git(repo, 'rev-parse', 'main');
    const statusBefore = git(repo, 'status', '--porcelain');
    const configBefore = git(repo, 'config', '--local', '--list');

    const sha = await commitOnNewBranch({ repoPath: repo, branch: 'fetchwright/okta', base: 'main', files: FILES, message: 'Add the okta identity connector', trailers: TRAILERS });

    expect(git(repo, 'rev-parse', 'fetchwright/okta')).toBe(sha);
    expect(git(repo, 'rev-parse', 'fetchwright/okta^')).toBe(mainBefore);
    // Exactly the written files changed, the gitignored plan.json included; their content is as given.
    expect(git(repo, 'diff', '--name-only', 'main', 'fetchwright/okta').split('\n').sort()).toEqual(Object.keys(FILES).sort());
    for (const [file, content] of Object.entries(FILES)) expect(`${git(repo, 'show', `fetchwright/okta:${file}`)}\n`).toBe(content);
    // The message, then the trailers as git reads them.
    expect(git(repo, 'log', '-1', '--format=%s', sha)).toBe('Add the okta identity connector');
    expect(git(repo, 'log', '-1', '--format=%(trailers:only,unfold)', sha)).toBe('Generated-by: fetchwright 0.1.0\nFetchwright-Plan: sha256:abc123');
    expect(git(repo, 'log', '-1', '--format=%an <%ae>', sha)).toBe('Grace Hopper <grace@example.test>');

    // The user's world is as it was: default branch, checked-out branch, working tree, config.
    expect(git(repo, 'rev-parse', 'main')).toBe(mainBefore);
    expect(git(repo, 'symbolic-ref', '--short', 'HEAD')).toBe('my-work');
    expect(git(repo, 'status', '--porcelain')).toBe(statusBefore);
    expect(await readFile(path.join(repo, 'README.md'), 'utf8')).toBe('# my uncommitted edit\n');
    expect(git(repo, 'config', '--local', '--list')).toBe(configBefore);
    // No worktree left behind.
    expect(git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length).toBe(1);
  });

  it('keeps # lines in the message and uses the given author without writing config', async () => {
    const repo = await makeRepo({ user: false });
    const sha = await commitOnNewBranch({
      repoPath: repo,
      branch: 'fetchwright/okta',
      base: 'main',
      files: { 'connectors/okta/fetcher.ts': 'x\n' },
      message: 'Add okta\n\n# Streams\n- users',
      trailers: {},
      author: { name: 'fetchwright bot', email: 'bot@example.test' },
    });
    expect(git(repo, 'log', '-1', '--format=%B', sha)).toBe('Add okta\n\n# Streams\n- users');
    expect(git(repo, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', sha)).toBe('fetchwright bot <bot@example.test>|fetchwright bot <bot@example.test>');
    expect(() => git(repo, 'config', '--local', 'user.name')).toThrow();
  });

  it('refuses a branch that already exists, and changes nothing', async () => {
    const repo = await makeRepo();
    git(repo, 'branch', 'fetchwright/okta');
    const before = git(repo, 'for-each-ref', '--format=%(refname) %(objectname)');
    const e = await rejection(commitOnNewBranch({ repoPath: repo, branch: 'fetchwright/okta', base: 'main', files: FILES, message: 'm', trailers: {} }));
    expect(e.code).toBe('branch-exists');
    expect(e.message).toContain('fetchwright/okta');
    expect(e.details.hint).toMatch(/never rewrites a branch[\s\S]*delete it yourself/);
    expect(git(repo, 'for-each-ref', '--format=%(refname) %(objectname)')).toBe(before);
  });

  it('refuses a branch that exists only on the named remote', async () => {
    const repo = await makeRepo();
    await bareRemote(repo);
    git(repo, 'push', '-q', 'origin', 'main:refs/heads/fetchwright/okta');
    git(repo, 'fetch', '-q', 'origin');
    const e = await rejection(commitOnNewBranch({ repoPath: repo, branch: 'fetchwright/okta', base: 'main', files: FILES, message: 'm', trailers: {}, remote: 'origin' }));
    expect(e.code).toBe('branch-exists');
    expect(e.message).toContain('on origin');
  });

  it('refuses to commit to the default branch, even when it does not exist locally', async () => {
    const upstream = await makeRepo();
    git(upstream, 'branch', '-m', 'main', 'trunk');
    const clone = path.join(root, `clone-${n++}`);
    git(root, 'clone', '-q', upstream, clone);
    git(clone, 'checkout', '-q', '-b', 'feature');
    git(clone, 'branch', '-D', 'trunk');
    const e = await rejection(commitOnNewBranch({ repoPath: clone, branch: 'trunk', base: 'origin/trunk', files: FILES, message: 'm', trailers: {} }));
    expect(e.code).toBe('usage');
    expect(e.message).toContain('default branch');
    expect(() => git(clone, 'rev-parse', '--verify', '--quiet', 'refs/heads/trunk')).toThrow();
  });

  it('refuses paths outside the repository or inside .git', async () => {
    const repo = await makeRepo();
    for (const bad of ['../escape.ts', '/etc/passwd', '.git/hooks/pre-commit', 'a/../../b']) {
      const e = await rejection(commitOnNewBranch({ repoPath: repo, branch: 'fw/x', base: 'main', files: { [bad]: 'x' }, message: 'm', trailers: {} }));
      expect(e.code).toBe('usage');
    }
    expect(await branchExists(repo, 'fw/x')).toBe(false);
  });

  it('reports nothing to commit, and leaves no branch or worktree so a retry can succeed', async () => {
    const repo = await makeRepo();
    const e = await rejection(commitOnNewBranch({ repoPath: repo, branch: 'fw/same', base: 'main', files: { 'README.md': '# our connectors\n' }, message: 'm', trailers: {} }));
    expect(e.code).toBe('nothing-to-commit');
    expect(await branchExists(repo, 'fw/same')).toBe(false);
    expect(git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length).toBe(1);
    const sha = await commitOnNewBranch({ repoPath: repo, branch: 'fw/same', base: 'main', files: { 'README.md': '# new\n' }, message: 'm', trailers: {} });
    expect(git(repo, 'rev-parse', 'fw/same')).toBe(sha);
  });

  it('names a base that does not exist', async () => {
    const repo = await makeRepo();
    const e = await rejection(commitOnNewBranch({ repoPath: repo, branch: 'fw/x', base: 'no-such-base', files: FILES, message: 'm', trailers: {} }));
    expect(e.code).toBe('git-failed');
    expect(e.message).toContain('no-such-base');
    expect(await branchExists(repo, 'fw/x')).toBe(false);
  });
});

describe('push', () => {
  it('puts the branch on the remote and nothing else', async () => {
    const repo = await makeRepo();
    const bare = await bareRemote(repo);
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'local only');
    git(repo, 'tag', '-a', 'v1', '-m', 'tag');
    const sha = await commitOnNewBranch({ repoPath: repo, branch: 'fetchwright/okta', base: 'main~1', files: FILES, message: 'm', trailers: TRAILERS });
    await push({ repoPath: repo, remote: 'origin', branch: 'fetchwright/okta' });
    expect(git(bare, 'rev-parse', 'refs/heads/fetchwright/okta')).toBe(sha);
    // The remote's main did not move, and no tag went along.
    expect(git(bare, 'rev-parse', 'refs/heads/main')).toBe(git(repo, 'rev-parse', 'main~1'));
    expect(git(bare, 'tag', '--list')).toBe('');
  });

  it('does not force: a diverged remote branch fails cleanly and keeps its commit', async () => {
    const repo = await makeRepo();
    const bare = await bareRemote(repo);
    const first = await commitOnNewBranch({ repoPath: repo, branch: 'fetchwright/okta', base: 'main', files: FILES, message: 'first', trailers: {} });
    await push({ repoPath: repo, remote: 'origin', branch: 'fetchwright/okta' });
    // Someone else's history under the same name locally: the remote has a commit it lacks.
    git(repo, 'branch', '-D', 'fetchwright/okta');
    await commitOnNewBranch({ repoPath: repo, branch: 'fetchwright/okta', base: 'main', files: { 'connectors/okta/fetcher.ts': 'other\n' }, message: 'second', trailers: {} });
    const e = await rejection(push({ repoPath: repo, remote: 'origin', branch: 'fetchwright/okta' }));
    expect(e.code).toBe('push-rejected');
    expect(e.message).toContain('fetchwright/okta');
    expect(e.details.hint).toMatch(/never force-pushes/);
    expect(git(bare, 'rev-parse', 'refs/heads/fetchwright/okta')).toBe(first);
  });

  it('refuses to push the default branch', async () => {
    const repo = await makeRepo();
    const bare = await bareRemote(repo);
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'local only');
    const e = await rejection(push({ repoPath: repo, remote: 'origin', branch: 'main' }));
    expect(e.code).toBe('usage');
    expect(git(bare, 'rev-parse', 'refs/heads/main')).toBe(git(repo, 'rev-parse', 'main~1'));
  });

  it('never shows the credentials of a remote URL in an error', async () => {
    const repo = await makeRepo();
    const url = 'https://fw-user:s3cretPassw0rd@127.0.0.1:9/acme/connectors.git';
    git(repo, 'remote', 'add', 'origin', url);
    await commitOnNewBranch({ repoPath: repo, branch: 'fetchwright/okta', base: 'main', files: FILES, message: 'm', trailers: {} });
    for (const remote of ['origin', url]) {
      const e = await rejection(push({ repoPath: repo, remote, branch: 'fetchwright/okta' }));
      expect(e.code).toBe('git-failed');
      expect(e.message).toContain('fetchwright/okta');
      for (const text of [e.message, e.render(), JSON.stringify(e), String(e.stack)]) {
        expect(text).not.toContain('s3cretPassw0rd');
        expect(text).not.toContain('fw-user');
      }
    }
  });
});

describe('redactUrlCredentials', () => {
  it('removes userinfo from any URL and leaves the rest', () => {
    expect(redactUrlCredentials("fatal: unable to access 'https://user:secret@github.com/acme/x.git/': 403")).toBe("fatal: unable to access 'https://[REDACTED]@github.com/acme/x.git/': 403");
    expect(redactUrlCredentials('To https://x-access-token:ghs_abc@github.com/a/b.git and ssh://git@host/r')).toBe('To https://[REDACTED]@github.com/a/b.git and ssh://[REDACTED]@host/r');
    expect(redactUrlCredentials('git@github.com:acme/x.git')).toBe('git@github.com:acme/x.git');
  });
});
