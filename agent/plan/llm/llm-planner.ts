import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { zodFunction } from 'openai/helpers/zod';
import type { ApiModel } from '../../ingest/api-model.ts';
import { READ_ONLY_REQUEST_POLICY, type RequestPolicy } from '../../../policy/request-policy.ts';
import type { ConnectorPlan } from '../connector-plan.ts';
import { PlanDecision } from './decision.ts';
import { chatTurn, type ModelClient } from './model-client.ts';
import { planFromDecision } from './plan-from-decision.ts';
import { PROMPT_SHA256, repairTaskMessage, reviewTaskMessage, SYSTEM_PROMPT, taskMessage } from './prompt.ts';
import { planFromReview, type PlanBasis } from './plan-from-review.ts';
import { PlanReview } from './review.ts';
import type { Doubt } from './doubts.ts';
import type { Finding } from '../../validate/finding.ts';
import type { PlannerRecord } from '../connector-plan.ts';
import type { Selection } from '../select-streams.ts';
import type { z } from 'zod';
import { estimateTokens, TokenBudget, type TokenTotals } from './token-budget.ts';
import { Redactor } from '../../audit/redact.ts';
import { SecretScrubber } from '../../../sandbox/secret-scrubber.ts';
import { dispatchTool, toolDefinitions, type ToolContext } from './tools.ts';

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
export const SUBMIT_REVIEW = 'submit_review';
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
  /** What the plan was made from: a review (a repair after a failed proof) starts there. */
  basis: PlanBasis;
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
  /** expand's `skip_streams`, as the operations the heuristic plan left out for them (id → stream name): never decided. */
  skipped?: ReadonlyMap<string, string>;
  onRound?: (round: RoundRecord) => void;
}

/** A submit tool from its zod schema, strict. */
function submitTool(name: string, schema: z.ZodObject, description: string): ChatCompletionTool {
  const t = zodFunction({ name, parameters: schema, description });
  return { type: 'function', function: t.function };
}

/** One conversation: the task, the tool that ends it, and what fetchwright makes of a submission. */
interface Conversation<T> {
  task: string;
  submit: { name: string; schema: z.ZodObject; description: string };
  /** The submission's arguments (already parsed by `submit.schema`) made into the result, or the reasons not. */
  accept: (args: unknown) => { value: T; reply: Record<string, unknown> } | { reasons: string[] };
  context?: ToolContext;
}

/**
 * Runs one conversation (see the module comment): turns until a submission is accepted, the rounds
 * run out (LlmPlanError rounds-exhausted) or the next request would pass the budget
 * (budget-exhausted); ModelError for what the endpoint does.
 */
async function converse<T>(model: ApiModel, o: LlmPlanOptions, c: Conversation<T>): Promise<{ value: T; tokens: TokenTotals; rounds: number }> {
  const maxRounds = o.maxRounds ?? 12;
  const limit = o.tokenBudget ?? DEFAULT_TOKEN_BUDGET;
  const budget = new TokenBudget(model.vendor, { totalTokens: limit });
  const tools: ChatCompletionTool[] = [...toolDefinitions(), submitTool(c.submit.name, c.submit.schema, c.submit.description)];
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: c.task },
  ];
  let lastReasons: string[] = [];
  const last = () => (lastReasons.length ? `; last reasons: ${lastReasons.slice(0, 3).join('; ')}` : '');
  // The tools read a copy of the docs (and of the plan under review) with every secret of the run blanked: an excerpt never carries a piece of one.
  const redactor = o.secrets?.length ? new Redactor([...o.secrets]) : undefined;
  const visible = redactor ? redactor.value(model) : model;
  const context: ToolContext = redactor && c.context ? redactor.value(c.context) : (c.context ?? {});
  let sentTokens = 0;
  // The totals the endpoint reported, and what was sent (characters / 4): the budget spent is never less than that, whatever an endpoint says.
  const totals = (): TokenTotals => ({ ...budget.totals(), sent_tokens: sentTokens });
  // What the audit keeps of a round: the reasons can quote what the model sent, a secret in any encoding among it.
  const scrubber = o.secrets?.length ? new SecretScrubber([...o.secrets]) : undefined;
  const scrubbed = (r: RoundRecord): RoundRecord => (scrubber ? { ...r, tools: r.tools.map((t) => scrubber.scrub(t)), decisions: r.decisions.map((d) => ({ ...d, reasons: d.reasons.map((x) => scrubber.scrub(x)) })) } : r);
  for (let round = 1; round <= maxRounds; round++) {
    // What is about to be sent counts, whatever the endpoint reports: the budget holds against a server that says 0.
    const next = estimateTokens(JSON.stringify(messages));
    if (sentTokens + next > limit) throw new LlmPlanError('budget-exhausted', `the next request would pass the token budget (${sentTokens + next} tokens sent, by characters / 4) without a submission fetchwright accepts${last()}`, totals());
    sentTokens += next;
    if (budget.exceeded()) throw new LlmPlanError('budget-exhausted', `the model used its token budget (${budget.totals().total_tokens} tokens) without a submission fetchwright accepts${last()}`, totals());
    const turn = await chatTurn(o.client, { messages, tools, ...(o.secrets ? { secrets: o.secrets } : {}) });
    budget.record(turn.usage);
    messages.push(turn.message as ChatCompletionMessageParam);
    const record: RoundRecord = { round, tools: [], prompt_tokens: turn.usage.prompt_tokens, completion_tokens: turn.usage.completion_tokens, decisions: [] };
    if (!turn.toolCalls.length) {
      messages.push({ role: 'user', content: `Answer with tool calls: read the docs with the tools and call ${c.submit.name} with your decision.` });
      o.onRound?.(scrubbed(record));
      continue;
    }
    let accepted: { value: T } | undefined;
    for (const [n, call] of turn.toolCalls.entries()) {
      record.tools.push(call.name.slice(0, 64));
      let content: string;
      if (n >= MAX_TOOL_CALLS_PER_TURN) {
        content = JSON.stringify({ error: `at most ${MAX_TOOL_CALLS_PER_TURN} tool calls a turn: this one was not run` });
      } else if (call.name === c.submit.name) {
        const parsed = c.submit.schema.safeParse(call.arguments);
        let reply: Record<string, unknown> | undefined;
        if (!parsed.success) {
          lastReasons = parsed.error.issues.slice(0, 8).map((i) => `${i.path.join('.') || 'decision'}: ${i.message}`);
        } else if (!accepted) {
          const outcome = c.accept(parsed.data);
          if ('value' in outcome) {
            accepted = { value: outcome.value };
            reply = outcome.reply;
          } else lastReasons = outcome.reasons;
        }
        record.decisions.push({ accepted: !!reply, reasons: reply ? [] : lastReasons });
        content = JSON.stringify(reply ? { accepted: true, ...reply } : { accepted: false, reasons: lastReasons });
      } else {
        const result = dispatchTool(visible, call.name, JSON.stringify(call.arguments), context);
        content = result.ok ? result.content : JSON.stringify({ error: result.error });
      }
      messages.push({ role: 'tool', tool_call_id: call.id, content });
    }
    o.onRound?.(scrubbed(record));
    if (accepted) return { value: accepted.value, tokens: totals(), rounds: round };
  }
  throw new LlmPlanError('rounds-exhausted', `the model gave no submission fetchwright accepts in ${maxRounds} rounds${last()}`, totals());
}

/** Runs the loop for `model` from scratch: the model decides the streams (`submit_plan`). */
export async function planWithModel(model: ApiModel, o: LlmPlanOptions): Promise<LlmPlanResult> {
  const gets = model.operations.filter((op) => op.method === 'get').length;
  const who = { model: o.client.model, prompt_sha256: PROMPT_SHA256 };
  const policy = o.policy ?? READ_ONLY_REQUEST_POLICY;
  const done = await converse<{ plan: ConnectorPlan; selection: Selection }>(model, o, {
    task: taskMessage(model.title, model.operations.length, gets),
    submit: { name: SUBMIT_PLAN, schema: PlanDecision, description: 'Submit the connector decision: the identity lists (GET operation ids from the tools), their kinds, parents and verbatim evidence, and the security scheme key.' },
    accept: (args) => {
      const outcome = planFromDecision(model, args as PlanDecision, who, policy, o.skipped);
      if ('plan' in outcome) return { value: outcome, reply: { streams: outcome.plan.streams.map((s) => s.name) } };
      return { reasons: outcome.rejections.slice(0, 12).map((r) => `${r.at}: ${r.reason}`) };
    },
  });
  return { plan: done.value.plan, basis: { plan: done.value.plan, selection: done.value.selection, linkStreams: false }, tokens: done.tokens, rounds: done.rounds };
}

export interface ReviewRequest {
  /** The plan to review and what it was made from. */
  basis: PlanBasis;
  /** Why: the heuristics' doubts (`--planner auto`), or a failed proof's findings (a repair). */
  doubts?: readonly Doubt[];
  findings?: Finding[];
  /** Who is recorded as the planner of the reviewed plan. */
  planner: PlannerRecord;
}

export interface ReviewResult {
  plan: ConnectorPlan;
  basis: PlanBasis;
  /** What the model changed, one line each (empty: it kept the plan). */
  changes: string[];
  tokens: TokenTotals;
  rounds: number;
}

/**
 * Asks the model to review a plan (`submit_review`, review.ts): where the heuristics doubted it, or
 * after a failed proof (its findings in show_plan). The review only adds and drops streams, each
 * through the gates; the result is the plan made again from the reviewed selection by the
 * planner's own rules. Throws as {@link planWithModel}.
 */
export async function reviewWithModel(model: ApiModel, r: ReviewRequest, o: LlmPlanOptions): Promise<ReviewResult> {
  const policy = o.policy ?? READ_ONLY_REQUEST_POLICY;
  // Only what is in question may be taken out: the doubted streams, or those a proof error names.
  const inQuestion = new Set([...(r.doubts ?? []).flatMap((d) => (d.stream ? [d.stream] : [])), ...(r.findings ?? []).filter((f) => f.level === 'error' && f.stream).map((f) => f.stream!)]);
  const done = await converse<{ plan: ConnectorPlan; basis: PlanBasis; changes: string[] }>(model, o, {
    task: r.findings?.length ? repairTaskMessage(model.title, r.findings.filter((f) => f.level === 'error').length) : reviewTaskMessage(model.title, r.doubts?.length ?? 0),
    submit: { name: SUBMIT_REVIEW, schema: PlanReview, description: "Submit your review of the current plan: streams to drop (each with a verbatim quote of the docs saying why) and streams to add (each a decision as in a plan: GET operation id, name, kind, items_path, parent, verbatim evidence). Adding a stream under a dropped stream's name replaces it. Empty lists keep the plan as it is." },
    accept: (args) => {
      const outcome = planFromReview(model, r.basis, args as PlanReview, r.planner, policy, inQuestion, !!r.findings?.length);
      if ('plan' in outcome) return { value: outcome, reply: { streams: outcome.plan.streams.map((s) => s.name), changes: outcome.changes } };
      return { reasons: outcome.rejections.slice(0, 12).map((x) => `${x.at}: ${x.reason}`) };
    },
    context: { plan: r.basis.plan, ...(r.findings ? { findings: r.findings } : {}), ...(r.doubts ? { doubts: r.doubts } : {}) },
  });
  return { plan: done.value.plan, basis: done.value.basis, changes: done.value.changes, tokens: done.tokens, rounds: done.rounds };
}
