import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageSummary } from '../../agent/expand/coverage-summary.ts';
import { QUEUE_PREFIX } from '../../agent/expand/queue/queue-connection.ts';
import { queueNameFor } from '../../agent/expand/queue/queued-job.ts';
import { EXIT } from '../../agent/errors.ts';
import { connectorsRepo, git } from '../helpers/git-repo.ts';
import { redisServerMissing, startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { REPO_ROOT, vendorDoc } from '../helpers/vendor-docs.ts';
import { writeCatalogue } from './catalogue-files.ts';
import { BIN, fetchwright } from './expand-cli.ts';

/**
 * expand --queue --pr: the workers propose, each vendor's branch and pull request once; the secrets
 * are the workers' own (GITHUB_TOKEN, FETCHWRIGHT_SIGNING_KEY) and the queue's password is given by
 * environment: none of them is ever in Redis or in any output. A worker does only the jobs
 * fetchwright queued for its folders: forged jobs in Redis write nothing.
 */

const TOKEN = 'ghp_queueWorkerToken0123456789abcdef';
const REDIS_PASSWORD = 'redis-pw-7f3a9c21e4';
const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), `fetchwright-queue-pr-${prefix}-`));

let server: Server;
let api: string;
/** Pull requests the GitHub stand-in opened, by head branch; the tokens it saw. */
const gh = { created: [] as string[], tokens: new Set<string>() };
let redis: RedisServer;
const children: ChildProcess[] = [];

function startWorker(url: string, state: string, out: string, env: Record<string, string>, extra: string[] = []): { child: ChildProcess; log: () => string } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, FETCHWRIGHT_STATE_DIR: tmp('audit'), CI: 'true', ...env };
  if (!env.GITHUB_TOKEN) delete childEnv.GITHUB_TOKEN;
  const child = spawn(process.execPath, ['--no-node-snapshot', BIN, 'worker', '--queue', url, '--concurrency', '1', '--state', state, '--out', out, ...extra], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (log += s));
  children.push(child);
  return { child, log: () => log };
}

async function stopAll(): Promise<void> {
  await Promise.all(
    children.splice(0).map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      c.kill('SIGTERM');
      await new Promise((r) => c.once('exit', r));
    }),
  );
}

const skip = redisServerMissing();

describe.skipIf(skip)('expand --queue --pr on a real redis-server with a password', () => {
  beforeAll(async () => {
    redis = await startRedis(['--requirepass', REDIS_PASSWORD]);
    server = createServer((req, res) => {
      gh.tokens.add(String(req.headers.authorization ?? ''));
      const url = new URL(req.url ?? '/', 'http://x');
      res.setHeader('content-type', 'application/json');
      let body = '';
      req.on('data', (d: Buffer) => (body += d));
      req.on('end', () => {
        if (req.method === 'GET' && url.pathname === '/repos/acme/connectors/pulls') return res.end('[]');
        if (req.method === 'POST' && url.pathname === '/repos/acme/connectors/pulls') {
          const head = String((JSON.parse(body) as { head?: string }).head);
          gh.created.push(head);
          res.statusCode = 201;
          return res.end(JSON.stringify({ number: gh.created.length, html_url: `https://github.example/acme/connectors/pull/${gh.created.length}` }));
        }
        res.statusCode = 404;
        res.end('{"message":"Not Found"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await stopAll();
    server?.close();
    await redis?.stop();
  });

  it('two workers holding the token and signing key propose each vendor once; the enqueuer holds neither; no secret reaches Redis or any output', async () => {
    const root = tmp('two');
    const { repo } = connectorsRepo({ remote: true, prefix: 'fetchwright-queue-pr-repo-' });
    const keyDir = tmp('key');
    const { privateKey } = generateKeyPairSync('ed25519');
    const keyFile = path.join(keyDir, 'signing.pem');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(keyFile, pem);
    const vendors = ['jupyterhub', 'snowflake.yaml', 'netlify.yaml'];
    const catalogue = writeCatalogue(root, vendors.map((v) => ({ vendor: v.replace(/\..*$/, ''), docs: vendorDoc(v) })));
    const url = `redis://127.0.0.1:${redis.port}/0`;
    const [state, out] = [path.join(root, 'state'), path.join(root, 'out')];
    const secrets = { GITHUB_TOKEN: TOKEN, FETCHWRIGHT_SIGNING_KEY: keyFile, FETCHWRIGHT_REDIS_PASSWORD: REDIS_PASSWORD };
    const prArgs = ['--pr', '--repo', repo, '--github', 'acme/connectors', '--github-api', api];
    const a = startWorker(url, state, out, secrets, prArgs);
    const b = startWorker(url, state, out, secrets, prArgs);
    const audit = tmp('enqueuer');
    // The enqueuer has the queue's password, and no GitHub token or signing key.
    const r = await fetchwright(['expand', '--catalog', catalogue, '--queue', url, '--wait', '--state', state, '--out', out, '--json', '--pr', '--repo', repo, '--github', 'acme/connectors', '--github-api', api], { state: audit, env: { CI: 'true', FETCHWRIGHT_REDIS_PASSWORD: REDIS_PASSWORD, FETCHWRIGHT_SIGNING_KEY: '' } });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as CoverageSummary;
    expect(summary.vendors.map((v) => [v.vendor, v.outcome, !!v.pr?.url])).toEqual(vendors.map((v) => [v.replace(/\..*$/, ''), 'generated', true]));
    // One branch and one pull request per vendor, signed by the workers' key.
    const branches = git(repo, 'ls-remote', '--heads', 'origin').split('\n').map((l) => l.split('refs/heads/')[1]).filter((b) => b?.startsWith('fetchwright/'));
    expect(branches).toHaveLength(vendors.length);
    expect([...gh.created].sort()).toEqual([...branches].sort());
    expect(gh.tokens.has(`token ${TOKEN}`) || gh.tokens.has(`Bearer ${TOKEN}`)).toBe(true);
    for (const v of summary.vendors) {
      const record = JSON.parse(git(repo, 'show', `${v.pr!.branch}:connectors/${v.vendor}/change-record.json`)) as { signature?: unknown };
      expect(record.signature, v.vendor).toBeTruthy();
    }
    // No secret in what Redis holds (its append-only file), in any output, or in the enqueuer's audit log.
    const held = redis.persisted();
    expect(held).toContain('fetchwright:expand');
    const pemBody = pem.split('\n')[1]!;
    for (const secret of [TOKEN, REDIS_PASSWORD, pemBody]) {
      expect(held.includes(secret), 'Redis holds a secret').toBe(false);
      for (const text of [r.stdout, r.stderr, a.log(), b.log(), readFileSync(path.join(audit, 'audit.jsonl'), 'utf8')]) expect(text.includes(secret)).toBe(false);
    }
    await stopAll();
  }, 300_000);

  it('a worker without the GitHub token fails a --github job at once, naming what it lacks, without retrying it', async () => {
    const root = tmp('no-token');
    const { repo } = connectorsRepo({ remote: true, prefix: 'fetchwright-queue-pr-repo-' });
    const catalogue = writeCatalogue(root, [{ vendor: 'jupyterhub', docs: vendorDoc('jupyterhub') }]);
    const url = `redis://127.0.0.1:${redis.port}/1`;
    const [state, out] = [path.join(root, 'state'), path.join(root, 'out')];
    const w = startWorker(url, state, out, { FETCHWRIGHT_REDIS_PASSWORD: REDIS_PASSWORD }, ['--pr', '--repo', repo, '--github', 'acme/connectors', '--github-api', api]);
    const r = await fetchwright(['expand', '--catalog', catalogue, '--queue', url, '--wait', '--state', state, '--out', out, '--json', '--pr', '--repo', repo, '--github', 'acme/connectors', '--github-api', api], { state: tmp('audit'), env: { CI: 'true', FETCHWRIGHT_REDIS_PASSWORD: REDIS_PASSWORD, GITHUB_TOKEN: TOKEN } });
    expect(r.code, r.stderr).toBe(EXIT.expandFailed);
    const [v] = (JSON.parse(r.stdout) as CoverageSummary).vendors;
    expect(v).toMatchObject({ outcome: 'failed', exit_code: EXIT.prRefused });
    expect(v!.cause).toMatch(/^on worker [^ ]+: --github needs a GITHUB_TOKEN/);
    expect(w.log().match(/jupyterhub: started/g)).toHaveLength(1);
    expect(existsSync(path.join(out, 'jupyterhub'))).toBe(false);
    await stopAll();
  }, 120_000);

  it('an answer from someone else on the queue that a vendor is covered, which its state does not bear out, is not believed', async () => {
    const root = tmp('forged-answer');
    const catalogue = writeCatalogue(root, [{ vendor: 'jupyterhub', docs: vendorDoc('jupyterhub') }]);
    const url = `redis://127.0.0.1:${redis.port}/3`;
    const [state, out] = [path.join(root, 'state'), path.join(root, 'out')];
    // Not fetchwright: a plain BullMQ worker on the folders' queue, answering "generated, covered".
    const connection = new Redis({ port: redis.port, host: '127.0.0.1', db: 3, password: REDIS_PASSWORD, maxRetriesPerRequest: null });
    const impostor = new Worker(
      queueNameFor(state, out),
      async () => ({ vendor: 'jupyterhub', owner: '@acme/identity', docs: vendorDoc('jupyterhub'), outcome: 'generated', covered: true, connector_dir: path.join(out, 'jupyterhub'), streams: 99, identity_kinds: ['human'], skipped_streams: [], drift: null, pr: null, cause: null, exit_code: null, retry_at: null, elapsed_ms: 5 }),
      { connection, prefix: QUEUE_PREFIX },
    );
    const run = (...extra: string[]) => fetchwright(['expand', '--catalog', catalogue, '--queue', url, '--wait', '--state', state, '--out', out, '--json', ...extra], { state: tmp('audit'), env: { CI: 'true', FETCHWRIGHT_REDIS_PASSWORD: REDIS_PASSWORD } });
    try {
      const r = await run();
      expect(r.code, r.stderr).toBe(EXIT.expandFailed);
      const [v] = (JSON.parse(r.stdout) as CoverageSummary).vendors;
      expect(v).toMatchObject({ vendor: 'jupyterhub', outcome: 'failed', covered: false });
      expect(v!.cause).toMatch(/do not bear it out: not trusted/);
    } finally {
      await impostor.close();
    }
    // A real connector from a real worker is on disk; then the impostor answers for other inputs (another seed), copying it.
    const real = startWorker(url, state, out, { FETCHWRIGHT_REDIS_PASSWORD: REDIS_PASSWORD });
    const done = await run('--retry-failed');
    expect(done.code, done.stderr).toBe(0);
    const made = (JSON.parse(done.stdout) as CoverageSummary).vendors[0]!;
    await stopAll();
    const copycat = new Worker(queueNameFor(state, out), async () => ({ ...made, outcome: 'regenerated' }), { connection, prefix: QUEUE_PREFIX });
    try {
      const r = await run('--seed', '7');
      expect(r.code, r.stderr).toBe(EXIT.expandFailed);
      expect((JSON.parse(r.stdout) as CoverageSummary).vendors[0]).toMatchObject({ outcome: 'failed', covered: false, cause: expect.stringMatching(/not trusted/) });
    } finally {
      await copycat.close();
      connection.disconnect();
    }
    expect(real.log()).toMatch(/jupyterhub: generated/);
  }, 120_000);

  it('a worker refuses forged jobs — other folders, data fetchwright never queues, another job name — and writes nothing for them', async () => {
    const root = tmp('forged');
    const url = `redis://127.0.0.1:${redis.port}/2`;
    const [state, out] = [path.join(root, 'state'), path.join(root, 'out')];
    const elsewhere = tmp('elsewhere');
    const w = startWorker(url, state, out, { FETCHWRIGHT_REDIS_PASSWORD: REDIS_PASSWORD });
    const connection = new Redis({ port: redis.port, host: '127.0.0.1', db: 2, password: REDIS_PASSWORD, maxRetriesPerRequest: null });
    const queue = new Queue(queueNameFor(state, out), { connection, prefix: QUEUE_PREFIX });
    const entry = { index: 0, vendor: 'jupyterhub', docs: vendorDoc('jupyterhub'), docsPath: vendorDoc('jupyterhub'), owner: '@x', priority: 0, tenant: {}, skip_streams: [] };
    const good = { schema: 'fetchwright/queued-job@1', entry, key: 'a'.repeat(64), out, stateDir: state, seed: 1, maxAttempts: 3, jobTimeoutMs: 60_000 };
    await queue.add('vendor', { ...good, out: path.join(elsewhere, 'out'), stateDir: path.join(elsewhere, 'state') }, { jobId: 'other-folders' });
    await queue.add('vendor', { ...good, out: 'relative/out' }, { jobId: 'relative' });
    await queue.add('vendor', { ...good, entry: { ...entry, vendor: '../../etc' } }, { jobId: 'bad-vendor' });
    await queue.add('vendor', { ...good, command: 'rm -rf /' }, { jobId: 'extra-field' });
    await queue.add('something-else', good, { jobId: 'other-name' });
    // Its token to a repository and GitHub API a job names: never (the worker was started without --pr).
    await queue.add('vendor', { ...good, pr: { repo: elsewhere, remote: 'origin', github: 'victim/repo', githubApi: 'http://127.0.0.1:9/' } }, { jobId: 'forged-pr' });
    // A job that fits the worker in every field, in a state folder no expand --queue marked as this queue's.
    await queue.add('vendor', good, { jobId: 'unmarked' });
    await expect.poll(async () => (await queue.getJobCounts('failed')).failed, { timeout: 60_000 }).toBe(7);
    const reasons = Object.fromEntries(await Promise.all((await queue.getFailed()).map(async (j) => [j.id, [j.failedReason, j.attemptsMade]])));
    expect(reasons['other-folders']).toEqual([expect.stringMatching(/^the job is for the state folder .* serves .*start workers with the --state and --out the expand run uses$/), 1]);
    expect(reasons.relative).toEqual([expect.stringMatching(/^the job is not one fetchwright expand queued \(out: /), 1]);
    expect(reasons['bad-vendor']).toEqual([expect.stringMatching(/^the job is not one fetchwright expand queued \(entry\.vendor: /), 1]);
    expect(reasons['extra-field']).toEqual([expect.stringMatching(/^the job is not one fetchwright expand queued/), 1]);
    expect(reasons['other-name']).toEqual([expect.stringMatching(/^not a fetchwright job/), 1]);
    expect(reasons['forged-pr']).toEqual([expect.stringMatching(/^the job's pull-request settings are not those worker \S+ was started with/), 1]);
    expect(reasons.unmarked).toEqual([expect.stringMatching(/is not marked as served by a queue: not done \(one queue per state folder/), 1]);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    expect(existsSync(path.join(elsewhere, 'out'))).toBe(false);
    expect(w.log()).not.toMatch(/started/);
    await queue.close();
    connection.disconnect();
    await stopAll();
  }, 120_000);
});
