import { chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';
import { connectorsRepo, git } from '../helpers/git-repo.ts';

/**
 * A `pr` that fails after it has written change-record.json and PULL_REQUEST.md into the connector
 * folder leaves that folder exactly as it was: the push refused by the remote (a pre-receive hook),
 * GitHub refusing the pull request. And the repository refusals have their own exit codes: a dirty
 * tree 19, a branch that exists 20.
 */

const TOKEN = 'ghp_FAKEfetchwrightTOKEN0123456789abcdef';

async function repoWithRemote(): Promise<{ repo: string; bare: string }> {
  const { repo, bare } = connectorsRepo({ remote: true, prefix: 'fetchwright-prfail-' });
  return { repo, bare: bare! };
}

/** Every file of a folder, name → bytes (as hex, for a readable diff). */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) out[name] = (await readFile(path.join(dir, name))).toString('hex');
  return out;
}

let connector: string;
let github: Server;
let githubUrl: string;

beforeAll(async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-prfail-out-'));
  const io = captureIo();
  expect(await main(['generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', out], io, { ...process.env }), io.err()).toBe(0);
  connector = path.join(out, 'jupyterhub');
  // A PULL_REQUEST.md from an earlier run, hand-edited: a failed pr must give it back byte for byte.
  await writeFile(path.join(connector, 'PULL_REQUEST.md'), 'an older pull request body, kept by hand\n');
  // A GitHub API that refuses every pull request.
  github = createServer((req, res) => {
    req.resume();
    res.writeHead(422, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Validation Failed', errors: [{ message: 'Draft pull requests are not supported in this repository.' }] }));
  });
  await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
  githubUrl = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => github.close(resolve));
});

describe('a failed pr leaves the connector folder as it was', () => {
  it('the remote refuses the push (pre-receive hook): exit 22, no record or PR body left, the old PULL_REQUEST.md kept', async () => {
    const { repo, bare } = await repoWithRemote();
    const hook = path.join(bare, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "pushes are frozen today" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const before = await snapshot(connector);
    expect(before).not.toHaveProperty(['change-record.json']);

    const io = captureIo();
    const code = await main(['pr', connector, '--repo', repo, '--github', 'acme/connectors', '--github-api', githubUrl], io, { ...process.env, GITHUB_TOKEN: TOKEN });
    expect(code, io.err()).toBe(22);
    expect(io.err()).toMatch(/error\[push-rejected\]/);
    // The remote's own words, and a hint that can be followed (no option names a branch).
    expect(io.err()).toMatch(/refused branch fetchwright\/jupyterhub-[0-9a-f]{8}: remote rejected \(pre-receive hook declined\); the remote said: pushes are frozen today/);
    expect(io.err()).not.toMatch(/choose another branch name/);
    expect(await snapshot(connector)).toEqual(before);
    expect(git(repo, 'branch', '--list', 'fetchwright/*')).toBe('');
  });

  it('GitHub refuses the pull request after the push: exit 23, the folder as it was', async () => {
    const { repo } = await repoWithRemote();
    const before = await snapshot(connector);
    const io = captureIo();
    const code = await main(['pr', connector, '--repo', repo, '--github', 'acme/connectors', '--github-api', githubUrl], io, { ...process.env, GITHUB_TOKEN: TOKEN });
    expect(code, io.err()).toBe(23);
    expect(io.err()).toMatch(/error\[github-failed\][^\n]*HTTP 422/);
    expect(io.err()).toMatch(/hint: .*The branch fetchwright\/jupyterhub-[0-9a-f]{8} was pushed to origin: open the pull request from it by hand, or delete that branch and run pr again\./);
    expect(io.err()).not.toContain(TOKEN);
    expect(await snapshot(connector)).toEqual(before);
  });

  it('a pr that succeeds does write the record and the PR body (what the failures take back)', async () => {
    const { repo } = await repoWithRemote();
    const before = await snapshot(connector);
    const io = captureIo();
    expect(await main(['pr', connector, '--repo', repo], io, { ...process.env, FETCHWRIGHT_SIGNING_KEY: '' }), io.err()).toBe(0);
    const after = await snapshot(connector);
    expect(Object.keys(after)).toEqual([...Object.keys(before), 'change-record.json'].sort());
    expect(after['PULL_REQUEST.md']).not.toBe(before['PULL_REQUEST.md']);
  });
});

describe('pr: the repository refusals have their own exit codes', () => {
  it('uncommitted changes: exit 19 (dirty-worktree); this plan\'s branch already there: exit 20 (branch-exists)', async () => {
    const { repo } = await repoWithRemote();
    const env = { ...process.env, FETCHWRIGHT_SIGNING_KEY: '' };
    await writeFile(path.join(repo, 'scratch.txt'), 'work in progress\n');
    const dirty = captureIo();
    expect(await main(['pr', connector, '--repo', repo], dirty, env)).toBe(19);
    expect(dirty.err()).toMatch(/error\[dirty-worktree\]: .* has uncommitted changes/);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'wip');

    expect(await main(['pr', connector, '--repo', repo], captureIo(), env)).toBe(0);
    const again = captureIo();
    expect(await main(['pr', connector, '--repo', repo], again, env)).toBe(20);
    expect(again.err()).toMatch(/error\[branch-exists\]: the branch fetchwright\/jupyterhub-[0-9a-f]{8} already exists/);
  });
});
