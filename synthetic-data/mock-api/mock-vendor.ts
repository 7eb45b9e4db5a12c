import { getResponse, http, HttpResponse, type RequestHandler } from 'msw';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import { chooseBaseUrl } from '../../agent/plan/base-url.ts';
import { resolveBaseUrl } from '../../agent/docs-view/server-url.ts';
import { SchemaView } from '../../agent/docs-view/schema-view.ts';
import { authorised, syntheticCredentials, type SyntheticCredential } from './credentials.ts';
import { Datasets } from './datasets.ts';
import { readList, type ListReading } from './list-reading.ts';
import { MOCK_CURSOR_PARAM, pageOf } from './page-response.ts';
import { matchRoute, routeOf } from './routes.ts';

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
  outcome: 'ok' | 'unauthorised' | 'unknown-path' | 'not-a-list' | 'no-such-parent' | 'write' | 'fault-429' | 'fault-503' | 'bad-request';
  /** Query parameters the docs do not describe for this operation. */
  undocumented: string[];
}

export interface MockVendor {
  /** Where the API lives in the mock, e.g. `https://subdomain.okta.com` or `https://jupyterhub.fetchwright.test/hub/api`. */
  baseUrl: string;
  handlers: RequestHandler[];
  credentials: Record<string, SyntheticCredential>;
  calls: MockCall[];
  datasets: Datasets;
  readings: Map<string, ListReading>;
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
}

function error(status: number, message: string, headers: Record<string, string> = {}): Response {
  return HttpResponse.json({ error: message, message }, { status, headers });
}

export function createMockVendor(model: ApiModel, options: MockOptions): MockVendor {
  const view = new SchemaView(model);
  const datasets = new Datasets(model, view, { seed: options.seed, ...(options.pageSize ? { pageSize: options.pageSize } : {}), ...(options.rootCount ? { rootCount: options.rootCount } : {}) });
  const credentials = syntheticCredentials(model, options.seed);
  const baseUrl = resolveBaseUrl(chooseBaseUrl(model, []), model.vendor);
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const routes = model.operations.filter((op) => op.method === 'get').map(routeOf);
  const readings = new Map<string, ListReading>();
  const calls: MockCall[] = [];
  const faults = options.faults ?? true;
  // Query parameters that carry a documented credential are not pagination mistakes.
  const credentialParams = new Set(model.security_schemes.filter((s) => s.type === 'apiKey' && s.in === 'query' && s.name).map((s) => s.name!));

  const log = (request: Request, status: number, outcome: MockCall['outcome'], opId: string | null, undocumented: string[] = []) => {
    const url = new URL(request.url);
    calls.push({ seq: calls.length + 1, method: request.method, path: url.pathname, query: Object.fromEntries(url.searchParams), status, operation_id: opId, outcome, undocumented });
  };

  const onBase = (url: URL) => url.origin === base.origin && (url.pathname === basePath || url.pathname.startsWith(`${basePath}/`));

  const listHandler = http.get(
    ({ request }) => onBase(new URL(request.url)),
    ({ request }) => {
      const url = new URL(request.url);
      const path = url.pathname.slice(basePath.length) || '/';
      const match = matchRoute(routes, path);
      if (!match) {
        log(request, 404, 'unknown-path', null);
        return error(404, `no operation in the docs serves GET ${path}`);
      }
      const op = match.route.op;
      if (!authorised(op, model, credentials, { headers: request.headers, query: url.searchParams })) {
        log(request, 401, 'unauthorised', op.id);
        return error(401, 'missing or invalid credential: send the credential the docs describe for this operation');
      }
      let reading = readings.get(op.id);
      if (!reading) {
        const read = readList(op, view);
        if (!read) {
          log(request, 404, 'not-a-list', op.id);
          return error(404, `the mock serves list operations only; ${op.id} is not one`);
        }
        reading = read;
        readings.set(op.id, reading);
      }
      const undocumented = [...url.searchParams.keys()].filter((k) => !reading.documentedQuery.has(k) && !credentialParams.has(k) && k !== MOCK_CURSOR_PARAM);
      const dataset = datasets.get(reading, match.values);
      if (!dataset) {
        log(request, 404, 'no-such-parent', op.id, undocumented);
        return error(404, `no record matches ${JSON.stringify(match.values)}`);
      }
      if (faults && dataset.pending.rateLimit) {
        dataset.pending.rateLimit = false;
        log(request, 429, 'fault-429', op.id, undocumented);
        return error(429, 'rate limit exceeded', { 'retry-after': '1' });
      }
      const page = pageOf(dataset, { url, basePath, pageSize: datasets.pageSize }, view);
      if (!page.ok) {
        log(request, page.status, 'bad-request', op.id, undocumented);
        return error(page.status, page.message);
      }
      if (faults && dataset.pending.unavailable && page.start > 0) {
        dataset.pending.unavailable = false;
        log(request, 503, 'fault-503', op.id, undocumented);
        return error(503, 'service temporarily unavailable');
      }
      log(request, 200, 'ok', op.id, undocumented);
      return HttpResponse.json(page.body as never, { headers: page.headers });
    },
  );

  const fallback = http.all('*', ({ request }) => {
    const write = request.method !== 'GET' && request.method !== 'HEAD';
    log(request, write ? 405 : 404, write ? 'write' : 'unknown-path', null);
    return write ? error(405, `${request.method} is not allowed: fetchwright connectors are read-only`) : error(404, 'not served by this mock');
  });

  const handlers = [listHandler, fallback];
  return {
    baseUrl,
    handlers,
    credentials,
    calls,
    datasets,
    readings,
    async fetch(request: Request) {
      return (await getResponse(handlers, request)) ?? error(404, 'not served by this mock');
    },
  };
}
