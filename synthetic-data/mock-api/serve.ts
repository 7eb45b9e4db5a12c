import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MockCall, MockVendor } from './mock-vendor.ts';

/**
 * Serves a mock vendor on 127.0.0.1 for a person to explore: a request to
 * `http://127.0.0.1:PORT/<path>` is answered as the mock answers `<mock base origin>/<path>`, and
 * the answer speaks of the served address: every URL in it on the vendor's origin (a `Link` header,
 * `Location`, a next-page URL in the body) is rewritten to `http://127.0.0.1:PORT`, so following
 * one stays on the mock. In-process answers (`mock.fetch`, the proof's egress gate) are untouched:
 * they keep the docs' own origin.
 *
 * Loopback only; request bodies are ignored (the mock refuses every write anyway).
 */

/** One request the served mock answered, for a log line (`formatServedRequest`). */
export interface ServedRequest {
  method: string;
  /** Path and query as requested, the value of any credential-like query parameter shown as `***`. */
  url: string;
  status: number;
  /** Time to answer, in whole milliseconds. */
  ms: number;
  /** What the mock made of it (an injected 429, a refused credential…); absent when it recorded nothing. */
  outcome?: MockCall['outcome'];
}

export interface ServeOptions {
  /** Called once per answered request, after the response is sent. Must not throw (an error is ignored). */
  onRequest?: (request: ServedRequest) => void;
}

export interface ServedMock {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  server: Server;
  close: () => Promise<void>;
}

/** Query parameters whose values are not printed: a person may paste a real key into curl by mistake. */
const SECRET_PARAM = /key|token|secret|password|passwd|auth|signature|sig$|credential/i;

/** The path and query of a request, credential-like query values replaced by `***`. */
export function redactedTarget(target: string): string {
  const at = target.indexOf('?');
  if (at === -1) return target;
  const params = new URLSearchParams(target.slice(at + 1));
  let changed = false;
  for (const [name] of params) {
    if (SECRET_PARAM.test(name)) {
      params.set(name, '***');
      changed = true;
    }
  }
  return changed ? `${target.slice(0, at)}?${params.toString().replaceAll('%2A', '*')}` : target;
}

/** Why the mock answered as it did, in a few words, for outcomes other than `ok`. */
const OUTCOME_WORDS: Record<MockCall['outcome'], string> = {
  ok: '',
  unauthorised: 'credential missing or not the synthetic one',
  'unknown-path': 'no documented operation at this path',
  'not-a-list': 'the mock serves list operations only',
  'no-such-parent': 'no such parent record',
  write: 'write refused: connectors are read-only',
  'fault-429': 'injected rate limit (--no-faults turns these off)',
  'retry-too-early': 'retried before the announced rate-limit window opened',
  'fault-503': 'injected outage (--no-faults turns these off)',
  'bad-request': 'bad page request',
  'past-end': 'past the end of the list',
  'page-size-too-large': 'page size above the documented maximum',
};

/** One log line: `GET /hub/api/users?limit=5 → 429 injected rate limit (--no-faults turns these off) (2 ms)`. */
export function formatServedRequest(r: ServedRequest): string {
  const why = r.outcome ? OUTCOME_WORDS[r.outcome] : '';
  return `${r.method} ${r.url} → ${r.status}${why ? ` ${why}` : ''} (${r.ms} ms)`;
}

/**
 * Replaces `origin` with `served` wherever it starts a URL in `text`: followed by `/`, `?`, `#`,
 * a quote, `>`, `,`, `;`, a backslash, whitespace or the end — never inside a longer host
 * (`https://api.example.test.evil` stays as it is).
 */
export function rewriteOrigin(text: string, origin: string, served: string): string {
  const escaped = origin.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return text.replace(new RegExp(`${escaped}(?=[/?#"'>,;\\\\\\s]|$)`, 'g'), served);
}

/** Response headers that carry URLs a client follows. */
const URL_HEADERS = ['link', 'location', 'content-location'];

/** Content types whose body is text worth rewriting (JSON, XML, HTML, plain text). */
const TEXT_BODY = /json|xml|html|text\//i;

/** The mock's answer with the vendor's origin rewritten to the served one: in URL headers and in a text body. */
async function servedResponse(response: Response, origin: string, served: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = URL_HEADERS.includes(name) ? rewriteOrigin(value, origin, served) : value;
  let body = Buffer.from(await response.arrayBuffer());
  if (TEXT_BODY.test(headers['content-type'] ?? '')) body = Buffer.from(rewriteOrigin(body.toString('utf8'), origin, served), 'utf8');
  delete headers['content-length'];
  delete headers['content-encoding'];
  headers['content-length'] = String(body.length);
  return { status: response.status, headers, body };
}

/** The call the mock recorded for this request: the first one after `before` with its method and path. */
function recordedCall(mock: MockVendor, before: number, method: string, pathname: string): MockCall | undefined {
  return mock.calls.slice(before).find((c) => c.method === method && c.path === pathname);
}

/**
 * Listens on `127.0.0.1:port` (0 picks a free port) and answers every request with `mock`, its URLs
 * rewritten to the served address (see the module comment). Calls `options.onRequest` once per
 * request. Rejects with the listen error (`EADDRINUSE`, `EACCES`) when the port cannot be had.
 */
export async function serveMock(mock: MockVendor, port: number, options: ServeOptions = {}): Promise<ServedMock> {
  const origin = new URL(mock.baseUrl).origin;
  let served = '';
  const server = createServer((req, res) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    headers.delete('host');
    req.resume();
    const before = mock.calls.length;
    let url: URL;
    try {
      url = new URL(`${origin}${target.startsWith('/') ? target : `/${target}`}`);
    } catch {
      url = new URL(`${origin}/`);
    }
    const finish = (status: number) => {
      if (!options.onRequest) return;
      const outcome = recordedCall(mock, before, method, url.pathname)?.outcome;
      try {
        options.onRequest({ method, url: redactedTarget(target), status, ms: Math.round(performance.now() - started), ...(outcome ? { outcome } : {}) });
      } catch {
        // a logger's failure never breaks the server
      }
    };
    mock
      .fetch(new Request(url, { method, headers }))
      .then(async (response) => {
        const answer = await servedResponse(response, origin, served);
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        finish(answer.status);
      })
      .catch((e: Error) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: e.message }));
        finish(500);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  served = `http://127.0.0.1:${bound}`;
  return { url: served, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
