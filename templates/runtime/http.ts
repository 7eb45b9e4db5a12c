import { classifyStatus, FetcherError } from './errors.ts';
import { host } from './host.ts';
import type { RateLimitSlot } from './contract.ts';
import { retryDelay, type RetryPolicy } from './retry.ts';

/**
 * template fetchwright/http@6 — one GET of a JSON page (64-bit integers kept exact), with retry (a 429 waits as the docs'
 * `rateLimit` slot says, templates/runtime/retry.ts) and error classification. Only
 * `200`, `203` and `204` answer a list request; any other status is a finding, never an empty page.
 * A `204` has no body (`body: undefined`); the stream decides whether the docs allow one.
 */

export interface Page {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON; `undefined` for a 204 No Content. */
  body: unknown;
  url: string;
}

export interface HttpStats {
  requests: number;
  retries: number;
  waited_ms: number;
}

const LIST_STATUSES = [200, 203, 204];

/** The fewest digits an integer beyond 2^53 (9007199254740992) is written with. */
const UNSAFE_DIGITS = 16;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Whether `text` holds UNSAFE_DIGITS or more ASCII digits in a row (`/\d{16}/`, without the
 * regular expression's look at every position): it reads every 16th character — any such run holds
 * one — and around the digits it finds there, so each character at most twice.
 */
export function holdsLongDigitRun(text: string): boolean {
  for (let i = UNSAFE_DIGITS - 1; i < text.length; i += UNSAFE_DIGITS) {
    if (!isDigit(text.charCodeAt(i))) continue;
    let start = i;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
    let end = i;
    while (end + 1 < text.length && isDigit(text.charCodeAt(end + 1))) end++;
    if (end - start + 1 >= UNSAFE_DIGITS) return true;
    // A longer run starts past end + 1 (not a digit), so it holds the character 16 after `end`: look there next.
    i = end;
  }
  return false;
}

/**
 * JSON.parse, keeping integers beyond 2^53 as their exact digits (a string) instead of rounding
 * them: 64-bit ids stay distinct. Uses the reviver's source-text access (ES2025 `JSON.parse` with
 * `context.source`); the reviver runs only when the text holds a run of 16 or more digits.
 */
export function parseJson(text: string): unknown {
  if (!holdsLongDigitRun(text)) return JSON.parse(text);
  return JSON.parse(text, (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && typeof context?.source === 'string' && /^-?\d+$/.test(context.source) ? context.source : value,
  );
}

/** The path of a URL without a trailing slash, decoded: `/v1/users/` and `/v1/users` are the same list. */
function pathOf(url: string): string {
  const path = (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url)?.[1] ?? '').replace(/\/+$/, '');
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The decoded query parameters of a URL, sorted: how two URLs are compared for the same page. */
function queryOf(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return '';
  return url
    .slice(q + 1)
    .split('#')[0]!
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [k = '', v = ''] = pair.split('=');
      const decode = (s: string) => {
        try {
          return decodeURIComponent(s.replace(/\+/g, ' '));
        } catch {
          return s;
        }
      };
      return `${decode(k)}=${decode(v)}`;
    })
    .sort()
    .join('&');
}

export async function getJson(url: string, headers: Record<string, string>, policy: RetryPolicy, stats: HttpStats, rateLimit?: RateLimitSlot): Promise<Page> {
  for (let attempt = 0; ; attempt++) {
    stats.requests++;
    let res;
    try {
      res = await host().fetch(url, { method: 'GET', headers: { accept: 'application/json', ...headers } });
    } catch (e) {
      throw new FetcherError('fetch-failed', url, { message: e instanceof Error ? e.message : String(e) });
    }
    if (LIST_STATUSES.includes(res.status)) {
      // A redirect to another page (its query changed) is not the page asked for: taking it would skip or repeat records.
      if (res.url && res.url !== url && (queryOf(res.url) !== queryOf(url) || pathOf(res.url) !== pathOf(url))) throw new FetcherError('redirected-elsewhere', url, { to: res.url });
      if (res.status === 204) return { status: 204, headers: res.headers, body: undefined, url: res.url || url };
      let body: unknown;
      try {
        body = parseJson(res.body);
      } catch {
        throw new FetcherError('body-not-json', url, { status: res.status, detail: res.body.trim() === '' ? 'the body is empty' : `it starts ${JSON.stringify(res.body.trim().slice(0, 40))}` });
      }
      return { status: res.status, headers: res.headers, body, url: res.url || url };
    }
    const delay = retryDelay(res.status, res.headers, attempt, policy, Date.now(), rateLimit);
    if (delay === undefined) throw classifyStatus(res.status, res.body, url);
    stats.retries++;
    stats.waited_ms += delay;
    host().log(`retrying ${url} after ${res.status} in ${delay} ms (attempt ${attempt + 2} of ${policy.max_attempts})`);
    await host().sleep(delay);
  }
}
