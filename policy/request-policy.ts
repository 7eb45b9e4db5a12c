/**
 * The request policy: what a read-only connector may send, in one place. The planner asks it before
 * taking an operation or a fixed value, the template slot schemas refuse what it refuses, the egress
 * gate refuses it on the wire, and the plan table, manifest and PR body list every fixed value that
 * passed it (design, security invariants 1 and 4: no template can express a write, and docs cannot
 * add one).
 *
 * A read must stay a read whatever the docs say. The kinds it refuses:
 *
 * - **method override**: headers and parameters that turn a GET into another method on the server
 *   (`X-HTTP-Method-Override`, `X-HTTP-Method`, `X-Method-Override`, `_method` and their kin), and
 *   any fixed value that is itself a write method (`DELETE`, `POST`, `PUT`, `PATCH`);
 * - **write value**: a fixed parameter, header or path value that asks for a write, an issuance, a
 *   rotation, a revocation or a deletion (`action=rotate`, `regenerate=true`, `mode=delete`);
 * - **credential flow**: OAuth 2.0 flow parameters (`grant_type`, `response_type`, `client_secret`…,
 *   RFC 6749 §4) and the endpoints that issue, exchange, introspect or revoke tokens (RFC 6749 §3.2,
 *   RFC 7662, RFC 7009, RFC 8628), whatever their method;
 * - **write operation**: an operation whose path or own description says it issues, exchanges,
 *   rotates, regenerates or deletes credentials or records, whatever its method.
 *
 * Words are matched as words (split on punctuation and camelCase), base forms only: `include_deleted`
 * and `status=revoked` name states a list filters on, `delete` and `revoke` ask for an act.
 */

/** The version recorded in every change record: bump it when a rule changes. */
export const REQUEST_POLICY_VERSION = 'fetchwright-request-policy/3';

export type PolicyRule = 'method-override' | 'write-value' | 'credential-flow' | 'write-operation' | 'undeclared-header';

/** Why the policy refuses something: a stable rule id and a sentence naming what and why. */
export interface PolicyRefusal {
  rule: PolicyRule;
  reason: string;
}

/** Where a fixed value goes on the request. */
export type ValuePlace = 'query' | 'header' | 'path';

/** What the policy judges of an operation: its path template and its own words. */
export interface OperationText {
  path: string;
  /** The operationId (or `METHOD path` when the docs give none): one whose first word is a strong act verb (`rotateAllTokens`) is an act. */
  id?: string | undefined;
  summary?: string | undefined;
  description?: string | undefined;
}

/** The checks every stage applies; {@link READ_ONLY_REQUEST_POLICY} is the one shipped. */
export interface RequestPolicy {
  readonly version: string;
  /** A request header by name (and value, when known): refused when it overrides the method or asks for a write. */
  header(name: string, value?: string): PolicyRefusal | undefined;
  /** A fixed value a connector would send; `description` is the parameter's own prose in the docs. */
  fixedValue(place: ValuePlace, name: string, value: string, description?: string): PolicyRefusal | undefined;
  /** An operation: refused when its path or its own description says it writes or handles credentials. */
  operation(op: OperationText): PolicyRefusal | undefined;
  /**
   * A URL path on the wire (percent-encoded, placeholders filled): refused when it is a credential
   * endpoint, a custom-method or matrix part asks for an act (`/keys:rotate`, `;_method=DELETE`), or its
   * last segment starts with a strong act verb. Narrower than {@link operation}: a tenant's own value
   * (`/teams/delete-team/users`) may sit mid-path.
   */
  path(path: string): PolicyRefusal | undefined;
  /** A query parameter on the wire, by name (set or not) and by its whole value: a write method or an act verb (`?action=rotate`). */
  wireQuery(name: string, value: string): PolicyRefusal | undefined;
}

/** Default-ignorable characters (soft hyphen, zero-width space/joiners, word joiner, BOM, Mongolian vowel separator). */
const IGNORABLE = /[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]/g;

/** Characters of a name, value or path judged word by word; prose is judged up to MAX_JUDGED_PROSE. */
const MAX_JUDGED_TEXT = 4_096;
const MAX_JUDGED_PROSE = 50_000;
/** A fixed value longer than this cannot be a read's parameter and is not judged word by word: it is refused. */
const MAX_FIXED_VALUE = 1_024;

/** Lower-case words of an identifier or a value: `X-HTTP-Method-Override` → x http method override; `regenerateKeys` → regenerate keys. */
export function wordsOf(text: string): string[] {
  // Linear on any input (a 1 MB name or value from hostile docs): no pattern here can backtrack.
  return text
    .slice(0, MAX_JUDGED_TEXT)
    // Invisible characters a server ignores (a soft hyphen in `ro\u00ADtate`) do not split a word.
    .replace(IGNORABLE, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])(?=[A-Z][a-z])/g, '$1 ')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** HTTP methods that change state (RFC 9110 §9.2.1: not safe). */
const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete', 'connect', 'trace', 'purge', 'merge', 'mkcol', 'copy', 'move', 'lock', 'unlock', 'proppatch']);

/**
 * Verbs that ask for an act rather than name a state, in their base form. Past participles (`deleted`,
 * `revoked`, `suspended`) are states a list may filter on and are not here; third-person forms are
 * added for values and prose (`action=rotates` is rare, `Rotates every token` is not), never for path
 * segments, where `grants`, `invites` and `locks` are the plural nouns of lists.
 *
 * Strong verbs are never the modifier of a noun (no list is named `delete-requests` or `rotateKeys`):
 * a path segment, in any position, whose first word is one is an act. Weak ones also name things
 * (`refresh_tokens`, `inviteRequests`, `access/policies`) and are acts only by the noun-phrase rules.
 */
const STRONG_ACTS = [
  'delete', 'remove', 'destroy', 'purge', 'erase', 'wipe', 'truncate', 'rotate', 'regenerate', 'revoke', 'invalidate', 'reset', 'mint', 'reissue',
  'reroll', 'impersonate', 'deprovision', 'deactivate', 'suspend', 'unsuspend', 'disable', 'create', 'insert', 'upsert', 'modify', 'terminate',
  'expire', 'ban', 'unban', 'nuke', 'kill', 'prune', 'sweep', 'unlink', 'detach', 'cleanup', 'drop', 'cancel',
];
const WEAK_ACTS = [
  'add', 'write', 'update', 'issue', 'generate', 'roll', 'renew', 'refresh', 'exchange', 'grant', 'assign', 'unassign', 'approve', 'invite',
  'enable', 'activate', 'lock', 'unlock', 'login', 'logout', 'signin', 'signout', 'authorize', 'introspect', 'provision', 'transfer', 'execute',
  'archive', 'close', 'clear', 'apply',
];
/**
 * Nouns for records of acts: a strong verb before one names a list of them (`/reset_requests`,
 * `/create-requests`, `delete_events`), not an act.
 */
const RECORD_NOUNS = new Set(['request', 'requests', 'event', 'events', 'log', 'logs', 'history', 'histories', 'job', 'jobs', 'task', 'tasks', 'report', 'reports', 'attempt', 'attempts', 'record', 'records', 'operation', 'operations', 'audit', 'audits', 'status', 'statuses']);
/** Words before a verb that make a question of it (`can_delete`): a check, not the act. */
const MODALS = new Set(['can', 'may', 'could', 'should', 'is', 'check', 'allow', 'allowed']);
/** Parameter names that filter on what a list holds (`event_type=update`, `action_type=user.delete`, `include=grants`): their values name things, not acts. */
const FILTER_WORDS = /^(types?|kinds?|events?|categor(y|ies)|filters?|status(es)?|states?|includes?|expand|fields?|sort|order|order_?by|q|query|search)$/;
const ACT_BASE = [...STRONG_ACTS, ...WEAK_ACTS];
const STRONG_SET = new Set(STRONG_ACTS);
/** Third-person forms that are more often a field (`expires`) than an act: only the base form counts in a value. */
const FIELD_LIKE_FORMS = new Set(['expires']);
/** Act words of values in other languages a vendor's API may take (`accion=eliminar`), diacritics dropped. */
const FOREIGN_ACTS = ['eliminar', 'borrar', 'loschen', 'loeschen', 'supprimer', 'effacer', 'cancellare', 'rimuovere', 'excluir', 'apagar', 'rotar', 'revocar'];
const ACT_VERBS = new Set([...ACT_BASE.flatMap((v) => [v, /(sh|ch|s|x)$/.test(v) ? `${v}es` : `${v}s`]).filter((w) => !FIELD_LIKE_FORMS.has(w)), ...FOREIGN_ACTS]);
/** Base forms a path part may name an act by. (`access` is one only in an OAuth path: `/oauth.access`, `/oauth/access` — see credentialEndpoint; `/users/{id}/access` lists grants.) */
const PATH_ACTS = new Set(ACT_BASE);
/** Words after a verb that make it a field name, not an act: `create_time`, `update_date`. */
const FIELD_TAIL = new Set(['time', 'date', 'at', 'on', 'by', 'timestamp', 'ts', 'dt']);

/** Header and parameter names whose words say they carry a method: `_method`, `X-HTTP-Method-Override`, `http_verb`. */
function overridesMethod(name: string): boolean {
  const words = wordsOf(name);
  return words.includes('method') || words.includes('verb') || (words.includes('override') && words.length > 1) || /^x-(original|rewrite)-url$/i.test(name);
}

/** OAuth 2.0 request parameters (RFC 6749 §4, RFC 7636, RFC 8693): a read never sends them. */
const OAUTH_FLOW_PARAMS = new Set(['grant_type', 'response_type', 'client_secret', 'client_assertion', 'client_assertion_type', 'code_verifier', 'code_challenge', 'refresh_token', 'subject_token', 'actor_token', 'assertion', 'redirect_uri', 'device_code', 'requested_token_type']);
/** OAuth 2.0 grant and response types (RFC 6749 §4, RFC 8628, RFC 8693): a value that asks for a token. */
const OAUTH_GRANTS = /^(client_credentials|password|authorization_code|refresh_token|implicit|urn:ietf:params:oauth:grant-type:.*|token|code|id_token)$/i;

const FALSY = /^(false|0|no|off|none|null|)$/i;

/** Verb-looking words that, before these nouns, name a thing: a refresh token, a grant type, an invite code. */
const NOUN_COMPOUNDS = /^(refresh tokens?|grant types?|invite (codes?|links?)|issue types?|update events?|access (tokens?|keys?|levels?|policies|policy|rules?|logs?|controls?|groups?|roles?))$/;

/** Letters without their diacritics (`löschen` → loschen): foreign act words are matched on their plain spelling. */
function plain(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** The first write verb among a value's or name's words, if any (`create_time` is a field and `refresh_tokens` a noun, not an act). */
function actVerb(text: string): string | undefined {
  const words = wordsOf(plain(text));
  return words.find((w, i) => ACT_VERBS.has(w) && !FIELD_TAIL.has(words[i + 1] ?? '') && !NOUN_COMPOUNDS.test(`${w} ${words[i + 1] ?? ''}`));
}

/** Verbs of prose acts, in the third person and as gerunds (`rotating each of them`). */
const PROSE_VERBS = String.raw`nukes?|nuking|kills?|killing|prunes?|pruning|drops?|dropping|cleans?\s+up|cleaning\s+up|issues?|issuing|mints?|minting|generates?|generating|regenerates?|regenerating|rotates?|rotating|rolls?|renews?|renewing|refresh(?:es)?|refreshing|resets?|resetting|revokes?|revoking|invalidates?|invalidating|deletes?|deleting|removes?|removing|destroys?|destroying|creates?|exchanges?|wipes?|wiping|purges?|purging|erases?|erasing|terminates?|terminating|expires?|expiring|deactivates?|deactivating|suspends?|suspending|disables?|disabling|deprovisions?|deprovisioning|truncates?|truncating`;
/** What a prose act acts on: credentials, records, or `them` (bare `all`, `every`, `it` are not enough: "which rotate automatically every 90 days"). */
const PROSE_OBJECTS = String.raw`tokens?|keys?|secrets?|credentials?|passwords?|certificates?|sessions?|records?|users?|accounts?|members?|them|ones`;

/**
 * Prose saying the operation (or sending a parameter) does an act to credentials or records: a verb
 * that starts the sentence ("Regenerates every token"), or follows its subject or purpose ("this
 * endpoint rotates…", "set to true to revoke…", "by rotating each of them"), then what it acts on.
 * "List refresh tokens" is a noun.
 */
const DESCRIBED_ACT_SUBJECTS = 'it|this|endpoint|operation|call|request|route|server|api|will|and|also|then|which|that|by';
const DESCRIBED_ACT = new RegExp(String.raw`(?:^|\b(?:${DESCRIBED_ACT_SUBJECTS})\s+)(${PROSE_VERBS})\b[^.;:]{0,80}?\b(${PROSE_OBJECTS})\b`, 'i');
/** For a parameter's prose, a purpose too ("set to true to revoke…"); an operation's "to remove accounts, see the guide" points elsewhere. */
const DESCRIBED_ACT_PARAM = new RegExp(String.raw`(?:^|\b(?:${DESCRIBED_ACT_SUBJECTS}|to)\s+)(${PROSE_VERBS})\b[^.;:]{0,80}?\b(${PROSE_OBJECTS})\b`, 'i');

/** Past participles of acts (not `created`, `expired`, `disabled`: states a list's records are in). */
const PARTICIPLES = String.raw`deleted|removed|destroyed|purged|erased|wiped|truncated|rotated|regenerated|revoked|invalidated|reset|minted|reissued|rerolled|deprovisioned|terminated|renewed|refreshed|reissued|rolled|deactivated|suspended|issued|generated|exchanged`;
/** A passive act whose subject is every/all/each record: "every key gets rotated", "all users are deleted", "each of them is revoked". */
const PASSIVE_ALL = new RegExp(String.raw`\b(?:every|all|each)\b(?:\s+(?!that\b|which\b|who\b|are\b|is\b|get\b|gets\b|will\b)[\w-]+){0,3}\s+(?:is|are|gets?|will\s+(?:be|get))\s+(?:\w+ly\s+)?(?:${PARTICIPLES})\b`, 'i');
/** For a parameter's prose: what setting it will do ("inactive users will be removed"); `users that are deleted` is a state. */
const PASSIVE_FUTURE = new RegExp(String.raw`\b(?:will\s+(?:be|get)|gets?)\s+(?:\w+ly\s+)?(?:${PARTICIPLES})\b`, 'i');
/** A passive act tied to this call: "is revoked once returned", "purged by this call", "rotated when called". */
const PASSIVE_TRIGGERED = new RegExp(String.raw`\b(?:is|are|gets?|got|will\s+(?:be|get)|be|being|been)\s+(?:\w+ly\s+)?(?:${PARTICIPLES})\b[^.;]{0,60}?\b(?:as\s+part\s+of\s+(?:this|the|each|every)\s+(?:call|request)|by\s+(?:this|the|each|every)\s+(?:call|endpoint|operation|request)(?!'s)\b|once\s+(?:returned|listed|read|fetched)|when\s+(?:called|listed|read|returned|fetched)|after\s+(?:listing|returning|reading|being\s+(?:listed|returned|read))|on\s+(?:each|every)\s+(?:call|request|read)|(?:after|once|when|before)\s+(?:the\s+)?(?:list|response|page|results?|call|request)\s+(?:is|are|has\s+been|have\s+been)\s+(?:sent|returned|read|listed|delivered))`, 'i');

/** The last literal segments of credential endpoints (RFC 6749 §3.1–3.2, RFC 7009, RFC 7662, RFC 8628, OpenID Connect). */
const CREDENTIAL_ENDPOINT = new Set(['token', 'authorize', 'introspect', 'introspection', 'revoke', 'revocation', 'device_authorization', 'deviceauthorization', 'login', 'logout', 'signin', 'signout']);

/** Prose without its markup: HTML tags and Markdown emphasis or code marks (`<b>rotates</b>`, `**Rotates**`). */
function unmarked(text: string): string {
  // Bounded repeats only: an unclosed `<b` or `**` in a megabyte of prose costs a linear scan, not a quadratic one.
  return text
    .slice(0, MAX_JUDGED_PROSE)
    .replace(/<\/?[a-z][^<>]{0,200}>/gi, '')
    .replace(/(\*{1,3}|_{2,3}|`{1,3}|~~)(?=\S)([^*`~\n]{0,200}?\S)\1/g, '$2')
    .replace(/[*`]/g, '');
}

/**
 * The clauses of an operation's prose that speak of the operation itself: its summary, its first
 * sentence, any sentence that says "this endpoint", "this operation", "calling it"… or whose subject is
 * "it" or "this" ("Note: it regenerates all of them") — each split at `;` — but not a clause that points
 * at another call ("use POST /keys to create a key", "via DELETE /x").
 */
function ownClauses(op: OperationText): string[] {
  const sentences = sentencesOf(unmarked(op.description ?? ''));
  const own = sentences.filter((s, i) => i === 0 || /\b(this|the)\s+(endpoint|operation|call|request|route|method|api)\b|\bcalling (it|this)\b|\beach (call|request)\b|\bevery (call|request)\b/i.test(s) || /^(?:[a-z]+:\s*)?(it|this)\b/i.test(s));
  return [unmarked(op.summary ?? ''), ...own].flatMap(clausesOf);
}

function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?])\s+|\n{2,}/).map((s) => s.trim()).filter(Boolean);
}

function clausesOf(sentence: string): string[] {
  return sentence.split(/;\s*/).map((s) => s.trim()).filter(Boolean);
}

/** A clause that points at another call: `use POST /keys to…`, `via DELETE /x`, `see PATCH /users/{id}`. */
const OTHER_CALL = /\b(POST|PUT|PATCH|DELETE)\s+\/|\b(use|using|via|call|calling|see|send|sending|with)\s+(an?\s+|the\s+)?(POST|PUT|PATCH|DELETE)\b/i;

/** A condition that makes a passive clause a lifecycle rule, not this call's act: "…are invalidated when the password changes", "…rotated every 90 days". */
const LIFECYCLE = /\b(when|whenever|if|after|before|until|upon|never|once\s+(?:a|an|the|per|every|its|their|his|her)|by\s+(?:an?|the|their|its)\s+(?:administrator|admin|owner|user|client|operator)|every\s+\d+|each\s+(?:day|week|month|year)|automatically|periodically|daily|weekly|monthly|nightly)\b/i;

/**
 * A clause whose words ask for an act on credentials or records ("Rotates every token", "all users are
 * deleted"), unless it points at another call. A passive clause about every record that states a
 * lifecycle ("all sessions are invalidated when the password changes") is not this call's act.
 */
function describesAct(clause: string, forParameter = false): string | undefined {
  if (OTHER_CALL.test(clause)) return undefined;
  const all = PASSIVE_ALL.exec(clause);
  const future = forParameter ? PASSIVE_FUTURE.exec(clause) : null;
  const m = (forParameter ? DESCRIBED_ACT_PARAM : DESCRIBED_ACT).exec(clause) ?? future ?? (all && !LIFECYCLE.test(clause.slice(all.index)) ? all : null) ?? PASSIVE_TRIGGERED.exec(clause);
  return m ? m[0] : undefined;
}

/** A path segment as the server reads it: percent-escapes decoded, one at a time when the whole will not decode (`%72otate` → rotate; a bad `%zz` stays). Never throws. */
function decodeSegment(segment: string): string {
  // Decoded until it stops changing (at most 3 times: `%2564elete` → `%64elete` → `delete`), as a chain of servers might.
  let out = segment;
  for (let i = 0; i < 3 && /%[0-9a-f]{2}/i.test(out); i++) {
    const next = decodeOnce(out);
    if (next === out) break;
    out = next;
  }
  return out;
}

function decodeOnce(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment.replace(/%[0-9a-f]{2}/gi, (e) => {
      try {
        return decodeURIComponent(e);
      } catch {
        return e;
      }
    });
  }
}

/** The path's literal segments, decoded, placeholders dropped (`/users/{id}/keys:rotate` → users, keys:rotate). */
function pathSegments(path: string): string[] {
  return path
    .split('/')
    // A decoded `%2F` splits too (`keys%2Frotate` is keys/rotate to a server that decodes first).
    .flatMap((s) => decodeSegment(s).split('/'))
    .filter((s) => s && !/^\{[^}]*\}$/.test(s))
    .map((s) => s.replace(/\{[^}]*\}/g, ' ').replace(/\.(json|xml)$/i, '').trim())
    .filter(Boolean);
}

/** The act a segment's first word names when it is a strong verb (`/rotate-now/tokens`, `/deleteInactiveUsers`), not a field (`create_time`). */
function strongActOf(part: string): string | undefined {
  const words = wordsOf(part);
  // Any word (`bulk-delete`, `batchDelete`, `deleteInactiveUsers`), unless a field (`create_time`) or a list of records of acts (`reset_requests`).
  // After a modal (`can_delete`, `is_revoke_allowed`) it asks whether, not for the act.
  return words.find((w, i) => STRONG_SET.has(w) && !MODALS.has(words[i - 1] ?? '') && !FIELD_TAIL.has(words[i + 1] ?? '') && !words.slice(i + 1).some((x) => RECORD_NOUNS.has(x)));
}

/** A credential endpoint as the path's last segment, with the refusal, if it is one. */
function credentialEndpoint(path: string, segments: string[]): PolicyRefusal | undefined {
  const last = segments.at(-1)?.toLowerCase().replace(/[^a-z0-9_]/g, '') ?? '';
  // An OAuth exchange under its own name: `/oauth/access`, `/oauth.access`, `/oauth.v2.access` (the code-for-token exchange).
  const oauthAccess = /(^|\/)(oauth2?|auth)([./:][^/]*)?[./:]access$|(^|\/)(oauth2?|auth)\/access$/i.test(path.replace(/\{[^}]*\}/g, ''));
  return CREDENTIAL_ENDPOINT.has(last) || oauthAccess
    ? { rule: 'credential-flow', reason: `${path} is a credential endpoint (it issues, checks or revokes tokens: RFC 6749 §3, RFC 7009, RFC 7662): never called, whatever its method` }
    : undefined;
}

/** A query value on the wire that is, whole, a write method or an act verb (`DELETE`, `rotate`), with the refusal. */
function wireValue(name: string, value: string): PolicyRefusal | undefined {
  const v = plain(value.trim()).toLowerCase().replace(IGNORABLE, '');
  if (WRITE_METHODS.has(v)) return { rule: 'method-override', reason: `${name}=${value.slice(0, 64)} names the write method ${v.toUpperCase()}: a read never sends it` };
  if (isFilterName(name)) return undefined;
  if (ACT_VERBS.has(v)) return { rule: 'write-value', reason: `${name}=${value.slice(0, 64)} asks for "${v}": a read never sends it` };
  return undefined;
}

/** Whether a parameter's last word says it filters on what the list holds (`event_type`, `include`, `kind`). */
function isFilterName(name: string): boolean {
  return FILTER_WORDS.test(wordsOf(name).at(-1) ?? '');
}

/** A name that asks the server to reveal a secret in clear (`reveal_secret`, `decrypt`, `show_plaintext`, `include_secrets`). */
function revealsSecret(name: string, value: string): boolean {
  const words = wordsOf(name);
  const secretish = words.some((w) => /^(secrets?|passwords?|private|credentials?)$/.test(w));
  return words.some((w) => /^(reveal|decrypt|decrypted|plaintext|cleartext|unmask|unmasked)$/.test(w)) || /^(plaintext|cleartext|decrypted|unmasked|reveal)$/i.test(value.trim()) || (secretish && words.some((w) => /^(include|show|with|return|expose)$/.test(w)));
}

/** A flag whose name says it asks for confirmation (`confirm`, `commit`), and prose that speaks of an act: the flag is the act's go-ahead. */
function confirmsAct(name: string, description: string | undefined): boolean {
  if (!wordsOf(name).some((w) => /^(confirm|confirmed|confirmation|commit|force|forced|apply)$/.test(w))) return false;
  const prose = `${name} ${description ?? ''}`;
  return !!actVerb(prose) || /\b(changes?|revocation|deletion|removal|rotation|regeneration|purge|termination|expiration|reset|deactivation|suspension|erasure)\b/i.test(prose);
}

/** A dry-run flag (`dry_run`, `X-Dry-Run`, `dryRun`, `preview`) set off: it asks for the real act. */
function dryRunOff(name: string, value: string): boolean {
  const n = wordsOf(name).join(' ');
  return /(^|\s)(dry run|dryrun|whatif|what if|simulate|simulation)$/.test(n) && FALSY.test(value.trim());
}

export const READ_ONLY_REQUEST_POLICY: RequestPolicy = {
  version: REQUEST_POLICY_VERSION,

  header(name, value) {
    if ((value?.length ?? 0) > MAX_FIXED_VALUE || name.length > MAX_FIXED_VALUE) return { rule: 'write-value', reason: `the header ${name.slice(0, 64)}: a value of ${value?.length ?? 0} characters cannot be judged as a read's header` };
    if (overridesMethod(name)) return { rule: 'method-override', reason: `the header ${name} overrides the request's method on the server: a read never sends it` };
    if (value !== undefined) return judgeValue('header', name, value);
    return undefined;
  },

  fixedValue(place, name, value, description) {
    if (value.length > MAX_FIXED_VALUE || name.length > MAX_FIXED_VALUE) return { rule: 'write-value', reason: `${place} ${name.slice(0, 64)}: a fixed value of ${value.length} characters cannot be judged as a read's parameter` };
    if (place !== 'path' && overridesMethod(name)) return { rule: 'method-override', reason: `the ${place} parameter ${name} overrides the request's method on the server: a read never sends it` };
    if (place !== 'path' && OAUTH_FLOW_PARAMS.has(name.toLowerCase())) return { rule: 'credential-flow', reason: `${name} is an OAuth 2.0 flow parameter (RFC 6749 §4): a read never asks for a token` };
    if (dryRunOff(name, value)) return { rule: 'write-value', reason: `${place} ${name}=${value} turns a dry run off: it asks for the real act, and a read never does` };
    const byValue = judgeValue(place, name, value);
    if (byValue) return byValue;
    const on = !FALSY.test(value.trim());
    if (on && revealsSecret(name, value)) return { rule: 'credential-flow', reason: `${place} ${name}=${value} asks for a secret in clear: a read never does` };
    // A flag named for an act (`regenerate=true`, `rotate=1`, `force_delete=yes`) asks for it unless it is off.
    const verb = actVerb(name);
    if (verb && on) return { rule: 'write-value', reason: `${place} ${name}=${value} asks for "${verb}": a read never sends it` };
    if (on && confirmsAct(name, description)) return { rule: 'write-value', reason: `${place} ${name}=${value} confirms an act its name or prose speaks of: a read never sends it` };
    if (description && on) {
      // Every sentence of a parameter's prose speaks of the parameter.
      const said = sentencesOf(unmarked(description)).flatMap(clausesOf).map((c) => describesAct(c, true)).find(Boolean);
      if (said) return { rule: 'write-value', reason: `${place} ${name}=${value}: its own description says sending it ${JSON.stringify(said)}` };
    }
    return undefined;
  },

  operation(op) {
    const segments = pathSegments(op.path);
    const credential = credentialEndpoint(op.path, segments);
    if (credential) return credential;
    // A path segment that is an act in its base form (`/keys:rotate`, `/auth.revoke`, `/tokens/regenerate`, `/users/{id}/delete`, `/{id}/resetPassword`);
    // a verb-like word before a plural noun (`refresh_tokens`, `inviteRequests.list`) names a list instead — unless the verb is a strong one (`/deleteInactiveUsers`).
    // Every custom method part, the last segment, any segment that is a verb alone (`/regenerate/apiKeys`), and any that starts with a strong verb (`/rotate-now/tokens`).
    const parts = segments.flatMap((seg, i) => {
      const [head = '', ...custom] = seg.split(/[:;.]/);
      return i === segments.length - 1 || wordsOf(head).length === 1 ? [head, ...custom] : custom;
    });
    const verb = segments.flatMap((seg) => seg.split(/[:;.]/)).map(strongActOf).find(Boolean) ?? parts.map(actOfPart).find(Boolean);
    if (verb) return { rule: 'write-operation', reason: `${op.path} names the act "${verb}" in its path: never called, whatever its method` };
    const byId = op.id && !/^[A-Z]+ \//.test(op.id) ? strongActOf(op.id) : undefined;
    if (byId) return { rule: 'write-operation', reason: `${op.path}: its operationId ${JSON.stringify(op.id)} names the act "${byId}": never called, whatever its method` };
    // A passive act tied to this call ("…is revoked once returned") speaks of the operation wherever it is said.
    const triggered = sentencesOf(unmarked(op.description ?? '')).flatMap(clausesOf).filter((c) => !OTHER_CALL.test(c)).map((c) => PASSIVE_TRIGGERED.exec(c)?.[0]).find(Boolean);
    const said = ownClauses(op).map((c) => describesAct(c)).find(Boolean) ?? triggered;
    if (said) return { rule: 'write-operation', reason: `${op.path}: its own description says it ${JSON.stringify(said)}: never called, whatever its method` };
    return undefined;
  },

  path(path) {
    const raw = path.split(/[?#]/, 1)[0] ?? '';
    const segments = raw.split('/').flatMap((s) => decodeSegment(s).split('/')).filter(Boolean);
    const credential = credentialEndpoint(raw, segments.map((s) => s.split(';')[0]!.replace(/\.(json|xml)$/i, '')));
    if (credential) return credential;
    for (const [i, seg] of segments.entries()) {
      const [main = '', ...matrix] = seg.split(';');
      // Matrix parameters (`;_method=DELETE`, RFC 3986 §3.3) are judged as the query's are.
      for (const m of matrix) {
        const [name = '', value = ''] = m.split('=');
        const refusal = wireQueryRefusal(name, value);
        if (refusal) return { rule: refusal.rule, reason: `${raw.slice(0, 200)}: the path parameter ;${m.slice(0, 64)} — ${refusal.reason}` };
      }
      // Custom-method parts (`keys:rotate`, `auth.revoke`): letters only, so a filled-in `first.last@acme.test` is not one.
      const custom = main.split(/[:.]/).slice(1).filter((c) => /^[A-Za-z_-]+$/.test(c));
      const verb = custom.map((c) => strongActOf(c) ?? actOfPart(c)).find(Boolean) ?? (i === segments.length - 1 ? strongActOf(main.split(/[:.]/)[0] ?? '') : undefined);
      if (verb) return { rule: 'write-operation', reason: `${raw.slice(0, 200)} names the act "${verb}" in its path: a read never calls it` };
    }
    return undefined;
  },

  wireQuery: (name, value) => wireQueryRefusal(name, value),
};

/**
 * A query (or matrix) parameter on the wire: by its name and whether it is set (`_method=…`,
 * `grant_type=…`, `regenerate=true`, `dry_run=0`), and by its whole value (`?action=rotate`,
 * `?op=DELETE`) — never by words inside a value, which may be an opaque cursor (`…gAddPnt9…`) or a
 * filter a read passes on (`event_type=user.delete`).
 */
function wireQueryRefusal(name: string, value: string): PolicyRefusal | undefined {
  return READ_ONLY_REQUEST_POLICY.fixedValue('query', name, FALSY.test(value.trim()) ? 'false' : 'true') ?? wireValue(name, value);
}

/** The act a path part names — its first word, a base verb, not a field (`create_time`) or a noun phrase (`refresh_tokens`) — if any. */
function actOfPart(part: string): string | undefined {
  const words = wordsOf(part);
  const first = words[0] ?? '';
  if (!PATH_ACTS.has(first) || FIELD_TAIL.has(words[1] ?? '')) return undefined;
  const listNoun = (words.length > 1 && /[^s]s$/.test(words.at(-1)!)) || NOUN_COMPOUNDS.test(words.slice(0, 2).join(' '));
  return listNoun ? undefined : first;
}

/** A fixed value (of a parameter, header or path segment) that asks for a write, a write method or a token grant. */
function judgeValue(place: ValuePlace, name: string, value: string): PolicyRefusal | undefined {
  const v = value.trim();
  if (WRITE_METHODS.has(v.toLowerCase())) return { rule: 'method-override', reason: `${place} ${name}=${value} names the write method ${v.toUpperCase()}: a read never sends it` };
  if (OAUTH_GRANTS.test(v) && /grant|response|type|flow/i.test(name)) return { rule: 'credential-flow', reason: `${place} ${name}=${value} asks for an OAuth 2.0 grant (RFC 6749 §4): a read never sends it` };
  if (isFilterName(name)) return undefined;
  const verb = actVerb(v);
  if (verb) return { rule: 'write-value', reason: `${place} ${name}=${value} asks for "${verb}": a read never sends it` };
  return undefined;
}
