import type { IdentityKind } from './connector-plan.ts';

/**
 * Which collection nouns name identities, and which canonical kind each one is. A noun is the last
 * literal segment of a path (`/api/v1/users`, `/users.list`, `/Accounts.json`, `/serviceaccounts`)
 * with verbs and extensions removed, compared with separators dropped (`api-tokens` → `apitokens`).
 * Weak nouns (`services`, `clients`, `keys`) need the record schema to look like an identity.
 */

export interface NounRule {
  /** Compared against the noun with separators removed, lower case. */
  match: RegExp;
  kind: IdentityKind;
  /** 0–1: how surely this noun names that kind. */
  weight: number;
  /** When set, the record's field names must match for the noun to count. */
  needsFields?: RegExp;
}

// Order matters: the first rule that matches wins, so compound nouns come before their parts.
export const NOUN_RULES: NounRule[] = [
  { match: /^(service_?accounts?|serviceprincipals?)$/, kind: 'service_account', weight: 1 },
  { match: /^(ssh_?keys?|deploy_?keys?|authorized_?keys|gpg_?keys)$/, kind: 'ssh_key', weight: 1 },
  { match: /^(api_?keys?|application_?keys?|app_?keys?|access_?keys?|signing_?keys|hook_?keys)$/, kind: 'api_key', weight: 1 },
  { match: /^(personal_?access_?tokens?|access_?tokens?|api_?tokens?|refresh_?tokens?|tokens?|bot_?tokens?)$/, kind: 'token', weight: 1 },
  { match: /^(oauth_?grants?|consents?|oauth_?authorizations?|authorizations)$/, kind: 'oauth_grant', weight: 0.9 },
  // "Grants" are privilege grants (roles) when the records name privileges, else OAuth consents when they name a client or scope.
  { match: /^grants?$/, kind: 'role', weight: 0.7, needsFields: /privilege|securable|^roles?$|permission/i },
  { match: /^grants?$/, kind: 'oauth_grant', weight: 0.8, needsFields: /client|scope|issuer|consent/i },
  { match: /^(certificates?|certs?|csrs|jwks)$/, kind: 'certificate', weight: 0.8 },
  { match: /^(keys|credentials)$/, kind: 'api_key', weight: 0.6, needsFields: /key|token|secret|fingerprint|credential|expires|last_?used|scope|sid|created/i },
  { match: /^(bots?|bot_?users?)$/, kind: 'bot', weight: 1 },
  { match: /^(oauth_?apps?|oauth_?clients?|installations?)$/, kind: 'app', weight: 0.9 },
  // Plain "apps" are identities only when the records look like an integration, not a deployed web app.
  { match: /^(apps?|applications?|integrations?)$/, kind: 'app', weight: 0.85, needsFields: /client_?id|scope|permission|grant|redirect|sign_?on|credentials|installation|oauth|app_?id|bot|label/i },
  { match: /^clients$/, kind: 'app', weight: 0.6, needsFields: /client_?id|redirect|grant|scope|secret/i },
  { match: /^(user_?groups?|groups?|teams?|squads?)$/, kind: 'group', weight: 0.9 },
  { match: /^(roles?|cluster_?roles?|custom_?roles?)$/, kind: 'role', weight: 0.9 },
  { match: /^(users?|members?|people|persons?|employees?|collaborators?|admins?|assignees)$/, kind: 'human', weight: 1 },
  { match: /^(sub_?accounts?|accounts?)$/, kind: 'service_account', weight: 0.6, needsFields: /sid|status|auth|owner|type|friendly|email|user/i },
  { match: /^services$/, kind: 'service_account', weight: 0.5, needsFields: /^(roles|scopes|admin|api_?token|oauth_?client_?id)$/i },
];

const VERBS = new Set(['list', 'get', 'all', 'info', 'search', 'query', 'lookup', 'read', 'fetch', 'json', 'xml']);

/** The collection noun of a path: the last literal segment, verbs and extensions dropped. */
export function collectionNoun(path: string): string | undefined {
  const segments = path.split('/').filter((s) => s && !s.includes('{'));
  // `/users/search`, `/users/list`: a trailing verb segment names the action, the noun before it the records.
  while (segments.length > 1 && VERBS.has(segments.at(-1)!.toLowerCase())) segments.pop();
  const last = segments.at(-1);
  if (!last) return undefined;
  // `users.list` → ['users', 'list']; `Accounts.json` → ['Accounts', 'json']; `admin.users.list` → 'users'
  // `users.list` (Slack), `users:list` (Google's custom methods), `Accounts.json` (Twilio)
  const parts = last.split(/[.:]/).filter((p) => p && !VERBS.has(p.toLowerCase()));
  return parts.at(-1)?.toLowerCase();
}

/** True when the path ends in a parameter (`/users/{id}`): a single item, not a list. */
export function endsInParameter(path: string): boolean {
  const last = path.split('/').filter(Boolean).at(-1) ?? '';
  return /^\{[^}]+\}(\.\w+)?$/.test(last);
}

function normalise(noun: string): string {
  return noun.toLowerCase().replace(/[-\s]/g, '_').replace(/[^a-z0-9_]/g, '');
}

export function isPlural(noun: string): boolean {
  const n = noun.toLowerCase();
  return /s$/.test(n) || n === 'people';
}

/** The kind a noun names, given the record's field names (for weak nouns). */
export function classifyNoun(noun: string, fieldNames: string[]): { kind: IdentityKind; weight: number; rule: NounRule } | undefined {
  const n = normalise(noun);
  const squashed = n.replace(/_/g, '');
  for (const rule of NOUN_RULES) {
    if (!rule.match.test(n) && !rule.match.test(squashed)) continue;
    if (rule.needsFields && !fieldNames.some((f) => rule.needsFields!.test(f))) continue;
    return { kind: rule.kind, weight: rule.weight, rule };
  }
  return undefined;
}

/** Records of infrastructure (placement groups, deployed apps) rather than identities. */
const INFRASTRUCTURE_FIELD = /^(region|zone|datacenter|availability_?zone|ipv4|ipv6|ip_?address|hostname|instance_?type|size_?slug|placement_group_type|live_?url|default_?ingress)$/i;

export function looksLikeInfrastructure(kind: IdentityKind, fieldNames: string[]): boolean {
  return ['group', 'app', 'role', 'service_account'].includes(kind) && fieldNames.some((f) => INFRASTRUCTURE_FIELD.test(f));
}

/** Refines `api_key` to `ssh_key` when the records carry a public key or fingerprint. */
export function refineKind(kind: IdentityKind, fieldNames: string[]): IdentityKind {
  if (kind === 'api_key' && fieldNames.some((f) => /^(public_?key|fingerprint|ssh_?key)$/i.test(f))) return 'ssh_key';
  return kind;
}

/** Nouns that are never identities even when a rule would match a part of them. */
export function isExcludedPath(path: string): boolean {
  const segments = path.toLowerCase().split('/').filter(Boolean);
  return segments.some((s) => /^(me|self|current|watch|schemas|types|logs|events|audit|sessions)$/.test(s.replace(/\.\w+$/, '')));
}
