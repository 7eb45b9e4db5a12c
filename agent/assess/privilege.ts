import type { ApiModel, Operation } from '../ingest/api-model.ts';
import { PROSE_SCHEME_KEY } from '../ingest/prose.ts';
import { requirementsOf } from '../plan/detect-auth.ts';
import type { Assessment, AuthPlan, Evidence, ParentLink } from '../plan/connector-plan.ts';
import { readProseAuth } from '../plan/prose-auth.ts';
import { quoted, reasoned } from '../plan/evidence.ts';
import { collectionNoun } from '../plan/identity-kinds.ts';
import { credentialScoping, leastRoleFor, requiredRolesOf, type CredentialScoping } from './credential-scoping.ts';
import { fieldScopeConvention, listingScopeFor, wordsOf, type FieldScopeConvention, type ListingScope } from './scope-conventions.ts';

/**
 * The least privilege each chosen operation needs, as the docs state it: OAuth 2 scopes from the
 * security requirement, scopes named in parameter prose ("Requires scope: `users:read`"), or a
 * documented role/permission extension, and what the docs' scope conventions add or leave out
 * (scope-conventions.ts): the scope that lists the resource, and only the field scopes that grant
 * the fields the connector reads. Admin and write powers are flagged.
 */

type Finding = Assessment['privilege'][number];

const ADMIN = /(^|[^a-z])(admin|root|owner|superuser|super_user|full_?access|manage_all)([^a-z]|$)|\*/i;
const WRITE = /(^|[.:_\-\s/])(write|manage|create|update|delete|modify|edit|rw)([.:_\-\s/]|$)/i;
/** Breadth words: write power on their own (`repo:full`), read-only beside a read word (`User.Read.All`). */
const BROAD = /(^|[.:_\-\s/])(full|all)([.:_\-\s/]|$)/i;
const READ = /(^|[.:_\-\s/])(read|list|view|get|ro|readonly|read_only)([.:_\-\s/]|$)/i;

export function classifyScope(scope: string): 'admin' | 'admin-read' | 'write' | undefined {
  // A read word does not excuse an explicit write word: `account:read_write` grants write.
  if (WRITE.test(scope)) return ADMIN.test(scope) ? 'admin' : 'write';
  // `admin.directory.user.readonly`, `admin.users:read`: read-only, but only in an admin's context.
  if (ADMIN.test(scope)) return READ.test(scope) ? 'admin-read' : 'admin';
  if (BROAD.test(scope) && !READ.test(scope)) return 'write';
  return undefined;
}

function scopesFromProse(op: Operation): { scopes: string[]; evidence: Evidence[] } {
  const scopes: string[] = [];
  const evidence: Evidence[] = [];
  for (const p of op.parameters) {
    const m = /requires?d? (?:the )?(?:oauth )?(?:scopes?|permissions?)[:\s]+((?:`[^`]+`[,\s]*(?:and|or)?\s*)+)/i.exec(p.description ?? '');
    if (!m) continue;
    scopes.push(...[...m[1]!.matchAll(/`([^`]+)`/g)].map((x) => x[1]!));
    evidence.push(quoted(p.source, m[0], `the ${p.name} parameter's description names the scopes ${op.id} requires`));
  }
  return { scopes, evidence };
}

/**
 * Scopes, permissions or roles an operation's extensions name, by the extension's name. `scope`
 * (`x-pd-requires-scope`): what a scoped credential is granted; `permission` (`x-permission`): what
 * any credential's owner holds, scope-like; `role` (`x-okta-iam-admin-roles`): the roles that may
 * call it, any of them sufficient.
 */
function scopesFromExtensions(op: Operation, kind: 'scope' | 'permission' | 'role'): { scopes: string[]; evidence: Evidence[] } {
  const scopes: string[] = [];
  const evidence: Evidence[] = [];
  for (const [key, value] of Object.entries(op.extensions)) {
    const keyKind = /role/i.test(key) ? 'role' : /permission|privilege/i.test(key) ? 'permission' : /scope/i.test(key) ? 'scope' : undefined;
    if (keyKind !== kind) continue;
    const collect = (v: unknown): void => {
      if (typeof v === 'string') {
        if (!scopes.includes(v)) evidence.push(quoted(op.source, v, `the ${key} extension of ${op.id} names ${v}`));
        scopes.push(v);
      }
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => (/operator|type/i.test(k) ? undefined : collect(x)));
    };
    collect(value);
  }
  return { scopes: [...new Set(scopes)], evidence };
}

/**
 * A required scope, quoted where it is written: the operation's own security requirement, else the
 * security scheme that declares it (a requirement inherited from the document is no item of its own).
 */
function scopeEvidence(op: Operation, scheme: string, scope: string, model: Pick<ApiModel, 'security_schemes'>): Evidence {
  if (op.security) return quoted(op.source, scope, `${op.id} requires the ${scheme} scope ${scope}`);
  const declared = model.security_schemes.find((s) => s.key === scheme);
  const why = `the document's security requirement, which ${op.id} inherits, names the ${scheme} scope ${scope}`;
  return declared?.scopes.some((s) => s.name === scope) ? quoted(declared.source, scope, why) : reasoned(declared?.source ?? op.source, why);
}

/** True when the evidence quotes one of `scopes`: the scope itself, or a sentence naming it in backticks. */
function namesOneOf(e: Evidence, scopes: string[]): boolean {
  return scopes.some((s) => e.quote === s || !!e.quote?.includes(`\`${s}\``));
}

/** A requirement scope's evidence, its reasoning saying why the scope is not asked for when the field rule left it out. */
function explainLeftOut(e: Evidence, leftOut: Map<string, string>, op: Operation): Evidence {
  const why = e.quote === undefined ? undefined : leftOut.get(e.quote);
  return why ? { ...e, reasoning: `${op.id} lists ${e.quote} among the scopes that give access; not asked for: ${why}` } : e;
}

/**
 * The top-level record fields a stream's connector reads: its mapping's paths (first segment) and
 * the fields its child streams are filled from. Sorted, unique.
 */
export function recordFieldsRead(stream: { name: string; mapping: Partial<Record<string, { path: string | null }>> }, streams: { parent: Pick<ParentLink, 'stream' | 'from_field'> | null }[]): string[] {
  const fields = Object.values(stream.mapping).flatMap((m) => (m?.path ? [m.path.split('.')[0]!] : []));
  for (const s of streams) if (s.parent?.stream === stream.name) fields.push(s.parent.from_field.split('.')[0]!);
  return [...new Set(fields)].sort();
}

/**
 * Which of an operation's read scopes grant the fields the connector reads, under the docs' rule
 * that sub-resource scopes choose fields. A scope `<verb><sep>…` is read by its words beside the
 * verb and the resource: none left is the resource's whole model (`read:users`); else the words
 * name a field (`read:users:activity` → `last_activity`, `read:roles:users` → `roles`). Fields the
 * listing scope already includes need nothing more. A field no scope names needs the whole-model
 * scope (with the field scopes chosen, whichever reading the server has); `undefined` when there is
 * none, so the caller keeps every read scope. `leftOut` says, per scope not chosen, why.
 */
function scopesForFields(
  candidates: string[],
  resource: string,
  rule: FieldScopeConvention,
  fields: string[],
  listing: ListingScope | undefined,
): { chosen: string[]; leftOut: Map<string, string> } | undefined {
  const noun = wordsOf(resource).join(' ');
  const verbWord = `${rule.verb}${rule.separator}`.toLowerCase();
  const read = candidates.filter((s) => s.toLowerCase().startsWith(verbWord));
  const named = read.map((scope) => {
    const rest = scope.slice(verbWord.length).split(rule.separator).filter((w) => wordsOf(w).join(' ') !== noun);
    return { scope, rest: rest.join(rule.separator), words: wordsOf(rest.join(' ')) };
  });
  const whole = named.filter((n) => !n.words.length).map((n) => n.scope);
  const names = (words: string[], field: string) => words.length > 0 && words.every((w) => wordsOf(field).includes(w));
  const included = (field: string) => !!listing && wordsOf(field).length > 0 && wordsOf(field).every((w) => listing.includes.includes(w));
  const chosen = new Set<string>();
  let unnamed = false;
  for (const field of fields.filter((f) => !included(f))) {
    const scope = named.find((n) => names(n.words, field));
    if (scope) chosen.add(scope.scope);
    else unnamed = true;
  }
  if (unnamed) {
    if (!whole.length) return undefined;
    whole.forEach((s) => chosen.add(s));
  }
  const leftOut = new Map<string, string>();
  for (const scope of candidates.filter((s) => !chosen.has(s))) {
    const n = named.find((x) => x.scope === scope);
    const field = n && fields.find((f) => names(n.words, f));
    leftOut.set(
      scope,
      !n ? `${scope} is an alternative the fields read do not need`
        : !n.words.length ? `${scope} grants the whole model; the scopes asked for grant every field read`
          : field && listing && included(field) ? `${field} comes with ${listing.scope}`
            : field ? `${field} is granted by ${named.find((x) => chosen.has(x.scope) && names(x.words, field))?.scope ?? 'another scope asked for'}`
              : `${scope} grants ${n.rest}, which the connector does not read`,
    );
  }
  return { chosen: read.filter((s) => chosen.has(s)), leftOut };
}

/**
 * The least scopes one stream's operation needs, the admin/write scopes the docs attach to it, and
 * the evidence for each — the least scopes' first. `fields` are the record fields the connector
 * reads (recordFieldsRead); without them no read scope is left out. `auth`, when given, is the
 * credential the connector will use: only that scheme's scopes count (never another alternative's),
 * the OAuth scopes too when the docs say its tokens carry them (credential-scoping.ts), roles and
 * permissions whatever the scheme, and for an unscoped credential the least role the docs name.
 * Never throws.
 */
export function privilegeOf(stream: { name: string; op: Operation; fields?: string[] }, model: Pick<ApiModel, 'security' | 'security_schemes' | 'prose' | 'schemas' | 'operations'>, auth?: Pick<AuthPlan, 'scheme_keys' | 'type'>): Finding {
  const op = stream.op;
  const evidence: Evidence[] = [];
  const all: string[] = [];
  const scoping: CredentialScoping | undefined = auth && auth.type !== 'none' ? credentialScoping(auth.scheme_keys, model) : undefined;
  const counts = (scheme: string) => !scoping || scoping.schemes.has(scheme);
  for (const req of requirementsOf(op, model)) {
    for (const r of req) {
      if (!counts(r.scheme)) continue;
      all.push(...r.scopes);
      for (const scope of r.scopes) evidence.push(scopeEvidence(op, r.scheme, scope, model));
    }
  }
  const first: Evidence[] = [...(scoping?.evidence ?? [])];
  // A credential the docs describe only in prose: the scopes the page names for this resource.
  if (scoping && auth?.scheme_keys.includes(PROSE_SCHEME_KEY)) {
    const resource = collectionNoun(op.path);
    for (const s of readProseAuth(model)?.scopes ?? []) {
      const noun = resource ? wordsOf(resource)[0] : undefined;
      if (!noun || !(wordsOf(s.name).includes(noun) || wordsOf(s.quote.replace(/`[^`]*`/g, ' ')).includes(noun))) continue;
      all.push(s.name);
      evidence.push(quoted(s.source, s.quote, `the docs' page names the scope ${s.name} for ${resource}`));
    }
  }
  const scoped = !scoping || scoping.scoped;
  const prose = scoped ? scopesFromProse(op) : { scopes: [], evidence: [] };
  const extScopes = scoped ? scopesFromExtensions(op, 'scope') : { scopes: [], evidence: [] };
  const ext = scopesFromExtensions(op, 'permission');
  const extRoles = scopesFromExtensions(op, 'role');
  // Prose is hostile data: where the docs declare their scopes, a scope named only in prose must be
  // one of them, so injected text cannot add a scope the API does not have.
  const declared = new Set(model.security_schemes.flatMap((s) => s.scopes.map((x) => x.name)));
  const admissible = (scope: string) => !declared.size || declared.has(scope);
  all.push(...prose.scopes.filter(admissible), ...extScopes.scopes, ...ext.scopes);
  evidence.push(...prose.evidence, ...extScopes.evidence, ...ext.evidence);
  // "none" is how some docs (Slack) say an operation needs no scope.
  const scopes = [...new Set(all)].filter((s) => s.toLowerCase() !== 'none');
  // Least: the plain read scopes when the docs offer them beside stronger ones; else admin reads.
  const unflagged = scopes.filter((s) => !classifyScope(s));
  const adminReads = scopes.filter((s) => classifyScope(s) === 'admin-read');
  let least = unflagged.length ? unflagged : adminReads.length ? adminReads : scopes;

  // The docs' scope conventions: the scope that lists this resource (a listing needs it even where
  // the operation's requirement does not name it), and the field scopes the mapped fields need.
  const resource = collectionNoun(op.path);
  const schemeKeys = new Set(requirementsOf(op, model).flatMap((req) => req.map((r) => r.scheme)).filter(counts));
  const schemes = model.security_schemes.filter((s) => schemeKeys.has(s.key) && s.scopes.length);
  const found = resource ? listingScopeFor(resource, schemes, model.prose) : undefined;
  const listing = found && !classifyScope(found.scope) ? found : undefined;
  const rule = fieldScopeConvention(model.prose);
  let leftOut = new Map<string, string>();
  if (resource && rule && stream.fields && least === unflagged) {
    const narrowed = scopesForFields(least, resource, rule, stream.fields, listing);
    if (narrowed && (narrowed.chosen.length || listing)) {
      least = narrowed.chosen;
      leftOut = narrowed.leftOut;
      const granted = narrowed.chosen.length ? `, which ${narrowed.chosen.join(', ')} grant` : `, which ${listing?.scope} includes`;
      first.push({ ...rule.evidence, reasoning: `${rule.evidence.reasoning}; ${stream.name} reads ${stream.fields.join(', ')}${granted}` });
    }
  }
  if (listing) {
    least = [listing.scope, ...least.filter((s) => s !== listing.scope)];
    first.unshift(...listing.evidence);
  }
  // An unscoped credential carries its owner's power: the least role the docs name for it, if any.
  // Sufficient as well as least: a role the operation's own words require wins over the docs' least one.
  const described = scoping && !scoping.scoped && !least.length ? requiredRolesOf(op) : undefined;
  const required = extRoles.scopes.length ? { roles: extRoles.scopes, evidence: extRoles.evidence } : described && { roles: described.roles, evidence: [described.evidence] };
  const role = required ? { role: required.roles.join(' or '), evidence: required.evidence } : scoping && !scoping.scoped && !least.length ? leastRoleFor(model) : undefined;
  if (role) first.push(...[role.evidence].flat());
  const roleFlags = (required?.roles ?? []).flatMap((r) => (classifyScope(r) ? [{ scope: r, why: classifyScope(r)! }] : []));
  return {
    stream: stream.name,
    operation_id: op.id,
    least_scopes: least,
    ...(role ? { least_role: role.role } : {}),
    flagged: [
      ...scopes.flatMap((s) => {
        const why = classifyScope(s);
        return why ? [{ scope: s, why }] : [];
      }),
      ...roleFlags,
    ],
    // The least scopes' evidence first: that is what a human provisions; then why the others are not asked for.
    evidence: [...first, ...evidence.filter((e) => namesOneOf(e, least)), ...evidence.filter((e) => !namesOneOf(e, least)).map((e) => explainLeftOut(e, leftOut, op))],
  };
}
