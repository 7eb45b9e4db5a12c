import type { AuditLog } from '../audit/audit-log.ts';
import { secretsFromEnv } from '../audit/redact.ts';
import { FetchwrightError } from '../errors.ts';
import type { ApiModel } from '../ingest/api-model.ts';
import type { ConnectorPlan } from './connector-plan.ts';
import { planHeuristically } from './heuristic-planner.ts';
import { isModelError } from './llm/model-error.ts';
import { createModelClient } from './llm/model-client.ts';
import { LlmPlanError, planWithModel } from './llm/llm-planner.ts';

/**
 * Which planner plans the docs (`--planner heuristic|llm`). `llm` asks a model through the
 * `openai` SDK at OPENAI_BASE_URL (OpenAI's API when unset; any OpenAI-compatible server: Ollama,
 * vLLM, llama.cpp's) with OPENAI_API_KEY and `--model`; what the endpoint or the model does wrong —
 * a timeout, 429 or 5xx after retries, a refusal, a malformed answer, no acceptable plan within the
 * rounds or tokens, a secret about to be sent — ends in the heuristic plan, said on stderr and in
 * the plan (`planner.fallback`, which the change record carries). A missing key or model is a usage
 * error (exit 2): nothing is asked.
 */

export type PlannerKind = 'heuristic' | 'llm';

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
}

export async function planDocs(model: ApiModel, r: PlannerRequest): Promise<ConnectorPlan> {
  if (r.planner === 'heuristic') return planHeuristically(model, r.skip ? { skip: r.skip } : {});
  const apiKey = r.env.OPENAI_API_KEY ?? '';
  if (!apiKey) throw new FetchwrightError('usage', '--planner llm needs OPENAI_API_KEY (a local OpenAI-compatible server accepts any value)', { hint: 'export OPENAI_API_KEY=… (and OPENAI_BASE_URL for a server other than OpenAI\'s), or use --planner heuristic' });
  if (!r.modelName) throw new FetchwrightError('usage', '--planner llm needs --model NAME: a model the endpoint serves', { hint: 'e.g. --model gpt-4.1 for OpenAI, --model llama3.1 for a local Ollama' });
  const client = createModelClient({
    apiKey,
    ...(r.env.OPENAI_BASE_URL ? { baseURL: r.env.OPENAI_BASE_URL } : {}),
    model: r.modelName,
    timeoutMs: 120_000,
    maxRetries: 3,
    secrets: secretsFromEnv(r.env),
    ...(r.fetch ? { fetch: r.fetch } : {}),
  });
  try {
    const result = await planWithModel(model, {
      client,
      secrets: secretsFromEnv(r.env),
      onRound: (round) => r.audit.record('llm-round', round.decisions.some((d) => d.accepted) || !round.decisions.length ? 'ok' : 'fail', {}, { round: round.round, tools: round.tools, prompt_tokens: round.prompt_tokens, completion_tokens: round.completion_tokens, decisions: round.decisions.map((d) => ({ accepted: d.accepted, reasons: d.reasons.slice(0, 5) })) }),
    });
    if (r.skip?.size) r.onNote('note: skip_streams applies to heuristic plans only; the model decided the streams');
    result.plan.planner = { ...result.plan.planner, tokens: { prompt: result.tokens.prompt_tokens, completion: result.tokens.completion_tokens, rounds: result.rounds } };
    r.onNote(`planned by ${client.model} at ${client.endpoint} in ${result.rounds} rounds (${result.tokens.prompt_tokens} prompt + ${result.tokens.completion_tokens} completion tokens${result.tokens.estimated_turns ? ', estimated' : ''})`);
    return result.plan;
  } catch (e) {
    if (!isModelError(e) && !(e instanceof LlmPlanError)) throw e;
    if (isModelError(e) && e.kind === 'model-not-configured') throw new FetchwrightError('usage', e.message, { hint: e.hint });
    // One line, bounded: a model's or a server's words never make lines of their own on stderr.
    const why = `${e.kind}: ${e.message}`.replace(/\s+/g, ' ').slice(0, 300);
    r.onNote(`the model planner gave no plan (${why}); planned heuristically instead`);
    r.audit.record('llm-fallback', 'fail', {}, { reason: why.slice(0, 500) });
    const plan = planHeuristically(model, r.skip ? { skip: r.skip } : {});
    plan.planner = { kind: 'heuristic', model: client.model, fallback: why.slice(0, 500) };
    return plan;
  }
}
