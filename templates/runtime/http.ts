import { classifyStatus, FetcherError } from './errors.ts';
import { host } from './host.ts';
import { retryDelay, type RetryPolicy } from './retry.ts';

/** template fetchwright/http@1 — one GET of a JSON page, with retry and error classification. */

export interface Page {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  url: string;
}

export interface HttpStats {
  requests: number;
  retries: number;
  waited_ms: number;
}

export async function getJson(url: string, headers: Record<string, string>, policy: RetryPolicy, stats: HttpStats): Promise<Page> {
  for (let attempt = 0; ; attempt++) {
    stats.requests++;
    const res = await host().fetch(url, { method: 'GET', headers: { accept: 'application/json', ...headers } });
    if (res.status >= 200 && res.status < 300) {
      let body: unknown;
      try {
        body = res.body.trim() === '' ? null : JSON.parse(res.body);
      } catch {
        throw new FetcherError('invalid-json', `${url} answered ${res.status} with a body that is not JSON`, res.status);
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
