import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { branchFor } from '../../agent/pr/branch-name.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';
import { connectorsRepo } from '../helpers/git-repo.ts';

/**
 * `generate --pr` (issue 8): `--json` keeps generate's fields and adds the PR's, also when the pr
 * step fails; what the pr step would refuse is refused before the proof; PR-only flags need --pr.
 */

const EXAMPLE = path.join(REPO_ROOT, 'examples/jupyterhub');

function freshRepo(root: string, opts: { remoteHook?: string } = {}): string {
  return connectorsRepo({ prefix: `${path.basename(root)}-repo-`, ...(opts.remoteHook ? { preReceive: opts.remoteHook } : {}) }).repo;
}

async function run(root: string, argv: string[], env: Record<string, string> = {}) {
  const io = captureIo();
  const state = path.join(root, 'state');
  const code = await main(argv, io, { ...process.env, FETCHWRIGHT_SIGNING_KEY: '', FETCHWRIGHT_STATE_DIR: state, ...env });
  const auditFile = path.join(state, 'audit.jsonl');
  const steps = existsSync(auditFile) ? readFileSync(auditFile, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: string }).step) : [];
  return { code, out: io.out(), err: io.err(), steps };
}

describe('generate --pr --json', () => {
  it('prints {vendor, dir, verdict, kept_previous, failed_dir, scorecard, attempts, pr: {branch, commit, base, body, signed, pull_request}}', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-gen-pr-json-'));
    const repo = freshRepo(root);
    const r = await run(root, ['generate', EXAMPLE, '--out', path.join(root, 'out'), '--pr', '--repo', repo, '--json']);
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out) as Record<string, unknown> & { pr: Record<string, unknown>; scorecard: { verdict: string } };
    expect(out).toMatchObject({ vendor: 'jupyterhub', dir: path.join(root, 'out', 'jupyterhub'), verdict: 'pass', kept_previous: false, failed_dir: null });
    expect(out.scorecard.verdict).toBe('pass');
    expect(Array.isArray(out.attempts)).toBe(true);
    expect(out.pr).toMatchObject({ base: 'main', signed: false, pull_request: null });
    expect(out.pr.branch).toMatch(/^fetchwright\/jupyterhub-[0-9a-f]{8}$/);
    expect(execFileSync('git', ['rev-parse', out.pr.branch as string], { cwd: repo, encoding: 'utf8' }).trim()).toBe(out.pr.commit);
    expect(out.pr.body).toMatch(/jupyterhub/);
  });

  it('a pr step that fails after the proof (push refused): still prints generate\'s fields, pr: null and pr_error, with the pr\'s exit code', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-gen-pr-fail-'));
    const repo = freshRepo(root, { remoteHook: '#!/bin/sh\necho "pushes are frozen today" >&2\nexit 1\n' });
    const r = await run(root, ['generate', EXAMPLE, '--out', path.join(root, 'out'), '--pr', '--repo', repo, '--github', 'acme/connectors', '--github-api', 'http://127.0.0.1:9/api', '--json'], { GITHUB_TOKEN: 'ghp_FAKEfetchwrightTOKEN0123456789abcdef' });
    expect(r.code, r.err).toBe(22);
    const out = JSON.parse(r.out) as Record<string, unknown>;
    expect(out).toMatchObject({ vendor: 'jupyterhub', verdict: 'pass', pr: null, pr_error: { code: 'push-rejected', exit_code: 22 } });
    expect(existsSync(path.join(root, 'out', 'jupyterhub', 'fetcher.ts'))).toBe(true);
  });
});

describe('generate --pr refuses before the proof what pr would refuse after it', () => {
  it('a branch this plan was already proposed on: exit 20, no attempt run', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-gen-pr-branch-'));
    const repo = freshRepo(root);
    const plan = await run(root, ['plan', EXAMPLE, '--json']);
    execFileSync('git', ['branch', branchFor(JSON.parse(plan.out)), 'main'], { cwd: repo });
    const r = await run(root, ['generate', EXAMPLE, '--out', path.join(root, 'out'), '--pr', '--repo', repo]);
    expect(r.code, r.err).toBe(20);
    expect(r.err).toMatch(/the branch fetchwright\/jupyterhub-[0-9a-f]{8} already exists/);
    expect(r.steps).not.toContain('attempt-1');
    expect(existsSync(path.join(root, 'out'))).toBe(false);
  });

  it('a signing key that cannot be read: exit 14 before any work', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-gen-pr-key-'));
    const repo = freshRepo(root);
    const r = await run(root, ['generate', EXAMPLE, '--out', path.join(root, 'out'), '--pr', '--repo', repo], { FETCHWRIGHT_SIGNING_KEY: path.join(root, 'no-such-key.pem') });
    expect(r.code, r.err).toBe(14);
    expect(r.steps).not.toContain('ingest');
  });

  it('a repository with no commit yet: exit 15 before any work', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-gen-pr-empty-'));
    const repo = path.join(root, 'empty');
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    const r = await run(root, ['generate', EXAMPLE, '--out', path.join(root, 'out'), '--pr', '--repo', repo]);
    expect(r.code, r.err).toBe(15);
    expect(r.err).toMatch(/no commit yet/);
    expect(r.steps).not.toContain('ingest');
  });

  it('--github with a --remote the repository does not have: exit 18 before any work', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-gen-pr-remote-'));
    const repo = freshRepo(root);
    const r = await run(root, ['generate', EXAMPLE, '--out', path.join(root, 'out'), '--pr', '--repo', repo, '--github', 'acme/connectors'], { GITHUB_TOKEN: 'ghp_FAKEfetchwrightTOKEN0123456789abcdef' });
    expect(r.code, r.err).toBe(18);
    expect(r.err).toMatch(/has no remote named origin to push to/);
    expect(r.steps).not.toContain('ingest');
  });

  it('--repo or --github without --pr: a usage error, not silently ignored', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-gen-pr-only-'));
    for (const extra of [['--repo', root], ['--github', 'acme/connectors'], ['--remote', 'upstream']]) {
      const r = await run(root, ['generate', EXAMPLE, '--out', path.join(root, 'out'), ...extra]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`${extra[0]} means something only with --pr`));
      expect(r.steps).not.toContain('ingest');
    }
  });
});
