import { z } from 'zod';

/**
 * How one fetch attempt ended at the egress gate. Every outcome but `ok` and `network-error` is refused by
 * policy: `refused-host` (the URL's origin — scheme, host, port — is not allowed), `refused-method`,
 * `refused-scheme` (not http or https), `refused-by-policy` (a query parameter the request policy refuses,
 * `_method=DELETE`), `headers-too-large` (the request's headers past the gate's cap), `request-cap`,
 * `response-too-large`, `redirect-off-host` (a redirect to an origin not allowed) and `redirect-downgrade`
 * (an https answer redirected to plain http).
 */
export const CallOutcome = z.enum([
  'ok',
  'refused-host',
  'refused-method',
  'refused-scheme',
  'refused-by-policy',
  'headers-too-large',
  'request-cap',
  'response-too-large',
  'redirect-off-host',
  'redirect-downgrade',
  'network-error',
]);
export type CallOutcome = z.infer<typeof CallOutcome>;

/**
 * One line of the call log: one request the fetcher asked for (refused ones included) or one redirect hop
 * the gate followed. Headers are never logged (auth lives there), and `url` has its secret-looking query
 * values redacted, so the log can be stored and shown as it is.
 */
export const CallLogEntry = z.object({
  seq: z.number().int().positive(),
  method: z.string(),
  url: z.string(),
  status: z.number().int().nullable(),
  outcome: CallOutcome,
  ms: z.number().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type CallLogEntry = z.infer<typeof CallLogEntry>;

/** Query parameter names whose values are treated as secrets in logs (`api_key`, `access_token`, `X-Amz-Signature`…). */
const SECRET_PARAM = /key|token|secret|signature|password|passwd|credential|session|^sig$|^auth/i;

export const REDACTED = 'REDACTED';

/**
 * The URL as it may be logged: no user-info, no fragment, secret-looking query values replaced. Other
 * parameters keep their exact encoding, so the log shows the page cursor the fetcher really sent.
 */
export function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  copy.hash = '';
  if (copy.search.length > 1) {
    const parts = copy.search.slice(1).split('&').map((part) => {
      const eq = part.indexOf('=');
      const rawName = eq === -1 ? part : part.slice(0, eq);
      return SECRET_PARAM.test(safeDecode(rawName)) ? `${rawName}=${REDACTED}` : part;
    });
    copy.search = `?${parts.join('&')}`;
  }
  return copy.href;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Entries a run's call log and violation list keep whole; later ones are only counted. */
export const MAX_KEPT_ENTRIES = 200;

/** Longest URL or message a kept entry hands out; the rest is cut (after scrubbing, so a cut never leaves part of a secret). */
export const MAX_ENTRY_TEXT_CHARS = 1_000;

/** `text` cut to `max` characters, with `…` to say so. */
export function clipText(text: string, max = MAX_ENTRY_TEXT_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * The first `max` entries pushed, whole, and a count of every entry: what a run logs stays bounded
 * however many requests a fetcher makes (20,000 refused requests with 16 KB URLs must not hold
 * 320 MB in the host, nor a scorecard too long to write).
 */
export class KeptFirst<T> {
  readonly #kept: T[] = [];
  readonly #max: number;
  #total = 0;

  constructor(max = MAX_KEPT_ENTRIES) {
    this.#max = max;
  }

  push(entry: T): void {
    this.#total += 1;
    if (this.#kept.length < this.#max) this.#kept.push(entry);
  }

  /** The first entries, in the order pushed (a copy). */
  get kept(): T[] {
    return [...this.#kept];
  }

  /** Every entry pushed, kept or not. */
  get total(): number {
    return this.#total;
  }
}
