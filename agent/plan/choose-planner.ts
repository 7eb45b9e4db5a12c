import type { AuditLog } from '../audit/audit-log.ts';
import { secretsFromEnv } from '../audit/redact.ts';
import { SecretScrubber } from '../../sandbox/secret-scrubber.ts';
import { SchemaView } from '../docs-view/schema-view.ts';
import { FetchwrightError } from '../errors.ts';
import type { ApiModel } from '../ingest/api-model.ts';
import type { Finding } from '../validate/finding.ts';
import type { ConnectorPlan, PlannerRecord } from './connector-plan.ts';
import { planHeuristically } from './heuristic-planner.ts';
import { doubtsOf } from './llm/doubts.ts';
import { isModelError } from './llm/model-error.ts';
import { createModelClient, type ModelClient } from './llm/model-client.ts';
import { DEFAULT_TOKEN_BUDGET, LlmPlanError, planWithModel, reviewWithModel, type RoundRecord } from './llm/llm-planner.ts';
import { skippedOperations, type PlanBasis } from './llm/plan-from-review.ts';
import { PROMPT_SHA256 } from './llm/prompt.ts';
import { selectStreams } from './select-streams.ts';

/**
 * Which planner plans the docs (`--planner heuristic|llm|auto`, issue 13).
 *
 * - `heuristic`: the embedded planner, no network.
 * - `llm`: a model decides the streams from the start, through read-only tools.
 * - `auto`: the heuristic plan first; a model is asked only where the heuristics doubted
 *   (llm/doubts.ts: streams chosen with low confidence, identity-named GETs left out for what could
 *   not be read) and reviews just those; no doubt, no question.
 *
 * With `llm` and `auto`, a failed proof can be handed back (`Planned.repair`): the model reads the
 * proof's findings and reviews the plan once more (add, drop or replace streams); the caller proves
 * the repaired plan again. The model is asked through the `openai` SDK at OPENAI_BASE_URL (OpenAI's
 * API when unset; any OpenAI-compatible server: Ollama, vLLM, llama.cpp's) with OPENAI_API_KEY and
 * `--model`. What the endpoint or the model does wrong — a timeout, 429 or 5xx after retries, a
 * refusal, a malformed answer, no acceptable submission within the rounds or the token budget (one
 * budget per vendor, shared by the planning and the repair), a secret about to be sent — ends in the
 * heuristic plan (or the unrepaired one), said on stderr, in the audit log and in the plan
 * (`planner.fallback`, which the change record carries). A missing key or model is a usage error
 * (exit 2): nothing is asked.
 */

export type PlannerKind = 'heuristic' | 'llm' | 'auto';

export interface PlannerRequest {
  planner: PlannerKind;
  /** `--model`. */
  modelName?: string;
  env: NodeJS.ProcessEnv;
  audit: AuditLog;
  onNote: (line: string) => void;
  skip?: ReadonlySet<string>;
  /** A fetch for the model client (tests). */
  fetch?: typeof fetch;
  /** `--model-timeout`: how long one request may wait for the model, in seconds (default 120); the SDK retries 3 times. */
  timeoutSeconds?: number;
}

/** How long one request waits for the model by default, in seconds (a silent endpoint costs 4 × this: the request and 3 retries). */
export const DEFAULT_MODEL_TIMEOUT_S = 120;

export interface Planned {
  plan: ConnectorPlan;
  /**
   * Present when a model planned or reviewed the plan (`llm`, `auto`): after a failed proof, asks it to
   * repair the plan from the proof's `findings`. `secrets`: more values never to send (the proof's
   * synthetic credentials). Resolves to the repaired plan, or undefined when the model gave none (said).
   */
  repair?: (findings: Finding[], secrets: readonly string[]) => Promise<ConnectorPlan | undefined>;
}

/** A model's conversations for one vendor: one client, one token budget. */
class ModelSession {
  readonly client: ModelClient;
  readonly secrets: string[];
  private readonly r: PlannerRequest;
  used = { prompt: 0, completion: 0, rounds: 0 };
  /** The vendor's budget spent: reported tokens, or what was sent by fetchwright's own count when that is more. */
  private spent = 0;
  /** Every secret of the run in every encoding (verbatim, percent-, base64-, hex-…): blanked in what is said and kept. */
  private scrubber: SecretScrubber;

  constructor(client: ModelClient, r: PlannerRequest) {
    this.client = client;
    this.r = r;
    this.secrets = secretsFromEnv(r.env);
    this.scrubber = new SecretScrubber(this.secrets);
  }

  /** What is left of the vendor's budget. */
  remaining(): number {
    return DEFAULT_TOKEN_BUDGET - this.spent;
  }

  options(extraSecrets: readonly string[] = []) {
    return {
      client: this.client,
      tokenBudget: this.remaining(),
      secrets: [...this.secrets, ...extraSecrets],
      onRound: (round: RoundRecord) => this.r.audit.record('llm-round', round.decisions.some((d) => d.accepted) || !round.decisions.length ? 'ok' : 'fail', {}, { round: round.round, tools: round.tools, prompt_tokens: round.prompt_tokens, completion_tokens: round.completion_tokens, decisions: round.decisions.map((d) => ({ accepted: d.accepted, reasons: d.reasons.slice(0, 5) })) }),
    };
  }

  count(tokens: { prompt_tokens: number; completion_tokens: number; sent_tokens?: number }, rounds: number): PlannerRecord['tokens'] {
    this.spent += Math.max(tokens.prompt_tokens, tokens.sent_tokens ?? 0) + tokens.completion_tokens;
    this.used = { prompt: this.used.prompt + tokens.prompt_tokens, completion: this.used.completion + tokens.completion_tokens, rounds: this.used.rounds + rounds };
    return { ...this.used };
  }

  /** The failure as one bounded line (a model's or a server's words never make lines of their own), said and audited. */
  failed(e: unknown, what: 'plan' | 'review' | 'repair', extraSecrets: readonly string[] = []): string {
    if (extraSecrets.length) this.scrubber = new SecretScrubber([...this.secrets, ...extraSecrets]);
    if (!isModelError(e) && !(e instanceof LlmPlanError)) throw e;
    if (isModelError(e) && e.kind === 'model-not-configured') throw new FetchwrightError('usage', e.message, { hint: e.hint });
    // The reasons a model's submission was refused can quote what it sent: blanked of every secret before they are said or kept.
    const why = this.scrubber.scrub(`${e.kind}: ${e.message}`).replace(/\s+/g, ' ').slice(0, 300);
    if (e instanceof LlmPlanError) this.count(e.tokens, 0);
    this.r.onNote(`the model planner gave no ${what} (${why}); ${what === 'plan' ? 'planned heuristically instead' : what === 'review' ? 'the heuristic plan stands' : 'the plan stays as it was'}`);
    this.r.audit.record('llm-fallback', 'fail', {}, { reason: why.slice(0, 500), during: what });
    return why;
  }
}

/**
 * Throws FetchwrightError `usage` (exit 2) when a model planner lacks what it needs — OPENAI_API_KEY
 * or `--model` — before any work; nothing for `heuristic`.
 */
export function checkPlannerConfig(r: Pick<PlannerRequest, 'planner' | 'modelName' | 'env'>): void {
  if (r.planner === 'heuristic') return;
  const base = r.env.OPENAI_BASE_URL;
  if (base) {
    let url: URL | undefined;
    try {
      url = new URL(base);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol)) throw new FetchwrightError('usage', 'OPENAI_BASE_URL is not an http:// or https:// URL', { hint: 'set it to the API root of an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 for Ollama, or unset it for OpenAI\'s' });
  }
  if (!r.env.OPENAI_API_KEY) throw new FetchwrightError('usage', `--planner ${r.planner} needs OPENAI_API_KEY (a local OpenAI-compatible server accepts any value)`, { hint: "export OPENAI_API_KEY=… (and OPENAI_BASE_URL for a server other than OpenAI's), or use --planner heuristic" });
  if (!r.modelName) throw new FetchwrightError('usage', `--planner ${r.planner} needs --model NAME: a model the endpoint serves`, { hint: 'e.g. --model gpt-4.1 for OpenAI, --model llama3.1 for a local Ollama' });
}

function modelClientFor(r: PlannerRequest): ModelClient {
  checkPlannerConfig(r);
  return createModelClient({
    apiKey: r.env.OPENAI_API_KEY!,
    ...(r.env.OPENAI_BASE_URL ? { baseURL: r.env.OPENAI_BASE_URL } : {}),
    model: r.modelName!,
    timeoutMs: (r.timeoutSeconds ?? DEFAULT_MODEL_TIMEOUT_S) * 1000,
    maxRetries: 3,
    secrets: secretsFromEnv(r.env),
    ...(r.fetch ? { fetch: r.fetch } : {}),
  });
}

/** The heuristic plan and the selection it was made from, for a review to start from. */
function heuristicBasis(model: ApiModel, skip: ReadonlySet<string> | undefined): PlanBasis {
  const plan = planHeuristically(model, skip ? { skip } : {});
  return { plan, selection: selectStreams(model, new SchemaView(model)), linkStreams: true, ...(skip ? { skip } : {}) };
}

/** The tokens a session spent, for a plan whose model gave nothing (the cost is still recorded); none when nothing was counted. */
function spentTokens(session: ModelSession): { tokens?: NonNullable<PlannerRecord['tokens']> } {
  return session.used.prompt || session.used.completion || session.used.rounds ? { tokens: { ...session.used } } : {};
}

/** Plans `model` with the planner `r` names (see the module comment). Throws FetchwrightError `usage` for a missing key or model. */
export async function planDocs(model: ApiModel, r: PlannerRequest): Promise<Planned> {
  if (r.planner === 'heuristic') {
    if (r.modelName) r.onNote(`note: --model ${r.modelName} is for --planner llm or auto; the heuristic planner asks no model`);
    return { plan: planHeuristically(model, r.skip ? { skip: r.skip } : {}) };
  }
  const session = new ModelSession(modelClientFor(r), r);
  r.onNote(`asking ${session.client.model} at ${session.client.endpoint} (each request waits up to ${r.timeoutSeconds ?? DEFAULT_MODEL_TIMEOUT_S} s, retried 3 times)`);
  const who = { model: session.client.model, prompt_sha256: PROMPT_SHA256 };
  const said = (rounds: number, what: string) => r.onNote(`${what} by ${session.client.model} at ${session.client.endpoint} in ${rounds} rounds (${session.used.prompt} prompt + ${session.used.completion} completion tokens)`);
  let basis: PlanBasis;
  if (r.planner === 'llm') {
    try {
      // The heuristic plan: skip_streams name its streams (their operations are never decided, under any name), and what it reads that the model left out is said.
      const reference = planHeuristically(model, r.skip ? { skip: r.skip } : {});
      const skipped = r.skip?.size ? skippedOperations({ plan: reference, skip: r.skip }) : undefined;
      const result = await planWithModel(model, { ...session.options(), ...(skipped ? { skipped } : {}) });
      const unread = reference.streams.filter((s) => !s.link && !s.container && !result.plan.streams.some((m) => m.operation_id === s.operation_id));
      const notes = unread.slice(0, 30).map((s) => `not read by the model, though the heuristics read it: ${s.name} (GET ${s.path}) as ${s.kind}`);
      if (notes.length) {
        result.plan.planner = { ...result.plan.planner, changes: notes };
        r.onNote(`the model left out ${unread.length} list${unread.length === 1 ? '' : 's'} the heuristics read (plan.planner.changes names them): ${unread.slice(0, 5).map((s) => s.name).join(', ')}${unread.length > 5 ? ', …' : ''}`);
      }
      result.plan.planner = { ...result.plan.planner, tokens: session.count(result.tokens, result.rounds) };
      said(result.rounds, 'planned');
      basis = result.basis;
    } catch (e) {
      const why = session.failed(e, 'plan');
      const plan = planHeuristically(model, r.skip ? { skip: r.skip } : {});
      plan.planner = { kind: 'heuristic', model: session.client.model, fallback: why.slice(0, 500), ...spentTokens(session) };
      return { plan };
    }
  } else {
    basis = heuristicBasis(model, r.skip);
    const doubts = doubtsOf(basis.plan);
    const planner: PlannerRecord = { kind: 'auto', ...who };
    if (!doubts.length) {
      r.onNote(`auto: the heuristic plan has no doubtful decision; ${session.client.model} was not asked (it is, should the proof fail)`);
      basis.plan.planner = planner;
    } else {
      r.onNote(`auto: the heuristics doubted ${doubts.length} decision${doubts.length === 1 ? '' : 's'}; asking ${session.client.model} to review them`);
      try {
        const result = await reviewWithModel(model, { basis, doubts, planner }, session.options());
        result.plan.planner = { ...planner, tokens: session.count(result.tokens, result.rounds), changes: result.changes.slice(0, 60) };
        said(result.rounds, `reviewed (${result.changes.length ? result.changes.length + ' change' + (result.changes.length === 1 ? '' : 's') : 'no change'})`);
        r.audit.record('llm-review', 'ok', {}, { doubts: doubts.length, changes: result.changes.slice(0, 20) });
        basis = result.basis;
      } catch (e) {
        const why = session.failed(e, 'review');
        basis.plan.planner = { kind: 'heuristic', model: session.client.model, fallback: why.slice(0, 500), ...spentTokens(session) };
        return { plan: basis.plan };
      }
    }
  }
  let current = basis;
  let repaired = false;
  return {
    plan: current.plan,
    repair: async (findings, secrets) => {
      if (repaired) return undefined;
      repaired = true;
      if (session.remaining() < 2_000) {
        r.onNote(`the proof failed and the model's token budget is spent (${DEFAULT_TOKEN_BUDGET - session.remaining()} of ${DEFAULT_TOKEN_BUDGET}): no repair asked`);
        return undefined;
      }
      r.onNote(`the proof failed: asking ${session.client.model} to repair the plan from its findings`);
      const before = current.plan.planner;
      try {
        const result = await reviewWithModel(model, { basis: current, findings, planner: before }, session.options(secrets));
        if (!result.changes.length) {
          r.onNote('the model changed nothing in the failing plan: no repair');
          session.count(result.tokens, result.rounds);
          return undefined;
        }
        result.plan.planner = { ...before, tokens: session.count(result.tokens, result.rounds), changes: [...(before.changes ?? []), ...result.changes.map((c) => `repair after a failed proof: ${c}`)].slice(0, 60) };
        said(result.rounds, `repaired (${result.changes.length} change${result.changes.length === 1 ? '' : 's'})`);
        r.audit.record('llm-repair', 'ok', {}, { findings: findings.filter((f) => f.level === 'error').slice(0, 10).map((f) => ({ id: f.id, stream: f.stream })), changes: result.changes.slice(0, 20) });
        current = result.basis;
        return result.plan;
      } catch (e) {
        session.failed(e, 'repair', secrets);
        return undefined;
      }
    },
  };
}
