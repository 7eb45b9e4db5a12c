import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';

/**
 * A scripted model behind an OpenAI-compatible endpoint that msw serves (issue 13's tests): the
 * real `openai` SDK sends each request over HTTP, and the script answers it as a capable model
 * would, reading the tool results the request carries. A step that throws, or a request past the
 * last step, is recorded and answered with a 400 (which the SDK does not retry), so the test reports
 * where the conversation left the script instead of the fallback that caused.
 */

export const MODEL_BASE = 'http://model.test/v1';

export type Msg = { role: string; content?: string | null; tool_call_id?: string };
export type Call = { id: string; name: string; args: unknown };
/** A parsed tool result: JSON read back, looked into by the script as a model would. */
export type Json = Record<string, any>;

/** One assistant turn calling these tools (in parallel, as capable models do); 1,000 prompt + 50 completion tokens. */
export function turn(...calls: Call[]): Response {
  return HttpResponse.json({
    id: calls[0]!.id,
    object: 'chat.completion',
    created: 1,
    model: 's',
    choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } })) } }],
    usage: { prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050 },
  });
}

export const call = (id: string, name: string, args: unknown): Call => ({ id, name, args });

/** The tool result the request carries for the call `id`, parsed: what the model read. */
export function result(messages: Msg[], id: string): Json {
  const m = messages.find((x) => x.role === 'tool' && x.tool_call_id === id);
  if (!m?.content) throw new Error(`the request carries no result for tool call ${id}`);
  return JSON.parse(m.content) as Json;
}

/** `file#pointer` as a decision's source. */
export const sourceOf = (src: string) => ({ file: src.slice(0, src.indexOf('#')), pointer: src.slice(src.indexOf('#') + 1) });

/** What the scripted endpoint saw: every request body, and the first way the conversation left the script. */
export interface Transcript {
  bodies: string[];
  broke?: string;
}

/**
 * Serves `steps` in order, one per chat completion request, on `server` (see the module comment);
 * with `repeatLast`, the last step answers every later request (a model that never stops).
 */
export function script(server: SetupServer, steps: ((messages: Msg[]) => Response | Promise<Response>)[], options: { repeatLast?: boolean } = {}): Transcript {
  const t: Transcript = { bodies: [] };
  server.use(
    http.post(`${MODEL_BASE}/chat/completions`, async ({ request }) => {
      const text = await request.text();
      t.bodies.push(text);
      const n = t.bodies.length;
      const step = steps[options.repeatLast ? Math.min(n, steps.length) - 1 : n - 1];
      try {
        if (!step) throw new Error(`the script has no turn ${n}: the last message was ${(JSON.parse(text) as { messages: Msg[] }).messages.at(-1)?.content?.slice(0, 600)}`);
        return await step((JSON.parse(text) as { messages: Msg[] }).messages);
      } catch (e) {
        t.broke ??= `turn ${n}: ${(e as Error).message}`;
        return HttpResponse.json({ error: { message: 'the script broke' } }, { status: 400 });
      }
    }),
  );
  return t;
}
