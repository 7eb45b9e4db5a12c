import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { withExpandRun, type CatalogueProblem, type ExpandEvents, type ExpandOptions, type ExpandResult } from '../run-expand.ts';
import type { JobSummary, VendorJob } from '../vendor-job.ts';
import { diedSummary } from '../worker-pool.ts';
import { connectorPaths } from '../../generate/connector-dir.ts';
import { hashJson } from '../../hash.ts';
import { folderIsAsMade, readVendorState } from '../vendor-state.ts';
import { isDocsUrl } from '../inputs-key.ts';
import path from 'node:path';
import { connectChecked, QUEUE_PREFIX, queueId, type QueueAddress } from './queue-connection.ts';
import { JOB_NAME, jobIdFor, jobOptions, QueuedProgress, queuedJobData, QueuedSummary, queueNameFor } from './queued-job.ts';

/**
 * `fetchwright expand --queue redis://…`: the local run's decisions (run-expand.ts withExpandRun:
 * the same locks, the same skipped and waiting vendors), then one BullMQ job per vendor to work on
 * instead of a local process (queued-job.ts: its id from the idempotency key), and with `wait` the
 * jobs' ends read back from Redis into the same coverage summary and files a local run writes.
 *
 * Adding a job whose id is already in the queue adds nothing: a vendor waiting or running for the
 * same change is waited for, never queued twice. A finished job with that id (completed, or failed
 * after its retries) is still there only when its work did not last (its connector folder edited
 * since, its failure's retry time reached): it is removed and queued again.
 */

export interface QueuedExpandOptions extends Omit<ExpandOptions, 'queue'> {
  queue: QueueAddress;
  /** Wait for the jobs and end with the coverage summary; without it, end once they are queued. */
  wait: boolean;
  /** How long one vendor's job may run (ms), carried in the job. */
  jobTimeoutMs: number;
}

export interface QueuedExpandEvents extends ExpandEvents {
  /** A vendor's job is in the queue: `how` says whether this run added it. */
  onQueued?: (vendor: string, how: QueuedHow, jobId: string) => void;
  /** A worker took a vendor's job. */
  onWorkerStart?: (vendor: string, worker: string) => void;
}

/** Whether this run added a vendor's job: new, in place of a finished job of the same change (whose work did not last), or not: one was already waiting or running. */
export type QueuedHow = 'queued' | 'queued, replacing its finished job' | 'already queued';

export interface QueuedVendor {
  vendor: string;
  how: QueuedHow;
  /** The job this run waits for (another of the vendor's when one was already waiting or running). */
  jobId: string;
}

export interface QueuedExpandResult {
  queued: QueuedVendor[];
  /** The catalogue's invalid entries (without `wait`; with it, they are in the summary). */
  problems: CatalogueProblem[];
  /** With `wait`: the coverage summary. */
  result?: ExpandResult;
}

/** How often the waiting command reads its jobs' states (ms). */
export const POLL_MS = 500;
/** How long nothing may move before the waiting command checks that a worker serves the queue (ms). */
const NO_WORKER_CHECK_MS = 30_000;
/** How many jobs' states are read at once. */
const READ_BATCH = 256;

/**
 * Runs expand on the queue (see the module comment). Throws as withExpandRun, and FetchwrightError
 * `queue-unreachable` (exit 37) when Redis does not answer at the start; an outage later is waited
 * out (a note says so).
 */
export async function runQueuedExpand(o: QueuedExpandOptions, events: QueuedExpandEvents = {}): Promise<QueuedExpandResult> {
  const redis = await connectChecked(o.queue, `fetchwright-expand:${hostname()}:${process.pid}`);
  const queue = new Queue(queueNameFor(path.resolve(o.stateDir), path.resolve(o.out), o.pr), { connection: redis, prefix: QUEUE_PREFIX });
  queue.on('error', () => undefined);
  const persistence = await redis.info('persistence').catch(() => '');
  if (/^aof_enabled:0\r?$/m.test(persistence)) events.onNote?.(`the queue's Redis at ${o.queue.shown} keeps no append-only file (appendonly no): a restart there loses the queued jobs (the next expand queues them again); set appendonly yes`);
  try {
    return await withExpandRun({ ...o, queue: { queue: o.queue.shown, id: await queueId(redis) } }, events, async (run) => {
      const queued = await enqueueJobs(queue, run.jobs, o.jobTimeoutMs);
      for (const q of queued) events.onQueued?.(q.vendor, q.how, q.jobId);
      if (!o.wait) return { queued, problems: run.problems };
      const start = `fetchwright worker --queue ${o.queue.shown} --state ${run.stateDir} --out ${path.resolve(o.out)}${o.pr ? ` --pr --repo ${path.resolve(o.pr.repo)}${o.pr.github ? ` --github ${o.pr.github}` : ''}${o.pr.remote !== 'origin' ? ` --remote ${o.pr.remote}` : ''}${o.pr.githubApi ? ` --github-api ${o.pr.githubApi}` : ''}` : ''}`;
      const workers = await awaitJobs(queue, redis, run.jobs, queued, { ...events, onDone: run.done }, o.queue.shown, start);
      return { queued, problems: run.problems, result: run.finish({ concurrency: Math.max(1, workers.length), queue: { url: o.queue.shown, workers } }) };
    });
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}

/** Adds each job (see the module comment); returns, per vendor, the job to wait for. */
export async function enqueueJobs(queue: Queue, jobs: VendorJob[], jobTimeoutMs: number): Promise<QueuedVendor[]> {
  const queued: QueuedVendor[] = [];
  for (const job of jobs) {
    const id = jobIdFor(job);
    let how: QueuedHow = 'queued';
    const existing = await Job.fromId(queue, id);
    if (existing) {
      const state = await existing.getState();
      if (state === 'completed' || state === 'failed') {
        await existing.remove();
        how = 'queued, replacing its finished job';
      } else {
        queued.push({ vendor: job.entry.vendor, how: 'already queued', jobId: id });
        continue;
      }
    }
    const added = await queue.add(JOB_NAME, queuedJobData(job, jobTimeoutMs), jobOptions(job));
    // Another job of this vendor waiting or running (an earlier change) is the one to wait for: it reads the docs as they are when it starts.
    queued.push({ vendor: job.entry.vendor, how: added.id === id ? how : 'already queued', jobId: added.id ?? id });
  }
  return queued;
}

interface AwaitEvents {
  onDone: (summary: JobSummary, job: VendorJob) => void;
  onStart?: (vendor: string) => void;
  onWorkerStart?: (vendor: string, worker: string) => void;
  onNote?: (line: string) => void;
}

/**
 * Whether a summary that says the vendor is covered is what its job left on the shared file system:
 * the vendor's state records this run's inputs (its key) as done — or, for a failure that left the
 * connector covering, as failed — a passing connector at the vendor's folder, every file of which is
 * as made, with the streams, kinds and pull request the summary gives (proposed, with --pr). Anyone who can write to Redis can
 * answer for a job; only the job that did the work wrote the state.
 */
function borneOut(s: JobSummary, job: VendorJob): boolean {
  const state = readVendorState(job.stateDir, job.entry.vendor);
  const target = path.resolve(connectorPaths(job.out, job.entry.vendor).target);
  // This run's inputs: a success recorded under them (the model's fallback suffix allowed), or a failure on them that left the connector covering.
  // A web reference's key is completed with the crawled pages by its job: its other inputs must be this run's.
  const sameInputs = isDocsUrl(job.entry.docsPath) && !!state.inputs && hashJson({ ...state.inputs, docs_bytes_sha256: '' }) === hashJson({ ...job.inputs, docs_bytes_sha256: '' });
  const thisRun = s.outcome === 'failed' ? state.failure?.key === job.key && state.failure.covered : !!state.done_key && (state.done_key === job.key || state.done_key.startsWith(`${job.key}:`) || sameInputs) && !state.failure && (!job.pr || state.pr?.plan_sha256 === state.plan_sha256);
  return (
    thisRun &&
    state.verdict === 'pass' &&
    state.connector_dir === target &&
    s.connector_dir === target &&
    folderIsAsMade(state) &&
    state.streams === s.streams &&
    hashJson(state.identity_kinds) === hashJson(s.identity_kinds) &&
    hashJson(state.pr ? { branch: state.pr.branch, url: state.pr.url } : null) === hashJson(s.pr)
  );
}

/** The vendor's summary from a finished job: its return value, or on failure the summary its worker left (else one made from the failed reason). */
function summaryOf(job: VendorJob, finished: Job, state: 'completed' | 'failed'): JobSummary {
  const vendor = job.entry.vendor;
  const answer = state === 'completed' ? finished.returnvalue : QueuedProgress.safeParse(finished.progress).data?.summary;
  const parsed = QueuedSummary.safeParse(answer);
  if (parsed.success && parsed.data.vendor === vendor && (state === 'failed') === (parsed.data.outcome === 'failed')) {
    if (!parsed.data.covered || borneOut(parsed.data, job)) return parsed.data;
    return { ...diedSummary(job, 'its worker answered covered, which its state does not bear out', 0), cause: 'its worker answered that it is covered, but the vendor\'s state and connector folder do not bear it out: not trusted; the next run does it again' };
  }
  if (state === 'completed') return { ...diedSummary(job, 'its worker answered no summary of this vendor', 0), cause: 'the worker\'s answer is not a summary of this vendor: not trusted; the next run does it again' };
  const reason = String(finished.failedReason ?? 'no reason given').replace(/\s+/g, ' ').slice(0, 300);
  return diedSummary(job, `the queue failed its job: ${reason}`, finished.finishedOn && finished.processedOn ? finished.finishedOn - finished.processedOn : 0);
}

/**
 * Waits for every queued vendor's job to finish, reading their states every {@link POLL_MS} (a
 * reading that survives a restarted Redis, where events could be missed); calls `onDone` with each
 * vendor's summary. Resolves with the workers that did them (`host:pid`, sorted).
 */
export async function awaitJobs(queue: Queue, redis: Redis, jobs: VendorJob[], queued: QueuedVendor[], events: AwaitEvents, shown: string, startWorker = 'fetchwright worker'): Promise<string[]> {
  const byVendor = new Map(jobs.map((j) => [j.entry.vendor, j]));
  const pending = new Map(queued.map((q) => [q.vendor, q]));
  const started = new Set<string>();
  const retriesNoted = new Map<string, number>();
  const workers = new Set<string>();
  let down = false;
  // When nothing moved for a while, whether any worker serves this queue at all (at the start too).
  let moved = 0;
  let lastCheck = Number.NEGATIVE_INFINITY;
  let saidNoWorker = false;
  while (pending.size) {
    try {
      const seen = started.size + (queued.length - pending.size);
      if (seen !== moved) {
        moved = seen;
        lastCheck = Date.now();
        saidNoWorker = false;
      } else if (Date.now() - lastCheck >= NO_WORKER_CHECK_MS || lastCheck === Number.NEGATIVE_INFINITY) {
        lastCheck = Date.now();
        const count = await queue.getWorkersCount();
        if (count === 0 && !saidNoWorker) events.onNote?.(`no worker serves these folders on the queue at ${shown}: ${pending.size} job${pending.size === 1 ? '' : 's'} wait for one (${startWorker})`);
        saidNoWorker = count === 0;
      }
      // Read in batches sent together (ioredis writes concurrent commands back to back), then acted on in catalogue order.
      const readings: { vendor: string; state: Awaited<ReturnType<Queue['getJobState']>>; found: Job | undefined }[] = [];
      const all = [...pending];
      for (let i = 0; i < all.length; i += READ_BATCH) {
        readings.push(
          ...(await Promise.all(
            all.slice(i, i + READ_BATCH).map(async ([vendor, q]) => {
              // The state first, then the job: read the other way round, a job finishing between the two
              // reads would be taken for finished with the result it did not have yet.
              const state = await queue.getJobState(q.jobId);
              return { vendor, state, found: state === 'unknown' ? undefined : await Job.fromId(queue, q.jobId) };
            }),
          )),
        );
      }
      for (const { vendor, state, found } of readings) {
        const job = byVendor.get(vendor)!;
        if (!found) {
          pending.delete(vendor);
          events.onDone(diedSummary(job, 'its job vanished from the queue: removed, or lost by a Redis restarted without appendonly', 0), job);
          continue;
        }
        const progress = QueuedProgress.safeParse(found.progress).data;
        if (state === 'active' && !started.has(vendor)) {
          started.add(vendor);
          events.onStart?.(vendor);
          if (progress) events.onWorkerStart?.(vendor, progress.worker);
        }
        if (found.attemptsMade > (retriesNoted.get(vendor) ?? 0) && state !== 'completed' && state !== 'failed') {
          retriesNoted.set(vendor, found.attemptsMade);
          events.onNote?.(`${vendor}: attempt ${found.attemptsMade} failed (${String(found.failedReason ?? '').replace(/\s+/g, ' ').slice(0, 200)}); BullMQ tries again`);
        }
        if (state === 'completed' || state === 'failed') {
          pending.delete(vendor);
          if (!started.has(vendor)) events.onStart?.(vendor);
          if (progress) workers.add(progress.worker);
          events.onDone(summaryOf(job, found, state), job);
        }
      }
      if (down) {
        down = false;
        events.onNote?.(`the queue at ${shown} is back`);
      }
    } catch (e) {
      if (!down) events.onNote?.(`the queue at ${shown} is unreachable (${(e as Error).message.slice(0, 160)}): waiting for it`);
      down = true;
      // ioredis reconnects by itself; a command failed while it was away is read again at the next tick.
      if (redis.status === 'end') await redis.connect().catch(() => undefined);
    }
    if (pending.size) await sleep(POLL_MS);
  }
  return [...workers].sort();
}
