import { SchemaView } from '../docs-view/schema-view.ts';
import type { ApiModel, Operation } from '../ingest/api-model.ts';
import { MAX_OBSERVED_PROPERTIES, OBSERVED_SHAPES_FORMAT, type ObservedOperation, type ObservedShapes } from '../observed/observed-shapes.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { SecretScrubber } from '../../sandbox/secret-scrubber.ts';
import { retirementNotice, type RetirementNotice } from './deprecation-headers.ts';
import { declaredShape, docsResponse, operationOf, responseSchema } from './docs-response.ts';
import { MAX_SHAPE_NODES, ShapeAccumulator, ShapeBudget } from './shape-of.ts';

/**
 * The host side of a live run's learning: every response the API sends passes here on its way to
 * the egress gate, is read once (a tap on the body stream, the same bytes handed on), matched to
 * the plan stream whose docs path template matches the URL's path, and folded into that
 * operation's observed shape — status codes, media types, header names, the body's JSON shape —
 * with no value kept (agent/run/shape-of.ts). A response to no stream's path is a call outside
 * the plan: counted, its method and path (never its query) kept for the report only.
 * `Sunset`/`Deprecation` headers and their `Link` relations are kept per operation for the report.
 *
 * The observer sees the raw responses, before the egress gate's scrubber: it is given the run's
 * secrets (the credentials the host injects, and each access token as it is obtained: `addSecret`)
 * and writes no name or value holding any form of one (percent-, hex-, base64-, HTML-encoded, in
 * any case: sandbox/secret-scrubber.ts) — such a field name is folded into `additionalProperties`,
 * such a header name left out, such a media type written `unrecognised`, such a retirement value or
 * link `REDACTED`. Header names are kept only in the form of a header name (`HEADER_NAME`) and only
 * when they are standard (HTTP's own, rate-limit and paging headers), the docs declare them for that
 * response, or they recur (on at least two responses of the run: a name seen once may be data,
 * `x-user-jane-doe`); media types only as a `type/subtype` pair of tokens.
 *
 * Observation is a sample: the first `MAX_OBSERVED_BODIES` bodies of each operation are read into
 * its shape, the rest give their status and header names only (the operation's `bodies_observed`
 * then says how many were read); every shape is bounded by `MAX_SHAPE_NODES`, and all of a run's
 * together by `MAX_OBSERVED_NODES`.
 */

/** A call no plan stream makes, as the report shows it. */
export interface OutsidePlanCall {
  method: string;
  /** The URL's path (no query, no origin), bounded. */
  path: string;
  count: number;
}

/** Retirement headers one operation answered with. */
export interface DeprecationSeen extends RetirementNotice {
  stream: string;
  /** `GET /users/{name}/tokens`. */
  operation: string;
  /** How many responses carried them. */
  responses: number;
}

/** Distinct outside-plan calls and operations with retirement headers kept for the report. */
const MAX_LISTED = 20;
/** Header names kept per status (a server cannot grow the file with made-up names). */
const MAX_HEADER_NAMES = 200;
/** Statuses whose responses have no body (Fetch: a null body status). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
/** Bodies per operation read into its shape; later responses give their status and header names only. */
export const MAX_OBSERVED_BODIES = 50;
/**
 * Places all of one run's shapes hold together (each status's shape holds at most `MAX_SHAPE_NODES`):
 * the file then has at most this many property names, which `readObservedShapes` admits.
 */
export const MAX_OBSERVED_NODES = MAX_OBSERVED_PROPERTIES;
/** A header name kept in the shapes (RFC 9110 field names, lower-case, as names are, not as data is). */
export const HEADER_NAME = /^[a-z][a-z0-9-]{0,63}$/;
/** A media type kept: `type/subtype`, each an RFC 9110 token (RFC 6838 §4.2: at most 127 characters). */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
/** The media type written for one that is not a `type/subtype` pair, or holds a secret. */
export const UNRECOGNISED_MEDIA_TYPE = 'unrecognised';
/** Shortest secret looked for (as the egress gate's `secretsOf`: shorter parts would match ordinary words). */
const MIN_SECRET = 8;
/** A retirement value or link that held a secret. */
const REDACTED = 'REDACTED';

interface StatusAcc {
  status: number;
  /** As `mediaType` reads the first response's Content-Type (checked when written). */
  content_type: string | null;
  header_names: Set<string>;
  count: number;
  body: ShapeAccumulator;
}

interface OperationAcc {
  path: string;
  stream: string;
  op: Operation | undefined;
  pattern: RegExp;
  literals: number;
  statuses: Map<number, StatusAcc>;
  /** Responses seen, and those whose body was read (at most `MAX_OBSERVED_BODIES`). */
  responses: number;
  bodies: number;
  /** A response was not read because `MAX_OBSERVED_BODIES` were. */
  sampled: boolean;
}

/** `/users/{name}/tokens` → a pattern over a URL path (each `{x}` one non-empty segment; a trailing `/` allowed). */
function templatePattern(template: string): RegExp {
  const segments = template.split('/').map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}/?$`);
}

/** The media type of a Content-Type value, lower-case, without parameters; null when absent. */
export function mediaType(value: string | null): string | null {
  if (value === null) return null;
  const type = value.split(';', 1)[0]!.trim().toLowerCase();
  return type ? type.slice(0, 200) : null;
}

/** The media type as the shapes file holds it: a `type/subtype` pair of tokens, else `unrecognised`; null when absent. */
export function observedMediaType(value: string | null): string | null {
  const type = mediaType(value);
  return type === null || MEDIA_TYPE.test(type) ? type : UNRECOGNISED_MEDIA_TYPE;
}

export class ResponseObserver {
  readonly #operations: OperationAcc[] = [];
  readonly #view: SchemaView;
  readonly #basePath: string;
  readonly #outside = new Map<string, OutsidePlanCall>();
  #outsideTotal = 0;
  readonly #deprecations = new Map<string, DeprecationSeen>();
  readonly #maxBytes: number;
  readonly #plan: ConnectorPlan;
  readonly #scrubber = new SecretScrubber();
  readonly #budget = new ShapeBudget(MAX_OBSERVED_NODES);
  /** How many responses of the run carried each header name: a name is data unless it recurs (or the docs declare it). */
  readonly #headerSeen = new Map<string, number>();

  /**
   * `baseUrl`: the run's base URL (its path is stripped from each URL before matching);
   * `maxResponseBytes`: the egress gate's cap — a body larger than it is handed on, not observed;
   * `secrets`: the values the host injects (credentials, the access token): no name or value
   * holding one, in any encoding or case, is kept.
   */
  constructor(o: { plan: ConnectorPlan; model: Pick<ApiModel, 'operations' | 'schemas'>; baseUrl: string; maxResponseBytes: number; secrets?: Iterable<string> }) {
    this.#plan = o.plan;
    for (const secret of o.secrets ?? []) this.addSecret(secret);
    this.#view = new SchemaView(o.model);
    this.#basePath = new URL(o.baseUrl).pathname.replace(/\/+$/, '');
    this.#maxBytes = o.maxResponseBytes;
    for (const s of o.plan.streams) {
      if (this.#operations.some((a) => a.path === s.path)) continue;
      this.#operations.push({ path: s.path, stream: s.name, op: operationOf(o.model, s), pattern: templatePattern(s.path), literals: s.path.split('/').filter((x) => x && !x.startsWith('{')).length, statuses: new Map(), responses: 0, bodies: 0, sampled: false });
    }
    // The most literal template first: `/users/me` before `/users/{id}`.
    this.#operations.sort((a, b) => b.literals - a.literals);
  }

  /**
   * Adds a secret the run obtained (an access token, renewed): applied to everything written after.
   * For `user:password` (HTTP Basic, RFC 7617) the password alone is a secret too. Values shorter
   * than `MIN_SECRET` characters are ignored (they would match ordinary names).
   */
  addSecret(secret: string): void {
    const colon = secret.indexOf(':');
    const password = colon >= 0 ? secret.slice(colon + 1) : '';
    this.#scrubber.add([secret, password].filter((s) => s.length >= MIN_SECRET));
  }

  /** Whether a name or value holds a secret of the run, in any form, compared ignoring case. */
  #holdsSecret(text: string): boolean {
    return this.#scrubber.size > 0 && this.#scrubber.scrubName(text) !== text;
  }

  /** The operation a request URL's path belongs to, or undefined (outside the plan). */
  #match(url: URL): OperationAcc | undefined {
    const p = url.pathname;
    if (this.#basePath && p !== this.#basePath && !p.startsWith(`${this.#basePath}/`)) return undefined;
    const rest = p.slice(this.#basePath.length) || '/';
    return this.#operations.find((o) => o.pattern.test(rest));
  }

  /**
   * Observes one response to `request` and returns the response to hand on: the same status,
   * headers and bytes (the body is tapped as it is read, never read twice or buffered past the cap).
   */
  observe(request: Request, response: Response): Response {
    const url = new URL(request.url);
    const acc = this.#match(url);
    if (!acc) {
      this.#outsideTotal++;
      const path = url.pathname.slice(0, 300);
      const key = `${request.method} ${path}`;
      const seen = this.#outside.get(key);
      if (seen) seen.count++;
      else if (this.#outside.size < MAX_LISTED) this.#outside.set(key, { method: request.method, path, count: 1 });
      return response;
    }
    this.#noteRetirement(acc, response.headers);
    acc.responses++;
    if (NULL_BODY.has(response.status) || !response.body || acc.bodies >= MAX_OBSERVED_BODIES) {
      // A sample is enough: past the cap, the body is handed on untouched.
      if (acc.bodies >= MAX_OBSERVED_BODIES && response.body && !NULL_BODY.has(response.status)) acc.sampled = true;
      this.#record(acc, response, undefined);
      return response;
    }
    // The response handed on is built before its body is tapped: a status `Response` refuses leaves the original unread and unlocked.
    const init = handOnInit(response);
    if (!init) {
      this.#record(acc, response, undefined);
      return response;
    }
    acc.bodies++;
    return new Response(this.#tap(response.body, (text) => this.#record(acc, response, text)), init);
  }

  /** A stream handing on `body`'s chunks, calling `done` once: with the text when read to its end within the cap, else undefined. */
  #tap(body: ReadableStream<Uint8Array>, done: (text: string | undefined) => void): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let bytes = 0;
    let ended = false;
    const end = (t: string | undefined) => {
      if (ended) return;
      ended = true;
      done(t);
    };
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          const { done: finished, value } = await reader.read();
          if (finished) {
            end(bytes <= this.#maxBytes ? text + decoder.decode() : undefined);
            controller.close();
            return;
          }
          bytes += value.byteLength;
          if (bytes <= this.#maxBytes) text += decoder.decode(value, { stream: true });
          else text = '';
          controller.enqueue(value);
        } catch (e) {
          end(undefined);
          controller.error(e);
        }
      },
      cancel: (reason) => {
        end(undefined);
        return reader.cancel(reason);
      },
    });
  }

  #noteRetirement(acc: OperationAcc, headers: Headers): void {
    const notice = retirementNotice(headers);
    if (!notice) return;
    const seen = this.#deprecations.get(acc.path);
    if (seen) {
      seen.responses++;
      seen.sunset ??= notice.sunset;
      seen.deprecation ??= notice.deprecation;
      for (const l of notice.links) if (seen.links.length < 5 && !seen.links.some((x) => x.rel === l.rel && x.url === l.url)) seen.links.push(l);
    } else if (this.#deprecations.size < MAX_LISTED) {
      this.#deprecations.set(acc.path, { stream: acc.stream, operation: `GET ${acc.path}`, ...notice, responses: 1 });
    }
  }

  /** Folds one response into its operation: `text` is the whole body, or undefined when none was read. */
  #record(acc: OperationAcc, response: Response, text: string | undefined): void {
    let s = acc.statuses.get(response.status);
    if (!s) {
      s = { status: response.status, content_type: mediaType(response.headers.get('content-type')), header_names: new Set(), count: 0, body: new ShapeAccumulator(new ShapeBudget(MAX_SHAPE_NODES, this.#budget)) };
      acc.statuses.set(response.status, s);
    }
    s.count++;
    for (const name of response.headers.keys()) {
      if (s.header_names.size >= MAX_HEADER_NAMES) break;
      const lower = name.toLowerCase();
      if (!HEADER_NAME.test(lower)) continue;
      s.header_names.add(lower);
      if (this.#headerSeen.size < MAX_HEADER_NAMES * 4 || this.#headerSeen.has(lower)) this.#headerSeen.set(lower, (this.#headerSeen.get(lower) ?? 0) + 1);
    }
    if (text === undefined || text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    const schema = responseSchema(docsResponse(acc.op, response.status));
    s.body.add(value, declaredShape(this.#view, schema?.node));
  }

  /** Every operation the plan's streams called, with what was seen of it (no value kept). */
  operations(): ObservedOperation[] {
    const hidden = (name: string) => this.#holdsSecret(name);
    return this.#operations
      .filter((o) => o.statuses.size)
      .sort((a, b) => this.#plan.streams.findIndex((s) => s.path === a.path) - this.#plan.streams.findIndex((s) => s.path === b.path))
      .map((o) => ({
        method: 'GET' as const,
        path: o.path,
        stream: o.stream,
        responses: [...o.statuses.values()].sort((a, b) => a.status - b.status).map((s) => {
          const type = observedMediaType(s.content_type);
          return {
            status: s.status,
            content_type: type !== null && hidden(type) ? UNRECOGNISED_MEDIA_TYPE : type,
            header_names: [...s.header_names].filter((n) => !hidden(n) && ((this.#headerSeen.get(n) ?? 0) >= 2 || declaredHeader(o.op, s.status, n))).sort(),
            count: s.count,
            body: s.body.count ? s.body.shape(hidden) : null,
          };
        }),
        ...(o.sampled ? { bodies_observed: o.bodies } : {}),
      }));
  }

  /** The shapes file (`fetchwright/observed-shapes@1`). */
  shapes(meta: { plan_sha256: string; observed_at: string }): ObservedShapes {
    return { format: OBSERVED_SHAPES_FORMAT, vendor: this.#plan.vendor, plan_sha256: meta.plan_sha256, observed_at: meta.observed_at, operations: this.operations() };
  }

  /** Calls to no stream's path: how many, and the first distinct ones. */
  outsidePlan(): { total: number; calls: OutsidePlanCall[] } {
    return { total: this.#outsideTotal, calls: [...this.#outside.values()].map((c) => ({ ...c, path: this.#holdsSecret(c.path) ? REDACTED : c.path })) };
  }

  /** Operations that answered with `Sunset`, `Deprecation` or a sunset/deprecation link; a value or link holding a secret is `REDACTED`. */
  deprecations(): DeprecationSeen[] {
    const clean = (v: string | null) => (v !== null && this.#holdsSecret(v) ? REDACTED : v);
    return [...this.#deprecations.values()].map((d) => ({ ...d, sunset: clean(d.sunset), deprecation: clean(d.deprecation), links: d.links.map((l) => ({ rel: l.rel, url: clean(l.url)! })) }));
  }
}

/** RFC 9110 §15 / RFC 9112 §4 reason-phrase: `*( HTAB / SP / VCHAR / obs-text )`. */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The status, status text and headers a tapped copy of `response` is built with, or undefined when
 * `Response` would refuse its status (outside 200–599). A status text that is not a reason-phrase (a
 * control character: `HTTP/1.1 200 \x1bOK`) is dropped: RFC 9112 §4 has a client ignore it, and
 * `Response` throws on it. Nothing of `response` is read.
 */
export function handOnInit(response: Response): ResponseInit | undefined {
  const init = { status: response.status, statusText: REASON_PHRASE.test(response.statusText) ? response.statusText : '', headers: response.headers };
  try {
    new Response(null, init);
  } catch {
    return undefined;
  }
  return init;
}

/** Header names of HTTP itself and of common API practice (RFC 9110, RFC 8288 Link, RFC 8594, RFC 9745, rate-limit and paging headers): never data. */
const STANDARD_HEADER = /^(accept-ranges|access-control-[a-z-]+|age|allow|alt-svc|cache-control|connection|content-(type|length|encoding|language|location|range|disposition|security-policy)|date|deprecation|etag|expires|keep-alive|last-modified|link|location|pragma|retry-after|server|set-cookie|strict-transport-security|sunset|transfer-encoding|vary|via|www-authenticate|x-content-type-options|x-frame-options|x-xss-protection|x-request-id|x-correlation-id|(x-)?ratelimit-[a-z-]+|x-rate-limit-[a-z-]+|x-total|x-total-count|x-total-pages|x-page|x-per-page|x-next-page|x-prev-page|x-next-cursor|x-cursor)$/;

/** True when the docs declare header `name` (any case) on the response for `status`, or it is a standard one. */
function declaredHeader(op: Operation | undefined, status: number, name: string): boolean {
  return STANDARD_HEADER.test(name) || !!docsResponse(op, status)?.headers.some((h) => h.name.toLowerCase() === name);
}
