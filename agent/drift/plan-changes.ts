import type { ApiModel, Source } from '../ingest/api-model.ts';
import type { AuthHeader, ConnectorPlan, Evidence, Stream } from '../plan/connector-plan.ts';
import { operationOf } from '../run/docs-response.ts';
import { AUTH_FINDINGS, EVERY_OPERATION } from './auth-changes.ts';
import { driftFindingOf, type DriftFinding } from './drift-finding.ts';
import { operationName, pathParameters, pathTemplate } from './operation-match.ts';

/**
 * What the docs decide beyond the streams' operations, read through the planner: the connector's
 * plan compared with the new docs' heuristic plan for the credential the host injects (type,
 * placement — `in` and header or query name —, prefix, token URL), each stream's least scopes
 * (streams matched by path template only), the base URL and its placeholders, and the tenant
 * variables. A change written only in prose (`Authorization: Bearer {token}` where the docs wrote
 * `token {token}`, a scope renamed in a scopes page) moves no schema the model diff compares, but
 * it moves the new plan. Each finding cites the new plan's evidence for the decision, and the
 * connector plan's for the old one, where they have it.
 */

/** Where a decision rests: the first evidence whose quote holds `text` (when given), else the first one. */
function cited(evidence: Evidence[] | undefined, text?: string): Source | undefined {
  if (!evidence?.length) return undefined;
  const needle = text?.trim();
  return (needle ? evidence.find((e) => e.quote?.includes(needle)) : undefined)?.source ?? evidence[0]!.source;
}

const norm = (url: string) => url.trim().replace(/\/+$/, '');
const sameSet = (a: string[], b: string[]) => new Set(a).size === new Set(b).size && a.every((x) => b.includes(x));
const where = (c: AuthHeader) => `${c.in} ${c.name}`;

/** The ids already found for a stream (or for the whole API, `stream` undefined): a plan finding never repeats one. */
function already(found: DriftFinding[], ids: string[], stream?: string): boolean {
  return found.some((f) => ids.includes(f.id) && f.stream === stream);
}

/**
 * The findings of the connector's plan (`plan`) against the new docs' plan (`next.plan`), given
 * the findings the model diff already made (`found`: none is repeated). Returns [] when the new
 * docs could not be planned. Never throws.
 */
export function planChanges(plan: ConnectorPlan, old: ApiModel, next: { model: ApiModel; plan?: ConnectorPlan | undefined }, found: DriftFinding[]): DriftFinding[] {
  const now = next.plan;
  if (!now) return [];
  const auth = authPlanChanges(plan, now, next.model, found);
  // Scopes are a scheme's: compared only when both plans inject credentials for the same schemes (another scheme taken is the model diff's security-requirement-changed).
  const sameSchemes = sameSet(plan.auth.credentials.map((c) => c.scheme), now.auth.credentials.map((c) => c.scheme));
  return [...auth, ...(sameSchemes ? scopeChanges(plan, old, now, next.model, found) : []), ...baseUrlChanges(plan, now, found)];
}

/** The credentials the host injects, pairedNew by scheme key (or in order, for a scheme the new docs no longer name). */
function authPlanChanges(plan: ConnectorPlan, now: ConnectorPlan, model: ApiModel, found: DriftFinding[]): DriftFinding[] {
  const out: DriftFinding[] = [];
  const was = plan.auth;
  const is = now.auth;
  const pairedNew = new Set<AuthHeader>();
  const pairedOld = new Set<AuthHeader>();
  let reported = false;
  for (const [i, c] of was.credentials.entries()) {
    const gone = !model.security_schemes.some((s) => s.key === c.scheme);
    // The new plan prefers another scheme while the connector's is still offered: the connector's still works.
    const n = is.credentials.find((x) => x.scheme === c.scheme) ?? (gone ? is.credentials[i] : undefined);
    if (!n) continue;
    pairedNew.add(n);
    // The scheme itself changed or went: the model diff said so, and what the new plan injects for it follows.
    if (found.some((f) => (f.id === 'auth-scheme-changed' || f.id === 'auth-scheme-removed') && f.args.scheme === c.scheme)) {
      pairedOld.add(c);
      reported = true;
      continue;
    }
    pairedOld.add(c);
    const at = { operation: EVERY_OPERATION, old: cited(was.evidence, c.prefix || c.name), new: cited(is.evidence, n.prefix || n.name) };
    if (n.in !== c.in || n.name.toLowerCase() !== c.name.toLowerCase()) out.push(driftFindingOf(AUTH_FINDINGS, 'auth-placement-changed', at, { scheme: c.scheme, was: where(c), now: where(n) }));
    else if (n.prefix !== c.prefix) out.push(driftFindingOf(AUTH_FINDINGS, 'auth-prefix-changed', at, { scheme: c.scheme, was: c.prefix, now: n.prefix }));
  }
  // Only beside a credential both plans inject is another one news: a plan that took another scheme altogether offers another way in.
  if (pairedNew.size) {
    for (const n of is.credentials) if (!pairedNew.has(n)) out.push(driftFindingOf(AUTH_FINDINGS, 'auth-credential-added', { operation: EVERY_OPERATION, new: cited(is.evidence, n.name) }, { scheme: n.scheme, placement: where(n) }));
    for (const c of was.credentials) {
      if (pairedOld.has(c) || !model.security_schemes.some((s) => s.key === c.scheme)) continue;
      out.push(driftFindingOf(AUTH_FINDINGS, 'auth-credential-removed', { operation: EVERY_OPERATION, old: cited(was.evidence, c.name) }, { scheme: c.scheme, placement: where(c) }));
    }
  }
  // The type is what the credentials are read as: news only when they themselves did not change.
  if (!out.length && !reported && pairedNew.size && is.type !== was.type) out.push(driftFindingOf(AUTH_FINDINGS, 'auth-type-changed', { operation: EVERY_OPERATION, old: cited(was.evidence), new: cited(is.evidence) }, { was: was.type, now: is.type }));
  const cc = was.client_credentials;
  // Only for the scheme the new plan still injects (another scheme taken needs no token URL of this one).
  if (cc && is.credentials.some((x) => x.scheme === cc.scheme) && !already(found, ['token-url-changed', 'auth-scheme-removed'])) {
    const n = is.client_credentials;
    if (!n || norm(n.token_url) !== norm(cc.token_url)) {
      out.push(driftFindingOf(AUTH_FINDINGS, 'token-url-changed', { operation: EVERY_OPERATION, old: cited(was.evidence, cc.token_url), new: n ? cited(is.evidence, n.token_url) : undefined }, { scheme: cc.scheme, was: cc.token_url, now: n?.token_url ?? 'none' }));
    }
  }
  return out;
}

/** Each stream's least scopes, for the streams of both plans with one path template. */
function scopeChanges(plan: ConnectorPlan, old: ApiModel, now: ConnectorPlan, model: ApiModel, found: DriftFinding[]): DriftFinding[] {
  const out: DriftFinding[] = [];
  for (const stream of plan.streams) {
    const template = pathTemplate(stream.path);
    const n = now.streams.find((s) => pathTemplate(s.path) === template);
    if (!n || already(found, ['scope-changed', 'scope-removed', 'security-requirement-changed', 'list-operation-removed'], stream.name)) continue;
    const had = new Set(stream.required_scopes);
    const has = new Set(n.required_scopes);
    const added = [...has].filter((s) => !had.has(s)).sort();
    const removed = [...had].filter((s) => !has.has(s)).sort();
    if (!added.length && !removed.length) continue;
    const at = { operation: operationName(stream.method, stream.path), stream: stream.name, old: scopeSource(plan, stream, old), new: scopeSource(now, n, model) };
    if (added.length) out.push(driftFindingOf(AUTH_FINDINGS, 'scope-changed', at, { added, ...(removed.length ? { removed } : {}), was: [...stream.required_scopes].sort(), now: [...n.required_scopes].sort() }));
    // Fewer scopes: a credential made for the connector still has them all. A plan that rests on a
    // live run's shapes too may read more fields, and so need more scopes, than the docs alone show.
    else if (!plan.observed_sha256) out.push(driftFindingOf(AUTH_FINDINGS, 'scope-removed', at, { removed }));
  }
  return out;
}

/** Where a plan's scopes for a stream come from: its privilege finding's operation evidence, else the operation. */
function scopeSource(plan: ConnectorPlan, stream: Stream, model: ApiModel): Source | undefined {
  const evidence = plan.assessment.privilege.find((p) => p.stream === stream.name)?.evidence ?? [];
  const scoped = evidence.find((e) => stream.required_scopes.some((s) => e.quote?.includes(s)));
  return scoped?.source ?? operationOf(model, stream)?.source ?? evidence[0]?.source;
}

/** The base URL, its placeholders and the tenant variables: new ones are values a human must fill in. */
function baseUrlChanges(plan: ConnectorPlan, now: ConnectorPlan, found: DriftFinding[]): DriftFinding[] {
  const out: DriftFinding[] = [];
  const at = { operation: EVERY_OPERATION, old: cited(plan.base_url.evidence), new: cited(now.base_url.evidence) };
  if (norm(now.base_url.url) !== norm(plan.base_url.url) && !already(found, ['server-changed'])) {
    out.push(driftFindingOf(AUTH_FINDINGS, 'server-changed', at, { was: plan.base_url.url, now: now.base_url.url }));
  }
  for (const name of Object.keys(now.base_url.variables).sort()) {
    if (!Object.hasOwn(plan.base_url.variables, name)) out.push(driftFindingOf(AUTH_FINDINGS, 'base-url-variable-added', at, { name, url: now.base_url.url }));
  }
  const was = plan.tenant_variables ?? {};
  const is = now.tenant_variables ?? {};
  // A new tenant variable that only streams the connector lacks send comes with them (identity-list-added).
  const matched = now.streams.filter((n) => plan.streams.some((s) => pathTemplate(s.path) === pathTemplate(n.path)));
  const sends = (name: string) => matched.some((n) => pathParameters(n.path).includes(name) || (n.query_variables ?? []).includes(name));
  for (const name of Object.keys(is).sort()) if (!Object.hasOwn(was, name) && sends(name) && !found.some((f) => f.id === 'parameter-became-required' && f.args.name === name)) out.push(driftFindingOf(AUTH_FINDINGS, 'tenant-variable-added', { operation: EVERY_OPERATION }, { name }));
  for (const name of Object.keys(was).sort()) if (!Object.hasOwn(is, name)) out.push(driftFindingOf(AUTH_FINDINGS, 'tenant-variable-removed', { operation: EVERY_OPERATION }, { name }));
  return out;
}
