import { SchemaView } from '../../docs-view/schema-view.ts';
import { editDistance } from '../../edit-distance.ts';
import type { ApiModel, Operation, Parameter, Response, SchemaNode, SecurityRequirement } from '../../ingest/api-model.ts';
import { charsFor, clip, exampleText, fitList, isCredentialName, noteTruncated, pointerOf } from './bounded.ts';

/**
 * What the model reads of the docs' operations (issue 13's read-only tools `list_operations` and
 * `show_operation`): compact, bounded views of the ApiModel as the docs state it — refs followed and
 * `allOf` folded by `SchemaView`, nothing the heuristic planner concluded. Results are plain values
 * the caller serialises as JSON.
 */

export interface ListFilter {
  /** HTTP method, either case. */
  method?: string | null;
  /** Case-insensitive substring of the path. */
  path_contains?: string | null;
  /** A tag, compared case-insensitively. */
  tag?: string | null;
  offset?: number | null;
  limit?: number | null;
}

export const MAX_LIST_LIMIT = 100;
export const DEFAULT_LIST_LIMIT = 50;

const views = new WeakMap<ApiModel, SchemaView>();
function viewOf(model: ApiModel): SchemaView {
  let v = views.get(model);
  if (!v) views.set(model, (v = new SchemaView(model)));
  return v;
}

/** A named schema's name as the docs write it (`User`, `io.k8s.api.core.v1.Pod`). */
function refName(model: ApiModel, ref: string): string {
  const named = model.schemas[ref]?.name;
  if (named) return named;
  const hash = ref.lastIndexOf('/');
  return hash >= 0 ? ref.slice(hash + 1) : ref;
}

/** The last dotted part of a schema name (`io.k8s.api.core.v1.Pod` → `Pod`): what a listing line shows. */
function shortName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 && dot < name.length - 1 ? name.slice(dot + 1) : name;
}

/** The documented success response: the first 2xx with a schema, else the first 2xx. */
export function successResponse(op: Operation): Response | undefined {
  const ok = op.responses.filter((r) => /^2\d\d$/.test(r.status) || r.status === '2XX');
  return ok.find((r) => r.schema) ?? ok[0];
}

/** An object schema, or a named schema the docs give no primitive type (Slack's `objs_user` is written empty). */
function objectLike(view: SchemaView, node: SchemaNode | undefined): boolean {
  if (!node) return false;
  if (view.isObject(node)) return true;
  const type = view.resolve(node).type;
  return !!node.ref && !type?.length;
}

/**
 * What a list line says the records are: `[]:User` for an array body, `items[]:Pod` for an array of
 * objects at a top-level property (`+1` when the body has one more such property); else undefined.
 */
function listOf(model: ApiModel, schema: SchemaNode | undefined): string | undefined {
  if (!schema) return undefined;
  const view = viewOf(model);
  const label = (items: SchemaNode | undefined) => (items?.ref ? shortName(refName(model, items.ref)) : view.isObject(items) ? 'object' : (view.resolve(items).type?.join('|') ?? '?'));
  if (view.isArray(schema)) return `[]:${label(view.items(schema))}`;
  const lists = view
    .fields(schema, 1)
    .filter((f) => view.isArray(f.node) && objectLike(view, view.items(f.node)))
    .map((f) => `${f.path}[]:${label(view.items(f.node))}`);
  return lists.length ? lists[0]! + (lists.length > 1 ? `+${lists.length - 1}` : '') : undefined;
}

function summaryOf(op: Operation, max: number): string {
  const text = op.summary ?? op.description?.split(/(?<=[.!?])\s|\n/)[0];
  return clip(text, max);
}

/** The line format `list_operations` documents in its result. */
export const LIST_LINE_FORMAT = 'id METHOD path [list=<array path>[]:<item schema>[+N more arrays]] [ex-only: no schema, example given] [deprecated] | summary';

/** One compact listing line for an operation; without its method when the listing is of one method (`withMethod` false). */
export function listLine(model: ApiModel, op: Operation, withMethod = true): string {
  const ok = successResponse(op);
  const list = listOf(model, ok?.schema);
  const parts = withMethod ? [op.id, op.method.toUpperCase(), op.path] : [op.id, op.path];
  if (list) parts.push(`list=${list}`);
  else if (ok && !ok.schema && ok.examples.length) parts.push('ex-only');
  if (op.deprecated) parts.push('deprecated');
  const summary = summaryOf(op, 50);
  return summary ? `${parts.join(' ')} | ${summary}` : parts.join(' ');
}

/**
 * `list_operations`: the operations matching every filter given, GETs first then the rest in the
 * docs' order, as listing lines from `offset`, at most `limit` (≤ 100) and as many as fit
 * `maxTokens`; `next_offset` is where the next page starts (null at the end). The first page
 * (offset 0) says the line format; a listing of one method leaves the method out of its lines.
 */
export function listOperations(model: ApiModel, filter: ListFilter, maxTokens: number): Record<string, unknown> {
  const method = filter.method?.toLowerCase();
  const needle = filter.path_contains?.toLowerCase();
  const tag = filter.tag?.toLowerCase();
  const matching = model.operations.filter(
    (op) => (!method || op.method === method) && (!needle || op.path.toLowerCase().includes(needle)) && (!tag || op.tags.some((t) => t.toLowerCase() === tag)),
  );
  const ordered = [...matching.filter((op) => op.method === 'get'), ...matching.filter((op) => op.method !== 'get')];
  const offset = Math.max(0, filter.offset ?? 0);
  const limit = Math.min(MAX_LIST_LIMIT, Math.max(1, filter.limit ?? DEFAULT_LIST_LIMIT));
  const page = ordered.slice(offset, offset + limit).map((op) => listLine(model, op, !method));
  const head: Record<string, unknown> = { total: ordered.length, offset };
  // The line format is said on the first page only: the model has it from there on.
  if (offset === 0) head.format = method ? `${LIST_LINE_FORMAT.replace(' METHOD', '')} (every one ${method.toUpperCase()})` : LIST_LINE_FORMAT;
  const kept = fitList(head, 'operations', page, charsFor(maxTokens) - 40, 1);
  delete head.truncated;
  const next = offset + kept;
  head.next_offset = next < ordered.length ? next : null;
  if (!ordered.length) head.hint = 'no operation matches: loosen a filter (path_contains is a substring of the path, tag is one of the docs\' tags)';
  return head;
}

/** The operation with this id, or (when the model wrote `GET /path`) this method and path. */
export function findOperation(model: ApiModel, id: string): Operation | undefined {
  const exact = model.operations.find((op) => op.id === id);
  if (exact) return exact;
  const m = /^([A-Za-z]+)\s+(\/\S*)$/.exec(id.trim());
  return m ? model.operations.find((op) => op.method === m[1]!.toLowerCase() && op.path === m[2]) : undefined;
}

/** Up to three operation ids closest to an unknown one, for the error the model reads. */
export function nearestIds(model: ApiModel, id: string): string[] {
  const lower = id.toLowerCase();
  return model.operations
    .map((op) => ({ id: op.id, d: editDistance(lower, op.id.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.id);
}

function typeLabel(model: ApiModel, node: SchemaNode | undefined): string {
  if (!node) return '?';
  const view = viewOf(model);
  const r = view.resolve(node);
  const named = node.ref ? refName(model, node.ref) : undefined;
  if (view.isArray(node)) {
    const items = view.items(node);
    return `array<${items?.ref ? refName(model, items.ref) : typeLabel(model, items)}>`;
  }
  const base = r.type?.filter((t) => t !== 'null').join('|') || (r.properties ? 'object' : r.additionalProperties ? 'map' : 'any');
  const format = r.format ? `(${r.format})` : '';
  return named ? `${base}${format} ${named}` : `${base}${format}`;
}

function describeSchemaValue(value: unknown, max: number): string {
  return exampleText(value, max);
}

/**
 * The fields of a schema as lines `path: type[(format)] [Ref] [req] [null] [enum=a|b] — description`,
 * refs followed and `allOf` folded, down to `maxDepth` levels of nesting; an array's items continue
 * at `path[]`. A schema already open on the path is not entered again (`(recursive)`).
 */
export function schemaLines(model: ApiModel, schema: SchemaNode | undefined, maxDepth: number, descChars = 70): string[] {
  const view = viewOf(model);
  const out: string[] = [];
  const line = (path: string, node: SchemaNode, required: boolean, open: Set<string>): string => {
    const r = view.resolve(node);
    const bits = [`${path}: ${typeLabel(model, node)}`];
    if (required) bits.push('req');
    if (r.nullable || r.type?.includes('null')) bits.push('null');
    if (r.enum?.length) bits.push(`enum=${r.enum.slice(0, 6).map((e) => String(e)).join('|')}${r.enum.length > 6 ? '|…' : ''}`);
    if (node.ref && open.has(node.ref)) bits.push('(recursive)');
    const desc = clip(r.description, descChars);
    return desc ? `${bits.join(' ')} — ${desc}` : bits.join(' ');
  };
  const walk = (node: SchemaNode, prefix: string, depth: number, open: Set<string>): void => {
    const r = view.resolve(node);
    const required = new Set(r.required ?? []);
    for (const [name, child] of Object.entries(r.properties ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      out.push(line(path, child, required.has(name), open));
      descend(child, path, depth, open);
    }
  };
  const descend = (child: SchemaNode, path: string, depth: number, open: Set<string>): void => {
    if (depth + 1 >= maxDepth || out.length > 400) return;
    const target = view.isArray(child) ? view.items(child) : child;
    if (!target || !view.isObject(target)) return;
    const refs = [child.ref, target.ref].filter((x): x is string => !!x);
    if (refs.some((x) => open.has(x))) return;
    walk(target, view.isArray(child) ? `${path}[]` : path, depth + 1, new Set([...open, ...refs]));
  };
  if (!schema) return out;
  const open = new Set(schema.ref ? [schema.ref] : []);
  if (view.isArray(schema)) {
    out.push(line('(body)', schema, false, new Set()));
    const items = view.items(schema);
    if (items && view.isObject(items)) walk(items, '[]', 0, new Set([...open, ...(items.ref ? [items.ref] : [])]));
  } else if (view.isObject(schema)) {
    if (schema.ref) out.push(line('(body)', schema, false, new Set()));
    walk(schema, '', 0, open);
  } else out.push(line('(body)', schema, false, new Set()));
  return out;
}

/**
 * The largest cut length `t` (between `min` and `max`) at which the texts of these lengths, each cut
 * to `t`, fit `budget` characters together: short texts stay whole, long ones share what is left.
 */
export function waterLevel(lengths: number[], budget: number, min: number, max: number): number {
  let t = max;
  const total = (cut: number) => lengths.reduce((sum, l) => sum + Math.min(l, cut), 0);
  while (t > min && total(t) > budget) t -= 10;
  return Math.max(min, t);
}

function parameterView(model: ApiModel, p: Parameter, descChars: number): Record<string, unknown> {
  const r = p.schema ? viewOf(model).resolve(p.schema) : undefined;
  const out: Record<string, unknown> = { name: p.name, in: p.in };
  if (p.required) out.required = true;
  if (p.schema) out.type = typeLabel(model, p.schema);
  // A credential-named parameter's documented values are never shown: they may be a real key pasted into the docs.
  if (r && !isCredentialName(p.name)) {
    if (r.default !== undefined) out.default = describeSchemaValue(r.default, 60);
    if (r.example !== undefined) out.example = describeSchemaValue(r.example, 60);
    if (r.enum?.length) out.enum = r.enum.slice(0, 12).map((e) => clip(String(e), 40));
    if (r.minimum !== undefined) out.minimum = r.minimum;
    if (r.maximum !== undefined) out.maximum = r.maximum;
  }
  const desc = clip(p.description ?? r?.description, descChars);
  if (desc && descChars > 0) out.description = desc;
  out.src = pointerOf(p.source);
  return out;
}

/** A security requirement as text: `apiToken` or `oauth2(okta.users.read okta.users.manage)`, joined by ` + ` when applied together. */
export function requirementText(req: SecurityRequirement): string {
  return req.map((r) => (r.scopes.length ? `${r.scheme}(${r.scopes.join(' ')})` : r.scheme)).join(' + ') || '(none)';
}

/**
 * `show_operation`: one operation as the docs give it — parameters with their prose, the success
 * response's schema folded to `maxDepth` levels, its first example, its headers, the other
 * statuses, the security requirements (its own or the document's) — bounded to `maxTokens`. Fields
 * are cut first, then the example, then parameters; each cut is said in `truncated`.
 */
export function showOperation(model: ApiModel, op: Operation, maxTokens: number, maxDepth = 3): Record<string, unknown> {
  const cap = charsFor(maxTokens) - 60;
  const out: Record<string, unknown> = { id: op.id, method: op.method.toUpperCase(), path: op.path };
  if (op.summary) out.summary = clip(op.summary, 200);
  if (op.description) out.description = clip(op.description, 400);
  if (op.tags.length) out.tags = op.tags;
  if (op.deprecated) out.deprecated = true;
  out.src = pointerOf(op.source);
  const own = op.security;
  out.security = (own ?? model.security).map(requirementText);
  if (!own) out.security_inherited = true;
  if (op.servers?.length) out.servers = op.servers.map((s) => s.url);
  if (op.has_request_body) out.has_request_body = true;
  const ext = Object.entries(op.extensions);
  if (ext.length) out.extensions = Object.fromEntries(ext.slice(0, 8).map(([k, v]) => [k, exampleText(v, 120)]));
  // Most of the room goes to the parameters (their prose is where paging and filters are explained), shared so
  // that every parameter shows: short descriptions whole, long ones cut to one common length.
  const paramRoom = Math.floor(cap * 0.62) - JSON.stringify(out).length;
  const bare = op.parameters.map((p) => JSON.stringify(parameterView(model, p, 0)).length + 20);
  const descChars = waterLevel(
    op.parameters.map((p) => (p.description ?? '').length),
    paramRoom - bare.reduce((a, b) => a + b, 0),
    60,
    500,
  );
  fitList(out, 'parameters', op.parameters.map((p) => parameterView(model, p, descChars)), Math.floor(cap * 0.66), 0);

  const ok = successResponse(op);
  const others = op.responses.filter((r) => r !== ok).map((r) => (r.description ? `${r.status} ${clip(r.description, 50)}` : r.status));
  if (ok) {
    const response: Record<string, unknown> = { status: ok.status };
    if (ok.content_type) response.content_type = ok.content_type;
    if (ok.description) response.description = clip(ok.description, 200);
    if (ok.observed) response.observed = true;
    response.src = pointerOf(ok.source);
    if (ok.headers.length) response.headers = ok.headers.slice(0, 12).map((h) => ({ name: h.name, ...(h.schema ? { type: typeLabel(model, h.schema) } : {}), ...(h.description ? { description: clip(h.description, 240) } : {}) }));
    out.response = response;
    if (others.length) out.other_responses = others.slice(0, 10);
    const used = () => JSON.stringify(out).length;
    const example = ok.examples[0];
    const exampleRoom = Math.min(1000, Math.floor((cap - used()) * 0.35));
    const fields = schemaLines(model, ok.schema, maxDepth);
    const fieldRoom = cap - used() - (example === undefined ? 0 : Math.max(0, exampleRoom));
    if (ok.schema) {
      // Fit the fields into their share: `fitList` measures the response object alone, so give it that room.
      const base = JSON.stringify(response).length;
      const kept = fitList(response, 'fields', fields, base + Math.max(0, fieldRoom), 1);
      if (kept < fields.length) {
        delete response.truncated;
        noteTruncated(out, `${fields.length - kept} more response fields (nesting deeper than ${maxDepth} levels is never shown)`);
      }
    }
    if (example !== undefined) {
      const room = cap - used();
      if (room > 80) {
        const text = exampleText(example, room - 20);
        response.example = text;
        if (text.endsWith('…')) noteTruncated(out, 'example cut');
      } else noteTruncated(out, 'example left out');
    }
  } else if (others.length) out.other_responses = others.slice(0, 10);
  return out;
}
