import type { ApiModel, Operation, SecurityRequirement, SecurityScheme } from '../ingest/api-model.ts';
import type { ConnectorPlan, Stream } from '../plan/connector-plan.ts';
import { defineDriftFindings, driftFindingOf, named, arg, type DriftFinding } from './drift-finding.ts';

/**
 * What changed in how the connector authenticates and where it connects: the security schemes its
 * plan injects a credential for (type, placement, name, token URL), the scopes each stream's
 * operation requires, and the docs' servers the plan's base URL came from.
 */

/** The `operation` of a finding about the whole API (auth, servers) rather than one operation. */
export const EVERY_OPERATION = '*';

export const AUTH_FINDINGS = defineDriftFindings({
  'auth-scheme-removed': { level: 'breaking', text: (a) => `the security scheme ${named(a, 'scheme')} the connector authenticates with is gone` },
  'auth-scheme-renamed': { level: 'info', text: (a) => `the security scheme ${named(a, 'scheme')} is now named ${named(a, 'to')}, placed as before (${arg(a, 'placement')})` },
  'auth-scheme-changed': { level: 'breaking', text: (a) => `the security scheme ${named(a, 'scheme')} is now ${arg(a, 'now')} (was ${arg(a, 'was')}), and the connector still injects its credential as before` },
  'token-url-changed': { level: 'breaking', text: (a) => `the token URL of ${named(a, 'scheme')} is now ${named(a, 'now')} (was ${named(a, 'was')})` },
  'security-requirement-changed': { level: 'breaking', text: (a) => `the operation now requires ${arg(a, 'now')}, which the connector's credential (${arg(a, 'schemes')}) does not satisfy` },
  'scope-changed': { level: 'breaking', text: (a) => `the operation now requires the scope${Array.isArray(a.added) && a.added.length === 1 ? '' : 's'} ${arg(a, 'added')}, which a credential made for the connector may not have${a.was ? ` (the connector asks for ${arg(a, 'was')}; the new docs' plan for ${arg(a, 'now')})` : ''}` },
  'scope-removed': { level: 'info', text: (a) => `the operation no longer requires ${arg(a, 'removed')}: the connector's credential may need less` },
  'server-changed': { level: 'breaking', text: (a) => `the docs' server is now ${named(a, 'now')}; the connector calls ${named(a, 'was')}` },
  // What the new docs' plan decides (agent/drift/plan-changes.ts), compared with the connector's plan.
  'auth-prefix-changed': { level: 'breaking', text: (a) => `the docs now write the credential of ${named(a, 'scheme')} after ${named(a, 'now')} (was ${named(a, 'was')}): the connector still sends the old prefix` },
  'auth-placement-changed': { level: 'breaking', text: (a) => `the docs now take the credential of ${named(a, 'scheme')} in ${arg(a, 'now')} (was ${arg(a, 'was')}): the connector still sends it as before` },
  'auth-type-changed': { level: 'breaking', text: (a) => `the new docs' plan authenticates with ${arg(a, 'now')} (the connector: ${arg(a, 'was')})` },
  'auth-credential-added': { level: 'breaking', text: (a) => `the new docs' plan injects one more credential, ${arg(a, 'placement')} for ${named(a, 'scheme')}, which the connector does not send` },
  'auth-credential-removed': { level: 'info', text: (a) => `the new docs' plan no longer injects ${arg(a, 'placement')} for ${named(a, 'scheme')}: the connector sends a credential the API may not need` },
  'base-url-variable-added': { level: 'breaking', text: (a) => `the base URL now has the placeholder ${named(a, 'name')}, a value a human must fill in (URL ${named(a, 'url')})` },
  'tenant-variable-added': { level: 'breaking', text: (a) => `the new docs' plan scopes the API to a tenant by ${named(a, 'name')}, a value a human must fill in and the connector does not send` },
  'tenant-variable-removed': { level: 'info', text: (a) => `the new docs' plan no longer takes the tenant variable ${named(a, 'name')}` },
});

function placement(s: SecurityScheme): string {
  if (s.type === 'apiKey') return `an API key in ${s.in ?? '?'} ${s.name ?? '?'}`;
  if (s.type === 'http') return `HTTP ${(s.scheme ?? '?').toLowerCase()}`;
  return s.type;
}

/** The effective security of an operation: its own, else the document's. */
function securityOf(model: Pick<ApiModel, 'security'>, op: Operation): SecurityRequirement[] {
  return op.security ?? model.security;
}

/** The first alternative the plan's schemes satisfy (every scheme in it is one the plan injects), or undefined. */
function satisfied(requirements: SecurityRequirement[], keys: Set<string>): SecurityRequirement | undefined {
  if (!requirements.length) return [];
  return requirements.find((alt) => alt.every((r) => keys.has(r.scheme)));
}

/** The plan's security schemes, API-wide: removed, renamed or changed; the client credentials' token URL. Never throws. */
export function authChanges(plan: ConnectorPlan, old: ApiModel, next: ApiModel): DriftFinding[] {
  const out: DriftFinding[] = [];
  const keys = [...new Set([...plan.auth.credentials.map((c) => c.scheme), ...(plan.auth.client_credentials ? [plan.auth.client_credentials.scheme] : [])])];
  for (const key of keys) {
    const was = old.security_schemes.find((s) => s.key === key);
    if (!was) continue;
    const now = next.security_schemes.find((s) => s.key === key);
    const at = { operation: EVERY_OPERATION, old: was.source, new: now?.source };
    if (!now) {
      const renamed = next.security_schemes.find((s) => !old.security_schemes.some((o) => o.key === s.key) && placement(s).toLowerCase() === placement(was).toLowerCase());
      if (renamed) out.push(driftFindingOf(AUTH_FINDINGS, 'auth-scheme-renamed', { ...at, new: renamed.source }, { scheme: key, to: renamed.key, placement: placement(was) }));
      else out.push(driftFindingOf(AUTH_FINDINGS, 'auth-scheme-removed', at, { scheme: key }));
      continue;
    }
    if (placement(now).toLowerCase() !== placement(was).toLowerCase()) out.push(driftFindingOf(AUTH_FINDINGS, 'auth-scheme-changed', at, { scheme: key, was: placement(was), now: placement(now) }));
    const cc = plan.auth.client_credentials;
    if (cc?.scheme === key && was.client_credentials && now.client_credentials?.token_url !== was.client_credentials.token_url) {
      out.push(driftFindingOf(AUTH_FINDINGS, 'token-url-changed', at, { scheme: key, was: was.client_credentials.token_url, now: now.client_credentials?.token_url ?? 'none' }));
    }
  }
  out.push(...serverChanges(plan, old, next));
  return out;
}

/** The security requirement and scopes of one stream's operation. Never throws. */
export function operationAuthChanges(plan: ConnectorPlan, stream: Stream, old: { model: ApiModel; op: Operation }, next: { model: ApiModel; op: Operation }, operation: string): DriftFinding[] {
  const keys = new Set(plan.auth.scheme_keys.length ? plan.auth.scheme_keys : plan.auth.credentials.map((c) => c.scheme));
  const before = satisfied(securityOf(old.model, old.op), keys);
  // The recorded docs' requirement was not one the plan's credential satisfies: nothing to compare.
  if (!before) return [];
  const requirements = securityOf(next.model, next.op);
  const after = satisfied(requirements, keys);
  const at = { operation, stream: stream.name, old: old.op.source, new: next.op.source };
  if (!after) {
    const now = requirements.map((alt) => alt.map((r) => r.scheme).join(' + ')).join(' or ');
    return [driftFindingOf(AUTH_FINDINGS, 'security-requirement-changed', at, { now, schemes: [...keys].join(', ') || 'none' })];
  }
  const scopes = (alt: SecurityRequirement) => new Set(alt.filter((r) => keys.has(r.scheme)).flatMap((r) => r.scopes));
  const had = scopes(before);
  const has = scopes(after);
  const added = [...has].filter((s) => !had.has(s)).sort();
  const removed = [...had].filter((s) => !has.has(s)).sort();
  if (added.length) return [driftFindingOf(AUTH_FINDINGS, 'scope-changed', at, { added, ...(removed.length ? { removed } : {}) })];
  if (removed.length) return [driftFindingOf(AUTH_FINDINGS, 'scope-removed', at, { removed })];
  return [];
}

const norm = (url: string) => url.trim().replace(/\/+$/, '');

/** The docs' servers: the plan's base URL (or every recorded server) no longer among them. */
function serverChanges(plan: ConnectorPlan, old: ApiModel, next: ApiModel): DriftFinding[] {
  if (!next.servers.length) return [];
  const before = old.servers.map((s) => norm(s.url));
  const after = new Set(next.servers.map((s) => norm(s.url)));
  const base = norm(plan.base_url.url);
  const recorded = before.includes(base);
  const moved = recorded ? !after.has(base) : before.length > 0 && !before.some((u) => after.has(u));
  if (!moved) return [];
  const was = old.servers.find((s) => norm(s.url) === base) ?? old.servers[0];
  return [driftFindingOf(AUTH_FINDINGS, 'server-changed', { operation: EVERY_OPERATION, old: was?.source, new: next.servers[0]!.source }, { was: recorded ? plan.base_url.url : (was?.url ?? plan.base_url.url), now: next.servers[0]!.url })];
}
