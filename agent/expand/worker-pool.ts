import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobSummary as VendorSummary, VendorJob } from './vendor-job.ts';
import type { DeadlineMessage, JobMessage, RepoLockedMessage, WorkerMessage } from './worker-messages.ts';

/**
 * expand's workers: one process per vendor job (worker-main.ts), at most `concurrency` at a time,
 * each with its own heap, isolates and sandbox processes, so a vendor that exhausts memory or
 * crashes ends its own job only. Jobs start in the order given (the catalogue's priority order).
 */

const WORKER = fileURLToPath(new URL(`./worker-main${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));

export interface PoolEvents {
  /** A worker took this job. */
  onStart?: (job: VendorJob) => void;
  onLog?: (vendor: string, line: string) => void;
  /** A job ended: its summary (a worker that died without one gives a `failed` summary naming how it ended). */
  onDone?: (summary: VendorSummary, job: VendorJob) => void;
}

/** How a failed summary for a job whose worker ended without a result begins. */
export const DIED_CAUSE = 'its worker process ended without a result';

/** A failed summary for a job whose worker ended without a result. */
export function diedSummary(job: VendorJob, how: string, elapsedMs: number): VendorSummary {
  return {
    vendor: job.entry.vendor,
    owner: job.entry.owner,
    docs: job.entry.docs,
    outcome: 'failed',
    covered: false,
    connector_dir: null,
    streams: 0,
    identity_kinds: [],
    skipped_streams: job.entry.skip_streams,
    drift: null,
    pr: null,
    cause: `${DIED_CAUSE} (${how}); nothing of this run was kept for it`,
    exit_code: 1,
    retry_at: null,
    elapsed_ms: elapsedMs,
  };
}

/** How long one vendor's job may take by default (ms) before its worker is stopped: a scheduled run never hangs on one vendor. */
export const JOB_TIMEOUT_MS = 30 * 60_000;

/** Takes a lock for a job's process; resolves with its release, and a promise that resolves if the lock is lost (the process is then stopped). */
export type RepoLock = () => Promise<{ release: () => Promise<void> | void; lost?: Promise<unknown>; sureUntil?: () => number }>;

/**
 * Runs one job in a new worker process, stopped after `timeoutMs`; resolves with its summary (never
 * rejects). With `repoLock`, the job's git work waits for it (asked over IPC; released when the job
 * gives it back or its process ends; the process is killed if the lock is lost), instead of the lock
 * file beside the state. When `stop` resolves, the process is killed (a queue worker's lease lost).
 */
export function runJobProcess(job: VendorJob, env: NodeJS.ProcessEnv, events: PoolEvents, children: Set<ChildProcess>, timeoutMs: number, more: { repoLock?: RepoLock; stop?: Promise<unknown>; deadline?: () => number } = {}): Promise<VendorSummary> {
  const { repoLock, stop, deadline } = more;
  const started = Date.now();
  return new Promise((resolve) => {
    // A queue worker's job leads its own process group (deadline given): killing it kills what it started (git, sandboxes).
    const child = fork(WORKER, [], {
      execArgv: ['--no-node-snapshot', '--disable-warning=ExperimentalWarning'],
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      ...(deadline ? { detached: true } : {}),
    });
    children.add(child);
    const kill = () => {
      try {
        if (deadline && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    // The leases' deadline, every second, while the job runs (a frozen parent sends none: the job then ends itself).
    let repoSureUntil: (() => number) | undefined;
    const sureUntil = () => Math.min(deadline!(), repoSureUntil?.() ?? Number.POSITIVE_INFINITY);
    const heartbeat = deadline ? setInterval(() => child.connected && child.send({ type: 'deadline', at: sureUntil() } satisfies DeadlineMessage), 1000) : undefined;
    let result: VendorSummary | undefined;
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    void stop?.then(kill);
    let release: Promise<(() => Promise<void> | void) | undefined> | undefined;
    const giveBack = () => {
      const held = release;
      release = undefined;
      repoSureUntil = undefined;
      void held?.then((r) => r?.()).catch(() => undefined);
    };
    child.on('message', (raw: unknown) => {
      const m = raw as WorkerMessage;
      if (m?.type === 'log' && typeof m.line === 'string') events.onLog?.(job.entry.vendor, m.line);
      else if (m?.type === 'result') result = m.summary;
      else if (m?.type === 'repo-lock' && repoLock && !release) {
        release = repoLock().then(
          (r) => {
            void r.lost?.then(kill);
            repoSureUntil = r.sureUntil;
            if (child.connected) child.send({ type: 'repo-locked' } satisfies RepoLockedMessage);
            return r.release;
          },
          () => {
            kill();
            return undefined;
          },
        );
      } else if (m?.type === 'repo-unlock') giveBack();
    });
    child.on('error', () => undefined);
    child.on('exit', (code, signal) => {
      giveBack();
      clearTimeout(timer);
      if (heartbeat) clearInterval(heartbeat);
      // Whatever the job started goes with it (a git push must not outlive the lease it ran under).
      if (deadline && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // the group is gone already
        }
      }
      children.delete(child);
      const lastLine = stderr.trim().split('\n').at(-1)?.slice(0, 200);
      const how = timedOut ? `stopped after ${Math.round(timeoutMs / 1000)} s, the job timeout (--job-timeout)` : `${signal ? `killed by ${signal}` : `exit code ${code}`}${lastLine ? `: ${lastLine}` : ''}`;
      resolve(result ?? diedSummary(job, how, Date.now() - started));
    });
    child.send({ type: 'job', job, ...(repoLock ? { repoLockViaParent: true } : {}), ...(deadline ? { deadline: deadline() } : {}) } satisfies JobMessage);
  });
}

/**
 * Runs every job, at most `concurrency` at once, each stopped after `timeoutMs` (a failed summary
 * saying so); resolves with the summaries in job order.
 * `children` (optional) is kept up to date with the running worker processes, for a caller that must
 * stop them.
 */
export async function runInWorkers(jobs: VendorJob[], concurrency: number, events: PoolEvents = {}, env: NodeJS.ProcessEnv = process.env, children = new Set<ChildProcess>(), timeoutMs = JOB_TIMEOUT_MS): Promise<VendorSummary[]> {
  const results: VendorSummary[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i]!;
      events.onStart?.(job);
      results[i] = await runJobProcess(job, env, events, children, timeoutMs);
      events.onDone?.(results[i]!, job);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, lane));
  return results;
}
