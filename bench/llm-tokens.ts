import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { ApiModel } from '../agent/ingest/api-model.ts';
import { ingest } from '../agent/ingest/ingest.ts';
import { planHeuristically } from '../agent/plan/heuristic-planner.ts';
import { createModelClient } from '../agent/plan/llm/model-client.ts';
import { planWithModel, SUBMIT_PLAN } from '../agent/plan/llm/llm-planner.ts';
import { estimateTokens } from '../agent/plan/llm/token-budget.ts';

/**
 * Issue 13's figure: what the tool-driven loop costs in tokens per vendor, measured on what is sent.
 * The model is a deterministic script served by msw through the real SDK, answering as a capable
 * model would in three turns with parallel tool calls: list the GET operations whose paths hold the
 * collection words it looks for (one filtered listing a word), show each operation it chooses, submit
 * the decision (the heuristic plan's root and child streams, quoting each operation's summary). The
 * prompt tokens are estimated from the bytes of every request body (characters / 4: the figure counts
 * what fetchwright sends, whatever a real model's tokenizer makes of it); completion tokens likewise
 * from the scripted answers.
 */

export interface TokenFigures {
  vendor: string;
  rounds: number;
  accepted: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  reason?: string;
}

const BASE = 'http://bench-model.test/v1';

/** The collection word of a path: its last literal segment. */
const wordOf = (path: string) => path.split('/').filter((s) => s && !s.includes('{')).at(-1) ?? path;

function answer(id: string, calls: { name: string; args: unknown }[]) {
  return {
    id,
    object: 'chat.completion',
    created: 1,
    model: 'bench',
    choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: calls.map((c, i) => ({ id: `${id}-${i}`, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } })) } }],
  };
}

/** The scripted turns for `model`, from its heuristic plan (the streams a capable model would choose). */
function scriptFor(model: ApiModel): unknown[] {
  const plan = planHeuristically(model);
  const roots = plan.streams.filter((s) => !s.link && !s.container);
  const words = [...new Set(roots.map((s) => wordOf(s.path)))];
  const decided = roots.filter((s) => !s.parent || roots.some((r) => r.name === s.parent!.stream && !r.parent));
  return [
    answer('t1', words.map((w) => ({ name: 'list_operations', args: { method: 'GET', path_contains: w, tag: null, offset: null, limit: 20 } }))),
    answer('t2', decided.map((s) => ({ name: 'show_operation', args: { operation_id: s.operation_id } }))),
    answer('t3', [
      {
        name: SUBMIT_PLAN,
        args: {
          streams: decided.map((s) => {
            const op = model.operations.find((o) => o.id === s.operation_id)!;
            return { operation_id: s.operation_id, name: s.name, kind: s.kind, items_path: s.items_path, parent: s.parent ? { stream: s.parent.stream, param: s.parent.param, field: s.parent.from_field } : null, evidence: [{ source: op.source, quote: op.summary ?? op.path }] };
          }),
          auth_scheme: plan.auth.scheme_keys?.[0] ?? null,
        },
      },
    ]),
  ];
}

/** Runs the scripted loop for each docs path; one msw server for all. */
export async function benchLlmTokens(docs: { name: string; path: string }[]): Promise<TokenFigures[]> {
  const server = setupServer();
  server.listen({ onUnhandledFrame: 'error' });
  const out: TokenFigures[] = [];
  try {
    for (const d of docs) {
      const model = await ingest(d.path);
      const script = scriptFor(model);
      let prompt = 0;
      let completion = 0;
      let turn = 0;
      server.resetHandlers(
        http.post(`${BASE}/chat/completions`, async ({ request }) => {
          prompt += estimateTokens(await request.text());
          const body = script[Math.min(turn++, script.length - 1)];
          completion += estimateTokens(JSON.stringify(body));
          return HttpResponse.json(body as Record<string, unknown>);
        }),
      );
      const client = createModelClient({ apiKey: 'bench', baseURL: BASE, model: 'bench-script', timeoutMs: 30_000, maxRetries: 0 });
      try {
        const r = await planWithModel(model, { client, maxRounds: 4, tokenBudget: 10_000_000 });
        out.push({ vendor: d.name, rounds: r.rounds, accepted: true, prompt_tokens: prompt, completion_tokens: completion });
      } catch (e) {
        out.push({ vendor: d.name, rounds: turn, accepted: false, prompt_tokens: prompt, completion_tokens: completion, reason: (e as Error).message.slice(0, 200) });
      }
    }
  } finally {
    server.close();
  }
  return out;
}
