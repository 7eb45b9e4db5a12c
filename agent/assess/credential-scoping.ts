import type { ApiModel, SchemaNode, SecurityScheme, Source } from '../ingest/api-model.ts';
import { PROSE_SCHEME_KEY } from '../ingest/prose.ts';
import type { Evidence } from '../plan/connector-plan.ts';
import { excerpt, quoted, reasoned } from '../plan/evidence.ts';
import { readProseAuth } from '../plan/prose-auth.ts';

/**
 * Whose scopes the connector's credential is granted: least privilege is that credential's, never
 * another alternative's. An OAuth 2 / OpenID Connect credential has its scheme's scopes; an API key
 * or token has the scopes its own requirements list (OpenAPI 3.1 lets any scheme list them), or the
 * OAuth scopes when the docs say such tokens carry them ("Personal Access Tokens can have scopes
 * just like OAuth tokens do"); otherwise it is unscoped — its power is its owner's, and the least
 * role the docs name is what a human gives it.
 */

export interface CredentialScoping {
  /** The schemes whose requirement scopes count for the connector's credential. */
  schemes: Set<string>;
  /** False when the credential takes no scope the docs name (its power is its owner's role). */
  scoped: boolean;
  /** Why, quoted where the docs say so. */
  evidence: Evidence[];
}

const SCOPED_TYPES = new Set<SecurityScheme['type']>(['oauth2', 'openIdConnect']);
/** Phrases that name a kind of credential, most specific first. */
const CREDENTIAL_PHRASES = ['personal access token', 'programmatic access token', 'application key', 'api token', 'api key', 'app key', 'access token', 'token', 'key'];

function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The phrase the docs use for a scheme's credential: from its key (`personalAccessToken`), else its description. */
export function credentialPhrase(scheme: Pick<SecurityScheme, 'key' | 'description'>): string | undefined {
  const key = ` ${words(scheme.key).join(' ')} `;
  const description = ` ${words(scheme.description ?? '').join(' ')} `;
  return CREDENTIAL_PHRASES.find((p) => key.includes(` ${p} `)) ?? CREDENTIAL_PHRASES.find((p) => description.includes(` ${p} `));
}

/** Texts that may say what a credential carries: scheme descriptions, auth prose, and schema descriptions (bounded depth). */
function describingTexts(model: Pick<ApiModel, 'security_schemes' | 'prose' | 'schemas'> & { operations?: ApiModel['operations'] }): { text: string; source: Source }[] {
  const out: { text: string; source: Source }[] = [];
  for (const s of model.security_schemes) if (s.description) out.push({ text: s.description, source: s.source });
  for (const p of model.prose) if (p.topics.includes('auth')) out.push({ text: p.text, source: p.source });
  const walk = (node: SchemaNode | undefined, source: Source, depth: number) => {
    if (!node || depth > 3) return;
    if (node.description) out.push({ text: node.description, source });
    if (node.ref) return;
    for (const child of Object.values(node.properties ?? {})) walk(child, source, depth + 1);
    walk(node.items, source, depth + 1);
  };
  for (const named of Object.values(model.schemas)) walk(named.schema, named.source, 0);
  // Inline response schemas of the reads (a token list's item may say what its tokens carry).
  for (const op of model.operations ?? []) if (op.method === 'get') for (const r of op.responses) walk(r.schema, r.source, 0);
  return out;
}

const sayCache = new WeakMap<object, Map<string, Evidence | null>>();

/**
 * The docs' sentence saying a credential of this kind carries scopes, quoted; the phrase must not be
 * an OAuth token's ("scoped OAuth 2.0 access tokens" says nothing of API tokens). Undefined when none.
 */
function saysScoped(phrase: string, model: Pick<ApiModel, 'security_schemes' | 'prose' | 'schemas'> & { operations?: ApiModel['operations'] }): Evidence | undefined {
  let byPhrase = sayCache.get(model.security_schemes);
  if (!byPhrase) sayCache.set(model.security_schemes, (byPhrase = new Map()));
  const hit = byPhrase.get(phrase);
  if (hit !== undefined) return hit ?? undefined;
  const named = new RegExp(`(?<!\\b(?:oauth|oauth2|oauth 2\\.0|oidc|openid)\\s+(?:\\S+\\s+)?)\\b${phrase.replace(/ /g, '\\s+')}s?\\b`, 'i');
  let found: Evidence | undefined;
  const texts = describingTexts(model);
  // A sentence that says the credential has or is given scopes first; one that only names both after.
  for (const says of [/\b(?:ha(?:ve|s)|carr(?:y|ies)|assign(?:ed)?|grant(?:ed|s)?|given|with|restrict(?:ed)?|limit(?:ed)?)\b/i, /./]) {
    for (const t of texts) {
      const sentence = t.text.split(/(?<=[.!?])\s+|\n+/).find((x) => /scope/i.test(x) && named.test(x) && says.test(x));
      if (sentence) {
        found = quoted(t.source, excerpt(sentence), `the docs say a ${phrase} carries scopes: the scopes a human grants it are those the docs declare`);
        break;
      }
    }
    if (found) break;
  }
  byPhrase.set(phrase, found ?? null);
  return found;
}

/**
 * Whose scopes count for the credential of `schemeKeys` (the plan's chosen alternative), and whether
 * it takes scopes at all, with the evidence. Never throws.
 */
export function credentialScoping(schemeKeys: string[], model: Pick<ApiModel, 'security' | 'security_schemes' | 'prose' | 'schemas'> & { operations?: ApiModel['operations'] }): CredentialScoping {
  const chosen = new Set(schemeKeys);
  if (chosen.has(PROSE_SCHEME_KEY)) {
    const prose = readProseAuth(model);
    return { schemes: chosen, scoped: !!prose && (prose.type === 'oauth2' || prose.scopes.length > 0), evidence: [] };
  }
  const schemes = model.security_schemes.filter((s) => chosen.has(s.key));
  if (schemes.some((s) => SCOPED_TYPES.has(s.type))) return { schemes: chosen, scoped: true, evidence: [] };
  // An API key or token whose own requirements list scopes (OpenAPI 3.1 allows it for any scheme).
  const requirements = [...model.security, ...(model.operations ?? []).flatMap((o) => o.security ?? [])];
  if (requirements.some((req) => req.some((r) => chosen.has(r.scheme) && r.scopes.length))) return { schemes: chosen, scoped: true, evidence: [] };
  const oauth = model.security_schemes.filter((s) => SCOPED_TYPES.has(s.type) && !chosen.has(s.key));
  for (const scheme of schemes) {
    const phrase = credentialPhrase(scheme);
    const said = phrase && oauth.length ? saysScoped(phrase, model) : undefined;
    if (said) return { schemes: new Set([...chosen, ...oauth.map((s) => s.key)]), scoped: true, evidence: [said] };
  }
  const others = oauth.map((s) => s.key);
  const evidence = others.length && schemes[0]
    ? [reasoned(schemes[0].source, `the ${schemes.map((s) => s.key).join(' + ')} credential takes no scope the docs name: it has its owner's power, so the scopes of the ${others.join(', ')} scheme${others.length > 1 ? 's' : ''}, which the connector does not use, are not asked for`)]
    : [];
  return { schemes: chosen, scoped: false, evidence };
}

const READ_ONLY_ROLE = /^(?:[a-z0-9]+[_ -])*read[_ -]?only(?:[_ -][a-z0-9]+)*$|^(?:viewer|observer|auditor|read[_ -]?only)$/i;

const roleCache = new WeakMap<object, { role: string; evidence: Evidence } | null>();

/**
 * The least role the docs name, for an unscoped credential (which carries its owner's power): a
 * read-only value (`READ_ONLY_ADMIN`, `read_only_user`, `viewer`) of a role enum in the docs'
 * schemas — a schema or property named for roles — or in the reads' inline record schemas. Undefined when the docs name none. Never throws.
 */
export function leastRoleFor(model: Pick<ApiModel, 'schemas'> & { operations?: ApiModel['operations'] }): { role: string; evidence: Evidence } | undefined {
  const hit = roleCache.get(model.schemas);
  if (hit !== undefined) return hit ?? undefined;
  let found: { role: string; evidence: Evidence } | undefined;
  const consider = (name: string, node: SchemaNode | undefined, source: Source) => {
    if (found || !node || !/role/i.test(name)) return;
    const values = (node.enum ?? node.items?.enum ?? []).filter((v): v is string => typeof v === 'string');
    const role = values.find((v) => /read[_ -]?only/i.test(v)) ?? values.find((v) => READ_ONLY_ROLE.test(v));
    if (role) found = { role, evidence: quoted(source, role, `the credential takes no scope: it acts with its owner's role, and the least role the docs name is ${role} (a read-only value of ${name}) — a suggestion: the docs do not say this role can read every list, so check it (a run that is refused exits 29)`) };
  };
  // A person's or a role's own schema first: a role of some other thing (an incident's) is not the credential owner's.
  const all = Object.values(model.schemas);
  const owners = /role|user|member|admin|account|principal/i;
  for (const named of [...all.filter((n) => owners.test(n.name)), ...all.filter((n) => !owners.test(n.name))]) {
    consider(named.name, named.schema, named.source);
    for (const part of [named.schema, ...(named.schema.allOf ?? [])]) {
      for (const [prop, child] of Object.entries(part.properties ?? {})) consider(prop, child, named.source);
    }
    if (found) break;
  }
  // Then the inline record schemas of the reads (a list's items with a `role` enum).
  const walk = (node: SchemaNode | undefined, source: Source, depth: number) => {
    if (found || !node || node.ref || depth > 3) return;
    for (const [prop, child] of Object.entries(node.properties ?? {})) consider(prop, child, source);
    for (const child of [...Object.values(node.properties ?? {}), node.items, ...(node.allOf ?? [])]) walk(child, source, depth + 1);
  };
  for (const op of model.operations ?? []) if (op.method === 'get') for (const r of op.responses) walk(r.schema, r.source, 0);
  roleCache.set(model.schemas, found ?? null);
  return found;
}

/**
 * The roles an operation's own description says it requires ("Requires admin or owner role
 * permissions"), quoted: a least role must also be sufficient. Undefined when it names none.
 */
export function requiredRolesOf(op: Pick<ApiModel['operations'][number], 'description' | 'source'>): { roles: string[]; evidence: Evidence } | undefined {
  const m = /\brequires?\s+(?:the\s+|an?\s+)?((?:`?[A-Za-z][\w-]*`?(?:\s*,\s*|\s+or\s+|\s+and\s+)?){1,4})\s+roles?\b/i.exec(op.description ?? '');
  if (!m) return undefined;
  const roles = m[1]!.split(/\s*,\s*|\s+or\s+|\s+and\s+/).map((r) => r.replace(/`/g, '').trim()).filter((r) => r && !/^(?:the|an?|any|one|admin-level)$/i.test(r));
  if (!roles.length) return undefined;
  return { roles, evidence: quoted(op.source, m[0], `the operation's description names the role${roles.length > 1 ? 's' : ''} it requires: ${roles.join(' or ')}`) };
}
