import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { ChangeRecord } from '../../agent/pr/change-record.ts';
import { REPO_ROOT, vendorDoc } from '../helpers/vendor-docs.ts';
import { connectorsRepo, git } from '../helpers/git-repo.ts';

/**
 * `generate … --pr --repo R [--github owner/repo]` as a team would run it: a real git repository
 * with a local bare remote, GitHub's API mocked with msw. The default branch is untouched, the new
 * branch holds the connector, its signed record and the PR body, `verify` passes and a flipped byte
 * fails it — and the human-provided token never leaves the Authorization header.
 */

const TOKEN = 'ghp_FAKEfetchwrightTOKEN0123456789abcdef';
const sent: { method: string; url: string; auth: string | null; body: unknown }[] = [];

const server = setupServer(
  http.post('https://api.github.com/repos/acme/connectors/pulls', async ({ request }) => {
    sent.push({ method: 'POST', url: request.url, auth: request.headers.get('authorization'), body: await request.json() });
    return HttpResponse.json({ number: 42, html_url: 'https://github.com/acme/connectors/pull/42' }, { status: 201 });
  }),
  http.post('https://api.github.com/repos/acme/connectors/issues/42/labels', async ({ request }) => {
    sent.push({ method: 'POST', url: request.url, auth: request.headers.get('authorization'), body: await request.json() });
    return HttpResponse.json([]);
  }),
  http.post('https://api.github.com/repos/acme/connectors/pulls/42/requested_reviewers', async ({ request }) => {
    sent.push({ method: 'POST', url: request.url, auth: request.headers.get('authorization'), body: await request.json() });
    return HttpResponse.json({}, { status: 201 });
  }),
);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function repoWithRemote(): Promise<{ repo: string; bare: string }> {
  const files = { 'README.md': '# our connectors\n', CODEOWNERS: '* @acme/identity\nconnectors/ @acme/iam-reviewers @octo\n' };
  const { repo, bare } = connectorsRepo({ files, remote: true, prefix: 'fetchwright-pr-' });
  return { repo, bare: bare! };
}

async function signingKey(): Promise<{ file: string; publicFile: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-key-'));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const file = path.join(dir, 'signing.pem');
  const publicFile = path.join(dir, 'signing.pub.pem');
  await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(publicFile, publicKey.export({ type: 'spki', format: 'pem' }));
  return { file, publicFile };
}

describe('generate --pr --github: a draft pull request for sign-off', () => {
  let repo: string;
  let bare: string;
  let key: { file: string; publicFile: string };
  let state: string;
  let env: NodeJS.ProcessEnv;
  let mainBefore: string;
  let code: number;
  let connector: string;
  const io = captureIo();

  // After the msw server listens (the file's first beforeAll): the GitHub API is never really called.
  beforeAll(async () => {
    ({ repo, bare } = await repoWithRemote());
    key = await signingKey();
    const out = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-pr-out-'));
    state = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-pr-state-'));
    env = { ...process.env, FETCHWRIGHT_STATE_DIR: state, FETCHWRIGHT_SIGNING_KEY: key.file, GITHUB_TOKEN: TOKEN };
    mainBefore = git(repo, 'rev-parse', 'main');
    code = await main(['generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', out, '--pr', '--repo', repo, '--github', 'acme/connectors', '--requested-by', 'iam-team'], io, env);
    connector = path.join(out, 'jupyterhub');
  }, 60_000);

  it('opens a draft pull request against the default branch, through the API, with the token only in the header', () => {
    expect(code, `${io.err()}\n${io.out().slice(-600)}`).toBe(0);
    expect(io.out()).toMatch(/draft pull request #42/);
    const create = sent.find((s) => s.url.endsWith('/pulls'))!;
    expect(create.body).toMatchObject({ draft: true, base: 'main', head: expect.stringMatching(/^fetchwright\/jupyterhub-[0-9a-f]{8}$/), title: expect.stringContaining('jupyterhub') });
    const body = (create.body as { body: string }).body;
    for (const section of ['### Sandbox proof: PASS', '### Assessment', '### Credentials to provision', '- [ ] An API key for the `token` scheme', '`list:users`']) expect(body).toContain(section);
    expect(sent.every((s) => s.auth === `token ${TOKEN}` || s.auth === `bearer ${TOKEN}` || s.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(JSON.stringify(sent.map((s) => ({ url: s.url, body: s.body })))).not.toContain(TOKEN);
    expect(sent.find((s) => s.url.endsWith('/labels'))!.body).toMatchObject({ labels: expect.arrayContaining(['fetchwright', 'vendor:jupyterhub']) });
    expect(sent.find((s) => s.url.endsWith('/requested_reviewers'))!.body).toMatchObject({ reviewers: ['octo'], team_reviewers: ['iam-reviewers'] });
  });

  it('leaves the default branch and the working tree untouched, and pushes only the new branch', () => {
    expect(git(repo, 'rev-parse', 'main')).toBe(mainBefore);
    expect(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    const branch = (sent.find((s) => s.url.endsWith('/pulls'))!.body as { head: string }).head;
    expect(git(bare, 'rev-parse', 'main')).toBe(mainBefore);
    const files = git(bare, 'ls-tree', '-r', '--name-only', branch).split('\n');
    expect(files).toEqual(expect.arrayContaining(['connectors/jupyterhub/fetcher.ts', 'connectors/jupyterhub/change-record.json', 'connectors/jupyterhub/PULL_REQUEST.md', 'README.md']));
    const message = git(bare, 'log', '-1', '--format=%B', branch);
    expect(message).toMatch(/Generated-by: fetchwright\/0\.1\.0/);
    expect(message).toMatch(/Fetchwright-Plan: [0-9a-f]{64}/);
    expect(message).toMatch(/Fetchwright-Verdict: pass/);
  });

  it('records who asked, who ran it and every hash, signed', async () => {
    const record = ChangeRecord.parse(JSON.parse(await readFile(path.join(connector, 'change-record.json'), 'utf8')));
    expect(record).toMatchObject({ connector: 'jupyterhub', requested_by: 'iam-team', planner: { kind: 'heuristic' }, scorecard: { verdict: 'pass' }, signature: { alg: 'ed25519' } });
    expect(Object.keys(record.files).sort()).toEqual(['PULL_REQUEST.md', 'VALIDATION.md', 'api-model.json', 'attempts.json', 'fetcher.ts', 'manifest.json', 'plan.json', 'scorecard.json']);
    expect(record.templates.length).toBeGreaterThan(10);
    // The PR body names the key that signed, as verify names a signer: a reviewer compares it with the team's.
    const body = await readFile(path.join(connector, 'PULL_REQUEST.md'), 'utf8');
    expect(body).toContain(`signed by \`ed25519 sha256:${record.signature!.public_key_sha256.slice(0, 16)}\``);
  });

  it('verify passes, pinned to the operator\'s public key, and with --rerun', async () => {
    const v = captureIo();
    expect(await main(['verify', connector, '--public-key', key.publicFile, '--rerun'], v, env)).toBe(0);
    expect(v.out()).toMatch(/verified: 8 files match the change record, signed by ed25519/);
  });

  it('a field added to the signed change record fails verify: the signature never covered it', async () => {
    const file = path.join(connector, 'change-record.json');
    const original = await readFile(file, 'utf8');
    await writeFile(file, JSON.stringify({ ...JSON.parse(original), approved_by: 'mallory' }, null, 2));
    try {
      const v = captureIo();
      expect(await main(['verify', connector, '--public-key', key.publicFile], v, env)).toBe(16);
      expect(v.out().replace(/\s+/g, ' ')).toMatch(/change-record\.json: holds a field no signature covers \(approved_by\)/);
    } finally {
      await writeFile(file, original);
    }
  });

  it('a flipped byte in fetcher.ts fails verify, naming the file', async () => {
    const file = path.join(connector, 'fetcher.ts');
    const original = await readFile(file);
    const flipped = Buffer.from(original);
    flipped[200] = flipped[200]! ^ 0x01;
    await writeFile(file, flipped);
    try {
      const v = captureIo();
      expect(await main(['verify', connector], v, env)).toBe(16);
      expect(v.out()).toMatch(/fetcher\.ts: changed since the change record was made/);
    } finally {
      await writeFile(file, original);
    }
  });

  it('a quote edited by one word in plan.json fails verify, naming the quote and the docs\' place', async () => {
    const file = path.join(connector, 'plan.json');
    const original = await readFile(file, 'utf8');
    const plan = JSON.parse(original) as { streams: { evidence: { source: { file: string; pointer: string }; quote?: string }[] }[] };
    const cited = plan.streams[0]!.evidence.find((e) => e.quote?.includes('users'))!;
    const edited = cited.quote!.replace('users', 'admins');
    await writeFile(file, original.replace(JSON.stringify(cited.quote), JSON.stringify(edited)));
    try {
      const v = captureIo();
      expect(await main(['verify', connector], v, env)).toBe(16);
      expect(v.out().replace(/\s+/g, ' ')).toContain(`plan.json: quotes text the docs do not hold: ${cited.source.file}#${cited.source.pointer}: “${edited}”`.replace(/\s+/g, ' '));
    } finally {
      await writeFile(file, original);
    }
    // Restored, the plan's quotes hold again against the connector's own api-model.json.
    expect(await main(['verify', connector, '--public-key', key.publicFile], captureIo(), env)).toBe(0);
  });

  it('an edited change record fails its signature', async () => {
    const file = path.join(connector, 'change-record.json');
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('"requested_by": "iam-team"', '"requested_by": "mallory"'));
    try {
      const v = captureIo();
      expect(await main(['verify', connector], v, env)).toBe(16);
      expect(v.out()).toMatch(/change-record\.json: the signature does not match the record/);
    } finally {
      await writeFile(file, original);
    }
  });

  it('the token never appears in the audit log, the record, the PR body or any output', async () => {
    const audit = await readFile(path.join(state, 'audit.jsonl'), 'utf8');
    const steps = audit.trim().split('\n').map((l) => JSON.parse(l) as { command: string; step: string });
    expect(steps.map((s) => `${s.command}:${s.step}`)).toEqual(expect.arrayContaining(['generate:ingest', 'generate:plan', 'generate:attempt-1', 'generate:write', 'generate:commit', 'generate:push', 'generate:pull-request', 'verify:verify']));
    for (const text of [audit, io.out(), io.err(), await readFile(path.join(connector, 'change-record.json'), 'utf8'), await readFile(path.join(connector, 'PULL_REQUEST.md'), 'utf8')]) {
      expect(text).not.toContain(TOKEN);
    }
  });

  it('refuses to propose the same plan twice: the branch exists', async () => {
    const again = captureIo();
    expect(await main(['pr', connector, '--repo', repo], again, env)).toBe(20);
    expect(again.err()).toMatch(/the branch fetchwright\/jupyterhub-[0-9a-f]{8} already exists/);
  });
});

describe('pr: refusals', () => {
  it('a dirty working tree, a failing scorecard, --github without a token', async () => {
    const { repo } = await repoWithRemote();
    const out = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-pr-refuse-'));
    const env = { ...process.env, GITHUB_TOKEN: '' };
    expect(await main(['generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', out], captureIo(), env)).toBe(0);
    const connector = path.join(out, 'jupyterhub');

    await writeFile(path.join(repo, 'scratch.txt'), 'work in progress\n');
    const dirty = captureIo();
    expect(await main(['pr', connector, '--repo', repo], dirty, env)).toBe(19);
    expect(dirty.err()).toMatch(/uncommitted changes/);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'wip');

    const noToken = captureIo();
    expect(await main(['pr', connector, '--repo', repo, '--github', 'acme/connectors'], noToken, env)).toBe(15);
    expect(noToken.err()).toMatch(/GITHUB_TOKEN/);

    const scorecard = path.join(connector, 'scorecard.json');
    await writeFile(scorecard, (await readFile(scorecard, 'utf8')).replace('"verdict": "pass"', '"verdict": "fail"'));
    const failing = captureIo();
    expect(await main(['pr', connector, '--repo', repo], failing, env)).toBe(15);
    expect(failing.err()).toMatch(/scorecard is a fail/);
    expect(git(repo, 'branch', '--list', 'fetchwright/*')).toBe('');
  });

  it('a push that fails leaves no local branch behind, so the same plan can be proposed again', async () => {
    const { repo } = await repoWithRemote();
    git(repo, 'remote', 'add', 'broken', path.join(os.tmpdir(), 'fetchwright-no-such-remote.git'));
    const out = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-pr-push-'));
    const env = { ...process.env, GITHUB_TOKEN: TOKEN };
    expect(await main(['generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', out], captureIo(), env)).toBe(0);
    const failed = captureIo();
    expect(await main(['pr', path.join(out, 'jupyterhub'), '--repo', repo, '--github', 'acme/connectors', '--remote', 'broken'], failed, env)).not.toBe(0);
    expect(failed.err()).toMatch(/push|remote/i);
    expect(failed.err()).not.toContain(TOKEN);
    expect(git(repo, 'branch', '--list', 'fetchwright/*')).toBe('');
  });

  it('without a signing key the record is unsigned, the PR body says so, and verify refuses it unless allowed', async () => {
    const { repo } = await repoWithRemote();
    const out = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-pr-unsigned-'));
    const env = { ...process.env, FETCHWRIGHT_SIGNING_KEY: '' };
    const io = captureIo();
    expect(await main(['generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', out, '--pr', '--repo', repo], io, env)).toBe(0);
    expect(io.out()).toMatch(/The change record is unsigned/);
    expect(io.err()).toMatch(/UNSIGNED/);
    const connector = path.join(out, 'jupyterhub');
    expect((await main(['verify', connector], captureIo(), env))).toBe(16);
    expect((await main(['verify', connector, '--allow-unsigned'], captureIo(), env))).toBe(0);
  });
});

describe('the issue\'s own words: generate okta.yaml --pr --repo R on a fresh repository', () => {
  it('leaves the default branch untouched, the branch holds connector, signed record and PR body, verify passes, a flipped byte fails', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-okta-pr-'));
    const repo = path.join(root, 'R');
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    git(repo, 'config', 'user.name', 'Grace Hopper');
    git(repo, 'config', 'user.email', 'grace@example.test');
    await writeFile(path.join(repo, 'README.md'), '# R\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'init');
    const before = git(repo, 'rev-parse', 'main');
    const key = await signingKey();
    const env = { ...process.env, FETCHWRIGHT_SIGNING_KEY: key.file };
    const out = path.join(root, 'connectors');
    const io = captureIo();
    expect(await main(['generate', vendorDoc('okta.yaml'), '--out', out, '--pr', '--repo', repo], io, env), io.err()).toBe(0);
    expect(git(repo, 'rev-parse', 'main')).toBe(before);
    const branch = git(repo, 'branch', '--list', 'fetchwright/okta-*').replace(/^[*+ ]+/, '');
    expect(branch).toMatch(/^fetchwright\/okta-[0-9a-f]{8}$/);
    const files = git(repo, 'ls-tree', '-r', '--name-only', branch);
    for (const f of ['connectors/okta/fetcher.ts', 'connectors/okta/change-record.json', 'connectors/okta/PULL_REQUEST.md']) expect(files).toContain(f);
    expect(JSON.parse(git(repo, 'show', `${branch}:connectors/okta/change-record.json`)).signature.alg).toBe('ed25519');
    // verify the connector as committed on the branch
    const checkout = path.join(root, 'review');
    git(repo, 'worktree', 'add', '-q', checkout, branch);
    const connector = path.join(checkout, 'connectors', 'okta');
    expect(await main(['verify', connector, '--public-key', key.publicFile], captureIo(), env)).toBe(0);
    const file = path.join(connector, 'fetcher.ts');
    const bytes = await readFile(file);
    bytes[1000] = bytes[1000]! ^ 0x20;
    await writeFile(file, bytes);
    const v = captureIo();
    expect(await main(['verify', connector], v, env)).toBe(16);
    expect(v.out()).toMatch(/fetcher\.ts/);
  }, 60_000);
});
