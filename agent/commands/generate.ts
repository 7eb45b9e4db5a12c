import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Io } from '../cli/io.ts';
import type { Command } from '../cli/main.ts';
import { renderScorecard } from '../cli/render-scorecard.ts';
import { EXIT } from '../errors.ts';
import { checkConnectorTarget, connectorPaths, writeConnectorDir, type WrittenConnector } from '../generate/connector-dir.ts';
import { generateConnector, type GeneratedConnector } from '../generate/generate-connector.ts';
import { ingest } from '../ingest/ingest.ts';
import { hashJson } from '../hash.ts';
import { planHeuristically } from '../plan/heuristic-planner.ts';
import { PR_ARGS, PrOptions, runPr } from './pr.ts';

export const GenerateOptions = z.object({
  docs: z.string().min(1),
  out: z.string().min(1).default('connectors'),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(1),
  json: z.boolean().default(false),
  force: z.boolean().default(false),
  maxAttempts: z.coerce.number().int().min(1).max(10).default(3),
  vendor: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).optional(),
  pr: z.boolean().default(false),
});

type Options = z.infer<typeof GenerateOptions>;

export const command: Command = {
  usage: 'fetchwright generate <docs> [--out DIR] [--seed N] [--json] [--force] [--max-attempts N] [--pr --repo PATH [--github owner/repo]]',
  summary:
    'Plans a connector from the docs, renders it from approved templates, and proves it in an isolated-vm\n' +
    'sandbox against a mock of the vendor API seeded with synthetic identities. Writes DIR/<vendor>/\n' +
    '(fetcher.ts, plan.json, manifest.json, scorecard.json, VALIDATION.md, api-model.json, attempts.json).\n' +
    'Exits 0 when every seeded identity came back exactly once and correctly mapped, 9 when not.\n\n' +
    'Regenerating keeps what was proved: when DIR/<vendor>/ holds a passing connector and the new proof\n' +
    'fails, the passing one stays and the failing one is written to DIR/<vendor>.failed/ (exit 9); a new\n' +
    'passing connector replaces the old one and removes DIR/<vendor>.failed/. Ctrl-C or SIGTERM leaves\n' +
    'the old connector or the new one whole (exit 130 or 143). A folder holding files fetchwright does not\n' +
    'write there is refused before any work (exit 25) unless --force.\n\n' +
    '  --out DIR          where to write (default: connectors)\n' +
    '  --seed N           seed for the synthetic identities (default 1)\n' +
    '  --json             print {vendor, dir, verdict, kept_previous, failed_dir, scorecard, attempts} as JSON on stdout\n' +
    '                     (dir is where this run\'s connector is; kept_previous: a passing one was kept)\n' +
    '  --force            two things: generate even when the assessment recommends a manual build, and\n' +
    '                     replace DIR/<vendor>/ even when it holds files fetchwright did not write (deleted)\n' +
    '  --max-attempts N   how many pagination hypotheses to try when the proof fails (default 3)\n' +
    '  --pr --repo PATH   then do what `fetchwright pr` does (see its --help), in one go',
  args: {
    out: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    force: { type: 'boolean' },
    'max-attempts': { type: 'string' },
    vendor: { type: 'string' },
    pr: { type: 'boolean' },
    repo: PR_ARGS.repo,
    github: PR_ARGS.github,
    remote: PR_ARGS.remote,
    'requested-by': PR_ARGS['requested-by'],
    'github-api': PR_ARGS['github-api'],
  },
  async run(values, positionals, io, ctx) {
    const { audit } = ctx;
    if (positionals.length !== 1) {
      io.stderr.write(`error[usage]: generate takes exactly one <docs> path\n  usage: ${command.usage}\n`);
      return EXIT.usage;
    }
    const opts = GenerateOptions.parse({ ...values, maxAttempts: values['max-attempts'], docs: positionals[0] });
    // Checked before any work, so a missing --repo is a usage error, not a surprise after the proof.
    const prOpts = opts.pr ? PrOptions.parse({ dir: '.', repo: values.repo, github: values.github, remote: values.remote, requestedBy: values['requested-by'], githubApi: values['github-api'], json: opts.json }) : undefined;
    const progress: Progress = {};
    const release = exitCleanlyOnSignal(io, audit, () => interruptedState(opts.out, progress));
    let written: WrittenConnector;
    let result: GeneratedConnector;
    try {
      result = await planAndProve(opts, io, audit, progress);
      await testPause(ctx.env, 'proved', io);
      // Synchronous: a signal is handled before it or after it, never in the middle of the swap.
      written = writeConnectorDir(opts.out, result, { force: opts.force });
      progress.written = written;
      reportWrite(written, result, opts, io, audit);
      await testPause(ctx.env, 'written', io);
    } finally {
      release();
    }
    if (result.scorecard.verdict !== 'pass') return EXIT.validationFailed;
    return prOpts ? runPr({ ...prOpts, dir: written.dir }, io, ctx) : EXIT.ok;
  },
};

/**
 * ingest → plan → refuse an output this run could not write (exit 10) or could only write by deleting
 * a user's files (exit 25), before the proof → prove. Records each step in the audit log and the
 * vendor in `progress` once known. Throws what those steps throw.
 */
async function planAndProve(opts: Options, io: Io, audit: AuditLog, progress: Progress): Promise<GeneratedConnector> {
  const model = await ingest(opts.docs, opts.vendor ? { vendor: opts.vendor } : {});
  audit.record('ingest', 'ok', { docs_sha256: model.docs_sha256 }, { docs: opts.docs, operations: model.operations.length });
  const plan = planHeuristically(model);
  progress.vendor = plan.vendor;
  audit.record('plan', 'ok', { api_model_sha256: plan.api_model_sha256, plan_sha256: hashJson(plan) }, { planner: plan.planner.kind, streams: plan.streams.map((s) => s.name), verdict: plan.assessment.verdict, forced: opts.force });
  checkConnectorTarget(opts.out, plan.vendor, { force: opts.force });
  return generateConnector(model, plan, {
    seed: opts.seed,
    maxAttempts: opts.maxAttempts,
    force: opts.force,
    onLog: (line) => io.stderr.write(`${line}\n`),
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
  if (opts.json && !opts.pr) {
    const out = { vendor: result.plan.vendor, dir: w.dir, verdict: result.scorecard.verdict, kept_previous: w.keptPrevious, failed_dir: w.failedDir ?? null, scorecard: result.scorecard, attempts: result.attempts };
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else if (!opts.json) io.stdout.write(renderScorecard(result.scorecard, w.dir) + (kept ? `  ${kept}\n` : ''));
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

/**
 * Until `release()` is called, SIGINT and SIGTERM end the run at once with the shell's code for
 * them (130, 143), one line on stderr saying what is on disk (`describe`), and an audit entry.
 * Safe because the only write on disk is synchronous; the sandbox process exits with its parent.
 */
function exitCleanlyOnSignal(io: Io, audit: AuditLog, describe: () => string): () => void {
  const handler = (signal: NodeJS.Signals) => {
    const code = 128 + (constants.signals[signal] ?? 0);
    io.stderr.write(`interrupted by ${signal}: ${describe()}; no staging or backup folder is left\n`);
    try {
      audit.record('end', 'fail', {}, { exit_code: code, interrupted_by: signal });
    } catch {
      // exiting anyway: the line above says what happened
    }
    process.exit(code);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** How long a test pause holds the run (a test interrupts it long before). */
const TEST_PAUSE_MS = 30_000;

/**
 * A hold point for tests, like git's GIT_TEST_* variables: with FETCHWRIGHT_TEST_PAUSE=<point>
 * (`proved`: after the proof, before the write; `written`: after the write) the run waits there, so
 * a test can send a signal at that exact moment. Unset in normal use.
 */
async function testPause(env: NodeJS.ProcessEnv, point: 'proved' | 'written', io: Io): Promise<void> {
  if (env.FETCHWRIGHT_TEST_PAUSE !== point) return;
  io.stderr.write(`paused at ${point} (FETCHWRIGHT_TEST_PAUSE)\n`);
  await new Promise((resolve) => setTimeout(resolve, TEST_PAUSE_MS));
}
