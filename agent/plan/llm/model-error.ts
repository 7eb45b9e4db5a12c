/**
 * What can go wrong talking to a model endpoint, as data the planning loop branches on (issue 13,
 * "Robust to the endpoint"): each kind ends in a clear error or a fallback to the heuristic plan.
 *
 * A ModelError's message is one line naming the endpoint by host only (never a path, query, userinfo
 * or key) and what to do. It carries no `cause`: the SDK's errors hold the server's own error text,
 * which is untrusted and may echo the key (OpenAI's 401 names a masked key), so it is never kept.
 */

export type ModelErrorKind =
  /** No answer within the timeout, after the SDK's retries. */
  | 'model-timeout'
  /** 429 after the SDK's retries with backoff (Retry-After honoured). */
  | 'model-rate-limited'
  /** 5xx after the SDK's retries with backoff. */
  | 'model-server-error'
  /** 401 or 403: the endpoint refused the key. */
  | 'model-auth-refused'
  /** Another 4xx: the endpoint refused the request itself (unknown model, a path that is not the API, a prompt too long). */
  | 'model-bad-request'
  /** The model declined: a `refusal` in its message, or finish_reason `content_filter`. */
  | 'model-refused'
  /** The answer is not a chat completion, or a tool call's arguments are not a JSON object. */
  | 'model-malformed'
  /** No connection: DNS, refused, reset. */
  | 'model-unreachable'
  /** The client cannot be built: no key, a base URL that is not http(s). */
  | 'model-not-configured'
  /** A message about to be sent holds a secret (verbatim or encoded): nothing was sent. */
  | 'secret-in-prompt';

export class ModelError extends Error {
  readonly kind: ModelErrorKind;
  /** The endpoint's host (`api.openai.com`, `127.0.0.1:11434`), or '' when there is none yet. */
  readonly endpoint: string;
  /** What the user can do about it. */
  readonly hint: string;
  /** The HTTP status, when the endpoint answered with one. */
  readonly status: number | undefined;

  constructor(kind: ModelErrorKind, message: string, options: { endpoint: string; hint: string; status?: number }) {
    super(message);
    this.name = 'ModelError';
    this.kind = kind;
    this.endpoint = options.endpoint;
    this.hint = options.hint;
    this.status = options.status;
  }

  /** One screen, in the shape FetchwrightError.render gives: what happened, and what to do. */
  render(): string {
    return `error[${this.kind}]: ${this.message}\n  hint: ${this.hint}`;
  }
}

export function isModelError(e: unknown): e is ModelError {
  return e instanceof ModelError;
}
