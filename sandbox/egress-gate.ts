import { z } from 'zod';
import { isAllowedHost, parseAllowedHost, type AllowedHost } from './allowed-hosts.ts';
import { CallOutcome, REDACTED, redactUrl, type CallLogEntry } from './call-log.ts';
import { SecretScrubber } from './secret-scrubber.ts';
import type { Violation, ViolationKind } from './violation.ts';

/**
 * The host side of the fetcher's only capability. Every request the isolate makes passes here: the gate
 * refuses what the policy does not allow without sending it, strips credentials the fetcher tried to
 * bring, adds the host's own auth for allowed hosts only, follows redirects only while they stay on
 * allowed hosts, caps response size and request count, and logs every attempt. A host credential that
 * expires is renewed through `prepareAuth` before a request and `renewAuth` after a 401 (one retry).
 * Nothing it hands back — a response's headers, body and URL, a refusal's message, the call log, the
 * violations — holds a credential it injected, in any encoding (see {@link SecretScrubber}): each form
 * is `REDACTED`, a credential renewed mid-run included (it is learnt as it is injected).
 */
export const EgressPolicy = z.object({
  allowedHosts: z
    .array(z.string().refine((h) => parseAllowedHost(h) !== undefined, { message: 'expected host or host:port' }))
    .meta({ description: 'Exact hosts the fetcher may call: `host` (default port) or `host:port`.', examples: [['api.example.com']] }),
  allowedMethods: z
    .array(z.string().min(1))
    .default(['GET'])
    .meta({ description: 'HTTP methods the fetcher may use.' }),
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024)
    .meta({ description: 'Largest response body read; a larger one is cut off and refused.' }),
  maxRequests: z
    .number()
    .int()
    .positive()
    .default(1_000)
    .meta({ description: 'Fetch attempts per run, refused ones and redirect hops included.' }),
});
export type EgressPolicy = z.infer<typeof EgressPolicy>;

/** The edges the gate touches, so a test can hand it fakes. */
export interface EgressAdapters {
  /** Headers the host adds for an allowed host (its credentials). Never seen by the fetcher, never logged. */
  injectAuth?: (url: URL) => Record<string, string>;
  /** Query parameters the host adds to each request to an allowed host (an API key documented `in: query`). */
  injectQuery?: (url: URL) => Record<string, string>;
  /** Sends one request; defaults to the global fetch. */
  fetchImpl?: (request: Request) => Promise<Response>;
  /**
   * Awaited before the host's auth is added to each request (and redirect hop) to an allowed host:
   * where a credential that expires (an OAuth 2 access token) is renewed before it is used. A
   * rejection fails that request as a network error with a fixed message (its own may quote a secret).
   */
  prepareAuth?: (url: URL) => Promise<void>;
  /**
   * Called when an allowed host answers 401 to a request that carried the host's auth (`sent`: the
   * header and query values the gate injected into it). Resolving true says the credential was
   * renewed (an expired or revoked token: RFC 6750 §3.1 `invalid_token`); the gate then sends that
   * request once more with the auth injected anew, and the fetcher sees only the second answer. Both
   * attempts are in the call log. False or a rejection hands the 401 to the fetcher.
   */
  renewAuth?: (url: URL, sent: string[]) => Promise<boolean>;
  /** Secrets the host holds but never injects (an OAuth 2 client secret): scrubbed from everything the gate hands back, like the injected ones. */
  secrets?: string[];
}
export type EgressGateOptions = z.input<typeof EgressPolicy> & EgressAdapters;

/** What the fetcher asked for, as it crosses out of the isolate. */
export const FetchRequest = z.object({
  url: z.string().max(16_384),
  method: z.string().min(1).max(32).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
});
export type FetchRequest = z.infer<typeof FetchRequest>;

/** What the fetcher gets back: plain data, header names lower-case. */
export const FetchResponse = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  url: z.string(),
});
export type FetchResponse = z.infer<typeof FetchResponse>;

export const FetchErrorCode = z.enum([...CallOutcome.exclude(['ok']).options, 'invalid-request']);
export type FetchErrorCode = z.infer<typeof FetchErrorCode>;

export const FetchReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), response: FetchResponse }),
  z.object({ ok: z.literal(false), code: FetchErrorCode, message: z.string() }),
]);
export type FetchReply = z.infer<typeof FetchReply>;

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Credentials the fetcher may never send itself: these names, and any header the host injects auth into. */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$|api-?key|auth|token|secret|password|session|signature/;
/** Headers that would re-route the request or break its framing. */
const FORBIDDEN_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'expect',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
]);
/** Response headers the fetcher does not see: a session is a credential too. */
const HIDDEN_RESPONSE_HEADERS = new Set(['set-cookie', 'set-cookie2']);

export class EgressGate {
  readonly #policy: EgressPolicy;
  readonly #hosts: AllowedHost[];
  readonly #methods: Set<string>;
  readonly #injectAuth: (url: URL) => Record<string, string>;
  readonly #injectQuery: (url: URL) => Record<string, string>;
  readonly #fetchImpl: (request: Request) => Promise<Response>;
  readonly #prepareAuth: ((url: URL) => Promise<void>) | undefined;
  readonly #renewAuth: ((url: URL, sent: string[]) => Promise<boolean>) | undefined;
  readonly #calls: CallLogEntry[] = [];
  readonly #violations: Violation[] = [];
  /** Every credential the gate has injected in this run, to be kept out of everything it hands back. */
  readonly #scrubber = new SecretScrubber();
  /** The injected values the scrubber last learnt (as JSON): the same values again add nothing. */
  #learnt = '';
  #attempts = 0;
  #sent = 0;
  #capped = false;

  constructor(options: EgressGateOptions) {
    const { injectAuth, injectQuery, fetchImpl, prepareAuth, renewAuth, secrets, ...policy } = options;
    if (secrets?.length) this.#scrubber.add(secrets);
    this.#policy = EgressPolicy.parse(policy);
    this.#hosts = this.#policy.allowedHosts.map((h) => parseAllowedHost(h)!);
    this.#methods = new Set(this.#policy.allowedMethods.map((m) => m.toUpperCase()));
    this.#injectAuth = injectAuth ?? (() => ({}));
    this.#injectQuery = injectQuery ?? (() => ({}));
    this.#fetchImpl = fetchImpl ?? ((request) => globalThis.fetch(request));
    this.#prepareAuth = prepareAuth;
    this.#renewAuth = renewAuth;
  }

  /** Every attempt in `seq` order, refused ones included; no injected credential in any URL. */
  get calls(): CallLogEntry[] {
    return [...this.#calls].sort((a, b) => a.seq - b.seq).map((c) => ({ ...c, url: this.#scrubber.scrub(c.url) }));
  }

  /** What the fetcher tried that the policy forbids, in `seq` order; no injected credential in any message. */
  get violations(): Violation[] {
    return [...this.#violations].sort((a, b) => a.seq - b.seq).map((v) => ({ ...v, message: this.#scrubber.scrub(v.message) }));
  }

  /** Requests that actually went out (redirect hops included). */
  get requestsSent(): number {
    return this.#sent;
  }

  /**
   * Sends one request the fetcher asked for, if the policy allows it. Never rejects: a refusal or a
   * network failure is a reply (`{ ok: false, code, message }`) the isolate turns into a rejected
   * promise. Every credential the gate ever injected is scrubbed from the reply — the response's header
   * names and values, body and URL, or the refusal's message — in every form it can take on the wire.
   */
  async fetch(request: FetchRequest, signal?: AbortSignal): Promise<FetchReply> {
    return this.#scrubbed(await this.#fetch(request, signal));
  }

  #scrubbed(reply: FetchReply): FetchReply {
    if (this.#scrubber.size === 0) return reply;
    const scrub = (text: string) => this.#scrubber.scrub(text);
    if (!reply.ok) return { ...reply, message: scrub(reply.message) };
    const { status, headers, body, url } = reply.response;
    const visible: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      const shown = this.#scrubber.scrubName(name);
      visible[shown] = shown in visible ? `${visible[shown]}, ${scrub(value)}` : scrub(value);
    }
    return { ok: true, response: { status, headers: visible, body: scrub(body), url: scrub(url) } };
  }

  async #fetch(request: FetchRequest, signal?: AbortSignal): Promise<FetchReply> {
    let url = URL.parse(request.url);
    if (!url) return invalid(`fetch: ${JSON.stringify(request.url.slice(0, 200))} is not an absolute URL`);
    let method = request.method.toUpperCase();
    let body = request.body;
    if (body !== undefined && (method === 'GET' || method === 'HEAD')) return invalid(`fetch: a ${method} request cannot have a body`);
    let headers: Headers;
    try {
      headers = new Headers(request.headers);
    } catch (e) {
      return invalid(`fetch: invalid headers (${(e as Error).message})`);
    }

    let seq = this.#nextSeq();
    if (seq === undefined) return this.#refusedAfterCap();
    // What the fetcher brought itself is judged once, against the first URL.
    url = this.#stripQueryCredentials(this.#stripUrlCredentials(url, seq), seq);
    this.#stripHeaders(headers, url, seq);

    let renewed = false;
    for (let hop = 0; ; hop++) {
      const refusal = this.#checkPolicy(url, method, seq);
      if (refusal) return refusal;

      const sent = await this.#send(url, method, headers, body, seq, signal);
      if (!sent.ok) return sent.reply;
      const { response, startedAt } = sent;

      // A 401 to the host's own credential: renewed once (the token expired or was revoked), the request sent again.
      if (response.status === 401 && !renewed && sent.injected.length && (await this.#renew(url, sent.injected))) {
        renewed = true;
        await response.body?.cancel().catch(() => {});
        this.#log(seq, method, url, response.status, 'ok', startedAt, 0);
        const nextSeq = this.#nextSeq();
        if (nextSeq === undefined) return this.#refusedAfterCap();
        seq = nextSeq;
        hop -= 1; // a renewal is not a redirect hop
        continue;
      }

      const location = response.headers.get('location');
      if (REDIRECT_STATUSES.has(response.status) && location !== null) {
        await response.body?.cancel().catch(() => {});
        const next = URL.parse(location, url.href);
        const onAllowedHost = next !== null && isHttp(next) && isAllowedHost(next, this.#hosts);
        if (!onAllowedHost) {
          const where = next ? redactUrl(next) : JSON.stringify(location.slice(0, 200));
          this.#log(seq, method, url, response.status, 'redirect-off-host', startedAt, 0);
          this.#violate('redirect-off-host', seq, `${method} ${redactUrl(url)} redirected to ${where}, off the allowed hosts; not followed`);
          return refused('redirect-off-host', `egress refused: ${redactUrl(url)} redirected off the allowed hosts to ${where}`);
        }
        this.#log(seq, method, url, response.status, 'ok', startedAt, 0);
        if (hop + 1 > MAX_REDIRECTS) {
          return refused('network-error', `fetch failed: more than ${MAX_REDIRECTS} redirects from ${redactUrl(url)}`);
        }
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          if (method !== 'HEAD') method = 'GET';
          body = undefined;
          headers.delete('content-type');
        }
        url = next;
        const nextSeq = this.#nextSeq();
        if (nextSeq === undefined) return this.#refusedAfterCap();
        seq = nextSeq;
        continue;
      }

      const read = await readCapped(response, this.#policy.maxResponseBytes);
      if (read.tooLarge) {
        this.#log(seq, method, url, response.status, 'response-too-large', startedAt, read.bytes);
        this.#violate('response-too-large', seq, `${method} ${redactUrl(url)} answered with more than ${this.#policy.maxResponseBytes} bytes; cut off`);
        return refused('response-too-large', `egress refused: the response from ${redactUrl(url)} is larger than ${this.#policy.maxResponseBytes} bytes`);
      }
      if (read.error !== undefined) {
        this.#log(seq, method, url, response.status, 'network-error', startedAt, read.bytes);
        return refused('network-error', `fetch failed: reading the response from ${redactUrl(url)}: ${read.error}`);
      }
      this.#log(seq, method, url, response.status, 'ok', startedAt, read.bytes);
      // A server that echoes the injected credential back must not hand it to the fetcher: `fetch` scrubs this.
      return { ok: true, response: { status: response.status, headers: visibleHeaders(response.headers), body: read.text, url: url.href } };
    }
  }

  /** The next attempt's sequence number, or undefined once the request cap is spent. */
  #nextSeq(): number | undefined {
    if (this.#capped) return undefined;
    this.#attempts += 1;
    return this.#attempts;
  }

  #refusedAfterCap(): FetchReply {
    return refused('request-cap', `egress refused: the run's cap of ${this.#policy.maxRequests} requests is spent`);
  }

  #checkPolicy(url: URL, method: string, seq: number): FetchReply | undefined {
    // Only a refusal shows the URL: it is redacted then, not for every request that passes.
    if (seq > this.#policy.maxRequests) {
      const shown = redactUrl(url);
      // The first refusal past the cap is logged; later attempts are refused silently, so the log stays bounded.
      this.#capped = true;
      this.#log(seq, method, url, null, 'request-cap', undefined, 0);
      this.#violate('request-cap', seq, `more than ${this.#policy.maxRequests} requests; ${method} ${shown} not sent`);
      return this.#refusedAfterCap();
    }
    if (!isHttp(url)) {
      const shown = redactUrl(url);
      this.#log(seq, method, url, null, 'refused-scheme', undefined, 0);
      this.#violate('refused-scheme', seq, `${method} ${shown}: only http and https may be fetched`);
      return refused('refused-scheme', `egress refused: ${url.protocol} URLs cannot be fetched (${shown})`);
    }
    if (!isAllowedHost(url, this.#hosts)) {
      const shown = redactUrl(url);
      this.#log(seq, method, url, null, 'refused-host', undefined, 0);
      this.#violate('refused-host', seq, `${method} ${shown}: ${url.host} is not an allowed host`);
      return refused('refused-host', `egress refused: ${url.host} is not an allowed host (allowed: ${this.#policy.allowedHosts.join(', ') || 'none'})`);
    }
    if (!this.#methods.has(method)) {
      const shown = redactUrl(url);
      this.#log(seq, method, url, null, 'refused-method', undefined, 0);
      this.#violate('refused-method', seq, `${method} ${shown}: method not allowed`);
      return refused('refused-method', `egress refused: ${method} is not an allowed method (allowed: ${[...this.#methods].join(', ')})`);
    }
    return undefined;
  }

  #stripUrlCredentials(url: URL, seq: number): URL {
    if (url.username === '' && url.password === '') return url;
    const clean = new URL(url.href);
    clean.username = '';
    clean.password = '';
    this.#violate('credential-in-url', seq, `${redactUrl(clean)}: the fetcher put credentials in the URL; removed`);
    return clean;
  }

  /**
   * Removes a query credential the fetcher set itself: only the host adds those. One exception: a value
   * that is exactly the scrubbed placeholder (`api_key=REDACTED`) is the host's own credential coming back
   * in a link the gate scrubbed (a next URL that repeats every query parameter); it is left in place, so
   * the page is the one the server linked to, and #send puts the injected value there, silently.
   */
  #stripQueryCredentials(url: URL, seq: number): URL {
    let names: string[] = [];
    try {
      if (isHttp(url) && isAllowedHost(url, this.#hosts)) names = Object.keys(this.#injectQuery(new URL(url.href)));
    } catch {
      // #send reports a failing hook
    }
    const set = names.filter((n) => url.searchParams.has(n) && !url.searchParams.getAll(n).every((v) => v === REDACTED));
    if (!set.length) return url;
    const clean = new URL(url.href);
    for (const n of set) clean.searchParams.delete(n);
    this.#violate('credential-in-url', seq, `the fetcher set the ${set.join(', ')} query parameter itself; removed (credentials come only from the host)`);
    return clean;
  }

  /** Removes credentials and routing headers the fetcher set itself; the host's auth is added per hop in #send. */
  #stripHeaders(headers: Headers, url: URL, seq: number): void {
    let injectedNames = new Set<string>();
    try {
      if (isHttp(url) && isAllowedHost(url, this.#hosts)) injectedNames = new Set(Object.keys(this.#authFor(url)).map((n) => n.toLowerCase()));
    } catch {
      // #send reports a failing auth hook; the fixed credential names are still stripped here.
    }
    for (const name of [...headers.keys()]) {
      if (CREDENTIAL_HEADER.test(name) || injectedNames.has(name)) {
        headers.delete(name);
        this.#violate('credential-header', seq, `the fetcher set the ${name} header itself; removed (credentials come only from the host)`);
      } else if (FORBIDDEN_HEADERS.has(name) || name.startsWith('proxy-')) {
        headers.delete(name);
        this.#violate('forbidden-header', seq, `the fetcher set the ${name} header; removed`);
      }
    }
  }

  #authFor(url: URL): Record<string, string> {
    return this.#injectAuth(new URL(url.href));
  }

  async #send(
    url: URL,
    method: string,
    fetcherHeaders: Headers,
    body: string | undefined,
    seq: number,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; response: Response; startedAt: number; injected: string[] } | { ok: false; reply: FetchReply }> {
    const startedAt = performance.now();
    const headers = new Headers(fetcherHeaders);
    let target = url;
    let injected: string[];
    try {
      await this.#prepareAuth?.(new URL(url.href));
      const auth = this.#authFor(url);
      for (const [name, value] of Object.entries(auth)) headers.set(name, value);
      const query = this.#injectQuery(new URL(url.href));
      if (Object.keys(query).length) {
        target = new URL(url.href);
        for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
      }
      injected = [...Object.values(auth), ...Object.values(query)];
      // The scrubber only ever gains secrets: the values of the request before need not be learnt again.
      const key = JSON.stringify([Object.values(auth), Object.values(query)]);
      if (key !== this.#learnt) {
        this.#scrubber.add(secretsOf(Object.values(auth), Object.values(query)));
        this.#learnt = key;
      }
    } catch {
      // The hook's own message may quote the secret it failed on: the fetcher gets a fixed one.
      this.#log(seq, method, url, null, 'network-error', startedAt, 0);
      return { ok: false, reply: refused('network-error', `fetch failed: the host could not provide credentials for ${url.host}`) };
    }
    try {
      // The call log and the fetcher see `url`; only the request on the wire carries a query credential.
      const request = new Request(target, { method, headers, body: body ?? null, redirect: 'manual', ...(signal ? { signal } : {}) });
      this.#sent += 1;
      const response = await this.#fetchImpl(request);
      return { ok: true, response, startedAt, injected };
    } catch (e) {
      this.#log(seq, method, url, null, 'network-error', startedAt, 0);
      // Scrubbed before it is cut short, so a secret at the cut cannot survive in part; `fetch` scrubs the reply again.
      // undici says only "fetch failed"; the cause says why (connect ECONNREFUSED 127.0.0.1:1, a certificate error, a timeout).
      const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : '';
      const reason = e instanceof Error ? this.#scrubber.scrub(`${e.message}${cause}`.split('\n')[0]!.slice(0, 2_000)).slice(0, 200) : 'unknown error';
      // The URL is not repeated here: the fetcher's finding names it.
      return { ok: false, reply: refused('network-error', /^fetch failed/i.test(reason) ? reason : `fetch failed: ${reason}`) };
    }
  }

  /** Whether the host renewed the credential a 401 refused; a failing hook renews nothing. */
  async #renew(url: URL, sent: string[]): Promise<boolean> {
    if (!this.#renewAuth) return false;
    try {
      return (await this.#renewAuth(new URL(url.href), sent)) === true;
    } catch {
      return false;
    }
  }

  #log(seq: number, method: string, url: URL, status: number | null, outcome: CallOutcome, startedAt: number | undefined, bytes: number): void {
    const ms = startedAt === undefined ? 0 : Math.round((performance.now() - startedAt) * 1000) / 1000;
    this.#calls.push({ seq, method, url: redactUrl(url), status, outcome, ms, bytes });
  }

  #violate(kind: ViolationKind, seq: number, message: string): void {
    this.#violations.push({ kind, seq, message });
  }
}

function isHttp(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

function refused(code: FetchErrorCode, message: string): FetchReply {
  return { ok: false, code, message };
}

function invalid(message: string): FetchReply {
  return refused('invalid-request', message);
}

/**
 * What must never reach the fetcher, from the values the host injects: each header value of 4 characters
 * or more and each query value, the token part of `Bearer <token>`-style values, and for HTTP Basic the
 * decoded `user:password` and the password. Parts shorter than 8 characters are left out (they would
 * match ordinary words in a body). Longest first.
 */
export function secretsOf(headerValues: string[], queryValues: string[] = []): string[] {
  const values = [...headerValues.filter((v) => v.length >= 4), ...queryValues.filter((v) => v.length > 0)];
  const parts = values.flatMap((v) => v.split(/\s+/));
  for (const v of values) {
    const basic = /^basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(v);
    if (!basic) continue;
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    parts.push(decoded, decoded.slice(decoded.indexOf(':') + 1));
  }
  return [...new Set([...values, ...parts.filter((p) => p.length >= 8)])].sort((a, b) => b.length - a.length);
}

function visibleHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) if (!HIDDEN_RESPONSE_HEADERS.has(name)) out[name] = value;
  return out;
}

export type CappedRead = { tooLarge: false; text: string; bytes: number; error?: string } | { tooLarge: true; bytes: number };

/** Reads the body as UTF-8, never buffering more than `max` bytes (plus the one chunk that crossed it). Used by the gate and by the host's own token requests. */
export async function readCapped(response: Response, max: number): Promise<CappedRead> {
  const declared = Number(response.headers.get('content-length') ?? '');
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => {});
    return { tooLarge: true, bytes: 0 };
  }
  if (!response.body) return { tooLarge: false, text: '', bytes: 0 };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > max) {
        await reader.cancel().catch(() => {});
        return { tooLarge: true, bytes };
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch (e) {
    return { tooLarge: false, text: '', bytes, error: e instanceof Error ? e.message.slice(0, 200) : 'unknown error' };
  }
  return { tooLarge: false, text: text + decoder.decode(), bytes };
}
