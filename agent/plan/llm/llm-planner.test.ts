import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateConnector } from '../../generate/generate-connector.ts';
import type { ApiModel } from '../../ingest/api-model.ts';
import { planOf } from '../../../test/helpers/vendor-docs.ts';
import { createModelClient } from './model-client.ts';
import { LlmPlanError, planWithModel, SUBMIT_PLAN, type RoundRecord } from './llm-planner.ts';
import { PROMPT_SHA256 } from './prompt.ts';

/**
 * The planning loop through the real `openai` SDK over HTTP, against an OpenAI-compatible endpoint
 * msw serves with a scripted conversation — tool calls and decisions written as a capable model
 * would answer them, from what the tools showed. Not a stub planner: every request the SDK sends is
 * read, and each scripted answer is chosen from what the conversation holds so far.
 */

const BASE = 'http://model.test/v1';
const KEY = 'sk-test-RECOGNISABLE-0123456789abcdef';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

type Msg = { role: string; content?: string | null; tool_calls?: unknown[]; tool_call_id?: string };
interface Seen {
  bodies: string[];
  auth: string[];
}

/** A chat completion whose message calls `name` with `args`. */
function callTool(id: string, name: string, args: unknown, usage = { prompt_tokens: 900, completion_tokens: 60 }) {
  return HttpResponse.json({
    id: `chatcmpl-${id}`,
    object: 'chat.completion',
    created: 1,
    model: 'scripted',
    choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] } }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  });
}

/** Serves `script`: each request gets the next answer, built from the messages so far. */
function serve(script: ((messages: Msg[]) => Response)[]): Seen {
  const seen: Seen = { bodies: [], auth: [] };
  let turn = 0;
  server.use(
    http.post(`${BASE}/chat/completions`, async ({ request }) => {
      const text = await request.text();
      seen.bodies.push(text);
      seen.auth.push(request.headers.get('authorization') ?? '');
      const step = script[Math.min(turn++, script.length - 1)]!;
      return step((JSON.parse(text) as { messages: Msg[] }).messages);
    }),
  );
  return seen;
}

/** The last tool result in the conversation, parsed. */
const lastToolResult = (messages: Msg[]) => JSON.parse(messages.filter((m) => m.role === 'tool').at(-1)!.content!) as Record<string, unknown>;

const client = () => createModelClient({ apiKey: KEY, baseURL: BASE, model: 'scripted-model', timeoutMs: 5_000, maxRetries: 0 });

let okta: ApiModel;
beforeAll(async () => {
  ({ model: okta } = await planOf('okta.yaml'));
}, 60_000);

describe('the planning loop on Okta\'s docs, through the SDK', () => {
  it('reads the docs with the tools, has a fabricated quote sent back, corrects it, and ends in a plan that passes the proof', async () => {
    let shown: { src: string; summary: string } | undefined;
    const seen = serve([
      () => callTool('c1', 'list_operations', { method: 'GET', path_contains: '/api/v1/users', tag: null, offset: null, limit: 10 }),
      (messages) => {
        // A capable model picks the plain users list from the listing it was given.
        const listing = JSON.stringify(lastToolResult(messages));
        expect(listing).toContain('listUsers');
        return callTool('c2', 'show_operation', { operation_id: 'listUsers' });
      },
      (messages) => {
        const op = lastToolResult(messages) as { src: string; summary: string };
        shown = { src: op.src, summary: op.summary };
        // First, a quote the docs do not hold.
        return callTool('c3', SUBMIT_PLAN, { streams: [{ operation_id: 'listUsers', name: 'users', kind: 'human', items_path: '', parent: null, evidence: [{ source: source(op.src), quote: 'Lists every user, deprovisioned ones too' }] }], auth_scheme: 'apiToken' });
      },
      (messages) => {
        const verdict = lastToolResult(messages) as { accepted: boolean; reasons: string[] };
        expect(verdict.accepted).toBe(false);
        expect(verdict.reasons.join('\n')).toMatch(/the quote is not in the docs/);
        return callTool('c4', SUBMIT_PLAN, { streams: [{ operation_id: 'listUsers', name: 'users', kind: 'human', items_path: '', parent: null, evidence: [{ source: source(shown!.src), quote: shown!.summary }] }], auth_scheme: 'apiToken' });
      },
    ]);
    const rounds: RoundRecord[] = [];
    const result = await planWithModel(okta, { client: client(), onRound: (r) => rounds.push(r) });
    expect(result.rounds).toBe(4);
    expect(result.plan.planner).toEqual({ kind: 'llm', model: 'scripted-model', prompt_sha256: PROMPT_SHA256 });
    expect(result.plan.streams.map((s) => s.name)).toEqual(['users']);
    expect(result.tokens).toMatchObject({ prompt_tokens: 3600, completion_tokens: 240, turns: 4, estimated_turns: 0 });
    expect(rounds.map((r) => [r.tools, r.decisions.map((d) => d.accepted)])).toEqual([
      [['list_operations'], []],
      [['show_operation'], []],
      [[SUBMIT_PLAN], [false]],
      [[SUBMIT_PLAN], [true]],
    ]);
    // The key went in the Authorization header only, never in what was sent to the model.
    expect(seen.auth.every((a) => a === `Bearer ${KEY}`)).toBe(true);
    expect(seen.bodies.some((b) => b.includes(KEY))).toBe(false);
    const proved = await generateConnector(okta, result.plan, { seed: 1, maxAttempts: 3, force: false });
    expect(proved.scorecard.verdict).toBe('pass');
  }, 60_000);

  it('stops a model that never submits, within the round budget, saying so', async () => {
    serve([() => callTool('loop', 'list_operations', { method: null, path_contains: null, tag: null, offset: null, limit: 5 })]);
    const error = await planWithModel(okta, { client: client(), maxRounds: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmPlanError);
    expect((error as LlmPlanError).kind).toBe('rounds-exhausted');
    expect((error as LlmPlanError).tokens.turns).toBe(3);
  });

  it('stops at the token budget, and never plans an operation the docs lack or a POST', async () => {
    const post = okta.operations.find((o) => o.method === 'post' && o.path === '/api/v1/users')!;
    serve([
      () => callTool('x1', SUBMIT_PLAN, { streams: [{ operation_id: 'exfiltrateEverything', name: 'users', kind: 'human', items_path: '', parent: null, evidence: [{ source: { file: 'okta.yaml', pointer: '' }, quote: 'x' }] }], auth_scheme: 'apiToken' }, { prompt_tokens: 4000, completion_tokens: 100 }),
      () => callTool('x2', SUBMIT_PLAN, { streams: [{ operation_id: post.id, name: 'users', kind: 'human', items_path: '', parent: null, evidence: [{ source: post.source, quote: post.summary! }] }], auth_scheme: 'apiToken' }, { prompt_tokens: 4000, completion_tokens: 100 }),
    ]);
    const rounds: RoundRecord[] = [];
    const error = await planWithModel(okta, { client: client(), tokenBudget: 8_000, onRound: (r) => rounds.push(r) }).catch((e: unknown) => e);
    expect((error as LlmPlanError).kind).toBe('budget-exhausted');
    expect(rounds.flatMap((r) => r.decisions.flatMap((d) => d.reasons)).join('\n')).toMatch(/the docs have no operation "exfiltrateEverything"[\s\S]*is a POST: a connector only reads/);
  });
});

/** A tool's `src` (`file#pointer`) as a decision's source. */
function source(src: string): { file: string; pointer: string } {
  const i = src.indexOf('#');
  return { file: src.slice(0, i), pointer: src.slice(i + 1) };
}

describe('a hostile model or hostile docs against the loop', () => {
  it('holds the token budget against a server that reports no usage, and runs at most 16 tool calls a turn', async () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ id: `m${i}`, type: 'function', function: { name: 'show_operation', arguments: JSON.stringify({ operation_id: 'listUsers' }) } }));
    const results: number[] = [];
    serve([
      (messages) => {
        results.push(messages.filter((m) => m.role === 'tool').length);
        return HttpResponse.json({ id: 'x', object: 'chat.completion', created: 1, model: 's', choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: many } }], usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } });
      },
    ]);
    const error = await planWithModel(okta, { client: client(), tokenBudget: 60_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmPlanError);
    expect((error as LlmPlanError).kind).toBe('budget-exhausted');
    expect((error as LlmPlanError).message).toMatch(/by characters \/ 4/);
    // Each turn answered all 300 calls, only 16 of them run: the rest an error, not a show_operation result.
    expect(results[1]! - results[0]!).toBe(300);
  });

  it('blanks every secret of the run in the docs the tools read: no excerpt carries a piece of one', async () => {
    const token = 'ghp_SECRETinTHEdocs0123456789abcdefABCD';
    const users = okta.operations.find((o) => o.id === 'listUsers')!;
    const planted: ApiModel = { ...okta, operations: okta.operations.map((o) => (o === users ? { ...o, summary: `Lists users. Marker-alpha ${token} marker-omega` } : o)) };
    const bodies = serve([
      () => callTool('s1', 'search_docs', { query: 'Marker-alpha', limit: 3 }),
      () => callTool('s2', 'search_docs', { query: 'marker-omega', limit: 3 }),
      () => callTool('s3', SUBMIT_PLAN, { streams: [], auth_scheme: null }),
    ]).bodies;
    await planWithModel(planted, { client: client(), maxRounds: 3, secrets: [token] }).catch(() => undefined);
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    const sent = bodies.join('\n');
    expect(sent).toContain('Marker-alpha [REDACTED] marker-omega');
    for (let i = 0; i + 12 <= token.length; i += 6) expect(sent).not.toContain(token.slice(i, i + 12));
  });
});
