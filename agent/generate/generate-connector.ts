import { FetchwrightError } from '../errors.ts';
import { hashJson } from '../hash.ts';
import type { ApiModel } from '../ingest/api-model.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { buildManifest, type Manifest } from '../render/manifest.ts';
import { renderFetcher } from '../render/render-fetcher.ts';
import { slotsFromPlan } from '../render/slots-from-plan.ts';
import { sliceModel } from '../validate/model-slice.ts';
import { validateConnector } from '../validate/run-validation.ts';
import type { Finding } from '../validate/finding.ts';
import { renderFinding } from '../validate/findings-text.ts';
import { terminalSafe } from '../cli/text-layout.ts';
import type { Scorecard } from '../validate/scorecard.ts';
import { nextHypothesis } from './next-hypothesis.ts';
import { syntheticCredentials } from '../../synthetic-data/mock-api/read-auth.ts';

/** The proof's synthetic credentials, as sent and (for HTTP Basic) the secret inside: never for a model to read. */
function proofSecrets(model: ApiModel, seed: number): string[] {
  return Object.values(syntheticCredentials(model, seed)).flatMap((c) => {
    const inner = Buffer.from(c.value, 'base64').toString('utf8');
    return inner.startsWith('fw-synthetic-user:') ? [c.value, inner.slice(inner.indexOf(':') + 1)] : [c.value];
  });
}

/**
 * plan → render → prove in the sandbox → (on failure, the next-best hypothesis, a bounded number of
 * times). Returns everything the connector directory holds; writing it is the command's job.
 */

export interface Attempt {
  attempt: number;
  changes: string[];
  verdict: Scorecard['verdict'];
  /** The proof's error-level findings (none when it passed). */
  findings: Finding[];
  scorecard_sha256: string;
}

export interface GeneratedConnector {
  plan: ConnectorPlan;
  fetcher: string;
  manifest: Manifest;
  scorecard: Scorecard;
  attempts: Attempt[];
  /** The part of the ApiModel the connector depends on. */
  model: ApiModel;
}

export interface GenerateOptions {
  seed: number;
  maxAttempts: number;
  force: boolean;
  onLog?: (line: string) => void;
  onAttempt?: (attempt: Attempt) => void;
  /**
   * After the last attempt failed, once: a model's repair of the plan from the proof's findings
   * (`Planned.repair`, agent/plan/choose-planner.ts), given the proof's synthetic credentials as
   * secrets never to send. The repaired plan is proved in one more attempt.
   */
  repair?: (findings: Finding[], secrets: readonly string[]) => Promise<ConnectorPlan | undefined>;
}

export async function generateConnector(model: ApiModel, firstPlan: ConnectorPlan, options: GenerateOptions): Promise<GeneratedConnector> {
  if (firstPlan.assessment.verdict === 'manual-build-recommended' && !options.force) {
    throw new FetchwrightError('manual-build-recommended', terminalSafe(`the docs are not good enough to generate ${firstPlan.vendor} from (${firstPlan.assessment.score}/100): ${firstPlan.assessment.reasons.join('; ')}`), {
      hint: 'Build this connector by hand, or pass --force to generate anyway; the pull request will say it was forced.',
    });
  }
  const attempts: Attempt[] = [];
  let plan = firstPlan;
  let changes: string[] = [];
  let repairAsked = false;
  for (let attempt = 1; ; attempt++) {
    const planSha = hashJson(plan);
    const rendered = renderFetcher(slotsFromPlan(plan), { vendor: plan.vendor, plan_sha256: planSha, docs_sha256: plan.docs_sha256, api_model_sha256: plan.api_model_sha256 });
    // The changes name docs-derived values: one line, whatever they hold.
    options.onLog?.(terminalSafe(`attempt ${attempt}: proving ${plan.streams.length} stream${plan.streams.length === 1 ? '' : 's'} in the sandbox${changes.length ? ` (${changes.join('; ')})` : ''}`));
    const scorecard = await validateConnector({ model, plan, fetcherSource: rendered.source, seed: options.seed });
    const errors = scorecard.findings.filter((f) => f.level === 'error');
    const record: Attempt = { attempt, changes, verdict: scorecard.verdict, findings: errors, scorecard_sha256: scorecard.hashes.scorecard_sha256 };
    attempts.push(record);
    options.onAttempt?.(record);
    options.onLog?.(terminalSafe(`attempt ${attempt}: ${scorecard.verdict}${errors[0] ? ` — ${renderFinding(errors[0])}` : ''}`));
    let next = scorecard.verdict === 'fail' && attempt < options.maxAttempts ? nextHypothesis(plan, scorecard) : undefined;
    if (!next && scorecard.verdict === 'fail' && options.repair && !repairAsked) {
      repairAsked = true;
      const secrets = proofSecrets(model, options.seed);
      const repaired = await options.repair(scorecard.findings, secrets);
      if (repaired) next = { plan: repaired, changes: (repaired.planner.changes ?? []).filter((c) => c.startsWith('repair after a failed proof: ')).map((c) => `model ${c.slice('repair after a failed proof: '.length)}`) };
    }
    if (!next) {
      return { plan, fetcher: rendered.source, manifest: buildManifest(plan, rendered.templates, planSha), scorecard, attempts, model: sliceModel(model, plan) };
    }
    plan = next.plan;
    changes = next.changes;
  }
}
