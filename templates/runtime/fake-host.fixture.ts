import type { Page } from './http.ts';
import type { HostApi, HostResponse } from './host.ts';

/**
 * A stand-in for the sandbox's host capabilities, for unit-testing templates outside the isolate:
 * routes GETs to a handler, collects emitted records, and records sleeps instead of waiting.
 */
export function installFakeHost(handler: (url: string, headers: Record<string, string>) => Partial<HostResponse> & { json?: unknown }) {
  const emitted: unknown[] = [];
  const requests: string[] = [];
  const sleeps: number[] = [];
  const api: HostApi = {
    async fetch(url, init) {
      requests.push(url);
      const r = handler(url, init.headers);
      return { status: r.status ?? 200, headers: r.headers ?? {}, body: r.body ?? JSON.stringify(r.json ?? null), url: r.url ?? url };
    },
    emit: (record) => emitted.push(record),
    log: () => undefined,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  const g = globalThis as unknown as Record<string, unknown>;
  const previous = Object.fromEntries(['fetch', 'emit', 'log', 'sleep'].map((k) => [k, g[k]]));
  Object.assign(g, api);
  return {
    emitted,
    requests,
    sleeps,
    restore: () => Object.assign(g, previous),
  };
}

/** A page as http.ts hands it to select-records. */
export const page = (body: unknown, status = 200): Page => ({ status, headers: {}, body, url: 'https://api.test/x' });

/** The empty answers a plan allows when the docs allow none but `[]`. */
export const strict = { no_content: false, null_items: false };

/** `accepted`, or the id of the finding `fn` throws (its message when it is not a finding). */
export const idOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'accepted';
  } catch (e) {
    return (e as { finding?: { id: string } }).finding?.id ?? String(e);
  }
};
