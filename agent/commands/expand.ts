import { availableParallelism } from 'node:os';
import path from 'node:path';
import { stateDir } from '../audit/audit-log.ts';
import type { Io } from '../cli/io.ts';
import type { Context } from '../cli/main.ts';
import { EXIT, FetchwrightError } from '../errors.ts';
import type { CoverageSummary, VendorSummary } from '../expand/coverage-summary.ts';
import { parseQueueUrl } from '../expand/queue/queue-connection.ts';
import { runQueuedExpand, type QueuedVendor } from '../expand/queue/queued-expand.ts';
import { JOB_TIMEOUT_MS } from '../expand/worker-pool.ts';
import { createProgressDisplay, escapeForLine } from '../expand/progress-display.ts';
import { renderCoverageTable } from '../expand/render-coverage.ts';
import { runExpand, type CatalogueProblem } from '../expand/run-expand.ts';
import { checkOutputFolder } from '../output-dir.ts';
import { checkRepoBeforeWork, prOptionsOf, type PrOptions } from './pr.ts';
import { checkPlannerConfig, type PlannerKind } from '../plan/choose-planner.ts';

/** `fetchwright expand`'s options, as commander parses them (agent/cli/command-table.ts). */
export interface ExpandCommandOptions extends Partial<PrOptions> {
  catalog: string;
  state?: string;
  out: string;
  concurrency?: number;
  seed: number;
  maxAttempts: number;
  pr?: boolean;
  retryFailed?: boolean;
  /** Seconds. */
  jobTimeout?: number;
  planner?: PlannerKind;
  /** The model `--planner llm|auto` asks. */
  model?: string;
  /** `--model-timeout`, seconds. */
  modelTimeout?: number;
  json?: boolean;
  /** `--queue redis://…`: queue the jobs for `fetchwright worker`s. */
  queue?: string;
  /** With --queue: wait for the jobs and end with the coverage summary. */
  wait?: boolean;
}

/** The default state folder: `expand/` in fetchwright's state folder (beside the audit log). */
export function defaultExpandState(env: NodeJS.ProcessEnv): string {
  return path.join(stateDir(env), 'expand');
}

/** The exit code a scheduler acts on: 34 for invalid entries, else 33 when a vendor failed or waits, else 0. */
export function expandExitCode(summary: CoverageSummary): number {
  if (summary.totals.invalid_entries > 0) return EXIT.invalidCatalogue;
  if (summary.totals.failed > 0 || summary.totals.waiting > 0) return EXIT.expandFailed;
  return EXIT.ok;
}

/**
 * `fetchwright expand --catalog vendors.yaml`: works through the catalogue (agent/expand/run-expand.ts)
 * with a progress display on stderr (live on a terminal, plain lines otherwise or under CI), then the
 * coverage summary: a table on stdout (or JSON with --json), and coverage.json / coverage.md in the
 * state folder. Exit 0 all covered, 33 some failed or waiting, 34 invalid catalogue entries.
 */
export async function run(_args: string[], opts: ExpandCommandOptions, io: Io, ctx: Context): Promise<number> {
  if (opts.wait && !opts.queue) throw new FetchwrightError('usage', '--wait is for --queue', { hint: 'A local expand always waits for its vendors; --wait tells expand --queue to wait for the workers.' });
  if (opts.queue && opts.concurrency) throw new FetchwrightError('usage', '--concurrency is not for expand --queue', { hint: 'On a queue, each worker has its own: fetchwright worker --queue … --concurrency N.' });
  const queue = opts.queue ? parseQueueUrl(opts.queue, ctx.env) : undefined;
  const prOpts = prOptionsOf(opts);
  // On a queue the workers plan (and hold the model's key): the enqueuer only names the planner.
  if (!queue) checkPlannerConfig({ planner: opts.planner ?? 'heuristic', ...(opts.model ? { modelName: opts.model } : {}), env: ctx.env });
  checkOutputFolder(opts.out);
  // On a queue each worker checks its own repository and secrets before a job (a GITHUB_TOKEN is the workers', not this command's).
  if (prOpts && !queue) await checkRepoBeforeWork(prOpts, opts.out, ctx.env);
  const state = opts.state ?? defaultExpandState(ctx.env);
  const concurrency = opts.concurrency ?? availableParallelism();
  const live = !!io.stderr.isTTY && !!io.stderr.terminal && !ctx.env.CI;
  const stream = live ? { write: (s: string) => io.stderr.terminal!.write(s), isTTY: true, ...(io.stderr.columns ? { columns: io.stderr.columns } : {}) } : { write: (s: string) => io.stderr.write(s) };
  let display: ReturnType<typeof createProgressDisplay> | undefined;
  ctx.interrupts.describe = () =>
    queue
      ? `expand stopped waiting: the queued jobs stay in the queue at ${queue.shown} and the workers go on; expand --queue ${queue.shown} --wait waits for them again`
      : `expand stopped: every vendor finished so far is recorded in ${state} and kept; the next run resumes with the others`;
  ctx.audit.record('expand-start', 'ok', {}, { catalogue: opts.catalog, state, out: opts.out, ...(queue ? { queue: queue.shown, wait: !!opts.wait } : { concurrency }), pr: !!prOpts });
  const options = {
    catalogue: opts.catalog,
    stateDir: state,
    out: opts.out,
    concurrency,
    seed: opts.seed,
    maxAttempts: opts.maxAttempts,
    ...(prOpts ? { pr: prOpts } : {}),
    ...(opts.retryFailed ? { retryFailed: true } : {}),
    ...(opts.jobTimeout ? { jobTimeoutMs: opts.jobTimeout * 1000 } : {}),
    ...(opts.planner && opts.planner !== 'heuristic' ? { planner: opts.planner, ...(opts.model ? { model: opts.model } : {}), ...(opts.modelTimeout ? { modelTimeout: opts.modelTimeout } : {}) } : {}),
    env: ctx.env,
    // Ctrl-C or SIGTERM releases the state folder's lock on the way out.
    onLock: (release: (() => void) | undefined) => (release ? (ctx.interrupts.cleanup = release) : delete ctx.interrupts.cleanup),
  };
  const events = {
    onTotal: (total: number) => (display = createProgressDisplay(stream, { total, ci: !live })),
    onStart: (vendor: string) => display?.started(vendor),
    onDone: (s: VendorSummary) => display?.finished(s.vendor, s.outcome, s.cause ?? undefined),
    onNote: (line: string) => (display ? display.note(line) : io.stderr.write(`${line}\n`)),
  };
  let result: Awaited<ReturnType<typeof runExpand>> | undefined;
  let queued: QueuedVendor[] = [];
  let problems: CatalogueProblem[] = [];
  try {
    if (queue) {
      const r = await runQueuedExpand(
        { ...options, queue, wait: !!opts.wait, jobTimeoutMs: options.jobTimeoutMs ?? JOB_TIMEOUT_MS },
        { ...events, onQueued: (vendor, how) => (opts.wait ? undefined : events.onNote(`${vendor}: ${how}`)), onWorkerStart: (vendor, worker) => display?.note(`${vendor}: taken by worker ${worker}`) },
      );
      queued = r.queued;
      problems = r.problems;
      result = r.result;
    } else result = await runExpand(options, events);
  } finally {
    display?.stop();
  }
  if (!result) {
    // Queued, not waited for: what this run decided, and where the workers' results will be.
    const added = queued.filter((q) => q.how !== 'already queued').length;
    ctx.audit.record('expand-end', 'ok', {}, { queue: queue!.shown, queued: added, already_queued: queued.length - added });
    const line = `${added} vendor job${added === 1 ? '' : 's'} queued on ${queue!.shown}, ${queued.length - added} already in the queue; the workers write each vendor's state in ${state}. Run it again with --wait to wait for them and write the coverage summary (this run wrote none: vendors finished before that run are counted skipped there).`;
    if (opts.json) io.stdout.write(`${JSON.stringify({ schema: 'fetchwright/queued@1', queue: queue!.shown, state: path.resolve(state), vendors: queued.map((q) => ({ vendor: q.vendor, how: q.how, job_id: q.jobId })) }, null, 2)}\n`);
    else io.stdout.write(`${line}\n`);
    for (const p of problems) io.stderr.write(`${escapeForLine(`invalid catalogue entry ${p.entry === null ? '' : `#${p.entry + 1} `}${p.vendor ?? ''}${p.field ? ` (${p.field})` : ''}: ${p.message}`)}\n`);
    return problems.length ? EXIT.invalidCatalogue : EXIT.ok;
  }
  const { summary, files } = result;
  ctx.audit.record('expand-end', expandExitCode(summary) === EXIT.ok ? 'ok' : 'fail', {}, { totals: summary.totals, coverage: files.json });
  if (opts.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  // The terminal's width when it has a usable one (a pseudo-terminal may report 0), else the table's own.
  else io.stdout.write(renderCoverageTable(summary, io.stderr.columns && io.stderr.columns >= 60 ? io.stderr.columns : undefined));
  io.stderr.write(`coverage summary: ${files.json} (JSON), ${files.markdown} (Markdown, e.g. for $GITHUB_STEP_SUMMARY)\n`);
  return expandExitCode(summary);
}
