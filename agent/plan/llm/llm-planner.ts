import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { zodFunction } from 'openai/helpers/zod';
import type { ApiModel } from '../../ingest/api-model.ts';
import { READ_ONLY_REQUEST_POLICY, type RequestPolicy } from '../../../policy/request-policy.ts';
import type { ConnectorPlan } from '../connector-plan.ts';
import { PlanDecision } from './decision.ts';
import { chatTurn, type ModelClient } from './model-client.ts';
import { planFromDecision } from './plan-from-decision.ts';
import { PROMPT_SHA256, SYSTEM_PROMPT, taskMessage } from './prompt.ts';
import { estimateTokens, TokenBudget, type TokenTotals } from './token-budget.ts';
import { Redactor } from '../../audit/redact.ts';
import { dispatchTool, toolDefinitions } from './tools.ts';

/**
 * The model-driven planning loop (issue 13): the model reads the docs only through fetchwright's
 * read-only tools (tools.ts, answered from the ApiModel) and answers with `submit_plan`, a
 * `PlanDecision`; every decision passes the gates (decision.ts, plan-from-decision.ts) and a
 * rejected one goes back to the model with the reasons. Bounded: at most `maxRounds` turns and
 * the token budget per vendor. Each round is reported (`onRound`: tools called, tokens, decisions
 * accepted or rejected and why) for the audit log.
 *
 * Throws ModelError for what the endpoint does (its kinds: timeout, rate limit, server error, a
 * refusal, a malformed answer, a secret about to be sent…) and `LlmPlanError` when the model gave
 * no acceptable plan within the rounds or the budget; the caller falls back to the heuristic plan
 * or stops, and says which.
 */

export const SUBMIT_PLAN = 'submit_plan';
/** Tokens a vendor's conversation may cost by default (prompt + completion). */
export const DEFAULT_TOKEN_BUDGET = 60_000;
/** Tool calls run in one turn; more are answered with an error. */
export const MAX_TOOL_CALLS_PER_TURN = 16;

export interface RoundRecord {
  round: number;
  tools: string[];
  prompt_tokens: number;
  completion_tokens: number;
  /** Decisions submitted this round and what became of them. */
  decisions: { accepted: boolean; reasons: string[] }[];
}

export interface LlmPlanResult {
  plan: ConnectorPlan;
  tokens: TokenTotals;
  rounds: number;
}

/** The model gave no plan fetchwright can accept: out of rounds or tokens, with the last reasons. */
export class LlmPlanError extends Error {
  readonly kind: 'rounds-exhausted' | 'budget-exhausted';
  readonly tokens: TokenTotals;
  constructor(kind: LlmPlanError['kind'], message: string, tokens: TokenTotals) {
    super(message);
    this.name = 'LlmPlanError';
    this.kind = kind;
    this.tokens = tokens;
  }
}

export interface LlmPlanOptions {
  client: ModelClient;
  /** At most this many model turns (default 12). */
  maxRounds?: number;
  /** Prompt + completion tokens for the vendor (default 60,000). */
  tokenBudget?: number;
  /** More values never to send (GITHUB_TOKEN, credentials, the synthetic placeholder). */
  secrets?: readonly string[];
  policy?: RequestPolicy;
  onRound?: (round: RoundRecord) => void;
}

/** The submit_plan tool: its parameters are the decision's schema, strict. */
function submitTool(): ChatCompletionTool {
  const t = zodFunction({ name: SUBMIT_PLAN, parameters: PlanDecision, description: 'Submit the connector decision: the identity lists (GET operation ids from the tools), their kinds, parents and verbatim evidence, and the security scheme key.' });
  return { type: 'function', function: t.function };
}

/** Runs the loop for `model` (see the module comment). */
export async function planWithModel(model: ApiModel, o: LlmPlanOptions): Promise<LlmPlanResult> {
  const maxRounds = o.maxRounds ?? 12;
  const budget = new TokenBudget(model.vendor, { totalTokens: o.tokenBudget ?? DEFAULT_TOKEN_BUDGET });
  const tools: ChatCompletionTool[] = [...toolDefinitions(), submitTool()];
  const gets = model.operations.filter((op) => op.method === 'get').length;
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: taskMessage(model.title, model.operations.length, gets) },
  ];
  const who = { model: o.client.model, prompt_sha256: PROMPT_SHA256 };
  let lastReasons: string[] = [];
  // The tools read a copy of the docs with every secret of the run blanked: an excerpt never carries a piece of one.
  const visible = o.secrets?.length ? new Redactor([...o.secrets]).value(model) : model;
  let sentTokens = 0;
  for (let round = 1; round <= maxRounds; round++) {
    // What is about to be sent counts, whatever the endpoint reports: the budget holds against a server that says 0.
    const next = estimateTokens(JSON.stringify(messages));
    if (sentTokens + next > (o.tokenBudget ?? DEFAULT_TOKEN_BUDGET)) throw new LlmPlanError('budget-exhausted', `the next request would pass the token budget (${sentTokens + next} tokens sent, by characters / 4) without a plan fetchwright accepts${lastReasons.length ? `; last reasons: ${lastReasons.slice(0, 3).join('; ')}` : ''}`, budget.totals());
    sentTokens += next;
    if (budget.exceeded()) throw new LlmPlanError('budget-exhausted', `the model used its token budget (${budget.totals().total_tokens} tokens) without a plan fetchwright accepts${lastReasons.length ? `; last reasons: ${lastReasons.slice(0, 3).join('; ')}` : ''}`, budget.totals());
    const turn = await chatTurn(o.client, { messages, tools, ...(o.secrets ? { secrets: o.secrets } : {}) });
    budget.record(turn.usage);
    messages.push(turn.message as ChatCompletionMessageParam);
    const record: RoundRecord = { round, tools: [], prompt_tokens: turn.usage.prompt_tokens, completion_tokens: turn.usage.completion_tokens, decisions: [] };
    if (!turn.toolCalls.length) {
      messages.push({ role: 'user', content: `Answer with tool calls: read the docs with the tools and call ${SUBMIT_PLAN} with your decision.` });
      o.onRound?.(record);
      continue;
    }
    let accepted: ConnectorPlan | undefined;
    for (const [n, call] of turn.toolCalls.entries()) {
      record.tools.push(call.name);
      let content: string;
      if (n >= MAX_TOOL_CALLS_PER_TURN) {
        content = JSON.stringify({ error: `at most ${MAX_TOOL_CALLS_PER_TURN} tool calls a turn: this one was not run` });
      } else if (call.name === SUBMIT_PLAN) {
        const parsed = PlanDecision.safeParse(call.arguments);
        if (!parsed.success) {
          lastReasons = parsed.error.issues.slice(0, 8).map((i) => `${i.path.join('.') || 'decision'}: ${i.message}`);
        } else {
          const outcome = planFromDecision(model, parsed.data, who, o.policy ?? READ_ONLY_REQUEST_POLICY);
          if ('plan' in outcome) accepted = outcome.plan;
          else lastReasons = outcome.rejections.slice(0, 12).map((r) => `${r.at}: ${r.reason}`);
        }
        record.decisions.push({ accepted: !!accepted, reasons: accepted ? [] : lastReasons });
        content = accepted ? JSON.stringify({ accepted: true, streams: accepted.streams.map((s) => s.name) }) : JSON.stringify({ accepted: false, reasons: lastReasons });
      } else {
        const result = dispatchTool(visible, call.name, JSON.stringify(call.arguments));
        content = result.ok ? result.content : JSON.stringify({ error: result.error });
      }
      messages.push({ role: 'tool', tool_call_id: call.id, content });
    }
    o.onRound?.(record);
    if (accepted) return { plan: accepted, tokens: budget.totals(), rounds: round };
  }
  throw new LlmPlanError('rounds-exhausted', `the model gave no plan fetchwright accepts in ${maxRounds} rounds${lastReasons.length ? `; last reasons: ${lastReasons.slice(0, 3).join('; ')}` : ''}`, budget.totals());
}

