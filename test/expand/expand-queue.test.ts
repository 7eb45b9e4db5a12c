import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageSummary, VendorSummary } from '../../agent/expand/coverage-summary.ts';
import { QUEUE_PREFIX } from '../../agent/expand/queue/queue-connection.ts';
import { queueNameFor } from '../../agent/expand/queue/queued-job.ts';
import { EXIT } from '../../agent/errors.ts';
import { shellStatus } from '../helpers/exit-status.ts';
import { redisServerMissing, startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';
import { everyDescription, NO_IDENTITIES, writeCatalogue } from './catalogue-files.ts';
import { BIN, fetchwright, processesWithEnv } from './expand-cli.ts';

/**
 * `expand --queue` and `fetchwright worker` on Debian's redis-server, as processes, as a team runs
 * them: a catalogue of every real description done by two workers exactly as a local run does it;
 * the same catalogue queued twice; a worker SIGKILLed mid-job; Redis restarted mid-run; retries;
 * failed jobs' causes; folders and data a worker refuses; no secret in Redis.
 */

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), `fetchwright-queue-${prefix}-`));

interface WorkerProcess {
  child: ChildProcess;
  /** Its stderr so far. */
  log(): string;
  /** Resolves once its stderr matches `re` (rejects after `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  /** SIGTERM and wait for its exit. */
  stop(): Promise<number | null>;
  /** A string only its environment holds: its job processes are found by it. */
  marker: string;
}

const workers: WorkerProcess[] = [];

/** `fetchwright worker --queue url --concurrency 1 --state state --out out` as a process. */
function startWorker(url: string, state: string, out: string, env: Record<string, string> = {}): WorkerProcess {
  const marker = `fw-queue-worker-${Math.random().toString(36).slice(2)}`;
  const audit = tmp('worker-audit');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, FETCHWRIGHT_STATE_DIR: audit, FW_TEST_MARKER: marker, CI: 'true', ...env };
  delete childEnv.GITHUB_TOKEN;
  Object.assign(childEnv, env);
  const child = spawn(process.execPath, ['--no-node-snapshot', BIN, 'worker', '--queue', url, '--concurrency', '1', '--state', state, '--out', out], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const w: WorkerProcess = {
    child,
    marker,
    log: () => stderr,
    waitFor: (re, ms = 120_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const tick = setInterval(() => {
          if (re.test(stderr)) {
            clearInterval(tick);
            resolve();
          } else if (Date.now() - started > ms || child.exitCode !== null) {
            clearInterval(tick);
            reject(new Error(`worker never wrote ${re}: ${stderr}`));
          }
        }, 50);
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await new Promise((r) => child.once('exit', r));
        clearTimeout(guard);
      }
      return shellStatus(child.exitCode, child.signalCode);
    },
  };
  workers.push(w);
  return w;
}

/** How many times a worker's log says it started `vendor`'s job. */
function starts(logs: string[], vendor: string): number {
  return logs.join('\n').split('\n').filter((l) => l.startsWith(`${vendor}: started (job`)).length;
}

/** A vendor's summary without what differs between two runs of the same work: time, and the folder (compared by its name). */
function comparable(v: VendorSummary): Omit<VendorSummary, 'elapsed_ms'> {
  const { elapsed_ms: _elapsed, ...rest } = v;
  return { ...rest, connector_dir: rest.connector_dir ? path.basename(rest.connector_dir) : null };
}

/** The job counts of the queue of the folders `state` and `out` in Redis db `db`. */
async function jobCounts(redis: RedisServer, db: number, state: string, out: string): Promise<Record<string, number>> {
  const connection = new Redis({ port: redis.port, host: '127.0.0.1', db, maxRetriesPerRequest: null });
  const queue = new Queue(queueNameFor(state, out), { connection, prefix: QUEUE_PREFIX });
  try {
    return await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

const skip = redisServerMissing();

describe.skipIf(skip)('expand --queue and fetchwright worker on a real redis-server', () => {
  let redis: RedisServer;
  const entries = everyDescription();

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
  });

  /** A test's catalogue of `vendors`, its queue (Redis database `db`) and folders; `expand(extra)` runs `expand --queue` on them (default: `--wait --json`). */
  const queueRun = (label: string, db: number, vendors: { vendor: string; docs: string }[]) => {
    const root = tmp(label);
    const catalogue = writeCatalogue(root, vendors);
    const url = `redis://127.0.0.1:${redis.port}/${db}`;
    const [state, out] = [path.join(root, 'state'), path.join(root, 'out')];
    const expand = (extra: string[] = ['--wait', '--json'], onStderr?: (all: string) => void) => fetchwright(['expand', '--catalog', catalogue, '--queue', url, '--state', state, '--out', out, ...extra], { state: tmp('audit'), env: { CI: 'true' }, ...(onStderr ? { onStderr } : {}) });
    return { root, catalogue, url, state, out, expand };
  };
  const hub = () => [entries.find((e) => e.vendor === 'jupyterhub')!];

  it('two workers do every vendor of a catalogue of every description once, and the summary is the local run\'s', async () => {
    const root = tmp('two');
    const catalogue = writeCatalogue(root, entries);
    const url = `redis://127.0.0.1:${redis.port}/1`;
    const [qState, qOut] = [path.join(root, 'q-state'), path.join(root, 'q-out')];
    const a = startWorker(url, qState, qOut);
    const b = startWorker(url, qState, qOut);
    await Promise.all([a.waitFor(/taking jobs/), b.waitFor(/taking jobs/)]);
    const queued = await fetchwright(['expand', '--catalog', catalogue, '--queue', url, '--wait', '--state', qState, '--out', qOut, '--json'], { state: tmp('audit'), env: { CI: 'true' } });
    expect(queued.stderr).not.toMatch(/internal error/);
    expect(queued.code, queued.stderr).toBe(0);
    const q = JSON.parse(queued.stdout) as CoverageSummary;

    const local = await fetchwright(['expand', '--catalog', catalogue, '--concurrency', '2', '--state', path.join(root, 'l-state'), '--out', path.join(root, 'l-out'), '--json'], { state: tmp('audit'), env: { CI: 'true' } });
    expect(local.code, local.stderr).toBe(0);
    const l = JSON.parse(local.stdout) as CoverageSummary;

    // The same vendors, outcomes, streams, kinds and causes as the local run, in the catalogue's order.
    expect(q.vendors.map(comparable)).toEqual(l.vendors.map(comparable));
    expect(q.totals).toEqual(l.totals);
    expect(q.totals).toMatchObject({ vendors: entries.length, generated: entries.length, covered: entries.length });
    // Done by both workers, each vendor started once (no job taken twice).
    expect(q.queue).toEqual({ url, workers: expect.any(Array) });
    expect(q.queue!.workers).toHaveLength(2);
    for (const e of entries) expect(starts([a.log(), b.log()], e.vendor), e.vendor).toBe(1);
    expect(a.log().match(/: started \(job/g)?.length).toBeGreaterThan(0);
    expect(b.log().match(/: started \(job/g)?.length).toBeGreaterThan(0);
    // The connectors are written where the enqueuer named, with their states and the coverage files.
    for (const v of q.vendors) expect(existsSync(path.join(v.connector_dir!, 'scorecard.json')), v.vendor).toBe(true);
    expect(JSON.parse(readFileSync(path.join(qState, 'coverage.json'), 'utf8'))).toEqual(q);
    expect(readFileSync(path.join(qState, 'coverage.md'), 'utf8')).toMatch(/by 2 workers of the queue/);
    // Progress: a plain line per vendor as it ends, and who took it.
    for (const e of entries) expect(queued.stderr).toMatch(new RegExp(`\\] ${e.vendor}: generated`));
    expect(queued.stderr).toMatch(/taken by worker /);
    expect(await jobCounts(redis, 1, qState, qOut)).toMatchObject({ completed: entries.length, failed: 0, waiting: 0, prioritized: 0, active: 0 });
    await Promise.all([a.stop(), b.stop()]);
  }, 300_000);

  it('queues the same catalogue twice without a second job for any vendor, and a third run after the work queues nothing', async () => {
    const root = tmp('twice');
    const some = entries.slice(0, 4);
    const catalogue = writeCatalogue(root, some);
    const url = `redis://127.0.0.1:${redis.port}/2`;
    const [state, out] = [path.join(root, 'state'), path.join(root, 'out')];
    const args = ['expand', '--catalog', catalogue, '--queue', url, '--state', state, '--out', out, '--json'];
    const first = await fetchwright(args, { state: tmp('audit'), env: { CI: 'true' } });
    expect(first.code, first.stderr).toBe(0);
    expect((JSON.parse(first.stdout) as { vendors: { how: string }[] }).vendors.map((v) => v.how)).toEqual(some.map(() => 'queued'));
    const second = await fetchwright(args, { state: tmp('audit'), env: { CI: 'true' } });
    expect(second.code, second.stderr).toBe(0);
    const again = JSON.parse(second.stdout) as { vendors: { vendor: string; how: string; job_id: string }[] };
    expect(again.vendors.map((v) => v.how)).toEqual(some.map(() => 'already queued'));
    expect(again.vendors.map((v) => v.job_id)).toEqual((JSON.parse(first.stdout) as { vendors: { job_id: string }[] }).vendors.map((v) => v.job_id));
    expect(await jobCounts(redis, 2, state, out)).toMatchObject({ prioritized: some.length, completed: 0 });

    const w = startWorker(url, state, out);
    const waited = await fetchwright([...args.slice(0, -1), '--wait', '--json'], { state: tmp('audit'), env: { CI: 'true' } });
    expect(waited.code, waited.stderr).toBe(0);
    expect((JSON.parse(waited.stdout) as CoverageSummary).vendors.map((v) => v.outcome)).toEqual(some.map(() => 'generated'));
    for (const e of some) expect(starts([w.log()], e.vendor), e.vendor).toBe(1);
    // Done: the next run decides from the state, and queues nothing.
    const third = await fetchwright(args, { state: tmp('audit'), env: { CI: 'true' } });
    expect(third.code, third.stderr).toBe(0);
    expect((JSON.parse(third.stdout) as { vendors: unknown[] }).vendors).toEqual([]);
    expect(third.stderr).toMatch(/skipped/);
    expect(await jobCounts(redis, 2, state, out)).toMatchObject({ completed: some.length, prioritized: 0, waiting: 0 });
    // The state folder is the queue's workers' now: a local expand there would be a second writer.
    const local = await fetchwright(['expand', '--catalog', catalogue, '--state', state, '--out', out], { state: tmp('audit'), env: { CI: 'true' } });
    expect(local.code, local.stderr).toBe(EXIT.expandBusy);
    expect(local.stderr).toContain(`is served by the workers of ${url}`);
    // Nor does a second queue (another database): each vendor would have two writers.
    const other = await fetchwright(['expand', '--catalog', catalogue, '--queue', `redis://127.0.0.1:${redis.port}/8`, '--state', state, '--out', out], { state: tmp('audit'), env: { CI: 'true' } });
    expect(other.code, other.stderr).toBe(EXIT.expandBusy);
    expect(other.stderr).toContain(`is served by the workers of ${url}, not of this queue`);
    await w.stop();
  }, 240_000);

  it('a worker started for other folders takes none of these jobs; the waiting expand says no worker serves them until one does', async () => {
    const { root, url, state, out, expand } = queueRun('folders', 7, hub());
    const astray = startWorker(url, path.join(root, 'other-state'), path.join(root, 'other-out'));
    await astray.waitFor(/taking jobs/);
    let stderr = '';
    const waiting = expand(undefined, (all) => (stderr = all));
    await expect.poll(() => stderr, { timeout: 30_000 }).toContain(`no worker serves these folders on the queue at ${url}: 1 job wait`);
    const right = startWorker(url, state, out);
    const r = await waiting;
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as CoverageSummary).vendors.map((v) => v.outcome)).toEqual(['generated']);
    expect(astray.log()).not.toMatch(/started/);
    expect(starts([right.log()], 'jupyterhub')).toBe(1);
    await Promise.all([astray.stop(), right.stop()]);
  }, 240_000);

  it('a worker killed with SIGKILL mid-job: its job process ends with it, and the other worker does the job', async () => {
    const { url, state, out, expand } = queueRun('kill', 3, hub());
    // The first worker's job holds (FETCHWRIGHT_TEST_PAUSE) so the kill lands mid-job.
    const doomed = startWorker(url, state, out, { FETCHWRIGHT_TEST_PAUSE: 'expand-job' });
    await doomed.waitFor(/taking jobs/);
    const waiting = expand();
    await doomed.waitFor(/jupyterhub: started \(job/);
    // Its job's process is running (paused inside the job).
    await expect.poll(() => processesWithEnv(doomed.marker).length, { timeout: 10_000 }).toBeGreaterThan(1);
    doomed.child.kill('SIGKILL');
    // The job's process does not outlive its worker (it would write the vendor while another does it).
    await expect.poll(() => processesWithEnv(doomed.marker), { timeout: 10_000 }).toEqual([]);
    const rescuer = startWorker(url, state, out);
    const r = await waiting;
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as CoverageSummary;
    expect(summary.vendors.map((v) => [v.vendor, v.outcome, v.covered])).toEqual([['jupyterhub', 'generated', true]]);
    expect(summary.queue!.workers).toEqual([expect.stringMatching(new RegExp(`:${rescuer.child.pid}$`))]);
    expect(starts([rescuer.log()], 'jupyterhub')).toBe(1);
    expect(rescuer.log()).toMatch(/jupyterhub: generated/);
    expect(existsSync(path.join(summary.vendors[0]!.connector_dir!, 'scorecard.json'))).toBe(true);
    expect(await jobCounts(redis, 3, state, out)).toMatchObject({ completed: 1, failed: 0, active: 0 });
    await rescuer.stop();
  }, 240_000);

  it('a worker stopped with SIGTERM mid-job exits 0 at once and hands its job back: done by another, no failure recorded', async () => {
    const { url, state, out, expand } = queueRun('term', 6, hub());
    const stopped = startWorker(url, state, out, { FETCHWRIGHT_TEST_PAUSE: 'expand-job' });
    await stopped.waitFor(/taking jobs/);
    const waiting = expand();
    await stopped.waitFor(/jupyterhub: started \(job/);
    expect(await stopped.stop()).toBe(0);
    expect(stopped.log()).toMatch(/stopped by SIGTERM; its running jobs go back to the queue/);
    expect(processesWithEnv(stopped.marker)).toEqual([]);
    // Nothing recorded for the vendor: the job was handed back, not failed.
    expect(existsSync(path.join(state, 'vendors', 'jupyterhub.json'))).toBe(false);
    const other = startWorker(url, state, out);
    const r = await waiting;
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as CoverageSummary).vendors.map((v) => [v.vendor, v.outcome])).toEqual([['jupyterhub', 'generated']]);
    expect(starts([other.log()], 'jupyterhub')).toBe(1);
    await other.stop();
  }, 240_000);

  it('Redis restarted mid-run: no queued job is lost, every vendor is done once', async () => {
    const { state, out, url, expand } = queueRun('restart', 4, entries);
    // Queued with no worker running, so most jobs are still waiting when Redis goes down.
    const queued = await expand([]);
    expect(queued.code, queued.stderr).toBe(0);
    const w = startWorker(url, state, out);
    const waiting = expand();
    await w.waitFor(/: generated/);
    await redis.restart();
    const r = await waiting;
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as CoverageSummary;
    expect(summary.vendors.map((v) => [v.vendor, v.outcome])).toEqual(entries.map((e) => [e.vendor, 'generated']));
    for (const e of entries) expect(starts([w.log()], e.vendor), e.vendor).toBe(1);
    expect(await jobCounts(redis, 4, state, out)).toMatchObject({ completed: entries.length, failed: 0 });
    await w.stop();
  }, 240_000);

  it('Redis paused longer than a job\'s lock: the first worker stops its job process by its own clock, so the vendor has one writer', async () => {
    const { url, state, out, expand } = queueRun('pause', 9, hub());
    // The first worker's job holds 30 s (FETCHWRIGHT_TEST_PAUSE), so it is still running when Redis comes back.
    const first = startWorker(url, state, out, { FETCHWRIGHT_TEST_PAUSE: 'expand-job' });
    await first.waitFor(/taking jobs/);
    const waiting = expand();
    await first.waitFor(/jupyterhub: started \(job/);
    const second = startWorker(url, state, out);
    await second.waitFor(/taking jobs/);
    // 18 s without an answer: past the job's 15 s BullMQ lock, so the second worker takes the job back when Redis answers again.
    process.kill(redis.pid, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 18_000));
    process.kill(redis.pid, 'SIGCONT');
    // It gave its job up (its job process killed) before anyone else could hold the vendor; once it said so, it is
    // stopped, so that it cannot take the job again (it would pause 30 s more).
    await first.waitFor(/jupyterhub: stopped: its lease on the vendor was lost \(it was not renewed for \d+ s/, 30_000);
    expect(processesWithEnv(first.marker)).toHaveLength(1);
    await first.stop();
    const r = await waiting;
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as CoverageSummary).vendors.map((v) => [v.vendor, v.outcome, v.covered])).toEqual([['jupyterhub', 'generated', true]]);
    // The first worker wrote nothing; the second did the vendor once.
    expect(first.log()).not.toMatch(/jupyterhub: (generated|kept|regenerated)/);
    expect(second.log().match(/jupyterhub: generated/g)).toHaveLength(1);
    await second.stop();
  }, 240_000);

  it('a worker frozen mid-job (SIGSTOP): its job process ends itself, with all it started, before another worker can hold the vendor', async () => {
    const { url, state, out, expand } = queueRun('frozen', 10, hub());
    const frozen = startWorker(url, state, out, { FETCHWRIGHT_TEST_PAUSE: 'expand-job' });
    await frozen.waitFor(/taking jobs/);
    const waiting = expand();
    await frozen.waitFor(/jupyterhub: started \(job/);
    await expect.poll(() => processesWithEnv(frozen.marker).length, { timeout: 10_000 }).toBeGreaterThan(1);
    // The worker stops answering anyone; its job process hears no more from it and ends itself (only the frozen worker is left).
    process.kill(frozen.child.pid!, 'SIGSTOP');
    try {
      await expect.poll(() => processesWithEnv(frozen.marker), { timeout: 20_000 }).toEqual([frozen.child.pid]);
      const other = startWorker(url, state, out);
      const r = await waiting;
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as CoverageSummary).vendors.map((v) => [v.vendor, v.outcome])).toEqual([['jupyterhub', 'generated']]);
      expect(other.log().match(/jupyterhub: generated/g)).toHaveLength(1);
      await other.stop();
    } finally {
      process.kill(frozen.child.pid!, 'SIGCONT');
    }
    expect(frozen.log()).not.toMatch(/jupyterhub: (generated|kept|regenerated)/);
    await frozen.stop();
  }, 240_000);

  it('retries a job whose docs are missing on the worker (a share not mounted yet) after a backoff, and keeps a failure the same inputs give again with its one-line cause, not retried', async () => {
    const root = tmp('retry');
    const docs = path.join(root, 'docs');
    mkdirSync(docs);
    cpSync(entries.find((e) => e.vendor === 'jupyterhub')!.docs, path.join(docs, 'hub'), { recursive: true });
    // No identity list at all: the same inputs fail the same way every time (exit 7).
    const empty = path.join(docs, 'empty.yaml');
    writeFileSync(empty, NO_IDENTITIES);
    const catalogue = writeCatalogue(root, [
      { vendor: 'hub', docs: path.join(docs, 'hub') },
      { vendor: 'empty', docs: empty },
    ]);
    const url = `redis://127.0.0.1:${redis.port}/5`;
    const [state, out] = [path.join(root, 'state'), path.join(root, 'out')];
    // Queued and waited for with no worker yet; then the docs folder vanishes before any worker reads it, and is back before the retry.
    let stderr = '';
    const waiting = fetchwright(['expand', '--catalog', catalogue, '--queue', url, '--wait', '--state', state, '--out', out, '--json'], { state: tmp('audit'), env: { CI: 'true' }, onStderr: (all) => (stderr = all) });
    await expect.poll(() => stderr, { timeout: 30_000 }).toMatch(/no worker serves these folders on the queue at redis:\/\/127\.0\.0\.1:\d+\/5: 2 jobs wait for one \(fetchwright worker --queue redis:\/\/127\.0\.0\.1:\d+\/5 --state \S+ --out \S+\)/);
    renameSync(path.join(docs, 'hub'), path.join(docs, 'hub-away'));
    const w = startWorker(url, state, out);
    await w.waitFor(/hub: failed \(BullMQ tries again\): its docs cannot be read/);
    renameSync(path.join(docs, 'hub-away'), path.join(docs, 'hub'));
    const r = await waiting;
    expect(r.code, r.stderr).toBe(33);
    const summary = JSON.parse(r.stdout) as CoverageSummary;
    const [hub, noIds] = summary.vendors;
    expect(hub).toMatchObject({ vendor: 'hub', outcome: 'generated', covered: true });
    expect(r.stderr).toMatch(/hub: attempt 1 failed \(its docs cannot be read[^\n]*\); BullMQ tries again/);
    expect(starts([w.log()], 'hub')).toBe(2);
    // The failure: not retried (one start), its cause one line, the same as a local run's.
    expect(noIds).toMatchObject({ vendor: 'empty', outcome: 'failed', covered: false, exit_code: 7 });
    expect(starts([w.log()], 'empty')).toBe(1);
    const local = await fetchwright(['expand', '--catalog', catalogue, '--state', path.join(root, 'l-state'), '--out', path.join(root, 'l-out'), '--json'], { state: tmp('audit'), env: { CI: 'true' } });
    const localEmpty = (JSON.parse(local.stdout) as CoverageSummary).vendors[1]!;
    expect(noIds!.cause).toBe(localEmpty.cause);
    const connection = new Redis({ port: redis.port, host: '127.0.0.1', db: 5, maxRetriesPerRequest: null });
    const queue = new Queue(queueNameFor(state, out), { connection, prefix: QUEUE_PREFIX });
    const [failedJob] = await queue.getFailed();
    expect(failedJob!.failedReason).toBe(localEmpty.cause);
    expect(failedJob!.failedReason).not.toMatch(/\n/);
    expect(failedJob!.attemptsMade).toBe(1);
    await queue.close();
    connection.disconnect();
    await w.stop();
  }, 240_000);
});
