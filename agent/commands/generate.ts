import { existsSync } from 'node:fs';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Io } from '../cli/io.ts';
import type { Context } from '../cli/main.ts';
import { testPause } from '../test-pause.ts';
import { renderScorecard } from '../cli/render-scorecard.ts';
import { EXIT, isFetchwrightError } from '../errors.ts';
import { checkConnectorTarget, connectorPaths, writeConnectorDir, type WrittenConnector } from '../generate/connector-dir.ts';
import { generateConnector, type GeneratedConnector } from '../generate/generate-connector.ts';
import { ingestWithReport } from '../ingest/ingest.ts';
import { readObservedShapes } from '../observed/read-observed-shapes.ts';
import { observedNotes } from './observed-notes.ts';
import { hashJson } from '../hash.ts';
import { checkOutputFolder, checkOutputOutsideDocs } from '../output-dir.ts';
import { checkPlannerConfig, planDocs, type PlannerKind } from '../plan/choose-planner.ts';
import { checkBranchBeforeProof, checkRepoBeforeWork, prJson, printPr, prOptionsOf, proposeConnector, type PrOptions } from './pr.ts';

/** `fetchwright generate`'s options, as commander parses them (agent/cli/command-table.ts). */
export interface GenerateOptions extends Partial<PrOptions> {
  out: string;
  seed: number;
  json?: boolean;
  force?: boolean;
  maxAttempts: number;
  vendor?: string;
  pr?: boolean;
  /** The shapes file a live run wrote (`run --observe`): evidence stronger than the docs. */
  observed?: string;
  planner?: PlannerKind;
  /** The model `--planner llm|auto` asks. */
  model?: string;
  /** `--model-timeout`, seconds. */
  modelTimeout?: number;
}

type Options = GenerateOptions & { docs: string };

/**
 * `fetchwright generate <docs>`: plan, render and prove; write DIR/<vendor>/ safely (see
 * agent/generate/connector-dir.ts); with --pr, propose it. 0 on pass, 9 on a failed proof.
 */
export async function run([docs]: string[], generateOpts: GenerateOptions, io: Io, ctx: Context): Promise<number> {
  const { audit } = ctx;
  const opts: Options = { ...generateOpts, docs: docs! };
  // Checked before any work: a missing --repo or an --out that cannot be written is reported now, not after the proof.
  const prOpts = prOptionsOf(opts);
  checkPlannerConfig({ planner: opts.planner ?? 'heuristic', ...(opts.model ? { modelName: opts.model } : {}), env: ctx.env });
  checkOutputFolder(opts.out);
  checkOutputOutsideDocs(opts.out, opts.docs);
  if (prOpts) await checkRepoBeforeWork(prOpts, opts.out, ctx.env);
  const progress: Progress = {};
  ctx.interrupts.describe = () => `${interruptedState(opts.out, progress)}; no staging or backup folder is left`;
  const result = await planAndProve(opts, io, audit, progress, prOpts, ctx.env);
  await testPause(ctx.env, 'proved', io.stderr);
  // Synchronous: a signal is handled before it or after it, never in the middle of the swap.
  const written = writeConnectorDir(opts.out, result, { force: !!opts.force });
  progress.written = written;
  reportWrite(written, result, opts, io, audit);
  await testPause(ctx.env, 'written', io.stderr);
  if (result.scorecard.verdict !== 'pass') {
    if (opts.json) io.stdout.write(`${JSON.stringify({ ...generateJson(written, result), ...(opts.pr ? { pr: null } : {}) }, null, 2)}\n`);
    return EXIT.validationFailed;
  }
  if (!prOpts) {
    if (opts.json) io.stdout.write(`${JSON.stringify(generateJson(written, result), null, 2)}\n`);
    return EXIT.ok;
  }
  ctx.interrupts.describe = () => `${interruptedState(opts.out, progress)}; the pull request was not finished and the connector folder is as the proof left it`;
  let pr: Awaited<ReturnType<typeof proposeConnector>>;
  try {
    pr = await proposeConnector(written.dir, prOpts, ctx);
  } catch (e) {
    // The connector is written and proved: a script still gets what generate made, and why the pr failed.
    if (opts.json && isFetchwrightError(e)) io.stdout.write(`${JSON.stringify({ ...generateJson(written, result), pr: null, pr_error: { code: e.code, exit_code: e.exitCode, message: e.message } }, null, 2)}\n`);
    throw e;
  }
  if (opts.json) io.stdout.write(`${JSON.stringify({ ...generateJson(written, result), pr: prJson(pr) }, null, 2)}\n`);
  else printPr(pr, prOpts.repo, io);
  return EXIT.ok;
}





/** generate's JSON contract: `{vendor, dir, verdict, kept_previous, failed_dir, scorecard, attempts}`. */
function generateJson(w: WrittenConnector, result: GeneratedConnector): Record<string, unknown> {
  return { vendor: result.plan.vendor, dir: w.dir, verdict: result.scorecard.verdict, kept_previous: w.keptPrevious, failed_dir: w.failedDir ?? null, scorecard: result.scorecard, attempts: result.attempts };
}

/**
 * ingest → plan → refuse an output this run could not write (exit 10) or could only write by deleting
 * a user's files (exit 25), before the proof → prove. Records each step in the audit log and the
 * vendor in `progress` once known. Throws what those steps throw.
 */
async function planAndProve(opts: Options, io: Io, audit: AuditLog, progress: Progress, prOpts: PrOptions | undefined, env: NodeJS.ProcessEnv): Promise<GeneratedConnector> {
  const observed = opts.observed ? readObservedShapes(opts.observed) : undefined;
  const { model, observed: overlay } = await ingestWithReport(opts.docs, { ...(opts.vendor ? { vendor: opts.vendor } : {}), ...(observed ? { observed } : {}), onProgress: (line) => io.stderr.write(`${line}\n`) });
  audit.record('ingest', 'ok', { docs_sha256: model.docs_sha256, ...(observed ? { observed_sha256: observed.sha256 } : {}) }, { docs: opts.docs, operations: model.operations.length, ...(observed ? { observed: opts.observed, observed_at: observed.shapes.observed_at, observed_operations: overlay?.applied.length ?? 0 } : {}) });
  for (const note of observedNotes(overlay)) io.stderr.write(`${note}\n`);
  const { plan, repair } = await planDocs(model, { planner: opts.planner ?? 'heuristic', ...(opts.model ? { modelName: opts.model } : {}), ...(opts.modelTimeout ? { timeoutSeconds: opts.modelTimeout } : {}), env, audit, onNote: (line) => io.stderr.write(`${line}\n`) });
  progress.vendor = plan.vendor;
  audit.record('plan', 'ok', { api_model_sha256: plan.api_model_sha256, plan_sha256: hashJson(plan) }, { planner: plan.planner.kind, streams: plan.streams.map((s) => s.name), verdict: plan.assessment.verdict, forced: opts.force });
  checkConnectorTarget(opts.out, plan.vendor, { force: !!opts.force });
  if (prOpts) await checkBranchBeforeProof(prOpts, plan);
  return generateConnector(model, plan, {
    seed: opts.seed,
    maxAttempts: opts.maxAttempts,
    force: !!opts.force,
    onLog: (line) => io.stderr.write(`${line}\n`),
    ...(repair ? { repair } : {}),
    onAttempt: (a) => audit.record(`attempt-${a.attempt}`, a.verdict === 'pass' ? 'ok' : 'fail', { scorecard_sha256: a.scorecard_sha256 }, { changes: a.changes, findings: a.findings.slice(0, 5).map((f) => ({ id: f.id, stream: f.stream })), seed: opts.seed }),
  });
}

/** The one line that says a passing connector was kept and where the failing one is; undefined when none was kept. */
function keptLine(w: WrittenConnector): string | undefined {
  return w.keptPrevious ? `kept the passing connector in ${w.target}: this run's proof failed, and its connector was written to ${w.failedDir} instead` : undefined;
}

/** Audits the write and prints the outcome: notes and the kept line on stderr, the scorecard (or --json) on stdout. */
function reportWrite(w: WrittenConnector, result: GeneratedConnector, opts: Options, io: Io, audit: AuditLog): void {
  audit.record('write', 'ok', { fetcher_sha256: result.scorecard.hashes.fetcher_sha256, plan_sha256: result.scorecard.hashes.plan_sha256 }, { dir: w.dir, verdict: result.scorecard.verdict, kept_previous: w.keptPrevious, notes: w.notes });
  for (const note of w.notes) io.stderr.write(`${note}\n`);
  const kept = keptLine(w);
  if (kept) io.stderr.write(`${kept}\n`);
  if (!opts.json) io.stdout.write(renderScorecard(result.scorecard, w.dir) + (kept ? `  ${kept}\n` : ''));
}

/** How far a run got, for the line an interruption prints. */
interface Progress {
  /** Known once the docs are planned. */
  vendor?: string;
  /** Set as soon as the (synchronous) write returns. */
  written?: WrittenConnector;
}

/** What is on disk when a signal stops the run (the write is synchronous, so it is either done or not begun). */
function interruptedState(outDir: string, p: Progress): string {
  if (p.written) return p.written.keptPrevious ? `${keptLine(p.written)}` : `this run's connector is whole in ${p.written.dir}`;
  if (!p.vendor) return 'nothing was written';
  const { target } = connectorPaths(outDir, p.vendor);
  return existsSync(target) ? `nothing was written: ${target} holds the previous connector, unchanged` : `nothing was written (${target} does not exist)`;
}
