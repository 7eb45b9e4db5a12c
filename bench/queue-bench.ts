import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisServerMissing, startRedis, type RedisServer } from '../test/helpers/redis-server.ts';

/**
 * Issue 15's figures: `fetchwright expand --queue redis://… --wait` over a catalogue of every
 * description, with 1 and then 2 `fetchwright worker` processes (`--concurrency 1` each, started
 * before the enqueue) on Debian's redis-server on 127.0.0.1 — the enqueuing command's wall time
 * (enqueue, the workers' jobs, the coverage summary), vendors per minute, the outcomes and the
 * workers the summary names. Each worker count gets a fresh state and connectors folder and an
 * emptied Redis database (FLUSHDB), so no job of an earlier count is reused. Figures only: no target.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '../bin/fetchwright.js');
/** How long a worker has to stop after SIGTERM before SIGKILL (ms). */
const STOP_GRACE_MS = 10_000;

export interface QueueFigures {
  /** Worker processes, each `--concurrency 1`. */
  workers: number;
  vendors: number;
  /** The `expand --queue … --wait` process's wall time, start to exit. */
  wall_ms: number;
  vendors_per_min: number;
  /** Outcome → vendors, from the JSON coverage summary (`error` when it printed none). */
  outcomes: Record<string, number>;
  /** The failed vendors and their causes, from the summary: `vendor: cause`. */
  failures: string[];
  /** `summary.queue.workers`: the workers (`host:pid`) that did this run's jobs. */
  worker_names: string[];
  /** Jobs each worker started, from its `<vendor>: started (job …)` lines, by `host:pid` of the process started here. */
  jobs_started: Record<string, number>;
  /** Vendors started more than once across the workers (a retry or duplicate work), with the count. */
  started_twice: Record<string, number>;
  /** Worker log lines that say a job failed or the queue was unreachable (at most 10). */
  worker_problems: string[];
  /** The expand process's exit code (0 all covered, 33 some failed). */
  exit: number;
  /** Why the bench stopped the expand process (its figure is then no throughput). */
  stopped?: string;
  /** Workers that ended before the bench stopped them: pid, exit, their last log lines. */
  workers_exited_early: string[];
}

export type QueueBench = { skipped: string } | { figures: QueueFigures[] };

interface RunningWorker {
  child: ChildProcess;
  log: () => string;
}

function startWorker(queue: string, state: string, out: string, home: string): RunningWorker {
  let log = '';
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', BIN, 'worker', '--queue', queue, '--concurrency', '1', '--state', state, '--out', out], {
    env: { ...process.env, FETCHWRIGHT_STATE_DIR: home, CI: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (log = (log + s).slice(-200_000)));
  return { child, log: () => log };
}

async function stopWorker(w: RunningWorker): Promise<void> {
  const { child } = w;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const guard = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(guard);
}

/** Resolves once Redis lists `n` clients named `fetchwright-worker:*` (each worker connects under that name at its start), 30 s at most. */
async function workersConnected(port: number, n: number, workers: RunningWorker[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const clients = execFileSync('redis-cli', ['-p', String(port), 'client', 'list']).toString();
    if ((clients.match(/name=fetchwright-worker:/g) ?? []).length >= n) return;
    const dead = workers.find((w) => w.child.exitCode !== null);
    if (dead) throw new Error(`bench: a worker exited (${dead.child.exitCode}) before the enqueue: ${dead.log().slice(-500)}`);
    if (Date.now() > deadline) throw new Error(`bench: ${n} worker(s) did not connect to Redis in 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How long the enqueuing command may wait for the workers before the bench stops it (ms). */
const EXPAND_LIMIT_MS = 5 * 60_000;

/**
 * Runs `expand --queue … --wait --json`; resolves with its wall time, stdout and exit code. Stops it
 * (SIGTERM) and says why in `stopped` when every worker has exited (nothing would do its jobs) or
 * after {@link EXPAND_LIMIT_MS}.
 */
function expandQueued(catalogue: string, queue: string, state: string, out: string, home: string, workers: RunningWorker[]): Promise<{ ms: number; stdout: string; exit: number; stopped?: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let stdout = '';
    let stopped: string | undefined;
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', BIN, 'expand', '--catalog', catalogue, '--queue', queue, '--wait', '--state', state, '--out', out, '--json'], {
      env: { ...process.env, FETCHWRIGHT_STATE_DIR: home, CI: 'true' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const stop = (why: string) => {
      if (stopped || child.exitCode !== null) return;
      stopped = why;
      child.kill('SIGTERM');
    };
    const watch = setInterval(() => {
      if (workers.every((w) => w.child.exitCode !== null || w.child.signalCode !== null)) stop('every worker exited before the jobs were done');
      else if (performance.now() - t0 > EXPAND_LIMIT_MS) stop(`not done in ${EXPAND_LIMIT_MS / 60_000} min`);
    }, 500);
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.once('error', (e) => {
      clearInterval(watch);
      reject(e);
    });
    child.once('close', (code) => {
      clearInterval(watch);
      resolve({ ms: Math.round(performance.now() - t0), stdout, exit: code ?? -1, ...(stopped ? { stopped } : {}) });
    });
  });
}

/** The last `n` non-empty lines of a log, joined with " | ". */
function lastLines(log: string, n: number): string {
  return log.split('\n').filter(Boolean).slice(-n).join(' | ').slice(0, 600);
}

/** Jobs started per worker, vendors started more than once, and problem lines, from the workers' logs. */
function readLogs(workers: RunningWorker[]): Pick<QueueFigures, 'jobs_started' | 'started_twice' | 'worker_problems'> {
  const jobs_started: Record<string, number> = {};
  const starts = new Map<string, number>();
  const worker_problems: string[] = [];
  for (const w of workers) {
    let count = 0;
    for (const line of w.log().split('\n')) {
      const m = /^(.+?): started \(job /.exec(line);
      if (m) {
        count++;
        starts.set(m[1]!, (starts.get(m[1]!) ?? 0) + 1);
      }
      if ((/: failed|unreachable|error/i.test(line)) && worker_problems.length < 10) worker_problems.push(line.slice(0, 300));
    }
    jobs_started[`pid ${w.child.pid}`] = count;
  }
  const started_twice = Object.fromEntries([...starts].filter(([, n]) => n > 1));
  return { jobs_started, started_twice, worker_problems };
}

/**
 * Runs the bench for each worker count over the given descriptions (vendor → docs path; missing
 * ones left out), handing each worker's stderr to `onWorkerLog` once it stopped. Resolves
 * `{ skipped }` when redis-server is not installed; throws when Redis or a worker does not start.
 * Stops every worker (SIGTERM, SIGKILL after 10 s) and Redis on the way out, on failure too.
 */
export async function benchQueue(specs: { vendor: string; docs: string }[], workerCounts = [1, 2], onWorkerLog?: (workers: number, pid: number, log: string) => void): Promise<QueueBench> {
  const missing = redisServerMissing();
  if (missing) return { skipped: 'redis-server is not installed' };
  const present = specs.filter((s) => existsSync(s.docs));
  let redis: RedisServer | undefined;
  const workers: RunningWorker[] = [];
  const roots: string[] = [];
  try {
    redis = await startRedis();
    const figures: QueueFigures[] = [];
    for (const n of workerCounts) {
      execFileSync('redis-cli', ['-p', String(redis.port), 'flushdb']);
      const root = mkdtempSync(path.join(tmpdir(), 'fetchwright-bench-queue-'));
      roots.push(root);
      const catalogue = path.join(root, 'vendors.yaml');
      writeFileSync(catalogue, `vendors:\n${present.map((s) => `  - ${JSON.stringify({ vendor: s.vendor, docs: s.docs, owner: '@bench' })}`).join('\n')}\n`);
      const state = path.join(root, 'expand');
      const out = path.join(root, 'connectors');
      const started: RunningWorker[] = [];
      for (let i = 0; i < n; i++) {
        const home = path.join(root, `worker-${i}`);
        mkdirSync(home);
        started.push(startWorker(redis.url, state, out, home));
      }
      workers.push(...started);
      await workersConnected(redis.port, n, started);
      const enqueuerHome = path.join(root, 'enqueuer');
      mkdirSync(enqueuerHome);
      const run = await expandQueued(catalogue, redis.url, state, out, enqueuerHome, started);
      // A worker that ended before the bench stopped it was stopped by someone else (it exits 0 on SIGTERM).
      const exitedEarly = started.filter((w) => w.child.exitCode !== null || w.child.signalCode !== null).map((w) => `pid ${w.child.pid}: exit ${w.child.exitCode ?? w.child.signalCode}: ${lastLines(w.log(), 3)}`);
      const outcomes: Record<string, number> = {};
      let worker_names: string[] = [];
      const failures: string[] = [];
      try {
        const summary = JSON.parse(run.stdout) as { vendors: { vendor: string; outcome: string; cause?: string | null }[]; queue?: { workers: string[] } };
        for (const v of summary.vendors) outcomes[v.outcome] = (outcomes[v.outcome] ?? 0) + 1;
        for (const v of summary.vendors) if (v.outcome === 'failed') failures.push(`${v.vendor}: ${String(v.cause ?? '').replace(/\s+/g, ' ').slice(0, 300)}`);
        worker_names = summary.queue?.workers ?? [];
      } catch {
        outcomes.error = 1;
      }
      await Promise.all(started.map(stopWorker));
      for (const w of started) onWorkerLog?.(n, w.child.pid ?? 0, w.log());
      figures.push({
        workers: n,
        vendors: present.length,
        wall_ms: run.ms,
        vendors_per_min: Math.round((present.length / run.ms) * 60_000 * 10) / 10,
        outcomes,
        failures,
        worker_names,
        ...readLogs(started),
        exit: run.exit,
        ...(run.stopped ? { stopped: run.stopped } : {}),
        workers_exited_early: exitedEarly,
      });
    }
    return { figures };
  } finally {
    await Promise.all(workers.map(stopWorker));
    await redis?.stop();
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  }
}
