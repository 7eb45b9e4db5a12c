import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageSummary } from '../../agent/expand/coverage-summary.ts';
import { EXIT } from '../../agent/errors.ts';
import { connectorsRepo, git } from '../helpers/git-repo.ts';
import { vendorDoc } from '../helpers/vendor-docs.ts';
import { fetchwright } from './expand-cli.ts';

/**
 * expand --pr against GitHub (a stand-in on 127.0.0.1): a branch pushed by a run whose pull request
 * GitHub refused is never taken for a proposal — the vendor fails loudly until a pull request is open
 * from it — and once GitHub has one, its URL is recorded and the vendor is done.
 */

const TOKEN = 'ghp_expandTestToken0123456789';
let server: Server;
let api: string;
/** What the stand-in answers: refuse to create, and which pull requests exist for a head. */
const gh = { refuseCreate: true, existing: [] as { number: number; html_url: string; state: string; head: { ref: string; repo: { full_name: string } } }[], seenTokens: new Set<string>() };

beforeAll(async () => {
  server = createServer((req, res) => {
    gh.seenTokens.add(String(req.headers.authorization ?? ''));
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (req.method === 'GET' && url.pathname === '/repos/acme/connectors/pulls') {
      // Every pull request, whatever the head asked for: a client must check the head itself.
      res.end(JSON.stringify(gh.existing));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/repos/acme/connectors/pulls') {
      if (gh.refuseCreate) {
        res.statusCode = 502;
        res.end(JSON.stringify({ message: 'Server Error' }));
        return;
      }
      res.statusCode = 201;
      res.end(JSON.stringify({ number: 7, html_url: 'https://github.example/acme/connectors/pull/7' }));
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ message: 'Not Found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

describe('expand --pr --github', () => {
  it('does not take a pushed branch without a pull request for a proposal, and records the pull request once there is one', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-expand-gh-'));
    const state = path.join(root, 'state');
    const { repo } = connectorsRepo({ remote: true, prefix: 'fetchwright-expand-gh-repo-' });
    const catalogue = path.join(root, 'vendors.yaml');
    writeFileSync(catalogue, `vendors:\n  - { vendor: snowflake, docs: ${JSON.stringify(vendorDoc('snowflake.yaml'))}, owner: "@acme/identity" }\n`);
    const run = (...extra: string[]) =>
      fetchwright(['expand', '--catalog', catalogue, '--state', path.join(state, 'expand'), '--out', path.join(root, 'connectors'), '--json', '--pr', '--repo', repo, '--github', 'acme/connectors', '--github-api', api, ...extra], { state, env: { CI: 'true', GITHUB_TOKEN: TOKEN } });

    // GitHub refuses the pull request: the branch is pushed, the vendor failed.
    const first = await run();
    expect(first.code, first.stderr).toBe(EXIT.expandFailed);
    const f = (JSON.parse(first.stdout) as CoverageSummary).vendors[0]!;
    expect(f.outcome).toBe('failed');
    const branch = git(repo, 'ls-remote', '--heads', 'origin').split('\n').map((l) => l.split('refs/heads/')[1]).find((b) => b?.startsWith('fetchwright/snowflake-'));
    expect(branch).toBeDefined();

    // Tried again: the branch is there and no pull request is (only one from another branch) — said, never taken for a proposal.
    gh.existing.push({ number: 99, html_url: 'https://github.example/acme/connectors/pull/99', state: 'closed', head: { ref: 'someone/else', repo: { full_name: 'acme/connectors' } } });
    const second = await run('--retry-failed');
    expect(second.code).toBe(EXIT.expandFailed);
    const s = (JSON.parse(second.stdout) as CoverageSummary).vendors[0]!;
    expect(s.outcome).toBe('failed');
    expect(s.cause).toMatch(/already pushed, but no pull request was opened from it/);
    expect(s.pr).toBeNull();

    // Someone opened it by hand: recorded with its URL (GitHub's answer is data: a token echoed in it is redacted), and the vendor is done.
    gh.existing.push({ number: 9, html_url: `https://github.example/acme/connectors/pull/9?t=${TOKEN}`, state: 'open', head: { ref: branch!, repo: { full_name: 'acme/connectors' } } });
    const third = await run('--retry-failed');
    expect(third.code, third.stderr).toBe(0);
    const pr = (JSON.parse(third.stdout) as CoverageSummary).vendors[0]!.pr!;
    expect(pr.branch).toBe(branch);
    expect(pr.url).toMatch(/^https:\/\/github\.example\/acme\/connectors\/pull\/9\?t=/);
    expect(readFileSync(path.join(state, 'expand', 'vendors', 'snowflake.json'), 'utf8') + readFileSync(path.join(state, 'expand', 'coverage.json'), 'utf8')).not.toContain(TOKEN);
    expect((JSON.parse((await run()).stdout) as CoverageSummary).vendors[0]!.outcome).toBe('skipped');
    // The token went to GitHub only, and into no output.
    expect([...gh.seenTokens].some((t) => t.includes(TOKEN))).toBe(true);
    for (const out of [first, second, third]) expect(out.stdout + out.stderr).not.toContain(TOKEN);
    expect(readFileSync(path.join(state, 'audit.jsonl'), 'utf8')).not.toContain(TOKEN);
  });
});
