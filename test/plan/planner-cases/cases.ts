import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as fromYaml } from 'yaml';
import { generateConnector } from '../../../agent/generate/generate-connector.ts';
import type { ApiModel } from '../../../agent/ingest/api-model.ts';
import { ingest } from '../../../agent/ingest/ingest.ts';
import { planHeuristically } from '../../../agent/plan/heuristic-planner.ts';
import { modelOf } from '../../helpers/spec.ts';
import { VENDOR_DOCS } from '../../helpers/vendor-docs.ts';

/**
 * The planner cases (shared/planner-cases, never edited): a case file as it is, or as a variant
 * built in code from its parsed YAML (other names for the same class), planned and proved.
 */

export const PLANNER_CASES = path.resolve(VENDOR_DOCS, '../planner-cases');

export const caseFile = (name: string) => path.join(PLANNER_CASES, name);

/** The case file parsed, to build a variant from (a fresh copy each call). */
export function caseSpec(name: string): Record<string, any> {
  return fromYaml(readFileSync(caseFile(name), 'utf8')) as Record<string, any>;
}

/** The model of a case file, or of a variant spec. */
export function modelOfCase(spec: string | object): Promise<ApiModel> {
  return typeof spec === 'string' ? ingest(caseFile(spec)) : modelOf(spec, { format: 'yaml' });
}

/** Plans a model and generates from it, the proof included (forced past the assessment: a case file is thin docs on purpose). */
export async function planAndProve(model: ApiModel) {
  const plan = planHeuristically(model);
  const result = await generateConnector(model, plan, { seed: 1, maxAttempts: 3, force: true });
  return { plan, result };
}
