import type { Io } from '../cli/io.ts';
import type { Context } from '../cli/main.ts';
import { writeFileAtomic } from '../cli/write-file.ts';
import { docsFindings } from '../drift/docs-diff.ts';
import type { DriftFinding } from '../drift/drift-finding.ts';
import { buildDriftReport } from '../drift/drift-report.ts';
import { renderDriftMarkdown, renderDriftText } from '../drift/render-drift.ts';
import { readRunReport } from '../drift/run-report-file.ts';
import { runtimeFindings } from '../drift/runtime-drift.ts';
import { EXIT, FetchwrightError, isFetchwrightError } from '../errors.ts';
import { readConnectorDir } from '../generate/connector-dir.ts';
import { ingest } from '../ingest/ingest.ts';
import { checkOutputFile, isWithin } from '../output-dir.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { planHeuristically } from '../plan/heuristic-planner.ts';
import { terminalSafe } from '../cli/text-layout.ts';

/** `fetchwright drift`'s options, as commander parses them (agent/cli/command-table.ts). */
export interface DriftOptions {
  /** The vendor's new docs (a file or a folder, or a web reference's http(s) URL), compared with the connector's api-model.json. */
  docs?: string;
  /** A `fetchwright run --report` file: the live run's drift, calls outside the plan, Sunset/Deprecation headers. */
  report?: string;
  json?: boolean;
  /** Also write the report as Markdown (for a pull request or a CI job summary). */
  markdown?: string;
}

/**
 * The exit code of a drift report with a breaking change. The issue asks for exit 1, as oasdiff's
 * `breaking --fail-on ERR` exits 1; 1 is also EXIT.internal's code, whose meaning in the exit-code
 * table says so for drift. Named here so the choice is read, not guessed.
 */
export const DRIFT_BREAKING_EXIT = EXIT.internal;

/**
 * `fetchwright drift <connector-dir> [--docs <new docs or their URL>] [--report <run-report.json>]`: what the
 * connector depends on, compared with the vendor's new docs (agent/drift/docs-diff.ts) and with
 * what a live run saw (agent/drift/runtime-drift.ts), each change a classified finding. Exit 0 when
 * nothing is breaking, {@link DRIFT_BREAKING_EXIT} (1) when something is; usage error (2) without
 * --docs or --report, or for a run report of another vendor; 3/4/12 for inputs that cannot be read.
 */
export async function run([dir]: string[], opts: DriftOptions, io: Io, { audit }: Context): Promise<number> {
  if (!opts.docs && !opts.report) {
    throw new FetchwrightError('usage', 'drift needs --docs, --report or both: there is nothing to compare the connector with', { hint: 'Give the vendor\'s new docs (--docs api.yaml), a live run\'s report (--report run-report.json, from fetchwright run --report), or both.' });
  }
  if (opts.markdown) {
    checkOutputFile(opts.markdown, '--markdown', 'drift.md');
    if (isWithin(opts.markdown, dir!)) throw new FetchwrightError('usage', `--markdown ${opts.markdown} is inside the connector folder ${dir}`, { hint: 'Write it elsewhere: the connector folder holds only what its proof and change record cover.' });
  }
  const c = await readConnectorDir(dir!);
  const findings: DriftFinding[] = [];
  let after: string | null = null;
  if (opts.docs) {
    // A docs URL is crawled as plan crawls it (agent/ingest/pages/crawl.ts), a progress line per page on stderr.
    const model = await ingest(opts.docs, { vendor: c.plan.vendor, onProgress: (line) => io.stderr.write(`${terminalSafe(line)}\n`) });
    audit.record('ingest', 'ok', { docs_sha256: model.docs_sha256 }, { docs: opts.docs, operations: model.operations.length });
    // The new docs' own plan names the identity lists they add; docs no plan can be made from still get the diff.
    let plan: ConnectorPlan | undefined;
    try {
      plan = planHeuristically(model);
    } catch (e) {
      if (!isFetchwrightError(e)) throw e;
      io.stderr.write(`${terminalSafe(`note: the new docs cannot be planned (${e.message}): new identity lists are not looked for`)}\n`);
    }
    findings.push(...docsFindings({ plan: c.plan, model: c.model }, { model, ...(plan ? { plan } : {}) }));
    after = model.docs_sha256;
  }
  if (opts.report) {
    const report = readRunReport(opts.report);
    if (report.vendor !== c.plan.vendor) {
      throw new FetchwrightError('usage', terminalSafe(`--report ${opts.report} is a run of ${report.vendor.slice(0, 100)}, not of this connector's vendor ${c.plan.vendor}`), { file: opts.report, hint: 'Give the report `fetchwright run` wrote for this connector.' });
    }
    findings.push(...runtimeFindings(report, { model: c.model, plan: c.plan }));
  }
  const report = buildDriftReport({ connector: c.dir, vendor: c.plan.vendor, docs_sha256_before: c.plan.docs_sha256, docs_sha256_after: after, findings });
  const breaking = report.findings.filter((f) => f.level === 'breaking');
  audit.record('drift', report.breaking ? 'fail' : 'ok', { docs_sha256_before: report.docs_sha256_before, ...(after ? { docs_sha256_after: after } : {}) }, { dir: c.dir, docs: opts.docs ?? null, report: opts.report ?? null, counts: report.counts, breaking: breaking.slice(0, 10).map((f) => ({ id: f.id, operation: f.operation, ...(f.stream ? { stream: f.stream } : {}) })) });
  if (opts.markdown) {
    await writeFileAtomic(opts.markdown, renderDriftMarkdown(report), '--markdown');
    io.stderr.write(`wrote the report as Markdown to ${opts.markdown}\n`);
  }
  io.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderDriftText(report));
  return report.breaking ? DRIFT_BREAKING_EXIT : EXIT.ok;
}
