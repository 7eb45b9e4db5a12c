import { inspect } from 'node:util';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { chatTurn, createModelClient, type ModelClientOptions } from './model-client.ts';
import { ModelError } from './model-error.ts';
import { secretGuard } from './secret-guard.ts';
import { TokenBudget } from './token-budget.ts';

/**
 * The model client over HTTP: the real `openai` SDK against an OpenAI-compatible endpoint that msw serves
 * at http://model.test/v1 (no real network; an unhandled request fails the test).
 */

const BASE = 'http://model.test/v1';
const URL_CHAT = `${BASE}/chat/completions`;
const API_KEY = 'sk-fwtest-APIKEY-0123456789abcdefXYZ';
const GITHUB_TOKEN = 'ghp_FWtestGITHUBtoken0123456789abcdef';
const CREDENTIAL = 'vendor/secret+value=42';

interface Seen { auth: string | null; body: string }
const seen: Seen[] = [];

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
afterAll(() => server.close());

/** Serves `answers` in turn (the last one again when they run out), recording each request. */
function serve(...answers: (() => Response | Promise<Response>)[]): void {
  let i = 0;
  server.use(http.post(URL_CHAT, async ({ request }) => {
    seen.push({ auth: request.headers.get('authorization'), body: await request.text() });
    const answer = answers[Math.min(i++, answers.length - 1)]!;
    return answer();
  }));
}

function completion(message: Record<string, unknown>, extra: Record<string, unknown> = {}): Response {
  return HttpResponse.json({
    id: 'chatcmpl-1', object: 'chat.completion', created: 1764576000, model: 'test-model',
    choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, ...message }, finish_reason: message.tool_calls ? 'tool_calls' : 'stop', logprobs: null }],
    usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
    ...extra,
  });
}

const toolCallReply = () => completion({ tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'list_operations', arguments: '{"tag":"users","limit":20}' } }] });
const textReply = () => completion({ content: 'The list operation is GET /users.' });

const TOOLS: ChatCompletionTool[] = [{
  type: 'function',
  function: { name: 'list_operations', description: 'Candidate operations, compact.', parameters: { type: 'object', properties: { tag: { type: 'string' }, limit: { type: 'integer' } }, additionalProperties: false } },
}];
const MESSAGES: ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You plan read-only identity connectors.' },
  { role: 'user', content: 'Find the operation that lists users.' },
];

function client(over: Partial<ModelClientOptions> = {}) {
  return createModelClient({ apiKey: API_KEY, baseURL: BASE, model: 'test-model', timeoutMs: 2_000, maxRetries: 2, secrets: [GITHUB_TOKEN, CREDENTIAL], ...over });
}

async function failure(p: Promise<unknown>): Promise<ModelError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ModelError);
  return e as ModelError;
}

/** Everything a log or a report could show of an error. */
function shown(e: ModelError): string {
  return [e.message, e.hint, e.render(), inspect(e, { depth: 5 }), JSON.stringify(e), String(e.stack)].join('\n');
}

describe('chatTurn against an OpenAI-compatible endpoint', () => {
  it('parses a tool-call reply and sends the model, messages and tools', async () => {
    serve(toolCallReply);
    const turn = await chatTurn(client(), { messages: MESSAGES, tools: TOOLS, toolChoice: 'auto' });
    expect(turn.finish_reason).toBe('tool_calls');
    expect(turn.toolCalls).toEqual([{ id: 'call_1', name: 'list_operations', arguments: { tag: 'users', limit: 20 } }]);
    expect(turn.message).toEqual({ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'list_operations', arguments: '{"tag":"users","limit":20}' } }] });
    expect(turn.usage).toEqual({ prompt_tokens: 120, completion_tokens: 30, estimated: false });
    const body = JSON.parse(seen[0]!.body);
    expect(body).toMatchObject({ model: 'test-model', tool_choice: 'auto', messages: MESSAGES, tools: TOOLS });
  });

  it('sums usage per vendor, estimates from characters when the server gives none, and says so', async () => {
    serve(toolCallReply, () => completion({ content: 'done' }, { usage: undefined }));
    const c = client();
    const budget = new TokenBudget('acme', { promptTokens: 200 });
    const first = await chatTurn(c, { messages: MESSAGES, tools: TOOLS });
    budget.record(first.usage);
    expect(budget.exceeded()).toBe(false);
    const second = await chatTurn(c, { messages: [...MESSAGES, first.message, { role: 'tool', tool_call_id: 'call_1', content: '[{"id":"listUsers"}]' }], tools: TOOLS });
    expect(second.usage.estimated).toBe(true);
    expect(second.usage.completion_tokens).toBe(1); // 'done': 4 characters
    expect(second.usage.prompt_tokens).toBeGreaterThan(50);
    budget.record(second.usage);
    const totals = budget.totals();
    expect(totals).toMatchObject({ vendor: 'acme', prompt_tokens: 120 + second.usage.prompt_tokens, completion_tokens: 31, turns: 2, estimated_turns: 1 });
    expect(budget.exceeded()).toBe(true);
    expect(budget.describe()).toMatch(/estimated/);
  });

  it('retries a 429 and succeeds (retry-after-ms, then Retry-After in seconds)', async () => {
    serve(() => HttpResponse.json({ error: { message: 'slow down' } }, { status: 429, headers: { 'retry-after-ms': '5' } }), textReply);
    const turn = await chatTurn(client(), { messages: MESSAGES });
    expect(turn.message.content).toBe('The list operation is GET /users.');
    expect(seen).toHaveLength(2);

    seen.length = 0;
    serve(() => HttpResponse.json({ error: { message: 'slow down' } }, { status: 429, headers: { 'retry-after': '0' } }), textReply);
    await chatTurn(client(), { messages: MESSAGES });
    expect(seen).toHaveLength(2);
  });

  it('waits as long as Retry-After says before retrying (fake clock)', async () => {
    // The clock moves only here, one fake second per step: the gap between the 429 and the retry, in
    // fake time, is what the client waited (the default backoff would be 0.5 s to 1 s).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const at: number[] = [];
      serve(() => {
        at.push(Date.now());
        return HttpResponse.json({ error: { message: 'slow down' } }, { status: 429, headers: { 'retry-after': '20' } });
      }, () => {
        at.push(Date.now());
        return textReply();
      });
      let done = false;
      const turn = chatTurn(client({ timeoutMs: 600_000 }), { messages: MESSAGES }).finally(() => { done = true; });
      for (let step = 0; step < 60 && !done; step++) {
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
        await vi.advanceTimersByTimeAsync(1_000);
      }
      expect((await turn).message.content).toBe('The list operation is GET /users.');
      expect(at).toHaveLength(2);
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(20_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it('429 on every attempt ends in model-rate-limited after maxRetries', async () => {
    serve(() => HttpResponse.json({ error: { message: 'quota' } }, { status: 429, headers: { 'retry-after-ms': '1' } }));
    const e = await failure(chatTurn(client({ maxRetries: 2 }), { messages: MESSAGES }));
    expect(e.kind).toBe('model-rate-limited');
    expect(e.message).toContain('model.test');
    expect(e.message).toContain('2 retries');
    expect(seen).toHaveLength(3);
  });

  it('500 on every attempt ends in model-server-error', async () => {
    serve(() => HttpResponse.json({ error: { message: 'boom' } }, { status: 500, headers: { 'retry-after-ms': '1' } }));
    const e = await failure(chatTurn(client({ maxRetries: 1 }), { messages: MESSAGES }));
    expect(e.kind).toBe('model-server-error');
    expect(e.status).toBe(500);
    expect(e.message).toBe('the model endpoint model.test failed (500) after 1 retry');
    expect(seen).toHaveLength(2);
  });

  it('a server that never answers ends in model-timeout', async () => {
    serve(async () => {
      await delay('infinite');
      return textReply();
    });
    const e = await failure(chatTurn(client({ timeoutMs: 50, maxRetries: 0 }), { messages: MESSAGES }));
    expect(e.kind).toBe('model-timeout');
    expect(e.message).toContain('within 50 ms');
  });

  it('401 ends in model-auth-refused, not retried, and the key echoed by the server is nowhere in the error', async () => {
    serve(() => HttpResponse.json({ error: { message: `Incorrect API key provided: ${API_KEY}`, type: 'invalid_request_error', code: 'invalid_api_key' } }, { status: 401 }));
    const e = await failure(chatTurn(client(), { messages: MESSAGES }));
    expect(e.kind).toBe('model-auth-refused');
    expect(e.message).toContain('model.test');
    expect(shown(e)).not.toContain(API_KEY);
    expect(shown(e)).not.toContain('APIKEY-0123');
    expect(seen).toHaveLength(1);
  });

  it('403 is model-auth-refused and 404 is model-bad-request', async () => {
    serve(() => HttpResponse.json({ error: { message: 'no' } }, { status: 403 }));
    expect((await failure(chatTurn(client(), { messages: MESSAGES }))).kind).toBe('model-auth-refused');
    serve(() => HttpResponse.json({ error: { message: 'model not found' } }, { status: 404 }));
    expect((await failure(chatTurn(client(), { messages: MESSAGES }))).kind).toBe('model-bad-request');
  });

  it('a body that is not a chat completion is model-malformed', async () => {
    const bodies = [
      () => new HttpResponse('<html>proxy login</html>', { headers: { 'content-type': 'text/html' } }),
      () => new HttpResponse('{"choices": [', { headers: { 'content-type': 'application/json' } }),
      () => HttpResponse.json({ object: 'list', data: [] }),
      () => HttpResponse.json({ choices: [] }),
      () => completion({ content: null }),
    ];
    for (const body of bodies) {
      serve(body);
      const e = await failure(chatTurn(client(), { messages: MESSAGES }));
      expect(e.kind).toBe('model-malformed');
      expect(e.message).toContain('model.test');
    }
  });

  it('tool call arguments that are not a JSON object are model-malformed', async () => {
    for (const args of ['{"tag": "users"', '["users"]', 'users']) {
      serve(() => completion({ tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'list_operations', arguments: args } }] }));
      const e = await failure(chatTurn(client(), { messages: MESSAGES, tools: TOOLS }));
      expect(e.kind).toBe('model-malformed');
      expect(e.message).toContain('list_operations');
    }
  });

  it('a refusal, or finish_reason content_filter, is model-refused', async () => {
    serve(() => completion({ content: null, refusal: 'I cannot help with that.' }));
    expect((await failure(chatTurn(client(), { messages: MESSAGES }))).kind).toBe('model-refused');
    serve(() => HttpResponse.json({ choices: [{ index: 0, message: { role: 'assistant', content: 'partial' }, finish_reason: 'content_filter' }] }));
    expect((await failure(chatTurn(client(), { messages: MESSAGES }))).kind).toBe('model-refused');
  });

  it('a network error ends in model-unreachable', async () => {
    serve(() => HttpResponse.error());
    const e = await failure(chatTurn(client({ maxRetries: 0 }), { messages: MESSAGES }));
    expect(e.kind).toBe('model-unreachable');
    expect(e.message).toContain('model.test');
  });

  it('puts the key in the Authorization header and in no request body', async () => {
    serve(toolCallReply, textReply);
    const c = client();
    const first = await chatTurn(c, { messages: MESSAGES, tools: TOOLS });
    await chatTurn(c, { messages: [...MESSAGES, first.message, { role: 'tool', tool_call_id: 'call_1', content: '[]' }], tools: TOOLS });
    expect(seen).toHaveLength(2);
    for (const s of seen) {
      expect(s.auth).toBe(`Bearer ${API_KEY}`);
      expect(s.body).not.toContain(API_KEY);
      expect(s.body).not.toContain(Buffer.from(API_KEY).toString('base64').slice(0, 20));
    }
  });

  it('uses the fetch it is given', async () => {
    serve(textReply);
    const urls: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      urls.push(input instanceof Request ? input.url : String(input));
      return globalThis.fetch(input, init);
    };
    await chatTurn(client({ fetch }), { messages: MESSAGES });
    expect(urls).toEqual([URL_CHAT]);
  });
});

describe('no secret reaches the model', () => {
  it('takes a local server\'s placeholder key (under 8 characters) for no secret: docs that name it are still sent', async () => {
    serve(textReply);
    await chatTurn(client({ apiKey: 'ollama' }), { messages: [...MESSAGES, { role: 'user', content: 'The docs mention ollama as a self-hosted option.' }] });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.auth).toBe('Bearer ollama');
  });

  const toolResult = (content: string): ChatCompletionMessageParam[] => [
    ...MESSAGES,
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'show_operation', arguments: '{"id":"listUsers"}' } }] },
    { role: 'tool', tool_call_id: 'call_9', content },
  ];

  const cases: [string, ChatCompletionMessageParam[], string[]?][] = [
    ['a GitHub token verbatim in a tool result', toolResult(`{"example":"Authorization: token ${GITHUB_TOKEN}"}`)],
    ['a GitHub token base64-encoded in a tool result', toolResult(`cursor=${Buffer.from(`{"t":"${GITHUB_TOKEN}"}`).toString('base64')}`)],
    ['a credential percent-encoded in a tool result', toolResult(`next=/users?key=${encodeURIComponent(CREDENTIAL)}`)],
    ['a credential JSON-escaped in a tool result', toolResult(String.raw`{"v":"vendor\/secret\u002bvalue=42"}`)],
    ['the API key in a text part of a user message', [...MESSAGES, { role: 'user', content: [{ type: 'text', text: `key ${API_KEY}` }] }]],
    ['the API key in tool call arguments the model wrote', [...MESSAGES, { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'search_docs', arguments: JSON.stringify({ q: API_KEY }) } }] }]],
    ['a per-turn secret (the synthetic placeholder)', toolResult('token: fw-synthetic-PLACEHOLDER-77'), ['fw-synthetic-PLACEHOLDER-77']],
  ];

  for (const [name, messages, turnSecrets] of cases) {
    it(`refuses ${name}, and sends nothing`, async () => {
      serve(textReply);
      const e = await failure(chatTurn(client(), { messages, tools: TOOLS, ...(turnSecrets ? { secrets: turnSecrets } : {}) }));
      expect(e.kind).toBe('secret-in-prompt');
      expect(e.message).toContain('nothing was sent to model.test');
      for (const s of [API_KEY, GITHUB_TOKEN, CREDENTIAL, ...(turnSecrets ?? [])]) expect(shown(e)).not.toContain(s);
      expect(seen).toHaveLength(0);
    });
  }

  it('refuses a secret in a tool definition', async () => {
    serve(textReply);
    const tools: ChatCompletionTool[] = [{ type: 'function', function: { name: 'x', description: `use ${GITHUB_TOKEN}` } }];
    expect((await failure(chatTurn(client(), { messages: MESSAGES, tools }))).kind).toBe('secret-in-prompt');
    expect(seen).toHaveLength(0);
  });

  it('secretGuard names where the secret is, and passes clean messages', () => {
    expect(() => secretGuard(toolResult('[{"id":"listUsers"}]'), [GITHUB_TOKEN, CREDENTIAL])).not.toThrow();
    expect(() => secretGuard(toolResult(GITHUB_TOKEN), [GITHUB_TOKEN])).toThrow(/message 3 \(tool result for call_9\)/);
    let deep: unknown = 'clean';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => secretGuard([{ role: 'user', content: deep }], [GITHUB_TOKEN])).toThrow(/cannot be checked/);
  });
});

describe('createModelClient', () => {
  it('keeps the key out of the client as logged', () => {
    expect(inspect(client(), { depth: 10, showHidden: false })).not.toContain(API_KEY);
    expect(JSON.stringify(client())).not.toContain(API_KEY);
  });

  it('refuses an unusable configuration with model-not-configured', () => {
    const bad: Partial<ModelClientOptions>[] = [{ apiKey: '' }, { model: '' }, { baseURL: 'not a url' }, { baseURL: 'file:///etc/v1' }, { timeoutMs: 0 }, { maxRetries: -1 }];
    for (const over of bad) {
      const e = (() => {
        try {
          client(over);
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(e).toBeInstanceOf(ModelError);
      expect((e as ModelError).kind).toBe('model-not-configured');
    }
  });
});
