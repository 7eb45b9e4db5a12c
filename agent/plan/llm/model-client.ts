import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool, ChatCompletionToolChoiceOption } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { SecretScrubber } from '../../../sandbox/secret-scrubber.ts';
import { ModelError, type ModelErrorKind } from './model-error.ts';
import { secretGuard } from './secret-guard.ts';
import { estimateTokens, type TurnUsage } from './token-budget.ts';

/**
 * The one place fetchwright talks to a model (issue 13): the `openai` SDK's Chat Completions API against
 * OpenAI or any OpenAI-compatible server (Ollama, vLLM, llama.cpp's server) through `baseURL`.
 *
 * Nothing here reads the environment: the caller reads OPENAI_API_KEY / OPENAI_BASE_URL and passes them
 * in, and every SDK option that would otherwise fall back to an environment variable is set explicitly
 * (organization, project, admin key, log level). The SDK still adds OPENAI_CUSTOM_HEADERS if set; that
 * is the user's own choice of headers.
 */

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** The shortest value treated as a secret (as agent/audit/redact.ts's secretsFromEnv). */
const MIN_SECRET_LENGTH = 8;

export interface ModelClientOptions {
  /** The bearer key (OPENAI_API_KEY). Sent only in the Authorization header; a local server accepts any non-empty value. */
  apiKey: string;
  /** An OpenAI-compatible API root, usually ending in `/v1` (OPENAI_BASE_URL); OpenAI's own when omitted. */
  baseURL?: string;
  /** The model name the endpoint knows (`--model`). */
  model: string;
  /** Per attempt, in milliseconds. */
  timeoutMs: number;
  /** Retries after the first attempt for timeouts, connection errors, 408/409/429/5xx (the SDK's backoff: 0.5 s doubling to 8 s, or Retry-After / retry-after-ms when given up to 60 s). */
  maxRetries: number;
  /** A fetch to use instead of the global one (tests, proxies). */
  fetch?: typeof globalThis.fetch;
  /** More values that must never be sent (GITHUB_TOKEN, credentials, the synthetic placeholder); the API key is always one. */
  secrets?: readonly string[];
}

/** A built client. The SDK instance (which holds the key) is a private field: logging the client shows no key. */
export class ModelClient {
  readonly model: string;
  /** The endpoint's host, for messages. */
  readonly endpoint: string;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  readonly #sdk: OpenAI;
  readonly #secrets: readonly string[];
  readonly #scrubber: SecretScrubber;

  constructor(sdk: OpenAI, options: { model: string; endpoint: string; maxRetries: number; timeoutMs: number; secrets: readonly string[] }) {
    this.#sdk = sdk;
    this.model = options.model;
    this.endpoint = options.endpoint;
    this.maxRetries = options.maxRetries;
    this.timeoutMs = options.timeoutMs;
    this.#secrets = options.secrets;
    this.#scrubber = new SecretScrubber(options.secrets);
  }

  /** @internal for chatTurn */
  get sdk(): OpenAI {
    return this.#sdk;
  }
  /** @internal for chatTurn */
  get secrets(): readonly string[] {
    return this.#secrets;
  }
  /** A text with every form of every secret replaced (a last defence for messages built from server data). */
  scrub(text: string): string {
    return this.#scrubber.scrub(text);
  }
}

/**
 * Builds a client for one endpoint.
 *
 * @throws ModelError `model-not-configured` for an empty key or model, a base URL that is not http(s), or a
 *   timeout / retry count out of range.
 */
export function createModelClient(options: ModelClientOptions): ModelClient {
  const baseURL = options.baseURL || DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw notConfigured('', 'the model base URL is not a URL', 'set OPENAI_BASE_URL to the API root, e.g. http://127.0.0.1:11434/v1');
  }
  const endpoint = url.host;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw notConfigured(endpoint, `the model base URL for ${endpoint || 'the endpoint'} is not http(s)`, 'set OPENAI_BASE_URL to an http:// or https:// API root');
  }
  if (!options.apiKey) throw notConfigured(endpoint, `no API key for the model endpoint ${endpoint}`, 'set OPENAI_API_KEY (a local server accepts any value), or use --planner heuristic');
  if (!options.model) throw notConfigured(endpoint, `no model named for ${endpoint}`, 'pass --model with a model the endpoint serves');
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) throw notConfigured(endpoint, `the model timeout must be a number of milliseconds > 0, not ${options.timeoutMs}`, 'give a positive timeout');
  if (!Number.isInteger(options.maxRetries) || options.maxRetries < 0) throw notConfigured(endpoint, `the model retry count must be a whole number >= 0, not ${options.maxRetries}`, 'give 0 or more retries');

  const sdk = new OpenAI({
    apiKey: options.apiKey,
    baseURL,
    // Set so the SDK does not fall back to OPENAI_ORG_ID, OPENAI_PROJECT_ID, OPENAI_ADMIN_KEY, OPENAI_LOG.
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    logLevel: 'off',
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  // Values under 8 characters are no secret (a local server's placeholder key such as `ollama`), as
  // secretsFromEnv judges the environment's: matching them would stop every conversation whose docs name them.
  const secrets = [...new Set([options.apiKey, ...(options.secrets ?? [])])].filter((s) => s.length >= MIN_SECRET_LENGTH);
  return new ModelClient(sdk, { model: options.model, endpoint, maxRetries: options.maxRetries, timeoutMs: options.timeoutMs, secrets });
}

export interface ChatTurnRequest {
  messages: readonly ChatCompletionMessageParam[];
  tools?: readonly ChatCompletionTool[];
  toolChoice?: ChatCompletionToolChoiceOption;
  /** More secrets for this turn only, on top of the client's. */
  secrets?: readonly string[];
}

/** A function tool call the model asked for, its arguments parsed. */
export interface ToolCall {
  id: string;
  name: string;
  /** The parsed JSON object of `arguments`. */
  arguments: Record<string, unknown>;
}

/** The assistant message as it goes back into the conversation. */
export interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
}

export interface ChatTurnResult {
  /** Append this to `messages` for the next turn. */
  message: AssistantMessage;
  /** The same tool calls, arguments parsed (empty when the model answered in text). */
  toolCalls: ToolCall[];
  usage: TurnUsage;
  /** `stop`, `tool_calls`, `length`… as the endpoint said (never `content_filter`: that is a refusal). */
  finish_reason: string;
}

/**
 * One Chat Completions request (POST {baseURL}/chat/completions, non-streaming) and its answer checked.
 * Before anything is sent, every message and tool definition is searched for the client's secrets and
 * the turn's (`secretGuard`). The SDK retries timeouts, connection errors, 429 and 5xx with backoff,
 * honouring `retry-after-ms` and `Retry-After` (RFC 9110 §10.2.3).
 *
 * @returns the assistant message, its tool calls parsed, the usage (estimated from characters / 4 and
 *   marked `estimated` when the endpoint gives none) and the finish reason.
 * @throws ModelError of kind secret-in-prompt, model-timeout, model-rate-limited, model-server-error,
 *   model-auth-refused, model-bad-request, model-refused, model-malformed or model-unreachable.
 */
export async function chatTurn(client: ModelClient, request: ChatTurnRequest): Promise<ChatTurnResult> {
  const tools = request.tools && request.tools.length > 0 ? [...request.tools] : undefined;
  secretGuard(request.messages, [...client.secrets, ...(request.secrets ?? [])], { endpoint: client.endpoint, tools: tools ?? [] });

  let raw: unknown;
  try {
    raw = await client.sdk.chat.completions.create({
      model: client.model,
      messages: [...request.messages],
      ...(tools ? { tools } : {}),
      ...(tools && request.toolChoice ? { tool_choice: request.toolChoice } : {}),
    });
  } catch (e) {
    throw fromSdkError(e, client);
  }
  return readCompletion(raw, client, request.messages, tools);
}

const ToolCallShape = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const CompletionShape = z.object({
  choices: z.array(z.object({
    finish_reason: z.string().nullish(),
    message: z.object({
      role: z.literal('assistant').optional(),
      content: z.string().nullish(),
      refusal: z.string().nullish(),
      tool_calls: z.array(ToolCallShape).nullish(),
    }),
  })).min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

function readCompletion(raw: unknown, client: ModelClient, messages: readonly ChatCompletionMessageParam[], tools: readonly ChatCompletionTool[] | undefined): ChatTurnResult {
  const at = client.endpoint;
  const parsed = CompletionShape.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'the body';
    throw modelError('model-malformed', client, `${at} answered with something that is not a chat completion (${typeof raw === 'string' ? 'not JSON' : `at ${where}`})`, 'check that OPENAI_BASE_URL is an OpenAI-compatible API root (usually ending in /v1), or rerun; --planner heuristic needs no model');
  }
  const choice = parsed.data.choices[0]!;
  const finishReason = choice.finish_reason ?? 'stop';
  const refusal = choice.message.refusal;
  if ((refusal !== null && refusal !== undefined && refusal.trim() !== '') || finishReason === 'content_filter') {
    throw modelError('model-refused', client, `the model at ${at} refused to answer (${finishReason === 'content_filter' ? 'content filter' : 'refusal'})`, 'rerun with another --model, or use --planner heuristic');
  }
  const calls = choice.message.tool_calls ?? [];
  const toolCalls: ToolCall[] = calls.map((call) => {
    let args: unknown;
    try {
      args = JSON.parse(call.function.arguments === '' ? '{}' : call.function.arguments);
    } catch {
      args = undefined;
    }
    if (!args || typeof args !== 'object' || Array.isArray(args)) {
      throw modelError('model-malformed', client, `the model at ${at} called ${clip(call.function.name)} with arguments that are not a JSON object`, 'rerun, or use a model that supports tool calling; --planner heuristic needs no model');
    }
    return { id: call.id, name: call.function.name, arguments: args as Record<string, unknown> };
  });
  const content = choice.message.content ?? null;
  if (toolCalls.length === 0 && (content === null || content.trim() === '')) {
    throw modelError('model-malformed', client, `the model at ${at} answered with neither text nor a tool call (finish_reason ${clip(finishReason)})`, 'rerun, or use another --model; --planner heuristic needs no model');
  }
  const message: AssistantMessage = { role: 'assistant', content };
  if (calls.length > 0) message.tool_calls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments } }));

  const reported = parsed.data.usage;
  const usage: TurnUsage = reported
    ? { prompt_tokens: reported.prompt_tokens, completion_tokens: reported.completion_tokens, estimated: false }
    : {
        prompt_tokens: estimateTokens(JSON.stringify(messages) + (tools ? JSON.stringify(tools) : '')),
        completion_tokens: estimateTokens((content ?? '') + calls.map((c) => c.function.name + c.function.arguments).join('')),
        estimated: true,
      };
  return { message, toolCalls, usage, finish_reason: finishReason };
}

/**
 * The SDK's error as a ModelError. Only the status and the error class are used: the server's error text
 * is untrusted and may echo the key, so it is never copied.
 */
function fromSdkError(e: unknown, client: ModelClient): ModelError {
  const at = client.endpoint;
  const tries = client.maxRetries === 0 ? '' : ` after ${client.maxRetries} retr${client.maxRetries === 1 ? 'y' : 'ies'}`;
  if (e instanceof ModelError) return e;
  if (e instanceof APIConnectionTimeoutError) {
    return modelError('model-timeout', client, `the model endpoint ${at} did not answer within ${client.timeoutMs} ms${tries}`, 'rerun later, raise the timeout, or use --planner heuristic');
  }
  if (e instanceof APIUserAbortError) {
    return modelError('model-unreachable', client, `the request to the model endpoint ${at} was aborted`, 'rerun');
  }
  if (e instanceof APIConnectionError) {
    return modelError('model-unreachable', client, `cannot connect to the model endpoint ${at}${tries}`, 'check OPENAI_BASE_URL and that the server is running, or use --planner heuristic');
  }
  if (e instanceof APIError && typeof e.status === 'number') {
    const status = e.status;
    if (status === 401 || status === 403) {
      return modelError('model-auth-refused', client, `the model endpoint ${at} refused the API key (${status})`, 'check OPENAI_API_KEY for this endpoint, or use --planner heuristic', status);
    }
    if (status === 429) {
      return modelError('model-rate-limited', client, `the model endpoint ${at} is rate limiting (429)${tries}`, 'wait and rerun, or raise the endpoint\'s quota; --planner heuristic needs no model', status);
    }
    if (status >= 500) {
      return modelError('model-server-error', client, `the model endpoint ${at} failed (${status})${tries}`, 'rerun later, or use --planner heuristic', status);
    }
    return modelError('model-bad-request', client, `the model endpoint ${at} refused the request (${status})`, 'check --model and that OPENAI_BASE_URL is the API root (usually ending in /v1); the prompt may be too long for the model', status);
  }
  if (e instanceof SyntaxError) {
    return modelError('model-malformed', client, `${at} answered with a body that is not valid JSON`, 'check that OPENAI_BASE_URL is an OpenAI-compatible API root (usually ending in /v1), or rerun');
  }
  // Anything else (an OpenAIError from the SDK itself, a TypeError) is not the endpoint's doing: rethrow as is would leak its text; say what it was.
  const name = e instanceof Error ? e.constructor.name : typeof e;
  return modelError('model-unreachable', client, `the request to the model endpoint ${at} failed in the client (${clip(name)})`, 'rerun; if it persists, report it as a fetchwright bug');
}

function modelError(kind: ModelErrorKind, client: ModelClient, message: string, hint: string, status?: number): ModelError {
  return new ModelError(kind, client.scrub(message), { endpoint: client.endpoint, hint, ...(status === undefined ? {} : { status }) });
}

function notConfigured(endpoint: string, message: string, hint: string): ModelError {
  return new ModelError('model-not-configured', message, { endpoint, hint });
}

/** A short piece of model-given text for a message (tool names, finish reasons): name characters only. */
function clip(text: string): string {
  const printable = text.replace(/[^\w.:-]/g, '?');
  return printable.length > 60 ? `${printable.slice(0, 57)}...` : printable;
}
