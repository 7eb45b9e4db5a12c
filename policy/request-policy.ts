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
export const REQUEST_POLICY_VERSION = 'fetchwright-request-policy/2';

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
}

/** Lower-case words of an identifier or a value: `X-HTTP-Method-Override` → x http method override; `regenerateKeys` → regenerate keys. */
export function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
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
 */
const ACT_BASE = [
  'create', 'insert', 'add', 'write', 'update', 'upsert', 'modify', 'delete', 'remove', 'destroy', 'purge', 'erase', 'wipe', 'truncate',
  'issue', 'mint', 'generate', 'regenerate', 'rotate', 'roll', 'reroll', 'renew', 'refresh', 'reset', 'reissue', 'revoke', 'invalidate',
  'exchange', 'impersonate', 'grant', 'assign', 'unassign', 'approve', 'invite', 'disable', 'enable', 'activate', 'deactivate', 'suspend',
  'unsuspend', 'lock', 'unlock', 'ban', 'unban', 'login', 'logout', 'signin', 'signout', 'authorize', 'introspect', 'provision', 'deprovision',
  'transfer', 'execute',
];
const ACT_VERBS = new Set(ACT_BASE.flatMap((v) => [v, /(sh|ch|s|x)$/.test(v) ? `${v}es` : `${v}s`]));
const ACT_BASE_SET = new Set(ACT_BASE);
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
const NOUN_COMPOUNDS = /^(refresh tokens?|grant types?|invite (codes?|links?)|issue types?|update events?)$/;

/** The first write verb among a value's or name's words, if any (`create_time` is a field and `refresh_tokens` a noun, not an act). */
function actVerb(text: string): string | undefined {
  const words = wordsOf(text);
  return words.find((w, i) => ACT_VERBS.has(w) && !FIELD_TAIL.has(words[i + 1] ?? '') && !NOUN_COMPOUNDS.test(`${w} ${words[i + 1] ?? ''}`));
}

/**
 * Prose saying the operation (or sending a parameter) does an act to credentials or records: a verb
 * that starts the sentence ("Regenerates every token"), or follows its subject or purpose ("this
 * endpoint rotates…", "set to true to revoke…"), then what it acts on. "List refresh tokens" is a noun.
 */
const DESCRIBED_ACT = /(?:^|\b(?:it|endpoint|operation|call|request|route|will|and|also|then|which|that|to)\s+)(issues?|mints?|generates?|regenerates?|rotates?|rolls?|renews?|refresh(?:es)?|resets?|revokes?|invalidates?|deletes?|removes?|destroys?|creates?|exchanges?)\b[^.;:]{0,80}?\b(tokens?|keys?|secrets?|credentials?|passwords?|certificates?|sessions?|records?|users?|accounts?|all|every|them|it)\b/i;

/** The last literal segments of credential endpoints (RFC 6749 §3.1–3.2, RFC 7009, RFC 7662, RFC 8628, OpenID Connect). */
const CREDENTIAL_ENDPOINT = new Set(['token', 'authorize', 'authorization', 'introspect', 'introspection', 'revoke', 'revocation', 'device_authorization', 'deviceauthorization', 'login', 'logout', 'signin', 'signout']);

/**
 * The sentences of an operation's description that speak of the operation itself: its first sentence,
 * and any that say "this endpoint", "this operation", "this call", "calling it"… — not a sentence about
 * another endpoint ("use POST /keys to create a key").
 */
function ownSentences(op: OperationText): string[] {
  const sentences = sentencesOf(op.description ?? '');
  const own = sentences.filter((s, i) => i === 0 || /\b(this|the)\s+(endpoint|operation|call|request|route|method|api)\b|\bcalling (it|this)\b|\beach (call|request)\b|\bevery (call|request)\b/i.test(s));
  return [op.summary ?? '', ...own].filter(Boolean);
}

function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?])\s+|\n{2,}/).map((s) => s.trim()).filter(Boolean);
}

/** A sentence whose words ask for an act on credentials or records in the present tense ("Rotates every token"), not about another method. */
function describesAct(sentence: string): string | undefined {
  if (/\b(POST|PUT|PATCH|DELETE)\b/.test(sentence)) return undefined; // speaks of another method's call
  const m = DESCRIBED_ACT.exec(sentence);
  return m ? m[0] : undefined;
}

/** The path's literal segments, placeholders dropped (`/users/{id}/keys:rotate` → users, keys:rotate). */
function pathSegments(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s && !/^\{[^}]*\}$/.test(s))
    .map((s) => s.replace(/\{[^}]*\}/g, ' ').replace(/\.(json|xml)$/i, '').trim())
    .filter(Boolean);
}

export const READ_ONLY_REQUEST_POLICY: RequestPolicy = {
  version: REQUEST_POLICY_VERSION,

  header(name, value) {
    if (overridesMethod(name)) return { rule: 'method-override', reason: `the header ${name} overrides the request's method on the server: a read never sends it` };
    if (value !== undefined) return judgeValue('header', name, value);
    return undefined;
  },

  fixedValue(place, name, value, description) {
    if (place !== 'path' && overridesMethod(name)) return { rule: 'method-override', reason: `the ${place} parameter ${name} overrides the request's method on the server: a read never sends it` };
    if (place !== 'path' && OAUTH_FLOW_PARAMS.has(name.toLowerCase())) return { rule: 'credential-flow', reason: `${name} is an OAuth 2.0 flow parameter (RFC 6749 §4): a read never asks for a token` };
    const byValue = judgeValue(place, name, value);
    if (byValue) return byValue;
    // A flag named for an act (`regenerate=true`, `rotate=1`, `force_delete=yes`) asks for it unless it is off.
    const verb = actVerb(name);
    if (verb && !FALSY.test(value.trim())) return { rule: 'write-value', reason: `${place} ${name}=${value} asks for "${verb}": a read never sends it` };
    if (description && !FALSY.test(value.trim())) {
      // Every sentence of a parameter's prose speaks of the parameter.
      const said = sentencesOf(description).map(describesAct).find(Boolean);
      if (said) return { rule: 'write-value', reason: `${place} ${name}=${value}: its own description says sending it ${JSON.stringify(said)}` };
    }
    return undefined;
  },

  operation(op) {
    const segments = pathSegments(op.path);
    const last = segments.at(-1)?.toLowerCase().replace(/[^a-z0-9_]/g, '') ?? '';
    if (CREDENTIAL_ENDPOINT.has(last)) {
      return { rule: 'credential-flow', reason: `${op.path} is a credential endpoint (it issues, checks or revokes tokens: RFC 6749 §3, RFC 7009, RFC 7662): never called, whatever its method` };
    }
    // A path segment that is an act in its base form (`/keys:rotate`, `/auth.revoke`, `/tokens/regenerate`, `/users/{id}/delete`, `/{id}/resetPassword`);
    // a verb-like word before a plural noun (`refresh_tokens`, `inviteRequests.list`) names a list instead.
    // Every custom method part, the last segment, and any segment that is a verb alone (`/regenerate/apiKeys`).
    const parts = segments.flatMap((seg, i) => {
      const [head = '', ...custom] = seg.split(/[:;.]/);
      return i === segments.length - 1 || wordsOf(head).length === 1 ? [head, ...custom] : custom;
    });
    const verb = parts.map(actOfPart).find(Boolean);
    if (verb) return { rule: 'write-operation', reason: `${op.path} names the act "${verb}" in its path: never called, whatever its method` };
    const said = ownSentences(op).map(describesAct).find(Boolean);
    if (said) return { rule: 'write-operation', reason: `${op.path}: its own description says it ${JSON.stringify(said)}: never called, whatever its method` };
    return undefined;
  },
};

/** The act a path part names — its first word, a base verb, not a field (`create_time`) or a noun phrase (`refresh_tokens`) — if any. */
function actOfPart(part: string): string | undefined {
  const words = wordsOf(part);
  const first = words[0] ?? '';
  if (!ACT_BASE_SET.has(first) || FIELD_TAIL.has(words[1] ?? '')) return undefined;
  const listNoun = (words.length > 1 && /[^s]s$/.test(words.at(-1)!)) || NOUN_COMPOUNDS.test(words.slice(0, 2).join(' '));
  return listNoun ? undefined : first;
}

/** A fixed value (of a parameter, header or path segment) that asks for a write, a write method or a token grant. */
function judgeValue(place: ValuePlace, name: string, value: string): PolicyRefusal | undefined {
  const v = value.trim();
  if (WRITE_METHODS.has(v.toLowerCase())) return { rule: 'method-override', reason: `${place} ${name}=${value} names the write method ${v.toUpperCase()}: a read never sends it` };
  if (OAUTH_GRANTS.test(v) && /grant|response|type|flow/i.test(name)) return { rule: 'credential-flow', reason: `${place} ${name}=${value} asks for an OAuth 2.0 grant (RFC 6749 §4): a read never sends it` };
  const verb = actVerb(v);
  if (verb) return { rule: 'write-value', reason: `${place} ${name}=${value} asks for "${verb}": a read never sends it` };
  return undefined;
}
