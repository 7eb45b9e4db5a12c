import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PrOptions } from '../commands/pr.ts';
import { EXIT, FetchwrightError } from '../errors.ts';
import { connectorPaths } from '../generate/connector-dir.ts';
import { hashJson } from '../hash.ts';
import { readCatalogue, type CatalogueEntry } from './catalogue.ts';
import { totalsOf, type CatalogueProblem, type CoverageSummary, type VendorOutcome, type VendorSummary } from './coverage-summary.ts';
import { tryLock } from './file-lock.ts';
import { filesUnchanged, vendorInputs } from './inputs-key.ts';
import { coverageSummaryJson, renderCoverageMarkdown } from './render-coverage.ts';
import type { JobSummary, VendorJob } from './vendor-job.ts';
import { emptyState, folderIsAsMade, isDone, readVendorState, retryDelayMs, writeFileDurably, writeVendorState, type VendorState } from './vendor-state.ts';
import { DIED_CAUSE, runInWorkers } from './worker-pool.ts';
import type { PlannerKind } from '../plan/choose-planner.ts';

/**
 * `fetchwright expand`: a catalogue of vendors worked through once. For each entry, in priority
 * order, its idempotency key (inputs-key.ts) decides without any ingest:
 * - the key is the one of its last successful run and its connector folder is still the one made
 *   (plan.json's bytes), and with --pr it was proposed → `skipped` (milliseconds); docs that are a
 *   web reference's URL are never skipped here: their job crawls the pages, completes the key with
 *   their bytes and decides then (inputs-key.ts withCrawledPages);
 * - the key failed before and its retry time is not reached → `waiting` (unless `retryFailed`);
 * - otherwise a job for a worker process (vendor-job.ts), at most `concurrency` at once.
 * One expand per state folder (a lock, `expand-busy` exit 35 when held by a live process). At the
 * end the coverage summary is written to `<state>/coverage.json` and `<state>/coverage.md`.
 */

export interface ExpandOptions {
  catalogue: string;
  /** The expand state folder (vendor states, lock, coverage files). */
  stateDir: string;
  /** The connectors folder. */
  out: string;
  concurrency: number;
  seed: number;
  maxAttempts: number;
  /** `--planner` (default heuristic) and `--model`. */
  planner?: PlannerKind;
  model?: string;
  /** `--model-timeout`, seconds. */
  modelTimeout?: number;
  pr?: PrOptions;
  /** Retry failures now, without waiting for their retry time. */
  retryFailed?: boolean;
  /** How long one vendor's job may take (ms) before its worker is stopped (default 30 minutes). */
  jobTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /**
   * The queue the jobs go to, for `expand --queue`: its URL as shown (no password) and the id its
   * Redis holds (queue-connection.ts queueId). The state folder is then marked as served by it
   * ({@link QUEUE_MARK}): a local expand or another queue refuses it, and workers of another refuse its jobs.
   */
  queue?: QueueMark;
  /** Given the lock's release once taken (and undefined once released): for a signal handler, so Ctrl-C leaves no lock behind. */
  onLock?: (release: (() => void) | undefined) => void;
}

export interface ExpandEvents {
  /** How many vendors this run looks at (valid entries), once known. */
  onTotal?: (total: number) => void;
  onStart?: (vendor: string) => void;
  onLog?: (vendor: string, line: string) => void;
  onDone?: (summary: VendorSummary) => void;
  /** Housekeeping a person should know of (a damaged state file read as none). */
  onNote?: (line: string) => void;
}

export interface ExpandResult {
  summary: CoverageSummary;
  files: { json: string; markdown: string };
}

/** The state folder's lock file. */
export const LOCK_FILE = 'expand.lock';
/**
 * In a state folder served by a queue's workers: which queue (`{"queue": "redis://host:port/db", "id": <the id its Redis holds>}`).
 * Its workers write the vendors' states and connectors while no expand holds the lock, so a local
 * expand there would be a second writer: it refuses while this file is there.
 */
export const QUEUE_MARK = 'queue.json';
/** The connectors folder's lock file (a dot-file beside the vendors' folders, there only while an expand runs). */
export const OUT_LOCK_FILE = '.fetchwright-expand.lock';

/** The queue a state folder is served by: its URL as shown and the id its Redis holds. */
export interface QueueMark {
  queue: string;
  id: string;
}

/** The queue a state folder's mark names (its URL bounded and printable), or undefined when there is none or it is damaged. */
export function readQueueMark(mark: string): QueueMark | undefined {
  try {
    const { queue, id } = JSON.parse(readFileSync(mark, 'utf8')) as { queue?: unknown; id?: unknown };
    return typeof queue === 'string' && /^rediss?:\/\/[\x21-\x7e]{1,300}$/.test(queue) && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) ? { queue, id } : undefined;
  } catch {
    return undefined;
  }
}

/** A summary from the state alone (no work done). */
export function summaryFromState(entry: CatalogueEntry, state: VendorState, outcome: VendorOutcome, covered: boolean): VendorSummary {
  return {
    vendor: entry.vendor,
    owner: entry.owner,
    docs: entry.docs,
    outcome,
    covered,
    connector_dir: covered ? state.connector_dir : null,
    streams: covered ? state.streams : 0,
    identity_kinds: covered ? state.identity_kinds : [],
    skipped_streams: entry.skip_streams,
    drift: state.drift,
    pr: state.pr ? { branch: state.pr.branch, url: state.pr.url } : null,
    cause: outcome === 'waiting' ? (state.failure?.cause ?? null) : null,
    exit_code: outcome === 'waiting' ? (state.failure?.exit_code ?? null) : null,
    retry_at: outcome === 'waiting' ? (state.failure?.retry_at ?? null) : null,
    elapsed_ms: 0,
  };
}

/** A vendor whose inputs cannot even be hashed (its docs vanished since the catalogue was read): failed now. */
function unreadableSummary(entry: CatalogueEntry, e: unknown): VendorSummary {
  return { ...summaryFromState(entry, emptyState(entry.vendor), 'failed', false), cause: `its docs cannot be read: ${(e as Error).message}`, exit_code: EXIT.inputNotFound };
}

/**
 * One expand run once its locks are held and every vendor is decided: the jobs to do, and how the
 * run ends. Shared by the local run (worker processes) and the queued one (queue/queued-expand.ts): the
 * same decisions and the same summary, whoever does the jobs.
 */
export interface ExpandRun {
  /** The vendors to work on, in the catalogue's priority order. */
  jobs: VendorJob[];
  /** The state folder, absolute. */
  stateDir: string;
  /** The catalogue's problems known so far (invalid entries; a job's entry problem joins them when it ends). */
  problems: CatalogueProblem[];
  /** A job ended (whoever did it): its summary joins the run's; an entry problem it found joins the catalogue's. */
  done(result: JobSummary, job: VendorJob): void;
  /** Every job has ended: the coverage summary, written to the state folder. `how` says who did the jobs. */
  finish(how: { concurrency: number; queue?: CoverageSummary['queue'] }): ExpandResult;
}

/**
 * Takes expand's locks, reads the catalogue and decides every vendor (see the module comment), then
 * hands the run to `body`, which does the jobs and ends it with `run.finish`; the locks are released
 * when `body` settles. Throws FetchwrightError `invalid-catalogue` (exit 34) when the catalogue file
 * cannot be read at all, `expand-busy` (exit 35) when another expand holds the state folder or the
 * connectors folder, `output-unwritable` (exit 10) when the state cannot be written.
 */
export async function withExpandRun<T>(o: ExpandOptions, events: ExpandEvents, body: (run: ExpandRun) => Promise<T>): Promise<T> {
  const now = o.now ?? Date.now;
  const started = now();
  const catalogue = readCatalogue(o.catalogue);
  const stateDir = path.resolve(o.stateDir);
  const lockFile = path.join(stateDir, LOCK_FILE);
  let lock: ReturnType<typeof tryLock>;
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    lock = tryLock(lockFile);
  } catch (e) {
    throw new FetchwrightError('output-unwritable', `the state folder ${stateDir} cannot be written: ${(e as Error).message}`, { file: stateDir, hint: 'Give --state a folder expand can write.' });
  }
  // One expand per connectors folder too: two with different state folders would write the same vendors.
  let outLock: ReturnType<typeof tryLock> | undefined;
  if (lock.taken) {
    const outLockFile = path.join(path.resolve(o.out), OUT_LOCK_FILE);
    try {
      mkdirSync(path.resolve(o.out), { recursive: true });
      outLock = tryLock(outLockFile);
    } catch (e) {
      lock.release();
      throw new FetchwrightError('output-unwritable', `the connectors folder ${o.out} cannot be written: ${(e as Error).message}`, { file: o.out, hint: 'Give --out a folder expand can write.' });
    }
    if (!outLock.taken) {
      lock.release();
      throw new FetchwrightError('expand-busy', `another expand (pid ${outLock.holder.pid || 'unknown'}) is writing connectors to ${o.out}`, { file: outLockFile, hint: 'Wait for it to finish: two expands writing the same connectors folder would write the same vendors. A lock left by a process that is gone is taken over by itself.' });
    }
    const both = [lock.release, outLock.release];
    o.onLock?.(() => both.forEach((r) => r()));
  }
  if (!lock.taken) {
    if (!lock.holder.pid) throw new FetchwrightError('expand-busy', `${lockFile} is not a lock file expand wrote (a folder, or being written this instant)`, { file: lockFile, hint: 'If no expand is running on this state folder, remove it and run again.' });
    throw new FetchwrightError('expand-busy', `another expand (pid ${lock.holder.pid}, since ${new Date(lock.holder.at).toISOString()}) is running on the state folder ${stateDir}`, { file: lockFile, hint: 'Wait for it to finish, or give this run another --state. A lock left by a process that is gone is taken over by itself.' });
  }
  try {
    const mark = path.join(stateDir, QUEUE_MARK);
    if (o.queue) {
      const other = existsSync(mark) ? (readQueueMark(mark) ?? { queue: 'a queue fetchwright cannot name (the mark is damaged)', id: '' }) : undefined;
      if (other && other.id !== o.queue.id) {
        throw new FetchwrightError('expand-busy', `the state folder ${stateDir} is served by the workers of ${other.queue}, not of this queue: a second queue would give each vendor two writers`, { file: mark, hint: `Use --queue ${other.queue} (a Redis emptied since counts as another queue); to move to ${o.queue.queue}, stop the workers of the other queue and remove ${mark}.` });
      }
      if (!other) writeFileDurably(mark, `${JSON.stringify({ schema: 'fetchwright/expand-queue@1', ...o.queue, since: new Date(now()).toISOString() })}\n`);
    } else if (existsSync(mark)) {
      const queue = readQueueMark(mark)?.queue ?? 'a queue';
      throw new FetchwrightError('expand-busy', `the state folder ${stateDir} is served by the workers of ${queue}: a local expand would write the vendors they write`, { file: mark, hint: `Run expand --queue ${queue} (with --wait to wait for them); to go back to local runs, stop those workers and remove ${mark}.` });
    }
    if (lock.tookOver) events.onNote?.(`took over ${lockFile}, left by process ${lock.tookOver.pid}, which is no longer running: resuming where it stopped`);
    events.onTotal?.(catalogue.entries.length);
    const catalogueFile = path.resolve(o.catalogue);
    const problems = catalogue.problems.map((p) => ({ ...p, file: path.resolve(p.file) }));
    const summaries = new Map<string, VendorSummary>();
    const jobs: VendorJob[] = [];
    for (const entry of catalogue.entries) {
      let key: { key: string; inputs: VendorJob['inputs'] };
      try {
        key = vendorInputs(entry, { seed: o.seed, maxAttempts: o.maxAttempts, ...(o.planner ? { planner: o.planner } : {}), ...(o.model ? { model: o.model } : {}), ...(o.env?.OPENAI_BASE_URL ? { endpoint: o.env.OPENAI_BASE_URL } : {}) });
      } catch (e) {
        const s = unreadableSummary(entry, e);
        summaries.set(entry.vendor, s);
        events.onDone?.(s);
        continue;
      }
      const state = readVendorState(stateDir, entry.vendor, events.onNote);
      const target = path.resolve(connectorPaths(o.out, entry.vendor).target);
      const sameFolder = state.connector_dir === target;
      if (isDone(state, key.key, target, !!o.pr)) {
        const s = summaryFromState(entry, state, 'skipped', true);
        summaries.set(entry.vendor, s);
        events.onDone?.(s);
        continue;
      }
      if (!o.retryFailed && state.failure?.key === key.key && Date.parse(state.failure.retry_at) > now()) {
        const s = summaryFromState(entry, state, 'waiting', sameFolder && folderIsAsMade(state) && state.failure.covered && filesUnchanged(state.docs_files));
        summaries.set(entry.vendor, s);
        events.onDone?.(s);
        continue;
      }
      jobs.push({ entry, key: key.key, inputs: key.inputs, previous: state, out: path.resolve(o.out), stateDir, seed: o.seed, maxAttempts: o.maxAttempts, ...(o.planner ? { planner: o.planner } : {}), ...(o.model ? { model: o.model } : {}), ...(o.modelTimeout ? { modelTimeout: o.modelTimeout } : {}), ...(o.pr ? { pr: o.pr } : {}) });
    }
    const run: ExpandRun = {
      jobs,
      stateDir,
      problems,
      done: (result, job) => {
        const { problem, ...s } = result;
        // An entry that names what the docs lack (a stream, a tenant variable) is the catalogue's problem too.
        if (problem) problems.push({ file: catalogueFile, entry: job.entry.index, vendor: job.entry.vendor, field: problem.field, message: problem.message });
        summaries.set(s.vendor, s);
        events.onDone?.(s);
      },
      finish: ({ concurrency, queue }) => {
        const vendors = catalogue.entries.map((e) => summaries.get(e.vendor)!).filter(Boolean);
        const finished = now();
        const summary: CoverageSummary = {
          schema: 'fetchwright/coverage@1',
          catalogue: catalogueFile,
          started_at: new Date(started).toISOString(),
          finished_at: new Date(finished).toISOString(),
          elapsed_ms: finished - started,
          concurrency,
          ...(queue ? { queue } : {}),
          totals: totalsOf(vendors, problems),
          vendors,
          invalid_entries: problems.sort((a, b) => (a.entry ?? -1) - (b.entry ?? -1)),
        };
        const files = { json: path.join(stateDir, 'coverage.json'), markdown: path.join(stateDir, 'coverage.md') };
        writeFileDurably(files.json, coverageSummaryJson(summary));
        writeFileDurably(files.markdown, renderCoverageMarkdown(summary));
        return { summary, files };
      },
    };
    return await body(run);
  } finally {
    if (outLock?.taken) outLock.release();
    lock.release();
    o.onLock?.(undefined);
  }
}

/**
 * Runs the catalogue on this machine (see the module comment): the decided jobs in worker
 * processes, at most `concurrency` at once. Throws as {@link withExpandRun}.
 */
export async function runExpand(o: ExpandOptions, events: ExpandEvents = {}): Promise<ExpandResult> {
  const now = o.now ?? Date.now;
  return withExpandRun(o, events, async (run) => {
    // Workers end with this process whatever ends it (Ctrl-C, SIGTERM, an error): one blocked in the
    // kernel (a read that never returns) does not notice its parent is gone by itself.
    const children = new Set<ChildProcess>();
    const killChildren = () => children.forEach((c) => c.kill('SIGKILL'));
    process.on('exit', killChildren);
    await runInWorkers(
      run.jobs,
      o.concurrency,
      {
        onStart: (job) => events.onStart?.(job.entry.vendor),
        onLog: (vendor, line) => events.onLog?.(vendor, line),
        onDone: (result, job) => {
          // A worker that died wrote no state: its failure is recorded here, with the same backoff.
          if (result.cause?.startsWith(DIED_CAUSE)) recordDeadWorker(run.stateDir, job, result, now);
          run.done(result, job);
        },
      },
      o.env ?? process.env,
      children,
      o.jobTimeoutMs,
    ).finally(() => process.off('exit', killChildren));
    return run.finish({ concurrency: o.concurrency });
  });
}

/** Records the failure of a job whose worker died before it could (the parent owns the state once its worker is gone), unless the job wrote the vendor's state before it died. */
export function recordDeadWorker(stateDir: string, job: VendorJob, s: VendorSummary, now: () => number): void {
  const prev = job.previous;
  // A job process killed after writing its own record (its result lost on the way) left the state as it should be.
  if (hashJson(readVendorState(stateDir, job.entry.vendor)) !== hashJson(prev)) return;
  const attempts = prev.failure?.key === job.key ? prev.failure.attempts + 1 : 1;
  const failedAt = now();
  const retryAt = new Date(failedAt + retryDelayMs(attempts)).toISOString();
  s.retry_at = retryAt;
  try {
    writeVendorState(stateDir, { ...prev, failure: { key: job.key, cause: s.cause ?? 'its worker process ended', exit_code: s.exit_code, attempts, at: new Date(failedAt).toISOString(), retry_at: retryAt, covered: false }, last_run: { at: new Date(failedAt).toISOString(), outcome: 'failed', elapsed_ms: s.elapsed_ms } });
  } catch {
    // The summary still says it failed; the next run does it again.
  }
}

export type { CatalogueProblem };
