import { z } from 'zod';
import { READ_ONLY_REQUEST_POLICY } from '../policy/request-policy.ts';
import { isAllowedOrigin, parseAllowedOrigin } from './allowed-hosts.ts';
import { CallOutcome, clipText, KeptFirst, REDACTED, redactUrl, type CallLogEntry } from './call-log.ts';
import { SecretScrubber } from './secret-scrubber.ts';
import { ViolationLog, type Violation, type ViolationKind } from './violation.ts';

/**
 * The host side of the fetcher's only capability. Every request the isolate makes passes here: the gate
 * refuses what the policy does not allow without sending it (another origin, scheme or method, a query
 * parameter the request policy refuses, headers past the size cap), lets through only the headers the
 * plan declares (and `Accept`) and strips the rest, adds the host's own auth for allowed origins only
 * and only over https (or to an http origin the caller names in `plaintextCredentialOrigins`), follows
 * redirects only while they stay on allowed origins and never from https to http, caps response size and
 * request count, and logs every attempt. A host credential that
 * expires is renewed through `prepareAuth` before a request and `renewAuth` after a 401 (one retry).
 * Nothing it hands back — a response's headers, body and URL, a refusal's message, the call log, the
 * violations — holds a credential it injected, in any encoding (see {@link SecretScrubber}): each form
 * is `REDACTED`, a credential renewed mid-run included (it is learnt as it is injected).
 */
export const EgressPolicy = z.object({
  allowedOrigins: z
    .array(z.string().refine((o) => parseAllowedOrigin(o) !== undefined, { message: 'expected an http(s) origin: scheme://host[:port]' }))
    .default([])
    .meta({
      description: 'Exact origins (scheme, host, port) the fetcher may call; no other scheme, port or subdomain. None: nothing is allowed.',
      examples: [['https://api.example.com', 'http://127.0.0.1:8080']],
    }),
  plaintextCredentialOrigins: z
    .array(z.string().refine((o) => parseAllowedOrigin(o)?.startsWith('http:') === true, { message: 'expected an http:// origin' }))
    .default([])
    .meta({
      description:
        "http origins the host's credential may be added to. Otherwise it goes over https only. Set by `run` for a loopback test server a human named with --base-url, and by validation for the in-process mock, whose credential is a synthetic placeholder.",
      examples: [['http://127.0.0.1:8080']],
    }),
  allowedHeaders: z
    .record(z.string(), z.array(z.string()))
    .default({})
    .meta({
      description:
        'The request headers the fetcher may send, by name (any case), with the values each may have: the plan\'s fixed headers. `Accept: application/json` is always allowed. Any other header is removed as a violation, as is a header the request policy refuses.',
      examples: [{ 'Notion-Version': ['2022-06-28'] }],
    }),
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
  /** Headers the host adds for an allowed origin (its credentials), over https only unless `plaintextCredentialOrigins` names it. Never seen by the fetcher, never logged. */
  injectAuth?: (url: URL) => Record<string, string>;
  /** Query parameters the host adds to each request to an allowed origin (an API key documented `in: query`), as `injectAuth`'s headers are. */
  injectQuery?: (url: URL) => Record<string, string>;
  /** Sends one request; defaults to the global fetch. */
  fetchImpl?: (request: Request) => Promise<Response>;
  /**
   * Awaited before the host's auth is added to each request (and redirect hop) to an allowed origin:
   * where a credential that expires (an OAuth 2 access token) is renewed before it is used. A
   * rejection fails that request as a network error with a fixed message (its own may quote a secret).
   */
  prepareAuth?: (url: URL) => Promise<void>;
  /**
   * Called when an allowed origin answers 401 to a request that carried the host's auth (`sent`: the
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

/**
 * The most bytes of request headers the fetcher may send, names, values and their `: ` and CRLF counted
 * (16 KiB, the common server limit: nginx's default large_client_header_buffers line, undici's 16 KiB
 * max header size). A larger request is refused, not sent.
 */
export const MAX_REQUEST_HEADER_BYTES = 16 * 1024;

/** What a fetcher may always send: the runtime's own `Accept` (templates/runtime/http.ts). */
const ALWAYS_ALLOWED_HEADERS: Record<string, string[]> = { accept: ['application/json'] };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Credentials the fetcher may never send itself, even when the plan names them: these names, any name
 * with a credential word in it (`X-Access-Key`, `Private-Key`, `X-Auth-User`), and any header the host
 * injects auth into.
 */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$|key|auth|token|secret|passw|session|signature|credential|bearer|jwt/;
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
  readonly #origins: Set<string>;
  readonly #plaintextOrigins: Set<string>;
  /** Lower-case header name → the comma-separated items each value of it may hold. */
  readonly #headerItems: Map<string, Set<string>>;
  readonly #methods: Set<string>;
  readonly #injectAuth: (url: URL) => Record<string, string>;
  readonly #injectQuery: (url: URL) => Record<string, string>;
  readonly #fetchImpl: (request: Request) => Promise<Response>;
  readonly #prepareAuth: ((url: URL) => Promise<void>) | undefined;
  readonly #renewAuth: ((url: URL, sent: string[]) => Promise<boolean>) | undefined;
  /** The first calls and violations whole, every one counted: a flood of requests stays bounded here. */
  readonly #calls = new KeptFirst<CallLogEntry>();
  readonly #violations = new ViolationLog();
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
    this.#origins = new Set(this.#policy.allowedOrigins.map((o) => parseAllowedOrigin(o)!));
    this.#plaintextOrigins = new Set(this.#policy.plaintextCredentialOrigins.map((o) => parseAllowedOrigin(o)!));
    this.#headerItems = new Map();
    for (const [name, values] of [...Object.entries(ALWAYS_ALLOWED_HEADERS), ...Object.entries(this.#policy.allowedHeaders)]) {
      const items = this.#headerItems.get(name.toLowerCase()) ?? new Set<string>();
      for (const value of values) for (const item of value.split(',')) items.add(item.trim());
      this.#headerItems.set(name.toLowerCase(), items);
    }
    this.#methods = new Set(this.#policy.allowedMethods.map((m) => m.toUpperCase()));
    this.#injectAuth = injectAuth ?? (() => ({}));
    this.#injectQuery = injectQuery ?? (() => ({}));
    this.#fetchImpl = fetchImpl ?? ((request) => globalThis.fetch(request));
    this.#prepareAuth = prepareAuth;
    this.#renewAuth = renewAuth;
  }

  /**
   * The first MAX_KEPT_ENTRIES attempts (`callCount` counts them all) in `seq` order, refused ones
   * included; no injected credential in any URL, each URL cut to MAX_ENTRY_TEXT_CHARS.
   */
  get calls(): CallLogEntry[] {
    return this.#calls.kept.sort((a, b) => a.seq - b.seq).map((c) => ({ ...c, url: clipText(this.#scrubber.scrub(c.url)) }));
  }

  /**
   * The first MAX_KEPT_ENTRIES things the fetcher tried that the policy forbids (`violationCounts`
   * counts them all, by kind) in `seq` order; no injected credential in any message, each cut to
   * MAX_ENTRY_TEXT_CHARS.
   */
  get violations(): Violation[] {
    return this.#violations.kept.sort((a, b) => a.seq - b.seq).map((v) => ({ ...v, message: clipText(this.#scrubber.scrub(v.message)) }));
  }

  /** Every call-log entry, kept in `calls` or only counted. */
  get callCount(): number {
    return this.#calls.total;
  }

  /** Every violation by kind, kept in `violations` or only counted. */
  get violationCounts(): Partial<Record<ViolationKind, number>> {
    return this.#violations.counts;
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
    const headerBytes = requestHeaderBytes(request.headers);
    if (headerBytes > MAX_REQUEST_HEADER_BYTES) {
      const capSeq = this.#nextSeq();
      if (capSeq === undefined) return this.#refusedAfterCap();
      // Past the request cap, the cap's own refusal (logged once) is the answer: a flood of these stays bounded too.
      if (capSeq > this.#policy.maxRequests) return this.#checkPolicy(url, method, capSeq)!;

      return this.#refuse(capSeq, method, url, 'headers-too-large', `${method} ${redactUrl(url)}: ${headerBytes} bytes of request headers, more than ${MAX_REQUEST_HEADER_BYTES}; not sent`, `egress refused: the request's headers (${headerBytes} bytes) are larger than ${MAX_REQUEST_HEADER_BYTES} bytes`);
    }
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
        if (next !== null && url.protocol === 'https:' && next.protocol === 'http:') {
          // Never from https to plain http, not even on the same host: the credential and the data would travel unencrypted.
          this.#log(seq, method, url, response.status, 'redirect-downgrade', startedAt, 0);
          this.#violate('redirect-downgrade', seq, `${method} ${redactUrl(url)} redirected to plain http (${redactUrl(next)}); not followed`);
          return refused('redirect-downgrade', `egress refused: ${redactUrl(url)} redirected from https to plain http (${redactUrl(next)})`);
        }
        const onAllowedHost = next !== null && isAllowedOrigin(next, this.#origins);
        if (!onAllowedHost) {
          const where = next ? redactUrl(next) : JSON.stringify(location.slice(0, 200));
          this.#log(seq, method, url, response.status, 'redirect-off-host', startedAt, 0);
          this.#violate('redirect-off-host', seq, `${method} ${redactUrl(url)} redirected to ${where}, off the allowed origins; not followed`);
          return refused('redirect-off-host', `egress refused: ${redactUrl(url)} redirected off the allowed origins to ${where}`);
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
    if (!isAllowedOrigin(url, this.#origins)) {
      const shown = redactUrl(url);
      this.#log(seq, method, url, null, 'refused-host', undefined, 0);
      this.#violate('refused-host', seq, `${method} ${shown}: ${url.origin} is not an allowed origin`);
      return refused('refused-host', `egress refused: ${url.origin} is not an allowed origin (allowed: ${[...this.#origins].join(', ') || 'none'})`);
    }
    if (!this.#methods.has(method)) {
      const shown = redactUrl(url);
      this.#log(seq, method, url, null, 'refused-method', undefined, 0);
      this.#violate('refused-method', seq, `${method} ${shown}: method not allowed`);
      return refused('refused-method', `egress refused: ${method} is not an allowed method (allowed: ${[...this.#methods].join(', ')})`);
    }
    const refusal = this.#pathRefusal(url) ?? this.#queryRefusal(url);
    if (refusal) {
      const shown = redactUrl(url);
      return this.#refuse(seq, method, url, 'refused-by-policy', `${method} ${shown}: ${refusal}; not sent`, `egress refused: ${refusal}`);
    }
    return undefined;
  }

  /** Logs a request refused before it was sent, as a call and a violation of `kind`, and the reply saying so. */
  #refuse(seq: number, method: string, url: URL, kind: CallOutcome & ViolationKind, violation: string, reply: string): FetchReply {
    this.#log(seq, method, url, null, kind, undefined, 0);
    this.#violate(kind, seq, violation);
    return refused(kind, reply);
  }

  /**
   * Why the request policy refuses the URL's path, or undefined: a credential endpoint, a custom-method
   * or matrix part that asks for an act (`/keys:rotate`, `;_method=DELETE`), a last segment that starts
   * with a strong act verb. Mid-path segments are not judged by their words: a tenant's own value
   * (`/teams/delete-team/users`) may sit there.
   */
  #pathRefusal(url: URL): string | undefined {
    const refusal = READ_ONLY_REQUEST_POLICY.path(url.pathname);
    return refusal ? `the path is refused by the request policy (${refusal.rule}): ${refusal.reason.slice(0, 300)}` : undefined;
  }

  /**
   * Why the request policy refuses one of the URL's query parameters, or undefined. On the wire the
   * gate judges each parameter by its name and whether it is set (`_method=…`, `X-HTTP-Method=…`,
   * `grant_type=…`, `regenerate=true`, `force_delete=1`) and by its whole value (`action=rotate`,
   * `op=DELETE`), not by the words inside its value: a server's
   * next link carries opaque cursors (`…gAddPnt9…` would read as "add") and filters (`event_type=user.delete`)
   * a read passes on. Fixed values are judged whole where they come from: the planner and the slot
   * schemas. The host's own query credential and its scrubbed placeholder are not the fetcher's and are
   * not judged.
   */
  #queryRefusal(url: URL): string | undefined {
    if (url.search.length <= 1) return undefined;
    let injected: Set<string>;
    try {
      injected = new Set(Object.keys(this.#injectQuery(new URL(url.href))));
    } catch {
      injected = new Set();
    }
    for (const [name, value] of url.searchParams) {
      if (injected.has(name) && value === REDACTED) continue;
      const refusal = READ_ONLY_REQUEST_POLICY.wireQuery(name, value);
      if (refusal) return `the query parameter ${JSON.stringify(name.slice(0, 64))} is refused by the request policy (${refusal.rule})`;
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
      if (isAllowedOrigin(url, this.#origins)) names = Object.keys(this.#injectQuery(new URL(url.href)));
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

  /**
   * Removes what the fetcher may not send, each kind reported once per request (names, never values):
   * routing and hop-by-hop headers (`forbidden-header`); credentials, by name or because the host injects
   * auth into that header (`credential-header`); headers the request policy refuses, a method override
   * (`policy-header`); and any header the plan does not declare, or declares with another value
   * (`undeclared-header`). What stays is the plan's own headers and `Accept`; the host's auth is added
   * per hop in #send.
   */
  #stripHeaders(headers: Headers, url: URL, seq: number): void {
    let injectedNames = new Set<string>();
    try {
      if (isAllowedOrigin(url, this.#origins)) injectedNames = new Set(Object.keys(this.#authFor(url)).map((n) => n.toLowerCase()));
    } catch {
      // #send reports a failing auth hook; the fixed credential names are still stripped here.
    }
    const removed: Record<'forbidden-header' | 'credential-header' | 'policy-header' | 'undeclared-header', string[]> = {
      'forbidden-header': [],
      'credential-header': [],
      'policy-header': [],
      'undeclared-header': [],
    };
    for (const [name, value] of [...headers]) {
      const kind =
        FORBIDDEN_HEADERS.has(name) || name.startsWith('proxy-')
          ? 'forbidden-header'
          : CREDENTIAL_HEADER.test(name) || injectedNames.has(name)
            ? 'credential-header'
            : READ_ONLY_REQUEST_POLICY.header(name, value)
              ? 'policy-header'
              : this.#declared(name, value)
                ? undefined
                : 'undeclared-header';
      if (kind === undefined) continue;
      headers.delete(name);
      removed[kind].push(name);
    }
    const why = {
      'forbidden-header': 'it would re-route the request or break its framing',
      'credential-header': 'credentials come only from the host',
      'policy-header': 'the request policy refuses it: a read never overrides its method or asks for a write',
      'undeclared-header': "only the plan's headers and Accept, with the plan's values, are sent",
    };
    for (const [kind, names] of Object.entries(removed) as [keyof typeof removed, string[]][]) {
      if (!names.length) continue;
      const shown = names.slice(0, 5).map((n) => (n.length > 64 ? `${n.slice(0, 64)}…` : n));
      const more = names.length > shown.length ? ` and ${names.length - shown.length} more` : '';
      const which = names.length === 1 ? `the ${shown[0]} header` : `the headers ${shown.join(', ')}${more}`;
      this.#violate(kind, seq, `the fetcher set ${which} itself; removed (${why[kind]})`);
    }
  }

  /** Whether a header (name lower-cased, as `Headers` gives it) is one the fetcher may send with this value: each comma-separated item one the plan declares. */
  #declared(name: string, value: string): boolean {
    const items = this.#headerItems.get(name);
    return items !== undefined && value.split(',').every((item) => items.has(item.trim()));
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
    let injected: string[] = [];
    try {
      // The host's credential travels encrypted: over https, or plain http only to an origin the caller named (a loopback test server).
      if (url.protocol === 'https:' || this.#plaintextOrigins.has(url.origin)) injected = await this.#addAuth(url, headers, (t) => (target = t));
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

  /**
   * Adds the host's auth for `url` to `headers` and, for a query credential, hands `setTarget` the URL
   * that carries it; returns the values injected. The scrubber learns each value before it is sent.
   */
  async #addAuth(url: URL, headers: Headers, setTarget: (target: URL) => void): Promise<string[]> {
    await this.#prepareAuth?.(new URL(url.href));
    const auth = this.#authFor(url);
    for (const [name, value] of Object.entries(auth)) headers.set(name, value);
    const query = this.#injectQuery(new URL(url.href));
    if (Object.keys(query).length) {
      const target = new URL(url.href);
      for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
      setTarget(target);
    }
    // The scrubber only ever gains secrets: the values of the request before need not be learnt again.
    const key = JSON.stringify([Object.values(auth), Object.values(query)]);
    if (key !== this.#learnt) {
      this.#scrubber.add(secretsOf(Object.values(auth), Object.values(query)));
      this.#learnt = key;
    }
    return [...Object.values(auth), ...Object.values(query)];
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

/** The bytes a request's headers take on the wire: each name and value in UTF-8, with its `: ` and CRLF. */
function requestHeaderBytes(headers: Record<string, string>): number {
  let bytes = 0;
  for (const name in headers) bytes += Buffer.byteLength(name) + Buffer.byteLength(headers[name]!) + 4;
  return bytes;
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
