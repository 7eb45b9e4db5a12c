import type { ApiModel } from '../../ingest/api-model.ts';
import type { ConnectorPlan, Pagination, Stream } from '../connector-plan.ts';
import type { Finding } from '../../validate/finding.ts';
import { renderFinding } from '../../validate/findings-text.ts';
import { charsFor, clip, fitList, isCredentialName, noteTruncated, pointerOf, REDACTED } from './bounded.ts';
import { requirementText } from './operation-views.ts';
import type { Doubt } from './doubts.ts';

/**
 * `show_security` and `show_plan`: the docs' security schemes and servers as the ApiModel states
 * them, and the current plan with the proof's findings, compact and bounded for the model.
 */

/**
 * `show_security`: every security scheme (type, placement, flows, the client credentials token URL,
 * scopes by name with a short description while they fit), the document's default requirements and
 * the servers with their variables.
 */
export function showSecurity(model: ApiModel, maxTokens: number): Record<string, unknown> {
  const cap = charsFor(maxTokens) - 60;
  const out: Record<string, unknown> = {
    servers: model.servers.slice(0, 10).map((s) => ({
      url: s.url,
      ...(s.description ? { description: clip(s.description, 120) } : {}),
      ...(s.variables.length
        ? { variables: Object.fromEntries(s.variables.map((v) => [v.name, clip([v.default ?? '', v.enum?.length ? `(one of ${v.enum.slice(0, 6).join('|')})` : '', v.description ?? ''].filter(Boolean).join(' '), 160)])) }
        : {}),
      src: pointerOf(s.source),
    })),
    default_security: model.security.map(requirementText),
  };
  const schemes = model.security_schemes.map((s) => {
    const o: Record<string, unknown> = { key: s.key, type: s.type };
    if (s.scheme) o.scheme = s.scheme;
    if (s.in) o.in = s.in;
    if (s.name) o.name = s.name;
    if (s.bearer_format) o.bearer_format = s.bearer_format;
    if (s.flows.length) o.flows = s.flows;
    if (s.description) o.description = clip(s.description, 300);
    if (s.client_credentials) o.client_credentials = { token_url: s.client_credentials.token_url, src: pointerOf(s.client_credentials.source) };
    o.src = pointerOf(s.source);
    return { o, scopes: s.scopes };
  });
  out.security_schemes = schemes.map((x) => x.o);
  const withScopes = schemes.filter((x) => x.scopes.length);
  const room = Math.max(0, cap - JSON.stringify(out).length);
  for (const { o, scopes } of withScopes) {
    const share = Math.floor(room / withScopes.length);
    const base = JSON.stringify(o).length;
    fitList(o, 'scopes', scopes.map((sc) => (sc.description ? `${sc.name} — ${clip(sc.description, 60)}` : sc.name)), base + share, 0);
    if (typeof o.truncated === 'string') {
      delete o.truncated;
      o.scopes_more = `${scopes.length - (o.scopes as unknown[]).length} more scopes: show_operation names the scopes each operation needs; search_docs finds one by name`;
    }
  }
  return out;
}

/** A paginator as one line: `cursor cursor_param=after limit_param=limit page_size=200 stops=no-next`. */
export function paginationText(p: Pagination): string {
  const bits: string[] = [p.style];
  for (const [k, v] of Object.entries(p)) {
    if (k === 'style' || k === 'evidence' || k === 'confidence' || k === 'stops' || v === undefined) continue;
    bits.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  if ('stops' in p) bits.push(`stops=${p.stops.map((s) => ('path' in s ? `${s.when}(${s.path})` : s.when)).join(',')}`);
  return bits.join(' ');
}

function streamView(s: Stream): Record<string, unknown> {
  const o: Record<string, unknown> = { name: s.name, operation_id: s.operation_id, path: s.path, kind: s.kind, items_path: s.items_path };
  if (s.items_container === 'map') o.items_container = 'map';
  o.pagination = paginationText(s.pagination);
  if (s.parent) o.parent = s.parent;
  if (s.container) o.container = true;
  if (s.link) o.link = true;
  if (Object.keys(s.path_params).length) o.path_params = s.path_params;
  if (Object.keys(s.query).length) o.query = s.query;
  if (s.query_variables.length) o.query_variables = s.query_variables;
  const headers = Object.entries(s.headers);
  if (headers.length) o.headers = Object.fromEntries(headers.map(([k, v]) => [k, isCredentialName(k) ? REDACTED : v]));
  if (s.required_scopes.length) o.required_scopes = s.required_scopes;
  o.confidence = s.confidence;
  return o;
}

/**
 * `show_plan`: the plan as the loop holds it now — base URL, auth, streams (operation, kind, records
 * path, pagination and its parameters, the parent field), the heuristics' doubts when asked to review
 * them, the proof's findings by id with their text, errors first, and what was excluded; bounded to
 * `maxTokens`.
 */
export function showPlan(plan: ConnectorPlan, findings: Finding[] | undefined, maxTokens: number, doubts: readonly Doubt[] = []): Record<string, unknown> {
  const cap = charsFor(maxTokens) - 60;
  const auth = plan.auth;
  const out: Record<string, unknown> = {
    vendor: plan.vendor,
    planner: plan.planner.kind,
    base_url: plan.base_url.url,
    auth: {
      type: auth.type,
      schemes: auth.scheme_keys,
      credentials: auth.credentials.map((c) => `${c.in} ${c.name}${c.prefix ? ` prefix ${JSON.stringify(c.prefix)}` : ''} (${c.scheme})`),
      ...(auth.client_credentials ? { client_credentials: { token_url: auth.client_credentials.token_url, scopes: auth.client_credentials.scopes } } : {}),
    },
  };
  const errorsFirst = [...(findings ?? [])].sort((a, b) => rank(a.level) - rank(b.level));
  const findingViews = errorsFirst.map((f) => ({ id: f.id, level: f.level, ...(f.stream ? { stream: f.stream } : {}), text: clip(renderFinding(f), 300), ...(f.source ? { src: pointerOf(f.source) } : {}) }));
  fitList(out, 'streams', plan.streams.map(streamView), Math.floor(cap * (doubts.length ? 0.45 : 0.6)), 1);
  if (doubts.length) fitList(out, 'doubts', doubts.map((d) => ({ ...(d.stream ? { stream: d.stream } : {}), operation_id: d.operation_id, path: d.path, why: clip(d.why, 200) })), Math.floor(cap * 0.75), 1);
  fitList(out, 'findings', findingViews, Math.floor(cap * 0.9), Math.min(1, findingViews.length));
  const excluded = plan.excluded ?? [];
  if (excluded.length) {
    const room = cap - JSON.stringify(out).length;
    const lines = excluded.map((e) => `${e.operation_id}: ${clip(e.reason, 80)}`);
    const kept: string[] = [];
    let size = 0;
    for (const l of lines) {
      if (size + l.length + 3 > room) break;
      kept.push(l);
      size += l.length + 3;
    }
    out.excluded = kept;
    if (kept.length < lines.length) noteTruncated(out, `${lines.length - kept.length} more excluded`);
  }
  return out;
}

function rank(level: Finding['level']): number {
  return level === 'error' ? 0 : level === 'warning' ? 1 : 2;
}
