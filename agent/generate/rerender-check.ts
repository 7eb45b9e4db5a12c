import { hashJson, sha256 } from '../hash.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { buildManifest, type Manifest } from '../render/manifest.ts';
import { renderFetcher, type RenderedFetcher } from '../render/render-fetcher.ts';
import { slotsFromPlan } from '../render/slots-from-plan.ts';
import { sliceModel } from '../validate/model-slice.ts';
import { planSha256 } from '../validate/run-validation.ts';
import type { ConnectorOnDisk } from './connector-dir.ts';

/**
 * "Only proved template code is signed" (design.md, security invariant 7): the one place that
 * re-renders a connector's fetcher.ts from its plan.json with this fetchwright's approved templates
 * and says whether the file on disk is exactly that, byte for byte. `run`, `validate`, `pr` and
 * `verify` all judge by it, each refusing in its own words (and exit code).
 *
 * Re-rendering is what makes a hash meaningful: a scorecard's or change record's sha256 can be
 * recomputed by anyone who edits a file, the render of a plan by the approved templates cannot be
 * made to hold code of their choosing.
 */

/**
 * The fetcher.ts the approved templates render from `plan`, with the provenance header `generate`
 * writes (the plan's sha256, its docs' and ApiModel's). Throws FetchwrightError `invalid-slot`
 * (exit 11) when the plan asks for what no template can express (agent/render/render-fetcher.ts).
 */
export function renderFromPlan(plan: ConnectorPlan): RenderedFetcher {
  return renderFetcher(slotsFromPlan(plan), { vendor: plan.vendor, plan_sha256: planSha256(plan), docs_sha256: plan.docs_sha256, api_model_sha256: plan.api_model_sha256 });
}

/**
 * Why `fetcher` is not what the approved templates render from `plan` — a clause to follow
 * "fetcher.ts " — or undefined when it is exactly that. Names the first line that differs (1-based),
 * so a person sees whether the provenance header (another plan) or the code differs. Never throws:
 * a plan no template can express is a reason too.
 */
export function renderDifference(plan: ConnectorPlan, fetcher: string): string | undefined {
  let rendered: string;
  try {
    rendered = renderFromPlan(plan).source;
  } catch (e) {
    return `cannot be what the approved templates render: plan.json asks for what no template can express (${(e as Error).message})`;
  }
  if (rendered === fetcher) return undefined;
  const want = rendered.split('\n');
  const have = fetcher.split('\n');
  let line = 0;
  while (line < want.length && want[line] === have[line]) line++;
  return `is not what this fetchwright's approved templates render from plan.json (the first difference is on line ${line + 1})`;
}

/** The manifest.json `generate` writes for `plan` with the approved templates (hosts, methods, credentials to provision). Throws as `renderFromPlan`. */
export function manifestFromPlan(plan: ConnectorPlan): Manifest {
  return buildManifest(plan, renderFromPlan(plan).templates, planSha256(plan));
}

/** A file of a connector folder that is not what its passing proof covered, and why (a clause to follow the file's name). */
export interface UnprovedFile {
  file: 'scorecard.json' | 'fetcher.ts' | 'plan.json' | 'api-model.json';
  problem: string;
  /** `not-template`: fetcher.ts is not the templates' render of plan.json (every hash may agree). */
  kind: 'failing-proof' | 'changed-since-proof' | 'not-template';
}

/**
 * The first file of `c` that is not what a passing proof proved, or undefined when each is: the
 * scorecard passes; fetcher.ts, plan.json and the slice of api-model.json the plan depends on hash
 * to what the scorecard recorded; and fetcher.ts is exactly what the approved templates render from
 * plan.json. Checked in that order. This is consistency with the recorded proof, not authorship:
 * anyone can edit a file and recompute the scorecard's hashes — which is why the re-render is
 * checked too, and why `pr` re-runs the proof itself. Never throws.
 */
export function unprovedFile(c: ConnectorOnDisk): UnprovedFile | undefined {
  if (c.scorecard.verdict !== 'pass') return { file: 'scorecard.json', problem: 'records a failing proof', kind: 'failing-proof' };
  if (c.scorecard.hashes.fetcher_sha256 !== sha256(c.fetcher)) return { file: 'fetcher.ts', problem: 'is not the code a passing proof proved (it was edited since)', kind: 'changed-since-proof' };
  if (c.scorecard.hashes.plan_sha256 !== planSha256(c.plan)) return { file: 'plan.json', problem: 'is not the plan the proof proved (it was edited since)', kind: 'changed-since-proof' };
  if (c.scorecard.hashes.api_model_sha256 !== hashJson(sliceModel(c.model, c.plan))) return { file: 'api-model.json', problem: 'is not the docs the proof read (it was edited since)', kind: 'changed-since-proof' };
  const differs = renderDifference(c.plan, c.fetcher);
  return differs ? { file: 'fetcher.ts', problem: differs, kind: 'not-template' } : undefined;
}
