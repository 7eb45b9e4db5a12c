/**
 * template fetchwright/host@1 — the only capabilities a fetcher has, provided by the host through
 * the sandbox: a GET-only `fetch` through the egress gate (which adds authentication), `emit` for
 * records, `log`, and `sleep` for backoff. No Node API, timer, filesystem or network exists here.
 */

export interface HostResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
  url: string;
}

export interface HostApi {
  fetch(url: string, init: { method: 'GET'; headers: Record<string, string> }): Promise<HostResponse>;
  emit(record: unknown): void;
  log(message: string): void;
  sleep(ms: number): Promise<void>;
}

export function host(): HostApi {
  return globalThis as unknown as HostApi;
}
