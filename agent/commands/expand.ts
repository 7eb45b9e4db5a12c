import { availableParallelism } from 'node:os';
import path from 'node:path';
import { stateDir } from '../audit/audit-log.ts';
import type { Io } from '../cli/io.ts';
import type { Context } from '../cli/main.ts';
import { EXIT } from '../errors.ts';
import type { CoverageSummary } from '../expand/coverage-summary.ts';
import { createProgressDisplay } from '../expand/progress-display.ts';
import { renderCoverageTable } from '../expand/render-coverage.ts';
import { runExpand } from '../expand/run-expand.ts';
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
  const prOpts = prOptionsOf(opts);
  checkPlannerConfig({ planner: opts.planner ?? 'heuristic', ...(opts.model ? { modelName: opts.model } : {}), env: ctx.env });
  checkOutputFolder(opts.out);
  if (prOpts) await checkRepoBeforeWork(prOpts, opts.out, ctx.env);
  const state = opts.state ?? defaultExpandState(ctx.env);
  const concurrency = opts.concurrency ?? availableParallelism();
  const live = !!io.stderr.isTTY && !!io.stderr.terminal && !ctx.env.CI;
  const stream = live ? { write: (s: string) => io.stderr.terminal!.write(s), isTTY: true, ...(io.stderr.columns ? { columns: io.stderr.columns } : {}) } : { write: (s: string) => io.stderr.write(s) };
  let display: ReturnType<typeof createProgressDisplay> | undefined;
  ctx.interrupts.describe = () => `expand stopped: every vendor finished so far is recorded in ${state} and kept; the next run resumes with the others`;
  ctx.audit.record('expand-start', 'ok', {}, { catalogue: opts.catalog, state, out: opts.out, concurrency, pr: !!prOpts });
  let result: Awaited<ReturnType<typeof runExpand>>;
  try {
    result = await runExpand(
      {
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
        onLock: (release) => (release ? (ctx.interrupts.cleanup = release) : delete ctx.interrupts.cleanup),
      },
      {
        onTotal: (total) => (display = createProgressDisplay(stream, { total, ci: !live })),
        onStart: (vendor) => display?.started(vendor),
        onDone: (s) => display?.finished(s.vendor, s.outcome, s.cause ?? undefined),
        onNote: (line) => (display ? display.note(line) : io.stderr.write(`${line}\n`)),
      },
    );
  } finally {
    display?.stop();
  }
  const { summary, files } = result;
  ctx.audit.record('expand-end', expandExitCode(summary) === EXIT.ok ? 'ok' : 'fail', {}, { totals: summary.totals, coverage: files.json });
  if (opts.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  // The terminal's width when it has a usable one (a pseudo-terminal may report 0), else the table's own.
  else io.stdout.write(renderCoverageTable(summary, io.stderr.columns && io.stderr.columns >= 60 ? io.stderr.columns : undefined));
  io.stderr.write(`coverage summary: ${files.json} (JSON), ${files.markdown} (Markdown, e.g. for $GITHUB_STEP_SUMMARY)\n`);
  return expandExitCode(summary);
}
