import { getResponse, http, HttpResponse, type RequestHandler } from 'msw';
import type { ApiModel, Operation } from '../../agent/ingest/api-model.ts';
import { concreteServerUrl } from '../../agent/docs-view/server-url.ts';
import { SchemaView } from '../../agent/docs-view/schema-view.ts';
import { authoriser, syntheticCredentials, type SyntheticCredential } from './read-auth.ts';
import { Datasets } from './datasets.ts';
import type { ListReading } from './read-list.ts';
import { MOCK_POSITION_PARAM, pageOf } from './page-response.ts';
import { judgeable, rateLimitValues, readRateLimit, type MockRateLimit } from './read-rate-limit.ts';
import { matchRoute, routeOf, type Route } from './routes.ts';

/**
 * A mock of the vendor's API built from the ApiModel — what the docs say — never from a plan, so it
 * can disagree with a wrong plan. msw handler values, one per documented list operation, plus a
 * catch-all that answers 404 (unknown path) or 405 (any write) and records it.
 */

export interface MockCall {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  operation_id: string | null;
  outcome: 'ok' | 'unauthorised' | 'unknown-path' | 'not-a-list' | 'no-such-parent' | 'write' | 'fault-429' | 'retry-too-early' | 'fault-503' | 'bad-request' | 'past-end' | 'page-size-too-large';
  /** Query parameters the docs do not describe for this operation. */
  undocumented: string[];
}

export interface MockVendor {
  /** Where the API lives in the mock: the docs' first server, e.g. `https://jupyterhub.fetchwright.test/hub/api`. */
  baseUrl: string;
  /** Every documented server the mock answers on, made concrete (placeholders filled). */
  baseUrls: string[];
  handlers: RequestHandler[];
  credentials: Record<string, SyntheticCredential>;
  calls: MockCall[];
  datasets: Datasets;
  /** The mock's own reading of a GET operation as a list. */
  readingOf(op: Operation): ListReading | undefined;
  /** Answers a request in-process: the egress gate's `fetchImpl` during validation. */
  fetch(request: Request): Promise<Response>;
}

export interface MockOptions {
  seed: number;
  /** Records per page at most (default 10). */
  pageSize?: number;
  /** Records in each root list (default: two pages and a bit). */
  rootCount?: number;
  /** Inject a 429 and a 503 into each list (on by default). */
  faults?: boolean;
  /**
   * The fraction of each wait the connector asks for that it really sleeps (the sandbox's
   * `sleepScale`). Above 0, the mock judges a retry after its injected 429 in the connector's scaled
   * time — real time since the 429 divided by this — and answers one that comes before the window it
   * announced opens with another 429 (`retry-too-early`); the window is then long enough (20 s, or the
   * docs' maximum) that exponential backoff alone cannot wait it out. 0 or absent: a 1 s window, not judged.
   */
  sleepScale?: number;
}

function error(status: number, message: string, headers: Record<string, string> = {}): Response {
  return HttpResponse.json({ error: message, message }, { status, headers });
}

interface Base {
  url: string;
  origin: string;
  path: string;
}

/** The base a server URL names; undefined when no request can be sent to it (the docs' `javascript://a b`). */
function baseOf(url: string): Base | undefined {
  const u = URL.parse(url);
  return u ? { url, origin: u.origin, path: u.pathname.replace(/\/+$/, '') } : undefined;
}

/**
 * Where the mock answers: every server the docs name (document and operation level) that is a URL,
 * longest base path first. A server that is no URL once filled in is left out: the plan cannot use it
 * (the planner refuses it when it is the one chosen), and the docs may name it beside a usable one.
 */
function basesOf(model: ApiModel): Base[] {
  const servers = [...model.servers, ...model.operations.flatMap((op) => op.servers ?? [])];
  const urls = [...new Set((servers.length ? servers : [{ url: '', variables: [] }]).map((s) => concreteServerUrl(s, model.vendor)))];
  const bases = urls.map(baseOf).filter((b): b is Base => b !== undefined);
  if (!bases.length) bases.push(baseOf(concreteServerUrl({ url: '', variables: [] }, model.vendor))!);
  return bases.sort((a, b) => b.path.length - a.path.length);
}

/**
 * The operation a request names: under one of the docs' servers, the most specific path that
 * operation is documented at — an operation with servers of its own is served under those only,
 * the others under the document's servers.
 */
function routeFor(model: ApiModel, bases: Base[], routes: Route[], url: URL): { match: NonNullable<ReturnType<typeof matchRoute>>; path: string } | { path: string } | undefined {
  const documentBases = new Set((model.servers.length ? model.servers : [{ url: '', variables: [] }]).map((s) => concreteServerUrl(s, model.vendor)));
  let unmatched: string | undefined;
  for (const base of bases) {
    if (url.origin !== base.origin || !(url.pathname === base.path || url.pathname.startsWith(`${base.path}/`))) continue;
    const path = url.pathname.slice(base.path.length) || '/';
    unmatched ??= path;
    const candidates = routes.filter((r) => {
      const own = r.op.servers?.map((s) => concreteServerUrl(s, model.vendor));
      return own?.length ? own.includes(base.url) : documentBases.has(base.url);
    });
    const match = matchRoute(candidates, path);
    if (match) return { match, path };
  }
  return unmatched === undefined ? undefined : { path: unmatched };
}

/** A judged window: long enough that exponential backoff (500 ms doubling, four retries: 7.5 s) cannot wait it out. */
const JUDGED_WINDOW_MS = 20_000;
/** An unjudged window: the wait a 429 announces when nobody can tell when the retry came. */
const UNJUDGED_WINDOW_MS = 1_000;
/** Real milliseconds a retry may come early by (a timer's rounding), on top of 2 % of the window. */
const EARLY_SLACK_REAL_MS = 3;

/** When an injected 429's window opens: `wait` from `now`, on a whole second when that stays within `max` (so every form is exact). */
function windowOpens(now: number, wait: number, max: number | null): number {
  const whole = Math.ceil((now + wait) / 1000) * 1000;
  return max === null || whole - now <= max ? whole : now + wait;
}

/** What the call log keeps of each request: this many query parameters, each part this many characters. */
const MAX_LOGGED_PARAMS = 32;
const MAX_LOGGED_TEXT = 512;

/** Methods a server may be asked to act as that change state (RFC 9110 §9.2.1: not safe). */
const UNSAFE_METHOD = /^(post|put|patch|delete|merge|purge)$/i;

/**
 * The mock's own reading of a method override (it shares no code with the gate's request policy, so
 * the two can disagree): a header whose name speaks of a method (`X-HTTP-Method-Override`,
 * `X-Method`), or any header or query value that is an unsafe method's name (`_method=DELETE`).
 * Returns what it found, or undefined.
 */
function methodOverride(headers: Headers, query: URLSearchParams): string | undefined {
  for (const [name, value] of headers) {
    if (/method|verb/i.test(name)) return `the header ${name}: ${value}`;
    if (UNSAFE_METHOD.test(value.trim())) return `the header ${name}: ${value}`;
  }
  for (const [name, value] of query) if (UNSAFE_METHOD.test(value.trim()) || /^_?(http_?)?method$/i.test(name)) return `the query parameter ${name}=${value}`;
  return undefined;
}

export function createMockVendor(model: ApiModel, options: MockOptions): MockVendor {
  const view = new SchemaView(model);
  const datasets = new Datasets(model, view, { seed: options.seed, ...(options.pageSize ? { pageSize: options.pageSize } : {}), ...(options.rootCount ? { rootCount: options.rootCount } : {}) });
  const credentials = syntheticCredentials(model, options.seed);
  const authorised = authoriser(model, credentials);
  const bases = basesOf(model);
  const routes: Route[] = model.operations.filter((op) => op.method === 'get').map(routeOf);
  const calls: MockCall[] = [];
  const faults = options.faults ?? true;
  const sleepScale = options.sleepScale !== undefined && Number.isFinite(options.sleepScale) && options.sleepScale > 0 ? options.sleepScale : 0;
  // The mock's own reading of each operation's 429, and the windows it announced that a retry must wait for.
  const readings = new Map<Operation, MockRateLimit>();
  const rateLimitOf = (op: Operation) => {
    let r = readings.get(op);
    if (!r) readings.set(op, (r = readRateLimit(model, op)));
    return r;
  };
  const windows = new WeakMap<object, { opensAt: number; announcedAt: number; realAt: number; reading: MockRateLimit }>();
  // Query parameters that carry a documented credential are not paging mistakes.
  const credentialParams = new Set(model.security_schemes.filter((s) => s.type === 'apiKey' && s.in === 'query' && s.name).map((s) => s.name!));

  const log = (request: Request, status: number, outcome: MockCall['outcome'], opId: string | null, undocumented: string[] = []) => {
    const url = new URL(request.url);
    // Kept per call for scoring, each part cut short: a flood of 16 KB URLs (the gate caps how many) stays a few MB, not hundreds.
    const query = Object.fromEntries([...url.searchParams].slice(0, MAX_LOGGED_PARAMS).map(([k, v]) => [k.slice(0, MAX_LOGGED_TEXT), v.slice(0, MAX_LOGGED_TEXT)]));
    calls.push({ seq: calls.length + 1, method: request.method.slice(0, 32), path: url.pathname.slice(0, MAX_LOGGED_TEXT), query, status, operation_id: opId, outcome, undocumented: undocumented.slice(0, MAX_LOGGED_PARAMS).map((u) => u.slice(0, MAX_LOGGED_TEXT)) });
  };

  const onServer = (url: URL) => bases.some((b) => url.origin === b.origin && (url.pathname === b.path || url.pathname.startsWith(`${b.path}/`)));

  const listHandler = http.get(
    ({ request }) => onServer(new URL(request.url)),
    ({ request }) => {
      const url = new URL(request.url);
      // A GET that asks the server to act as another method is a write, whatever the docs call it.
      const override = methodOverride(request.headers, url.searchParams);
      if (override) {
        log(request, 405, 'write', null);
        return error(405, `${override}: a method override is a write; fetchwright connectors are read-only`);
      }
      const routed = routeFor(model, bases, routes, url);
      if (!routed || !('match' in routed)) {
        log(request, 404, 'unknown-path', null);
        return error(404, `no operation in the docs serves GET ${routed?.path ?? url.pathname}`);
      }
      const { match } = routed;
      const op = match.route.op;
      const reading = datasets.readingOf(op);
      if (!authorised(op, { headers: request.headers, query: url.searchParams })) {
        const status = reading?.authFailureStatus ?? 401;
        log(request, status, 'unauthorised', op.id);
        return error(status, 'missing or invalid credential: send the credential the docs describe for this operation');
      }
      if (!reading) {
        log(request, 404, 'not-a-list', op.id);
        return error(404, `the mock serves list operations only; ${op.id} is not one`);
      }
      const undocumented = [...url.searchParams.keys()].filter((k) => !reading.documentedQuery.has(k) && !credentialParams.has(k) && k !== MOCK_POSITION_PARAM);
      // A list read per record of another list through a required query parameter: without it, the request is refused as a real API would.
      const queryParent = datasets.queryParentOf(reading);
      const parentValue = queryParent ? url.searchParams.get(queryParent.param) : null;
      if (queryParent && !parentValue) {
        log(request, 400, 'bad-request', op.id, undocumented);
        return error(400, `the query parameter ${queryParent.param} is required`);
      }
      const dataset = datasets.get(reading, queryParent ? { ...match.values, [queryParent.param]: parentValue! } : match.values);
      if (!dataset) {
        log(request, 404, 'no-such-parent', op.id, undocumented);
        return error(404, `no record matches ${JSON.stringify(match.values)}`);
      }
      if (faults && dataset.pending.rateLimit) {
        dataset.pending.rateLimit = false;
        const reading = rateLimitOf(op);
        const judged = sleepScale > 0 && judgeable(reading);
        const now = Date.now();
        const wait = Math.min(judged ? JUDGED_WINDOW_MS : UNJUDGED_WINDOW_MS, reading.maxWaitMs ?? Number.POSITIVE_INFINITY);
        const opensAt = windowOpens(now, wait, reading.maxWaitMs);
        if (judged) windows.set(dataset, { opensAt, announcedAt: now, realAt: performance.now(), reading });
        log(request, 429, 'fault-429', op.id, undocumented);
        return error(429, 'rate limit exceeded', rateLimitValues(reading, opensAt, now));
      }
      const window = windows.get(dataset);
      if (window) {
        // The connector's own time: its sleeps are scaled, so real time since the 429 is scaled back up.
        const connectorNow = window.announcedAt + (performance.now() - window.realAt) / sleepScale;
        const slack = EARLY_SLACK_REAL_MS / sleepScale + (window.opensAt - window.announcedAt) * 0.02;
        if (connectorNow < window.opensAt - slack) {
          log(request, 429, 'retry-too-early', op.id, undocumented);
          return error(429, `retried ${Math.round(window.opensAt - connectorNow)} ms before the rate-limit window opens, as the last 429's headers said`, rateLimitValues(window.reading, window.opensAt, connectorNow));
        }
        windows.delete(dataset);
      }
      const page = pageOf(dataset, { url, pageCap: datasets.pageSize }, view);
      if (!page.ok) {
        log(request, page.status, page.outcome, op.id, undocumented);
        return error(page.status, page.message);
      }
      if (faults && dataset.pending.unavailable && page.start > 0) {
        dataset.pending.unavailable = false;
        log(request, 503, 'fault-503', op.id, undocumented);
        return error(503, 'service temporarily unavailable');
      }
      log(request, 200, 'ok', op.id, undocumented);
      return new HttpResponse(page.bytes, { headers: { 'content-type': 'application/json', ...page.headers } });
    },
  );

  const fallback = http.all('*', ({ request }) => {
    const write = request.method !== 'GET' && request.method !== 'HEAD';
    log(request, write ? 405 : 404, write ? 'write' : 'unknown-path', null);
    return write ? error(405, `${request.method} is not allowed: fetchwright connectors are read-only`) : error(404, 'not served by this mock');
  });

  const handlers = [listHandler, fallback];
  return {
    // The docs' first document-level server (an operation's own server only when there is none).
    baseUrl: (model.servers[0] ? concreteServerUrl(model.servers[0], model.vendor) : bases.at(-1)?.url) ?? '',
    baseUrls: bases.map((b) => b.url),
    handlers,
    credentials,
    calls,
    datasets,
    readingOf: (op) => datasets.readingOf(op),
    async fetch(request: Request) {
      return (await getResponse(handlers, request)) ?? error(404, 'not served by this mock');
    },
  };
}
