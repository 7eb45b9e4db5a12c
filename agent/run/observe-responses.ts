import { SchemaView } from '../docs-view/schema-view.ts';
import type { ApiModel, Operation } from '../ingest/api-model.ts';
import { OBSERVED_SHAPES_FORMAT, type ObservedOperation, type ObservedSchema, type ObservedShapes } from '../observed/observed-shapes.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { retirementNotice, type RetirementNotice } from './deprecation-headers.ts';
import { declaredShape, docsResponse, operationOf, responseSchema } from './docs-response.ts';
import { countNodes, mergeInto, shapeOf, type ShapeBudget } from './shape-of.ts';

/**
 * The host side of a live run's learning: every response the API sends passes here on its way to
 * the egress gate, is read once (a tap on the body stream, the same bytes handed on), matched to
 * the plan stream whose docs path template matches the URL's path, and folded into that
 * operation's observed shape — status codes, media types, header names, the body's JSON shape —
 * with no value kept (agent/run/shape-of.ts). A response to no stream's path is a call outside
 * the plan: counted, its method and path (never its query) kept for the report only.
 * `Sunset`/`Deprecation` headers and their `Link` relations are kept per operation for the report.
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

interface StatusAcc {
  status: number;
  content_type: string | null;
  header_names: Set<string>;
  count: number;
  body: ObservedSchema | null;
  budget: ShapeBudget;
}

interface OperationAcc {
  path: string;
  stream: string;
  op: Operation | undefined;
  pattern: RegExp;
  literals: number;
  statuses: Map<number, StatusAcc>;
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

export class ResponseObserver {
  readonly #operations: OperationAcc[] = [];
  readonly #view: SchemaView;
  readonly #basePath: string;
  readonly #outside = new Map<string, OutsidePlanCall>();
  #outsideTotal = 0;
  readonly #deprecations = new Map<string, DeprecationSeen>();
  readonly #maxBytes: number;
  readonly #plan: ConnectorPlan;

  /**
   * `baseUrl`: the run's base URL (its path is stripped from each URL before matching);
   * `maxResponseBytes`: the egress gate's cap — a body larger than it is handed on, not observed.
   */
  constructor(o: { plan: ConnectorPlan; model: Pick<ApiModel, 'operations' | 'schemas'>; baseUrl: string; maxResponseBytes: number }) {
    this.#plan = o.plan;
    this.#view = new SchemaView(o.model);
    this.#basePath = new URL(o.baseUrl).pathname.replace(/\/+$/, '');
    this.#maxBytes = o.maxResponseBytes;
    for (const s of o.plan.streams) {
      if (this.#operations.some((a) => a.path === s.path)) continue;
      this.#operations.push({ path: s.path, stream: s.name, op: operationOf(o.model, s), pattern: templatePattern(s.path), literals: s.path.split('/').filter((x) => x && !x.startsWith('{')).length, statuses: new Map() });
    }
    // The most literal template first: `/users/me` before `/users/{id}`.
    this.#operations.sort((a, b) => b.literals - a.literals);
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
    if (NULL_BODY.has(response.status) || !response.body) {
      this.#record(acc, response, undefined);
      return response;
    }
    let tapped: Response;
    try {
      tapped = new Response(this.#tap(response.body, (text) => this.#record(acc, response, text)), { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch {
      this.#record(acc, response, undefined);
      return response;
    }
    return tapped;
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
      s = { status: response.status, content_type: mediaType(response.headers.get('content-type')), header_names: new Set(), count: 0, body: null, budget: { nodes: 0 } };
      acc.statuses.set(response.status, s);
    }
    s.count++;
    for (const name of response.headers.keys()) if (s.header_names.size < MAX_HEADER_NAMES) s.header_names.add(name.toLowerCase());
    if (text === undefined || text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    const schema = responseSchema(docsResponse(acc.op, response.status));
    const shape = shapeOf(value, declaredShape(this.#view, schema?.node));
    if (s.body) mergeInto(s.body, shape, s.budget);
    else {
      s.body = shape;
      s.budget.nodes = countNodes(shape);
    }
  }

  /** Every operation the plan's streams called, with what was seen of it (no value kept). */
  operations(): ObservedOperation[] {
    return this.#operations
      .filter((o) => o.statuses.size)
      .sort((a, b) => this.#plan.streams.findIndex((s) => s.path === a.path) - this.#plan.streams.findIndex((s) => s.path === b.path))
      .map((o) => ({
        method: 'GET' as const,
        path: o.path,
        stream: o.stream,
        responses: [...o.statuses.values()].sort((a, b) => a.status - b.status).map((s) => ({ status: s.status, content_type: s.content_type, header_names: [...s.header_names].sort(), count: s.count, body: s.body })),
      }));
  }

  /** The shapes file (`fetchwright/observed-shapes@1`). */
  shapes(meta: { plan_sha256: string; observed_at: string }): ObservedShapes {
    return { format: OBSERVED_SHAPES_FORMAT, vendor: this.#plan.vendor, plan_sha256: meta.plan_sha256, observed_at: meta.observed_at, operations: this.operations() };
  }

  /** Calls to no stream's path: how many, and the first distinct ones. */
  outsidePlan(): { total: number; calls: OutsidePlanCall[] } {
    return { total: this.#outsideTotal, calls: [...this.#outside.values()] };
  }

  /** Operations that answered with `Sunset`, `Deprecation` or a sunset/deprecation link. */
  deprecations(): DeprecationSeen[] {
    return [...this.#deprecations.values()];
  }
}
