import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

/** `generate --pr --json` keeps generate's fields and adds the PR's (issue 8). */
describe('generate --pr --json', () => {
  it('prints {vendor, dir, verdict, kept_previous, failed_dir, scorecard, attempts, pr: {branch, commit, base, body, signed, pull_request}}', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-gen-pr-json-'));
    const repo = path.join(root, 'connectors');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    git('config', 'user.name', 'Grace Hopper');
    git('config', 'user.email', 'grace@example.test');
    writeFileSync(path.join(repo, 'README.md'), '# connectors\n');
    git('add', '.');
    git('commit', '-qm', 'init');
    const io = captureIo();
    const code = await main(['generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', path.join(root, 'out'), '--pr', '--repo', repo, '--json'], io, { ...process.env, FETCHWRIGHT_SIGNING_KEY: '', FETCHWRIGHT_STATE_DIR: path.join(root, 'state') });
    expect(code, io.err()).toBe(0);
    const out = JSON.parse(io.out()) as Record<string, unknown> & { pr: Record<string, unknown>; scorecard: { verdict: string } };
    expect(out).toMatchObject({ vendor: 'jupyterhub', dir: path.join(root, 'out', 'jupyterhub'), verdict: 'pass', kept_previous: false, failed_dir: null });
    expect(out.scorecard.verdict).toBe('pass');
    expect(Array.isArray(out.attempts)).toBe(true);
    expect(out.pr).toMatchObject({ base: 'main', signed: false, pull_request: null });
    expect(out.pr.branch).toMatch(/^fetchwright\/jupyterhub-[0-9a-f]{8}$/);
    expect(git('rev-parse', out.pr.branch as string)).toBe(out.pr.commit);
    expect(out.pr.body).toMatch(/jupyterhub/);
  });
});
