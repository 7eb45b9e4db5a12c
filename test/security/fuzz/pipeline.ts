import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dump as toYaml, load as loadYaml } from 'js-yaml';
import { renderPlan } from '../../../agent/cli/render-plan.ts';
import { isFetchwrightError } from '../../../agent/errors.ts';
import { hashJson } from '../../../agent/hash.ts';
import { ingestWithReport } from '../../../agent/ingest/ingest.ts';
import { planHeuristically } from '../../../agent/plan/heuristic-planner.ts';
import { buildManifest } from '../../../agent/render/manifest.ts';
import { renderFetcher } from '../../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../../agent/render/slots-from-plan.ts';
import { validateConnector } from '../../../agent/validate/run-validation.ts';
import { vendorDoc } from '../../helpers/vendor-docs.ts';
import { applyMutations, toJsonText, type ConcreteMutation, type Mutation } from './mutations.ts';

/**
 * One fuzz case through fetchwright, in process: the mutated spec is written to a folder, ingested,
 * planned, shown as `plan` shows it, rendered into a fetcher and a manifest as `generate --force` does,
 * and (when asked) proved in the sandbox. The property every case must hold: whatever the docs are,
 * each stage either works or throws a FetchwrightError whose exit code is not 1 (internal) and whose
 * message is one line (but for `several-apis`, a list by design); `evidence-not-in-docs` (a planner bug
 * by its own description) counts as internal.
 */

/** The real, small descriptions the fuzz mutates (shared/vendor-docs, never edited). */
export const FUZZ_SPECS = {
  jupyterhub: 'jupyterhub/jupyterhub-3.0.0-rest-api.yml',
  snowflake: 'snowflake.yaml',
  netlify: 'netlify.yaml',
} as const;

export type SpecName = keyof typeof FUZZ_SPECS;

export interface FuzzCase {
  spec: SpecName;
  /** How the mutated spec is written (deeply nested ones are always written as JSON). */
  format: 'json' | 'yaml';
  mutations: (Mutation | ConcreteMutation)[];
  /** Docs given as a folder holding the mutated spec and the unmutated one beside it (two roots: one API or several). */
  folder?: boolean;
}

export type Stage = 'write' | 'ingest' | 'plan' | 'show' | 'render' | 'proof';

export type Outcome =
  | { kind: 'ok'; stages: Stage[] }
  | { kind: 'refused'; stage: Stage; code: string; exit: number }
  | { kind: 'internal'; stage: Stage; error: string };

const parsed = new Map<SpecName, unknown>();

/** The parsed real spec (parsed once per process). */
export function baseSpec(name: SpecName): unknown {
  let doc = parsed.get(name);
  if (!doc) {
    doc = loadYaml(readFileSync(vendorDoc(FUZZ_SPECS[name]), 'utf8'));
    parsed.set(name, doc);
  }
  return doc;
}

/** The text of the mutated document in the case's format; JSON for nesting mutations and whenever YAML cannot say it. */
function serialise(doc: unknown, c: FuzzCase, applied: ConcreteMutation[]): { name: string; text: string } {
  if (c.format === 'yaml' && !applied.some((m) => m.kind === 'nest' || m.kind === 'refChain')) {
    try {
      return { name: 'api.yaml', text: toYaml(doc, { noRefs: true, lineWidth: -1 }) };
    } catch {
      // fall through to JSON
    }
  }
  return { name: 'api.json', text: toJsonText(doc) };
}

/** What a thrown value says, in one line (the first line of its stack for a non-FetchwrightError). */
function described(e: unknown): string {
  if (e instanceof Error) {
    const where = (e.stack ?? '').split('\n').find((l) => /^\s+at /.test(l))?.trim() ?? '';
    return `${e.name}: ${e.message.slice(0, 300)}${where ? ` (${where})` : ''}`;
  }
  return String(e).slice(0, 300);
}

/** Errors whose message is a list by design, one line per item (`several-apis`: one line per API found). */
const LIST_MESSAGES = new Set<string>(['several-apis']);

/** Judges a thrown value: an expected refusal, or an internal error. */
function judge(stage: Stage, e: unknown): Outcome {
  if (isFetchwrightError(e) && e.exitCode !== 1 && e.code !== 'evidence-not-in-docs' && (LIST_MESSAGES.has(e.code) || !/[\r\n]/.test(e.message))) {
    return { kind: 'refused', stage, code: e.code, exit: e.exitCode };
  }
  if (isFetchwrightError(e)) return { kind: 'internal', stage, error: `FetchwrightError ${e.code} (exit ${e.exitCode}): ${JSON.stringify(e.message.slice(0, 300))}` };
  return { kind: 'internal', stage, error: described(e) };
}

/**
 * Runs one case in `dir` (emptied first). Returns the outcome and the mutations as applied (targets
 * resolved to pointers: a replayable case). Never throws: an internal error is an outcome.
 */
export async function runCase(c: FuzzCase, dir: string, options: { proof?: boolean } = {}): Promise<{ outcome: Outcome; applied: ConcreteMutation[] }> {
  const { doc, applied } = applyMutations(baseSpec(c.spec), c.mutations as Mutation[]);
  const stages: Stage[] = [];
  let stage: Stage = 'write';
  try {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const { name, text } = serialise(doc, c, applied);
    const file = path.join(dir, name);
    await writeFile(file, text);
    if (c.folder) await writeFile(path.join(dir, 'original.json'), JSON.stringify(baseSpec(c.spec)));
    stages.push(stage);
    stage = 'ingest';
    const { model, documents } = await ingestWithReport(c.folder ? dir : file);
    stages.push(stage);
    stage = 'plan';
    const plan = planHeuristically(model);
    JSON.stringify(plan);
    const planSha = hashJson(plan);
    stages.push(stage);
    stage = 'show';
    renderPlan(plan, { verbose: true, documents });
    stages.push(stage);
    stage = 'render';
    const rendered = renderFetcher(slotsFromPlan(plan), { vendor: plan.vendor, plan_sha256: planSha, docs_sha256: plan.docs_sha256, api_model_sha256: plan.api_model_sha256 });
    buildManifest(plan, rendered.templates, planSha);
    stages.push(stage);
    if (options.proof) {
      stage = 'proof';
      await validateConnector({ model, plan, fetcherSource: rendered.source, seed: 1 });
      stages.push(stage);
    }
    return { outcome: { kind: 'ok', stages }, applied };
  } catch (e) {
    return { outcome: judge(stage, e), applied };
  }
}

/** A case as one line for a report, strings over 120 characters shortened (`<2000 × "A">` and the like). */
export function caseLabel(c: FuzzCase): string {
  return JSON.stringify(c, (_k, v: unknown) => (typeof v === 'string' && v.length > 120 ? `<${v.length} chars: ${JSON.stringify(v.slice(0, 20))}…>` : v));
}
