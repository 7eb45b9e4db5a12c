import type { ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import path from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { checkRepoBeforeWork } from '../../commands/pr.ts';
import { EXIT } from '../../errors.ts';
import { causeOf, type JobSummary, type VendorJob } from '../vendor-job.ts';
import { connectorPaths } from '../../generate/connector-dir.ts';
import { hashJson } from '../../hash.ts';
import { vendorInputs } from '../inputs-key.ts';
import { recordDeadWorker, summaryFromState } from '../run-expand.ts';
import { isDone, readVendorState } from '../vendor-state.ts';
import { DIED_CAUSE, runJobProcess } from '../worker-pool.ts';
import { QUEUE_PREFIX, queueId } from './queue-connection.ts';
import { canonicalFolder, JOB_NAME, QueuedJobData, queueNameFor, samePr, worthRetrying, type QueuedProgress, type QueuePr } from './queued-job.ts';
import { acquireLease, LeaseBusy } from './redis-lease.ts';
import { QUEUE_MARK, readQueueMark } from '../run-expand.ts';

/**
 * `fetchwright worker`: takes vendors' jobs from expand's queue (BullMQ on Redis) and does each as a
 * local expand does — in a process of its own (worker-main.ts), stopped after the job's timeout —
 * so any number of workers on any number of machines share one catalogue's work.
 *
 * - A worker takes the jobs of one queue: that of the state and connectors folders and pull-request
 *   settings it was started with (queued-job.ts queueNameFor). Job data is read back as hostile: a
 *   job whose data is not what expand queues, names other folders, other pull-request settings (the
 *   repository, GitHub repository and API this worker's token and key go to are its own, never a
 *   job's), or a state folder marked as another queue's (run-expand.ts QUEUE_MARK), is refused.
 * - One job process at a time writes a vendor: the worker holds the vendor's lease in Redis
 *   (redis-lease.ts) for the whole job, and kills the job process the moment the lease is lost — by
 *   its own clock when Redis does not answer, before anyone else can take it. Git work on one
 *   repository is one job at a time among all workers, under a lease of the same kind.
 * - The worker reads the vendor's state afresh and recomputes its idempotency key under the lease:
 *   a job whose work is already done ends `skipped` without a process; docs changed since it was
 *   queued are read as they are now.
 * - Success is the job's return value (the vendor's summary). A failure is thrown with its one-line
 *   cause (BullMQ keeps it as the failed reason) after the summary is left in the job's progress;
 *   BullMQ runs it again after 10 s, then 20 s when the same inputs may pass next time
 *   (queued-job.ts worthRetrying), never for a failure the same inputs give again.
 * - A worker that dies mid-job (SIGKILL, a lost machine) stops renewing its BullMQ lock: after
 *   {@link LOCK_MS} another worker's stalled-job check puts the job back and it is done again there.
 * - Secrets: a worker uses only its own environment (GITHUB_TOKEN, FETCHWRIGHT_SIGNING_KEY,
 *   OPENAI_API_KEY); none is in the job or in Redis.
 */

/** A job's lock in Redis (ms), renewed every half of it while the job runs; a dead worker's job is taken back after it. */
export const LOCK_MS = 15_000;
/** How often each worker looks for stalled jobs (ms). */
export const STALLED_CHECK_MS = 5_000;
/** How many times a job may lose its worker before it fails ("stalled more than allowable limit"). */
export const MAX_STALLED = 2;
/**
 * A vendor's lease (redis-lease.ts), held by the worker doing its job: renewed every 3.75 s, given up
 * by the holder — its job process killed — after 7.5 s without a renewal, and free for another only
 * 15 s after the last renewal. So one job process at most ever writes a vendor, even when a stalled
 * job is taken back while its first worker still runs (Redis paused longer than the job's lock).
 */
export const VENDOR_LEASE_MS = 15_000;

export interface QueueWorkerOptions {
  /** A connection to the queue's Redis (queue-connection.ts connect); BullMQ duplicates it for its blocking reads. */
  redis: Redis;
  concurrency: number;
  /** The folders this worker writes (absolute): it takes their queue's jobs only, and refuses a job naming others. */
  stateDir: string;
  out: string;
  /** The pull-request settings this worker proposes with (`worker --repo … --github …`): it takes the jobs of exactly these, never a job's own. */
  pr?: QueuePr;
  /** The queue's URL as shown and its id (queue-connection.ts queueId): a state folder marked as served by another queue is refused. */
  queue: { queue: string; id: string };
  env: NodeJS.ProcessEnv;
  /** A line for a person (stderr): jobs started and ended, the vendors' progress, queue outages. */
  onLine: (line: string) => void;
  /** Redacts secrets of this process from a line before it leaves it. */
  redact: (text: string) => string;
}

/** A started worker: `close()` stops taking jobs and ends the running ones' processes (their jobs go back to the queue). */
export interface QueueWorker {
  name: string;
  worker: Worker;
  close(): Promise<void>;
}

/** The worker's name as BullMQ and the coverage summary show it: `host:pid`. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}

/** Whether two paths are the same folder (links resolved where they exist). */
function sameFolder(a: string, b: string): boolean {
  return canonicalFolder(a) === canonicalFolder(b);
}

/** A job's pull-request options without who asked for it: that is text anyone who can write to Redis chooses, and the worker's key would sign it (the worker's git identity is named instead). */
function prWithoutRequester(pr: NonNullable<QueuedJobData['pr']>): NonNullable<QueuedJobData['pr']> {
  const { requestedBy: _requestedBy, ...rest } = pr;
  return rest;
}

/** Starts a worker on the queue (see the module comment). */
export function startQueueWorker(o: QueueWorkerOptions): QueueWorker {
  const name = workerName();
  const children = new Set<ChildProcess>();
  /** Set by close(): a job whose process was ended by it records nothing (it goes back to the queue as it is). */
  let stopping = false;
  const repoLock = (repo: string) => async () => {
    const lease = await acquireLease(o.redis, `${QUEUE_PREFIX}:repo:${hashJson(canonicalFolder(repo)).slice(0, 32)}`, { ttlMs: VENDOR_LEASE_MS, waitMs: 30 * 60_000, pollMs: 250 });
    return { release: lease.release, lost: lease.lost, sureUntil: lease.sureUntil };
  };

  const process1 = async (job: Job): Promise<JobSummary> => {
    const parsed = QueuedJobData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`the job is not one fetchwright expand queued (${parsed.error.issues[0]?.path.join('.') || 'its data'}: ${parsed.error.issues[0]?.message ?? 'invalid'}): not done`);
    const data = parsed.data;
    const vendor = data.entry.vendor;
    if (!sameFolder(data.stateDir, o.stateDir) || !sameFolder(data.out, o.out)) {
      throw new UnrecoverableError(`the job is for the state folder ${data.stateDir} and connectors folder ${data.out}; worker ${name} serves ${o.stateDir} and ${o.out}: start workers with the --state and --out the expand run uses`);
    }
    // The repository, GitHub repository and API its token goes to are the worker's own, never a job's.
    if (!samePr(data.pr, o.pr)) throw new UnrecoverableError(`the job's pull-request settings are not those worker ${name} was started with: not done (start workers with the --pr options of the expand run)`);
    const served = readQueueMark(path.join(o.stateDir, QUEUE_MARK));
    // The queue's id as Redis holds it now (a Redis emptied since this worker started has a new one).
    if (served && served.id !== o.queue.id) o.queue.id = await queueId(o.redis);
    if (served?.id !== o.queue.id) {
      throw new UnrecoverableError(`the state folder ${o.stateDir} is ${served ? `marked for the queue ${served.queue} with id ${served.id.slice(0, 8)}…, and this worker's Redis (${o.queue.queue}) holds the id ${o.queue.id.slice(0, 8)}…` : 'not marked as served by a queue'}: not done (one queue per state folder; a Redis emptied since is another queue)`);
    }
    await job.updateProgress({ worker: name } satisfies QueuedProgress);
    const started = Date.now();
    o.onLine(`${vendor}: started (job ${job.id}, attempt ${job.attemptsMade + 1})`);
    const failed = async (summary: JobSummary, retry: boolean): Promise<never> => {
      await job.updateProgress({ worker: name, summary } satisfies QueuedProgress);
      o.onLine(`${vendor}: failed${retry && job.attemptsMade + 1 < (job.opts.attempts ?? 1) ? ' (BullMQ tries again)' : ''}: ${summary.cause ?? ''}`);
      const cause = summary.cause ?? 'failed';
      throw retry ? new Error(cause) : new UnrecoverableError(cause);
    };
    /** The job's work once its vendor's lease is held; `lost` resolves if the lease is lost (the job process is then killed and nothing recorded). */
    const underLease = async (lost: Promise<string>, sureUntil: () => number): Promise<JobSummary> => {
      let lostWhy: string | undefined;
      void lost.then((why) => (lostWhy = why));
      const previous = readVendorState(data.stateDir, vendor, (line) => o.onLine(`${vendor}: ${line}`));
      let key: ReturnType<typeof vendorInputs>;
      try {
        key = vendorInputs(data.entry, { seed: data.seed, maxAttempts: data.maxAttempts, ...(data.planner ? { planner: data.planner } : {}), ...(data.model ? { model: data.model } : {}), ...(o.env.OPENAI_BASE_URL ? { endpoint: o.env.OPENAI_BASE_URL } : {}) });
      } catch (e) {
        // A docs folder missing on this machine may be a shared file system not mounted yet: tried again.
        return failed({ ...summaryFromState(data.entry, previous, 'failed', false), cause: o.redact(`its docs cannot be read on worker ${name}: ${(e as Error).message}`), exit_code: EXIT.inputNotFound, elapsed_ms: Date.now() - started }, true);
      }
      const target = path.resolve(connectorPaths(data.out, vendor).target);
      if (isDone(previous, key.key, target, !!data.pr)) {
        // The same change was done since this job was queued (an earlier job, a retry after the state was written).
        o.onLine(`${vendor}: skipped (already done for these inputs)`);
        return { ...summaryFromState(data.entry, previous, 'skipped', true), elapsed_ms: Date.now() - started };
      }
      const vendorJob: VendorJob = { entry: data.entry, key: key.key, inputs: key.inputs, previous, out: data.out, stateDir: data.stateDir, seed: data.seed, maxAttempts: data.maxAttempts, ...(data.planner ? { planner: data.planner } : {}), ...(data.model ? { model: data.model } : {}), ...(data.modelTimeout ? { modelTimeout: data.modelTimeout } : {}), ...(data.pr ? { pr: prWithoutRequester(data.pr) } : {}) };
      if (vendorJob.pr) {
        // This worker's repository and secrets: a job it cannot propose fails now, naming what is missing here.
        try {
          await checkRepoBeforeWork(vendorJob.pr, data.out, o.env);
        } catch (e) {
          const { cause, exit_code } = causeOf(e);
          return failed({ ...summaryFromState(data.entry, previous, 'failed', false), cause: o.redact(`on worker ${name}: ${cause}`), exit_code, elapsed_ms: Date.now() - started }, worthRetrying({ exit_code }));
        }
      }
      const summary = await runJobProcess(vendorJob, o.env, { onLog: (_vendor, line) => o.onLine(line) }, children, data.jobTimeoutMs, { ...(vendorJob.pr ? { repoLock: repoLock(vendorJob.pr.repo) } : {}), stop: lost, deadline: sureUntil });
      if (stopping) return new Promise<never>(() => undefined);
      if (lostWhy) {
        // Another worker may hold the vendor now: nothing of this job is recorded; it is done again.
        o.onLine(`${vendor}: stopped: its lease on the vendor was lost (${lostWhy}); the job is done again`);
        throw new Error(`its worker lost its lease on the vendor (${lostWhy}): stopped before it could write, done again`);
      }
      // A job process that died wrote no state: its failure is recorded here (this job owns the vendor).
      if (summary.cause?.startsWith(DIED_CAUSE)) recordDeadWorker(data.stateDir, vendorJob, summary, Date.now);
      if (summary.outcome === 'failed') return failed(summary, worthRetrying(summary));
      o.onLine(`${vendor}: ${summary.outcome} (${Math.round((Date.now() - started) / 100) / 10} s)`);
      return summary;
    };
    // One job process at a time writes a vendor, whatever the queue does: its state file and its connector
    // folder each under a lease (two state folders may share a connectors folder), taken in that order.
    const leases: Awaited<ReturnType<typeof acquireLease>>[] = [];
    try {
      for (const key of [`state:${hashJson({ state: canonicalFolder(o.stateDir), vendor }).slice(0, 32)}`, `out:${hashJson({ out: canonicalFolder(o.out), vendor }).slice(0, 32)}`]) {
        leases.push(await acquireLease(o.redis, `${QUEUE_PREFIX}:vendor:${key}`, { ttlMs: VENDOR_LEASE_MS, waitMs: 2 * VENDOR_LEASE_MS }));
      }
    } catch (e) {
      await Promise.all(leases.map((l) => l.release()));
      if (!(e instanceof LeaseBusy)) throw e;
      return failed({ ...summaryFromState(data.entry, readVendorState(data.stateDir, vendor), 'failed', false), cause: `another job of this vendor was still running on another worker after ${(2 * VENDOR_LEASE_MS) / 1000} s`, exit_code: EXIT.internal, elapsed_ms: Date.now() - started }, true);
    }
    try {
      return await underLease(Promise.race(leases.map((l) => l.lost)), () => Math.min(...leases.map((l) => l.sureUntil())));
    } finally {
      await Promise.all(leases.map((l) => l.release()));
    }
  };

  const worker = new Worker(queueNameFor(o.stateDir, o.out, o.pr), async (job) => (job.name === JOB_NAME ? process1(job) : Promise.reject(new UnrecoverableError(`not a fetchwright job (${String(job.name).slice(0, 40)})`))), {
    connection: o.redis,
    prefix: QUEUE_PREFIX,
    name,
    concurrency: o.concurrency,
    lockDuration: LOCK_MS,
    stalledInterval: STALLED_CHECK_MS,
    maxStalledCount: MAX_STALLED,
    autorun: true,
  });
  let down = false;
  worker.on('error', (e) => {
    if (down) return;
    down = true;
    o.onLine(`the queue answered an error (${o.redact(e.message).slice(0, 200)}); if it is away, this worker waits for it`);
  });
  o.redis.on('ready', () => {
    if (!down) return;
    down = false;
    o.onLine('the queue is back');
  });
  return {
    name,
    worker,
    close: async () => {
      // Jobs running now go back to the queue (their lock expires): ended here, done by another worker.
      stopping = true;
      await worker.close(true);
      o.redis.disconnect();
      // Each job process leads its own process group: what it started (git, sandboxes) ends with it.
      for (const c of children) {
        try {
          process.kill(-c.pid!, 'SIGKILL');
        } catch {
          c.kill('SIGKILL');
        }
      }
    },
  };
}
