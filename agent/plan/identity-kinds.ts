import type { IdentityKind } from './connector-plan.ts';

/**
 * Which collection nouns name identities, and which canonical kind each one is. A noun is the last
 * literal segment of a path (`/api/v1/users`, `/users.list`, `/Accounts.json`, `/serviceaccounts`)
 * with verbs, extensions, batch words and a trailing state word (`/users/deactivated`) removed,
 * compared with separators dropped (`api-tokens` → `apitokens`). A compound name is read by its head
 * noun (`guest_collaborators`, `PartnerUsers`, `subadmins`), never by a modifier. Weak nouns
 * (`services`, `clients`, `keys`, `agents`) need the record schema to look like an identity; the
 * docs' words and the records' fields refine the kind and reject look-alikes (`notIdentities`).
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
  { match: /^(ssh_?keys?|deploy_?keys?|authorized_?keys)$/, kind: 'ssh_key', weight: 1 },
  // Cloud key pairs are SSH login keys.
  { match: /^(key_?pairs?)$/, kind: 'ssh_key', weight: 0.8, needsFields: /fingerprint|public_?key|key|name/i },
  // GPG keys sign and encrypt content: public key material bound to a person, not an SSH login key.
  { match: /^(gpg_?keys?|pgp_?keys?)$/, kind: 'certificate', weight: 0.7 },
  { match: /^(api_?keys?|application_?keys?|app_?keys?|access_?keys?|signing_?keys|hook_?keys)$/, kind: 'api_key', weight: 1 },
  { match: /^(personal_?access_?tokens?|access_?tokens?|api_?tokens?|refresh_?tokens?|tokens?|bot_?tokens?)$/, kind: 'token', weight: 1 },
  { match: /^(oauth_?grants?|consents?|oauth_?authorizations?|authorizations)$/, kind: 'oauth_grant', weight: 0.9 },
  // Delegations a person gave (`/users/{id}/oauth_delegations`): OAuth consents when the records name a client or scope.
  { match: /^(oauth_?delegations?|delegations?|delegated_?(grants?|authorizations?))$/, kind: 'oauth_grant', weight: 0.85, needsFields: /client|scope|consent|grant/i },
  // "Grants" are privilege grants (roles) when the records name privileges, else OAuth consents when they name a client or scope.
  { match: /^grants?$/, kind: 'role', weight: 0.7, needsFields: /privilege|securable|^roles?$|permission/i },
  { match: /^grants?$/, kind: 'oauth_grant', weight: 0.8, needsFields: /client|scope|issuer|consent/i },
  { match: /^(certificates?|certs?|csrs|jwks)$/, kind: 'certificate', weight: 0.8 },
  { match: /^(keys|credentials)$/, kind: 'api_key', weight: 0.6, needsFields: /key|token|secret|fingerprint|credential|expires|last_?used|scope|sid|created/i },
  // Client secrets are credentials — but "secrets" are also a secret store's entries: `looksLikeCredentials` decides.
  { match: /^(client_?secrets?|secrets)$/, kind: 'api_key', weight: 0.7, needsFields: /secret_?hash|client_?secret|last_?used|expires|rotat/i },
  { match: /^(bots?|bot_?users?|robots?|robot_?users?)$/, kind: 'bot', weight: 1 },
  { match: /^(oauth_?apps?|oauth_?clients?|installations?)$/, kind: 'app', weight: 0.9 },
  // Plain "apps" are identities only when the records look like an integration, not a deployed web app.
  { match: /^(apps?|applications?|integrations?)$/, kind: 'app', weight: 0.85, needsFields: /client_?id|scope|permission|grant|redirect|sign_?on|credentials|installation|oauth|app_?id|bot|label/i },
  { match: /^clients$/, kind: 'app', weight: 0.6, needsFields: /client_?id|redirect|grant|scope|secret/i },
  { match: /^(user_?groups?|groups?|teams?|squads?)$/, kind: 'group', weight: 0.9 },
  { match: /^(roles?|cluster_?roles?|custom_?roles?)$/, kind: 'role', weight: 0.9 },
  { match: /^(users?|members?|people|persons?|employees?|collaborators?|admins?|assignees)$/, kind: 'human', weight: 1 },
  // Other words for people: colleagues, a crew, the staff. A mass noun (`crew`, `staff`) names the list itself.
  { match: /^(co_?workers?|crew|crews|staff|staffers?|teammates?|team_?mates?|colleagues?|personnel|workforce)$/, kind: 'human', weight: 0.9 },
  // Words for people that also name software (build agents, cluster operators): only when the records are a person's.
  { match: /^(agents?|operators?|contributors?|participants?|guests?|owners?|identities)$/, kind: 'human', weight: 0.8, needsFields: /^(e?mail|email_?address|username|user_?name|login|first_?name|last_?name|full_?name|given_?name|family_?name)$/i },
  { match: /^(sub_?accounts?|accounts?)$/, kind: 'service_account', weight: 0.6, needsFields: /sid|status|auth|owner|type|friendly|email|user/i },
  // Service integrations granted scopes or permissions (`/api-services` whose records hold `grantedScopes`): apps.
  { match: /^(api_?services|service_?integrations?|integration_?services|services)$/, kind: 'app', weight: 0.7, needsFields: /^(granted_?(scopes?|permissions?)|oauth_?scopes?)$/i },
  { match: /^(api_?services|service_?integrations?|integration_?services)$/, kind: 'app', weight: 0.65, needsFields: /^(scopes?|permissions?|client_?id)$/i },
  { match: /^services$/, kind: 'service_account', weight: 0.5, needsFields: /^(roles|scopes|admin|api_?token|oauth_?client_?id)$/i },
];

/**
 * Head nouns a squashed name may end in (`subadmins`, `billingrole`, `partnerusers`): only strong,
 * unambiguous identity words, each long enough not to end an unrelated word by chance.
 */
const SQUASHED_HEADS = /^(users?|members?|admins?|collaborators?|people|roles?|groups?|teams?|tokens?|accounts?|bots?|apps?|coworkers?|teammates?)$/;

/**
 * Modifiers a squashed name may start with: the words docs put before an identity noun (a scope,
 * an audience, a status, another identity word). Anything else leaves the name whole, so a word
 * that merely ends like an identity noun (`parole`, `abusers`, `steams`) stays what it is.
 */
const MODIFIER = /^(sub|super|co|guest|partner|billing|custom|external|internal|child|parent|admin|org|organization|team|workspace|project|service|client|machine|system|global|default|site|app|api|bot|end|power|root|master|primary|shared|linked|managed|invited|pending|federated|directory|account|tenant|group|user|member|support|sales|access|auth|iam|security|domain|enterprise|company|portal|store|channel|device|dev|developer|deploy|local|remote|virtual|read|write|owner|all|active|blocked|deleted|disabled|suspended|archived|guestuser)$/;

/**
 * Words before a group or team noun that make it a product feature rather than a set of
 * identities: mail suppression groups, security groups, device groups, ad groups, contact groups.
 */
const FEATURE_WORD = /^(e?mails?|suppressions?|unsubscribes?|unsubscriptions?|newsletters?|marketing|campaigns?|contacts?|address(es)?|assets?|devices?|hosts?|servers?|resources?|security|firewalls?|networks?|subnets?|logs?|ads?|adgroups?|products?|catalogs?|inventory|items?|prices?|pricing|tax(es)?|placements?|nodes?|autoscaling|targets?|fields?|options?|settings?|notifications?|alerts?|metrics?|dashboards?|reports?|monitors?|features?|flags?|tags?|labels?|audiences?|segments?|lists?|subscribers?|recipients?|regions?|zones?|instances?|volumes?|buckets?|files?|folders?|documents?|media|images?|templates?|workflows?|pipelines?|builds?|jobs?|queues?)$/;

/** The words of a name: snake_case, kebab-case, dotted, CamelCase and spaces split; lower case. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const VERBS = new Set(['list', 'get', 'all', 'info', 'search', 'query', 'lookup', 'read', 'fetch', 'json', 'xml']);

/**
 * Words after a collection noun that pick a subset in a state (`/users/deactivated`,
 * `bots.blocked.list`, `/members/pending`): a different collection from the plain one.
 */
const STATE_QUALIFIER = /^(deactivated|suspended|blocked|disabled|inactive|active|pending|invited|archived|deleted|removed|banned|locked|expired|revoked|unconfirmed|unverified|verified|approved|rejected)$/;
/** Words after a collection noun that name a way of reading it (`/users/bulk`): the same collection. */
const BATCH_QUALIFIER = /^(bulk|batch|export|paged|paginated|full|complete|index)$/;

export interface CollectionName {
  /** The noun, lower case (`users`, `partnerusers`, `bots`). */
  noun: string;
  /** The noun as the docs spell it (`PartnerUsers`): its words are split from this. */
  raw: string;
  /** A state word after the noun (`deactivated`): the records are that subset, a collection of its own. */
  state?: string;
  /** The literal path words before the noun (`mail`, `suppression`), lower case, versions left out. */
  context: string[];
}

/**
 * The collection a path lists: the last literal segment (or dotted/colon part), verbs, extensions,
 * batch words and a trailing state word dropped. Undefined when the path has no literal segment.
 */
export function collectionName(path: string): CollectionName | undefined {
  const segments = path.split('/').filter((s) => s && !s.includes('{'));
  // `/users/search`, `/users/list`: a trailing verb segment names the action, the noun before it the records.
  const dropped = (w: string) => VERBS.has(w.toLowerCase()) || BATCH_QUALIFIER.test(w.toLowerCase());
  let state: string | undefined;
  for (;;) {
    const last = segments.at(-1)?.toLowerCase();
    if (segments.length > 1 && last !== undefined && dropped(last)) segments.pop();
    else if (segments.length > 1 && last !== undefined && !state && STATE_QUALIFIER.test(last)) state = segments.pop()!.toLowerCase();
    else break;
  }
  const last = segments.at(-1);
  if (!last) return undefined;
  // `users.list` (Slack), `users:list` (Google's custom methods), `Accounts.json` (Twilio), `admin.bots.blocked.list`.
  const parts = last.split(/[.:]/).filter((p) => p && !dropped(p));
  while (parts.length > 1 && !state && STATE_QUALIFIER.test(parts.at(-1)!.toLowerCase())) state = parts.pop()!.toLowerCase();
  const raw = parts.at(-1);
  if (!raw) return undefined;
  const context = [...segments.slice(0, -1), ...parts.slice(0, -1)].map((w) => w.toLowerCase()).filter((w) => !/^v\d+(\.\d+)*$|^\d[\d-]*$|^api$/.test(w));
  return { noun: raw.toLowerCase(), raw, ...(state ? { state } : {}), context };
}

/** The collection noun of a path: the last literal segment, verbs, extensions and qualifiers dropped. */
export function collectionNoun(path: string): string | undefined {
  return collectionName(path)?.noun;
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

export interface NounClass {
  kind: IdentityKind;
  weight: number;
  rule: NounRule;
  /** The words before the head noun that named the kind (`guest` in `guest_collaborators`); `[]` for a whole noun. */
  modifiers: string[];
  /** The part of the name that named the kind (`collaborators`), when it is not the whole noun. */
  head?: string;
}

function matchRules(n: string, fieldNames: string[]): { kind: IdentityKind; weight: number; rule: NounRule } | undefined {
  const squashed = n.replace(/_/g, '');
  for (const rule of NOUN_RULES) {
    if (!rule.match.test(n) && !rule.match.test(squashed)) continue;
    if (rule.needsFields && !fieldNames.some((f) => rule.needsFields!.test(f))) continue;
    return { kind: rule.kind, weight: rule.weight, rule };
  }
  return undefined;
}

/**
 * The kind a noun names, given the record's field names (for weak nouns). The whole noun first;
 * else the head of a compound name (`guest_collaborators`, `PartnerUsers`, `custom-apps`: the longest
 * tail of its words that names identities, so `consented_oauth_apps` reads as `oauth_apps`); else the
 * head of a squashed name (`subadmins`, `billingrole`) when what comes before it is a known modifier.
 * The head decides: a modifier never makes identities of a head that names none (`user_settings`).
 * Each step away from the whole noun weighs less.
 */
export function classifyNoun(noun: string, fieldNames: string[]): NounClass | undefined {
  const whole = matchRules(normalise(noun), fieldNames);
  if (whole) return { ...whole, modifiers: [] };
  const words = nameWords(noun);
  for (let i = 1; i < words.length; i++) {
    const head = words.slice(i).join('_');
    const hit = matchRules(head, fieldNames);
    if (hit) return { ...hit, weight: Math.round(hit.weight * 90) / 100, head, modifiers: words.slice(0, i) };
  }
  if (words.length === 1) {
    const w = words[0]!;
    for (let cut = 2; cut <= w.length - 3; cut++) {
      const [prefix, head] = [w.slice(0, cut), w.slice(cut)];
      if (!MODIFIER.test(prefix) || !SQUASHED_HEADS.test(head)) continue;
      const hit = matchRules(head, fieldNames);
      if (hit) return { ...hit, weight: Math.round(hit.weight * 85) / 100, head, modifiers: [prefix] };
    }
  }
  return undefined;
}

/**
 * Why a collection classified as identities is not one, from its context and its records, or
 * undefined when nothing says so: a product feature named "groups" or "teams" (a word before it
 * names mail, devices, security…), "accounts" whose records are containers of members (owners,
 * allowed roles: tenants, not service accounts), certificates that secure domains (TLS), not a
 * principal.
 */
export function notIdentities(cls: NounClass, noun: string, context: string[], fieldNames: string[], words: string): string | undefined {
  if (cls.kind === 'group') {
    const feature = [...context, ...cls.modifiers].flatMap((w) => nameWords(w)).find((w) => FEATURE_WORD.test(w));
    if (feature) return `"${noun}" here is a product feature of ${feature} (the path says ${[...context, noun].join('/')}), not a set of identities`;
  }
  if (cls.kind === 'group') {
    const address = fieldNames.filter((f) => TENANT_ADDRESS_FIELD.test(f));
    if (address.length) return `its records have an address of their own (${address.slice(0, 3).join(', ')}): workspaces or sites, tenants rather than groups of identities`;
  }
  if (cls.kind === 'service_account') {
    const container = fieldNames.filter((f) => CONTAINER_FIELD.test(f));
    if (container.length) return `its records hold members (${container.slice(0, 4).join(', ')}): containers, a tenant or team, not service accounts`;
  }
  if (cls.kind === 'api_key' && /secret/.test(cls.head ?? noun)) {
    const stored = fieldNames.filter((f) => SECRET_VALUE_FIELD.test(f));
    if (stored.length && !fieldNames.some((f) => /secret_?hash|client_?secret/i.test(f))) return `its records hold a stored value (${stored.slice(0, 3).join(', ')}): a secret store's entries, not credentials of an identity`;
  }
  if (cls.kind === 'certificate' && /^(csrs?|certificate_?signing_?requests?)$/.test(normalise(cls.head ?? noun))) return 'certificate signing requests are requests for a certificate, not a credential an identity holds';
  if (cls.kind === 'certificate') {
    const server = fieldNames.filter((f) => SERVER_CERT_FIELD.test(f));
    if (server.length || (/\b(tls|ssl|https)\b/i.test(words) && !/\bclient\b|\bmtls\b|\bmutual\b|\bsign(s|ing)?\b|\bgpg\b|\bpgp\b/i.test(words))) {
      return `certificates that secure servers or domains (${server.length ? server.slice(0, 4).join(', ') : 'the docs say TLS/SSL'}), not credentials of an identity`;
    }
  }
  return undefined;
}

/** Fields of a secret store's entry: the stored value itself, which a credential's record never carries beside its hash. */
const SECRET_VALUE_FIELD = /^(value|data|payload|plaintext|contents?|secret_?value)$/i;
/** Fields of a record that holds members: what a team account or a workspace has, and a service account has not. */
const CONTAINER_FIELD = /^(owner_?ids|owners|members|member_?ids|member_?count|members_?count|user_?ids|users_?count|user_?count|roles_?allowed|allowed_?roles|seats|seat_?count|max_?members)$/i;
/** Fields of a record that is a tenant with its own address (a workspace's URL or subdomain). */
const TENANT_ADDRESS_FIELD = /^((team|workspace|site|org|organi[sz]ation|tenant)_?(url|domain)|subdomain|vanity_?(url|domain))$/i;
/** Fields of a server certificate. */
const SERVER_CERT_FIELD = /^(domains?|domain_?names?|hostnames?|host_?names?|common_?name|cn|sans?|subject_?alt(ernative)?_?names?|dns_?names|load_?balancers?|listeners?|custom_?domains?)$/i;

/** Records of infrastructure (placement groups, deployed apps) rather than identities. */
const INFRASTRUCTURE_FIELD = /^(region|zone|datacenter|availability_?zone|ipv4|ipv6|ip_?address|hostname|instance_?type|size_?slug|placement_group_type|live_?url|default_?ingress)$/i;

export function looksLikeInfrastructure(kind: IdentityKind, fieldNames: string[]): boolean {
  return ['group', 'app', 'role', 'service_account'].includes(kind) && fieldNames.some((f) => INFRASTRUCTURE_FIELD.test(f));
}

/**
 * The kind refined by what the docs say of the records: `meaning.words` is the operation's summary
 * and description and the records' field descriptions, `meaning.modifiers` the words before the head
 * noun. Keys the docs call SSH keys (or whose records carry a public key or fingerprint) are SSH
 * keys — unless the docs call them GPG/PGP keys, which sign content and are certificates; users the
 * summary calls child or sub accounts (`/child_users`, "List all child accounts") are service accounts
 * of their own; apps a modifier says were consented or authorised are OAuth grants.
 */
export function refineKind(kind: IdentityKind, fieldNames: string[], meaning: { words?: string; summary?: string; modifiers?: string[]; head?: string } = {}): IdentityKind {
  const words = meaning.words ?? '';
  const modifiers = meaning.modifiers ?? [];
  const childAccounts = modifiers.some((m) => /^(child|sub)$/.test(m)) && /^(users?|accounts?)$/.test(meaning.head ?? '');
  const gpg = /\b(gpg|pgp|openpgp)\b/i.test(words);
  const ssh = /\bssh\b/i.test(words);
  if ((kind === 'api_key' || kind === 'ssh_key' || kind === 'token') && gpg && !ssh) return 'certificate';
  if ((kind === 'api_key' || kind === 'token') && ssh) return 'ssh_key';
  if (kind === 'api_key' && !gpg && fieldNames.some((f) => /^(public_?key|fingerprint|ssh_?key)$/i.test(f))) return 'ssh_key';
  if (kind === 'human' && (childAccounts || /\b(child|sub)[- ]?accounts?\b|\bsubaccounts?\b/i.test(meaning.summary ?? ''))) return 'service_account';
  if (kind === 'app' && modifiers.some((m) => /^(consented|authori[sz]ed|granted|approved)$/.test(m))) return 'oauth_grant';
  // Apps the summary calls authorised, or ones the caller gave access to: consents, not app registrations.
  if (kind === 'app' && AUTHORIZED_APPS.test(meaning.summary ?? '')) return 'oauth_grant';
  return kind;
}

/**
 * A summary that says the listed apps are ones a person authorised or gave access to ("List
 * authorized apps", "OAuth apps that you've given access to your account", "apps you have granted
 * access"): consents (oauth_grant), not the apps' registrations.
 */
const AUTHORIZED_APPS = /\b(authori[sz]ed|consented)\s+(oauth\s+|third[- ]party\s+)?(apps?|applications?|clients?|integrations?)\b|\b(you|you've|you have|the user has|a user has|users have)\s+(given|granted)\s+(it\s+|them\s+)?access\b|\b(you|the user)\s+(have\s+|has\s+)?authori[sz]ed\b/i;

/** Nouns that are never identities even when a rule would match a part of them. */
export function isExcludedPath(path: string): boolean {
  const segments = path.toLowerCase().split('/').filter(Boolean);
  return segments.some((s) => /^(me|self|current|watch|schemas|types|logs|events|audit|sessions)$/.test(s.replace(/\.\w+$/, '')));
}
