import { readCapped } from '../../sandbox/egress-gate.ts';
import { FetchwrightError } from '../errors.ts';
import type { AuthHeader, ConnectorPlan } from '../plan/connector-plan.ts';
import { SecretScrubber } from '../../sandbox/secret-scrubber.ts';
import { isLoopback } from './loopback.ts';

/**
 * The OAuth 2.0 client credentials grant (RFC 6749 §4.4) for a live run, on the host: the client id
 * and secret a human provides are sent to the token endpoint only, the access token the endpoint
 * issues is injected by the egress gate like any other credential, and the fetcher sees none of them.
 *
 * - The token URL is `--token-url`, or the docs' (the plan's `auth.client_credentials.token_url`,
 *   placeholders filled like the base URL's, a relative one resolved against the live base URL). It
 *   must be https, or http to a loopback test server; it holds no user name, password or fragment
 *   (RFC 6749 §3.2). Docs are hostile: a docs' token URL on another origin than the API's (scheme,
 *   host and port: RFC 6454) is refused — a registrable domain is not one party (`acme.okta.com` and
 *   `attacker.okta.com` are two tenants), so only a human can send the client secret to another
 *   host, with `--token-url`.
 * - The request (RFC 6749 §4.4.2): `POST` `application/x-www-form-urlencoded` with
 *   `grant_type=client_credentials` and `scope` (the plan's scopes, space-separated, when there are
 *   any). The client authenticates with HTTP Basic, id and secret each form-urlencoded first
 *   (§2.3.1), or with `client_id` and `client_secret` in the body (`post`). Redirects are not
 *   followed (the secret goes to the URL given, nowhere else); the answer is read up to
 *   {@link MAX_TOKEN_RESPONSE_BYTES}; the request times out after {@link TOKEN_TIMEOUT_MS}.
 * - The answer (§5.1): `access_token`, `token_type` (must be `Bearer`, any case: RFC 6750 is the only
 *   type a gate can present), `expires_in` (seconds; absent: the token is used until refused). An
 *   error answer (§5.2) becomes a one-line `FetchwrightError('auth-refused')` (exit 29) quoting its
 *   `error` and `error_description`; anything else unusable is `token-endpoint-failed` (exit 28).
 *   Every message has the client secret and every issued token scrubbed out, in any encoding.
 * - Renewal: before a request, once less than {@link refreshMargin} of the token's life is left; and
 *   when the API answers 401 to the current token (at most {@link MAX_UNAUTHORIZED_RENEWALS} times
 *   a run), after which the gate sends that request once more.
 */

/** Largest token response read (bytes): a token answer is a few hundred bytes. */
export const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/** How long one token request may take, connection to last byte (ms). */
export const TOKEN_TIMEOUT_MS = 30_000;
/** Renewals a run makes because the API answered 401: past these, a 401 is the API refusing the client, not an old token. */
export const MAX_UNAUTHORIZED_RENEWALS = 3;
/** Shortest client secret and access token accepted: shorter ones cannot be told from ordinary text by the redactors. */
const MIN_SECRET_LENGTH = 8;
/** After a failed renewal, how long the still-valid token is used before the endpoint is asked again (ms). */
const RETRY_AFTER_FAILURE_MS = 5_000;

export type ClientAuth = 'basic' | 'post';

/** What a human gives for the grant: the client, and optionally the token URL and how the client authenticates. */
export interface ClientCredentialsInput {
  clientId: string;
  clientSecret: string;
  /** `--token-url`: overrides the docs' token URL (and is the only way to use one on another domain). */
  tokenUrl?: string;
  /** RFC 6749 §2.3.1: HTTP Basic (default) or the request body. */
  clientAuth?: ClientAuth;
}

/** An access token as the endpoint issued it. `expiresAt` is ms on the session's clock, undefined when the endpoint gave no `expires_in`. */
export interface IssuedToken {
  accessToken: string;
  obtainedAt: number;
  expiresAt: number | undefined;
}

/**
 * The token endpoint for a live run: `override` (`--token-url`), else the plan's token URL with its
 * `{placeholders}` filled from `tenant` and the base URL's defaults and resolved against `base` (RFC
 * 3986 §5.2). Throws FetchwrightError `usage` (exit 2) for a URL that is not one, a transport other
 * than https or loopback http, a user name, password or fragment in it, a plan with no token URL and
 * no override, and a docs' token URL on another party's domain than `base`.
 */
export function tokenEndpoint(plan: ConnectorPlan, base: URL, override: string | undefined, tenant: Record<string, string>): URL {
  const documented = plan.auth.client_credentials?.token_url;
  if (override === undefined && documented === undefined) {
    throw new FetchwrightError('usage', 'the connector\'s docs give no token URL for the OAuth 2.0 client credentials grant', { hint: 'Give the vendor\'s token endpoint with --token-url URL.' });
  }
  const flag = override !== undefined ? '--token-url' : 'the docs\' token URL';
  let text = override;
  if (text === undefined) {
    const missing: string[] = [];
    text = documented!.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = tenant[name] ?? plan.base_url.variables[name];
      if (!value) missing.push(name);
      return value ?? '';
    });
    if (missing.length) throw new FetchwrightError('usage', `the docs' token URL ${documented} needs ${missing.map((m) => `{${m}}`).join(', ')}`, { hint: `Give ${missing.map((m) => `--tenant ${m}=VALUE`).join(' ')}, or the whole URL with --token-url.` });
  }
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new FetchwrightError('usage', `${flag} ${text} is not a URL`, { hint: 'e.g. --token-url https://auth.example.com/oauth/token' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new FetchwrightError('usage', `${flag} must be https (or http to a loopback test server), not ${url.protocol}`);
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) throw new FetchwrightError('usage', `${flag}: plain http is allowed only to a loopback test server, not ${url.host}`, { hint: 'Use the https:// token endpoint: the client secret never travels unencrypted.' });
  if (url.username || url.password) throw new FetchwrightError('usage', `${flag} holds a user name or password`, { hint: 'Give the client with --client-id-env and --client-secret-env, never in the URL.' });
  if (url.hash) throw new FetchwrightError('usage', `${flag} ${url.origin}${url.pathname} has a fragment`, { hint: 'A token endpoint URL has no #fragment (RFC 6749 §3.2).' });
  if (override === undefined && url.origin !== base.origin) {
    throw new FetchwrightError('usage', `the docs' token URL ${url.origin}${url.pathname} is not on the API's origin (${base.origin}): the client secret is not sent elsewhere on the docs' word`, {
      hint: 'If it is the vendor\'s real token endpoint, give it yourself with --token-url URL.',
    });
  }
  return url;
}

/** application/x-www-form-urlencoded of one value (RFC 6749 Appendix B): what §2.3.1 encodes before base64. */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** The `Authorization` value of HTTP Basic client authentication (RFC 6749 §2.3.1, RFC 7617). */
export function basicClientAuth(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`, 'utf8').toString('base64')}`;
}

/**
 * How long before a token's expiry it is renewed (ms): a minute, or half its life when that is
 * shorter, so a short-lived token is still used for half its life rather than renewed every request.
 */
export function refreshMargin(lifetimeMs: number): number {
  return Math.min(60_000, lifetimeMs / 2);
}

export interface TokenRequestOptions {
  endpoint: URL;
  clientId: string;
  clientSecret: string;
  clientAuth: ClientAuth;
  scopes: string[];
  /** Sends the request; defaults to the global fetch. */
  fetchImpl?: (request: Request) => Promise<Response>;
  /** The clock (ms), for `obtainedAt` / `expiresAt`. */
  now?: () => number;
  /** Secrets already issued, scrubbed from error messages with the client secret. */
  scrubber?: SecretScrubber;
}

/**
 * One token request (RFC 6749 §4.4.2) and its answer (§5.1, §5.2). Throws FetchwrightError
 * `auth-refused` when the endpoint refuses the client (an `error` answer, or 401/403), and
 * `token-endpoint-failed` for no answer, a redirect, an oversized or malformed answer, a token type
 * other than Bearer or a token too short to redact. Messages are one line, secrets scrubbed.
 */
export async function requestToken(o: TokenRequestOptions): Promise<IssuedToken> {
  const now = o.now ?? Date.now;
  const scrubber = (o.scrubber ?? new SecretScrubber()).add([o.clientSecret, basicClientAuth(o.clientId, o.clientSecret).slice('Basic '.length)]);
  const where = `${o.endpoint.origin}${o.endpoint.pathname}`;
  const fail = (code: 'auth-refused' | 'token-endpoint-failed', message: string, hint?: string): FetchwrightError =>
    // Scrubbed whole, then cut: a secret at the cut cannot survive in part.
    new FetchwrightError(code, truncate(oneLine(scrubber.scrub(`the token endpoint ${where} ${message}`)), MAX_MESSAGE), hint ? { hint } : {});

  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (o.scopes.length) body.set('scope', o.scopes.join(' '));
  const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' });
  if (o.clientAuth === 'basic') headers.set('authorization', basicClientAuth(o.clientId, o.clientSecret));
  else {
    body.set('client_id', o.clientId);
    body.set('client_secret', o.clientSecret);
  }
  const obtainedAt = now();
  let response: Response;
  let text: string;
  try {
    const request = new Request(o.endpoint, { method: 'POST', headers, body: body.toString(), redirect: 'manual', signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS) });
    response = await (o.fetchImpl ?? ((r: Request) => fetch(r)))(request);
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      throw fail('token-endpoint-failed', `answered ${response.status}, a redirect: not followed (the client secret goes only to the token URL given)`, 'Give the endpoint\'s final URL with --token-url.');
    }
    const read = await readCapped(response, MAX_TOKEN_RESPONSE_BYTES);
    if (read.tooLarge) throw fail('token-endpoint-failed', `answered with more than ${MAX_TOKEN_RESPONSE_BYTES} bytes: not read`);
    if (read.error !== undefined) throw fail('token-endpoint-failed', `answer broke off: ${read.error}`);
    text = read.text;
  } catch (e) {
    if (e instanceof FetchwrightError) throw e;
    const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : '';
    throw fail('token-endpoint-failed', `could not be reached: ${e instanceof Error ? e.message : String(e)}${cause}`, 'No stream was read. Check the token URL (--token-url) and that this machine can reach it.');
  }
  const json = parseObject(text);
  // RFC 6749 §5.2 refusals come as 400 (or 401) with an `error`; a 404 or 405 means no token endpoint is there.
  if ((typeof json?.error === 'string' && response.status >= 400 && response.status < 500 && response.status !== 404 && response.status !== 405) || response.status === 401 || response.status === 403) {
    // RFC 6749 §5.2: error, error_description (hostile text: one line, scrubbed, bounded).
    const error = typeof json?.error === 'string' ? json.error : `HTTP ${response.status}`;
    const description = typeof json?.error_description === 'string' ? `: ${json.error_description}` : '';
    throw fail('auth-refused', `refused the client: ${error}${description}`, 'Check the client id and secret, and that the client may use the client credentials grant with these scopes.');
  }
  if (response.status !== 200 || !json) throw fail('token-endpoint-failed', `answered HTTP ${response.status}${json ? '' : ' without a JSON object'}`, response.status === 404 || response.status === 405 ? 'That URL is not a token endpoint: give the vendor\'s with --token-url.' : undefined);
  const token = json.access_token;
  if (typeof token !== 'string' || !token) throw fail('token-endpoint-failed', 'issued no access_token');
  // (Never quoted, and too short to scrub: it would match ordinary words of the message.)
  if (token.length < MIN_SECRET_LENGTH) throw fail('token-endpoint-failed', `issued an access token shorter than ${MIN_SECRET_LENGTH} characters: it could not be kept out of the records and logs`);
  // The token is a secret from here on, whatever else is wrong with the answer.
  scrubber.add([token]);
  const type = typeof json.token_type === 'string' ? json.token_type : '';
  if (type.toLowerCase() !== 'bearer') throw fail('token-endpoint-failed', `issued a token of type ${JSON.stringify(type.slice(0, 40))}: only Bearer tokens (RFC 6750) can be used`);
  const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : typeof json.expires_in === 'string' && /^\d+$/.test(json.expires_in) ? Number(json.expires_in) : undefined;
  return { accessToken: token, obtainedAt, expiresAt: expiresIn !== undefined && Number.isFinite(expiresIn) && expiresIn >= 0 ? obtainedAt + expiresIn * 1000 : undefined };
}

export interface ClientCredentialsSessionOptions extends Omit<TokenRequestOptions, 'scrubber'> {
  /** Called with each access token before it is used: the caller redacts it from everything it writes. */
  onSecret?: (secret: string) => void;
  onLog?: (line: string) => void;
}

/**
 * The access token of one live run: obtained by {@link start}, renewed by {@link fresh} before it
 * expires and by {@link renewAfterUnauthorized} when the API refuses it. Concurrent callers share one
 * request to the endpoint.
 */
export class ClientCredentialsSession {
  readonly #o: ClientCredentialsSessionOptions;
  readonly #now: () => number;
  /** Every secret of this session (the client secret, each token issued), for error messages. */
  readonly #scrubber = new SecretScrubber();
  #token: IssuedToken | undefined;
  #pending: Promise<void> | undefined;
  #retryAfter = 0;
  #unauthorizedRenewals = 0;
  /** Tokens issued, the first one included. */
  issued = 0;
  /** Set when the endpoint refused the client on a renewal mid-run (the run then ends auth-refused). */
  refusal: FetchwrightError | undefined;

  constructor(o: ClientCredentialsSessionOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  /** Obtains the first token. Throws as {@link requestToken}. */
  async start(): Promise<void> {
    await this.#renew();
  }

  /** The current access token (after {@link start}). */
  get accessToken(): string {
    if (!this.#token) throw new Error('ClientCredentialsSession: no token yet (call start first)');
    return this.#token.accessToken;
  }

  /**
   * Renews the token when less than {@link refreshMargin} of its life is left. A failed renewal is
   * logged and the current token used while it is still valid; once it has expired the failure is
   * thrown (that request fails).
   */
  async fresh(): Promise<void> {
    const t = this.#token;
    if (!t || t.expiresAt === undefined) return;
    const now = this.#now();
    if (now < t.expiresAt - refreshMargin(t.expiresAt - t.obtainedAt)) return;
    if (now < this.#retryAfter && now < t.expiresAt) return;
    try {
      await this.#renew('it is about to expire');
    } catch (e) {
      this.#retryAfter = this.#now() + RETRY_AFTER_FAILURE_MS;
      // Another request may have renewed it meanwhile; else the old token serves until it expires.
      if (this.#token === t && this.#now() >= t.expiresAt) throw e;
    }
  }

  /**
   * After a 401 from the API to a request that carried `sent` (the injected values): true when a
   * newer token than the one refused is ready — renewed now, or already by another request — so the
   * request is worth sending again; false once {@link MAX_UNAUTHORIZED_RENEWALS} renewals were spent
   * or the endpoint failed. Never throws.
   */
  async renewAfterUnauthorized(sent: string[]): Promise<boolean> {
    const current = this.#token?.accessToken;
    if (current !== undefined && !sent.some((v) => v.includes(current))) return true;
    if (this.#pending) return this.#pending.then(() => true, () => false);
    if (this.#unauthorizedRenewals >= MAX_UNAUTHORIZED_RENEWALS) return false;
    this.#unauthorizedRenewals += 1;
    try {
      await this.#renew('the API answered 401');
      return true;
    } catch {
      return false;
    }
  }

  /** One renewal at a time; a refusal is kept in {@link refusal} and logged. */
  #renew(why?: string): Promise<void> {
    this.#pending ??= (async () => {
      try {
        const token = await requestToken({ ...this.#o, scrubber: this.#scrubber });
        this.#scrubber.add([token.accessToken]);
        this.#o.onSecret?.(token.accessToken);
        this.#token = token;
        this.issued += 1;
        if (why) this.#o.onLog?.(`oauth2: access token renewed (${why})`);
      } catch (e) {
        if (why) {
          if (e instanceof FetchwrightError && e.code === 'auth-refused') this.refusal ??= e;
          this.#o.onLog?.(`oauth2: renewing the access token failed: ${e instanceof Error ? e.message : String(e)}`);
        }
        throw e;
      } finally {
        this.#pending = undefined;
      }
    })();
    return this.#pending;
  }
}

/** The plan's credential the access token is presented as: the grant's scheme, else the one credential of an oauth2 or bearer plan. */
export function tokenPlacement(plan: ConnectorPlan): AuthHeader {
  const scheme = plan.auth.client_credentials?.scheme;
  const placement = scheme !== undefined ? plan.auth.credentials.find((c) => c.scheme === scheme) : plan.auth.credentials.length === 1 && (plan.auth.type === 'oauth2' || plan.auth.type === 'bearer') ? plan.auth.credentials[0] : undefined;
  if (!placement) {
    throw new FetchwrightError('usage', `the connector authenticates with ${plan.auth.type === 'none' ? 'no credential' : `${plan.auth.type} (${plan.auth.scheme_keys.join(', ')})`}, not an OAuth 2.0 access token`, { hint: 'Give its credential with --credential-env instead of --client-id-env/--client-secret-env.' });
  }
  return placement;
}

/**
 * What a live run wires into the egress gate for the grant: the token endpoint chosen and checked,
 * the first token obtained, and the gate's hooks. Throws FetchwrightError (usage, auth-refused,
 * token-endpoint-failed) before any request to the API.
 */
export async function startClientCredentials(o: {
  plan: ConnectorPlan;
  base: URL;
  tenant: Record<string, string>;
  input: ClientCredentialsInput;
  onSecret?: (secret: string) => void;
  onLog?: (line: string) => void;
}): Promise<{
  scheme: string;
  session: ClientCredentialsSession;
  /** The token as the plan places it: header or query parameter, with its prefix. */
  auth: () => { headers: Record<string, string>; query: Record<string, string> };
}> {
  const placement = tokenPlacement(o.plan);
  if (o.input.clientSecret.length < MIN_SECRET_LENGTH) {
    throw new FetchwrightError('usage', `the client secret is shorter than ${MIN_SECRET_LENGTH} characters`, { hint: 'A value that short cannot be told apart from ordinary text, so it could not be kept out of the records and logs.' });
  }
  const endpoint = tokenEndpoint(o.plan, o.base, o.input.tokenUrl, o.tenant);
  const session = new ClientCredentialsSession({
    endpoint,
    clientId: o.input.clientId,
    clientSecret: o.input.clientSecret,
    clientAuth: o.input.clientAuth ?? 'basic',
    scopes: o.plan.auth.client_credentials?.scopes ?? [],
    ...(o.onSecret ? { onSecret: o.onSecret } : {}),
    ...(o.onLog ? { onLog: o.onLog } : {}),
  });
  await session.start();
  return {
    scheme: placement.scheme,
    session,
    auth: () => {
      const value = `${placement.prefix}${session.accessToken}`;
      return placement.in === 'query' ? { headers: {}, query: { [placement.name]: value } } : { headers: { [placement.name]: value }, query: {} };
    },
  };
}

/** Longest error message (characters): an error description is the endpoint's text, not a page. */
const MAX_MESSAGE = 500;

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Hostile text on one line: control characters and line breaks become spaces, runs of space one. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

