import type { Io } from '../cli/io.ts';
import type { Context } from '../cli/main.ts';
import { renderPlan } from '../cli/render-plan.ts';
import { writeFileAtomic } from '../cli/write-file.ts';
import { EXIT } from '../errors.ts';
import { hashJson } from '../hash.ts';
import { ingestWithReport } from '../ingest/ingest.ts';
import { readObservedShapes } from '../observed/read-observed-shapes.ts';
import { observedNotes } from './observed-notes.ts';
import { checkOutputFile, checkOutputOutsideDocs } from '../output-dir.ts';
import { checkPlannerConfig, planDocs, type PlannerKind } from '../plan/choose-planner.ts';

/** `fetchwright plan`'s options, as commander parses them (agent/cli/command-table.ts). */
export interface PlanOptions {
  json?: boolean;
  out?: string;
  verbose?: boolean;
  vendor?: string;
  /** The shapes file a live run wrote (`run --observe`): evidence stronger than the docs. */
  observed?: string;
  planner?: PlannerKind;
  /** The model `--planner llm|auto` asks. */
  model?: string;
  /** `--model-timeout`, seconds. */
  modelTimeout?: number;
}

/** `fetchwright plan <docs>`: prints the plan (a table, or `--json`), and writes it to `--out`. */
export async function run([docs]: string[], opts: PlanOptions, io: Io, { audit, interrupts, env }: Context): Promise<number> {
  checkPlannerConfig({ planner: opts.planner ?? 'heuristic', ...(opts.model ? { modelName: opts.model } : {}), env });
  if (opts.out) {
    checkOutputFile(opts.out);
    checkOutputOutsideDocs(opts.out, docs!);
  }
  const observed = opts.observed ? readObservedShapes(opts.observed) : undefined;
  const { model, documents, observed: overlay } = await ingestWithReport(docs!, { ...(opts.vendor ? { vendor: opts.vendor } : {}), ...(observed ? { observed } : {}), onProgress: (line) => io.stderr.write(`${line}\n`) });
  audit.record('ingest', 'ok', { docs_sha256: model.docs_sha256, ...(observed ? { observed_sha256: observed.sha256 } : {}) }, { docs, operations: model.operations.length, ...(observed ? { observed: opts.observed, observed_at: observed.shapes.observed_at, observed_operations: overlay?.applied.length ?? 0 } : {}) });
  for (const note of observedNotes(overlay)) io.stderr.write(`${note}\n`);
  const { plan } = await planDocs(model, { planner: opts.planner ?? 'heuristic', ...(opts.model ? { modelName: opts.model } : {}), ...(opts.modelTimeout ? { timeoutSeconds: opts.modelTimeout } : {}), env, audit, onNote: (line) => io.stderr.write(`${line}\n`) });
  audit.record('plan', 'ok', { api_model_sha256: plan.api_model_sha256, plan_sha256: hashJson(plan) }, { planner: plan.planner.kind, streams: plan.streams.map((s) => s.name), verdict: plan.assessment.verdict });
  const json = `${JSON.stringify(plan, null, 2)}\n`;
  if (opts.out) {
    await writeFileAtomic(opts.out, json);
    interrupts.describe = () => `the plan was written whole to ${opts.out}`;
  }
  io.stdout.write(opts.json ? json : renderPlan(plan, { verbose: !!opts.verbose, documents }));
  if (!opts.out) interrupts.describe = () => 'the plan was printed in full; nothing was written';
  if (opts.out) io.stderr.write(`plan written to ${opts.out}\n`);
  return EXIT.ok;
}
