import { expect } from 'vitest';
import type { RunResult } from './result.ts';
import { runFetcher, type RunFetcherOptions } from './run-fetcher.ts';

/** Shared by the runFetcher tests: a fake vendor API and a runner wired to it. */

export const HOST = 'api.vendor.test';
export const BASE = `https://${HOST}`;
export const TOKEN = 'tok_live_0a1b2c3d4e5f6a7b';

export const USERS = ['ada', 'grace', 'linus', 'margaret', 'barbara'].map((name, i) => ({ id: `u${i + 1}`, name, email: `${name}@example.test` }));

/**
 * A fake vendor API over `Request`: `/users?page=N` pages USERS two at a time, answers 401 without
 * the injected token, and records every request that reaches it, so a test can assert what was never sent.
 */
export function fakeVendor(extra: (req: Request, url: URL) => Response | undefined = () => undefined) {
  const received: Request[] = [];
  const fetchImpl = async (req: Request): Promise<Response> => {
    received.push(req);
    const url = new URL(req.url);
    const special = extra(req, url);
    if (special) return special;
    if (req.headers.get('authorization') !== `Bearer ${TOKEN}`) return new Response('{"error":"unauthorized"}', { status: 401 });
    if (url.pathname === '/users') {
      const page = Number(url.searchParams.get('page') ?? '1');
      const items = USERS.slice((page - 1) * 2, page * 2);
      const next = page * 2 < USERS.length ? page + 1 : null;
      return Response.json({ items, next_page: next }, { headers: { 'x-echo-auth': req.headers.get('authorization') ?? '' } });
    }
    return new Response('{"error":"not found"}', { status: 404 });
  };
  return { received, fetchImpl };
}

export type Options = Omit<RunFetcherOptions, 'egress'> & { egress?: Partial<RunFetcherOptions['egress']> };

export function run(source: string, options: Partial<Options> = {}, vendor = fakeVendor()): Promise<RunResult> {
  return runFetcher({
    source,
    input: { base: BASE },
    ...options,
    limits: { cpuMs: 1_000, wallMs: 5_000, ...options.limits },
    egress: { allowedOrigins: [BASE], injectAuth: () => ({ Authorization: `Bearer ${TOKEN}` }), fetchImpl: vendor.fetchImpl, ...options.egress },
  });
}

export const failureOf = (result: RunResult) => (result.ok ? undefined : result.failure);

/** After an attack, the same host process must still run a well-behaved fetcher. */
export async function expectHostStillRuns(): Promise<void> {
  const result = await run(`async function run() { emit({ alive: true }); }`);
  expect(result).toMatchObject({ ok: true, records: [{ alive: true }] });
}
