import { classifyStatus, FetcherError } from './errors.ts';
import { host } from './host.ts';
import { retryDelay, type RetryPolicy } from './retry.ts';

/**
 * template fetchwright/http@2 — one GET of a JSON page, with retry and error classification. Only
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

export async function getJson(url: string, headers: Record<string, string>, policy: RetryPolicy, stats: HttpStats): Promise<Page> {
  for (let attempt = 0; ; attempt++) {
    stats.requests++;
    let res;
    try {
      res = await host().fetch(url, { method: 'GET', headers: { accept: 'application/json', ...headers } });
    } catch (e) {
      throw new FetcherError('fetch-failed', url, { message: e instanceof Error ? e.message : String(e) });
    }
    if (LIST_STATUSES.includes(res.status)) {
      if (res.status === 204) return { status: 204, headers: res.headers, body: undefined, url: res.url || url };
      let body: unknown;
      try {
        body = JSON.parse(res.body);
      } catch {
        throw new FetcherError('body-not-json', url, { status: res.status, detail: res.body.trim() === '' ? 'the body is empty' : `it starts ${JSON.stringify(res.body.trim().slice(0, 40))}` });
      }
      return { status: res.status, headers: res.headers, body, url: res.url || url };
    }
    const delay = retryDelay(res.status, res.headers, attempt, policy, Date.now());
    if (delay === undefined) throw classifyStatus(res.status, res.body, url);
    stats.retries++;
    stats.waited_ms += delay;
    host().log(`retrying ${url} after ${res.status} in ${delay} ms (attempt ${attempt + 2} of ${policy.max_attempts})`);
    await host().sleep(delay);
  }
}
