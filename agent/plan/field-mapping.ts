import type { SchemaNode } from '../ingest/api-model.ts';
import type { CanonicalField, Evidence, FieldMapping, IdentityKind, Mapping, Transform } from './connector-plan.ts';
import type { Field, SchemaView } from '../docs-view/schema-view.ts';
import { withArticle } from '../english.ts';

/**
 * Maps a record's fields into the canonical identity: for each canonical field, the best-named
 * record field and a transform from the closed set. A field the docs don't show maps to `null`
 * (unknown), never to a guess.
 */

type Rule = { names: RegExp; score: number; when?: (f: Field, n: SchemaNode) => boolean };

const isString = (_: Field, n: SchemaNode) => !n.type || n.type.includes('string');
const isDateLike = (_: Field, n: SchemaNode) => !n.type || n.type.some((t) => t === 'string' || t === 'integer' || t === 'number');

/**
 * A field that holds an address, not a fact about one: `last_email_sent_at`, `email_verified`,
 * `email_count`, `email_notifications` and a field formatted as a time are not emails.
 */
const ABOUT_AN_EMAIL = /(^|_)(at|on|date|time|timestamp|count|ids?|type|status|state|enabled|sent|verified|confirmed|bounced|opt_?in|opt_?out|frequency)$|verified|notif|bounce|(^|_)sent(_|$)/i;
const isAddress = (f: Field, n: SchemaNode) => isString(f, n) && !/date|time/i.test(n.format ?? '') && !ABOUT_AN_EMAIL.test(f.name);

/**
 * The status words the docs list for a field: its enum, else the values its description names in
 * backticks or quotes ("one of `active`, `suspended`"). Only strings.
 */
export function listedValues(n: SchemaNode): string[] {
  const listed = (n.enum ?? []).filter((v): v is string => typeof v === 'string');
  if (listed.length || !n.description) return listed;
  const quoted = [...n.description.matchAll(/[`'"‘“]([A-Za-z][\w-]{0,40})[`'"’”]/g)].map((m) => m[1]!);
  return [...new Set(quoted)].filter((v) => canonicalStatus(v) !== 'unknown');
}

/** Whether the values the docs list read as an account's status: at least one live and one that is not. */
function statusLikeValues(n: SchemaNode): boolean {
  const statuses = new Set(listedValues(n).map(canonicalStatus));
  return statuses.has('active') && (statuses.has('suspended') || statuses.has('deprovisioned'));
}

/** Fields about something other than the account's own standing (`email_status`, `payment_state`, `mfa_status`). */
const NOT_ACCOUNT_STATUS = /email|verif|payment|billing|invite|invitation|mfa|2fa|otp|password|sync|import|export|job|task|delivery|subscription|connection|health|online|presence/i;

/** A boolean named for a standing: true is suspended (`disabled`), deprovisioned (`deleted`) or active (`enabled`). */
const STATUS_FLAG = /^(is_?)?(deleted|removed|archived|revoked|terminated|deprovisioned|disabled|suspended|locked|restricted|blocked|banned|deactivated|inactive|active|enabled)$/i;

/** Words by which docs say a number or text is a time since the epoch, and in which unit. */
const MILLIS_WORDS = /milli ?seconds?|\bms\b|\bmillis\b|epoch ?millis/i;
const EPOCH_WORDS = /\b(unix|epoch|posix)\b|seconds since|since (the )?(unix )?epoch/i;

/** The unit of an epoch time the docs give in words or format: `ms`, `s`, or undefined (not said). */
export function epochUnit(n: SchemaNode): 'ms' | 's' | undefined {
  const words = `${n.description ?? ''} ${n.format ?? ''}`;
  if (MILLIS_WORDS.test(words) && (EPOCH_WORDS.test(words) || /timestamp|since/i.test(words) || n.type?.some((t) => t === 'integer' || t === 'number'))) return 'ms';
  if (EPOCH_WORDS.test(words) || /^(unix-?time|unix-?timestamp|epoch)$/i.test(n.format ?? '')) return 's';
  return undefined;
}

/** A field that says how permissions were assigned (`permission_type`, `scope_source`), not which ones. */
const ASSIGNMENT = /(_|^)(type|kind|mode|source|origin|assignment|level|count|status)$/i;
const ASSIGNMENT_VALUES = /^(direct|inherited|assigned|group|role|user|explicit|implicit|custom|default)$/i;
const holdsPermissions = (f: Field, n: SchemaNode) => !ASSIGNMENT.test(f.name) && !(n.enum?.length && n.enum.every((v) => typeof v === 'string' && ASSIGNMENT_VALUES.test(v)));

const RULES: Record<CanonicalField, Rule[]> = {
  id: [
    { names: /^id$/i, score: 1 },
    { names: /^(uid|uuid|sid|guid|key_?id|token_?id|user_?id|account_?id|member_?id|principal_?id|object_?id|person_?id|employee_?id|subject_?id)$/i, score: 0.9 },
    { names: /^metadata\.uid$/i, score: 0.95 },
    { names: /^(key|fingerprint|name|login|username|client_?id)$/i, score: 0.5 },
  ],
  display_name: [
    { names: /^(display_?name|real_?name|full_?name|friendly_?name|profile\.display_?name|profile\.real_?name)$/i, score: 1, when: isString },
    { names: /^(name|login|username|user_?name|profile\.login|title|label|summary|metadata\.name|handle|alias|note)$/i, score: 0.8, when: isString },
  ],
  email: [
    { names: /^(email|mail|primary_?email|email_?address|profile\.email|user\.email)$/i, score: 1, when: isString },
    { names: /email/i, score: 0.7, when: isAddress },
    // SCIM's `emails: [{ value, primary }]`: the primary (else first) address.
    { names: /^e?mails$/i, score: 0.8, when: (_, n) => !!n.type?.includes('array') },
  ],
  status: [
    { names: /^(status|state|user_?status|account_?status)$/i, score: 1, when: (_, n) => !n.type || n.type.includes('string') },
    // A field named for a state whose listed values are account standings (`lifecycle_state: active|suspended`).
    { names: /(status|state)$/i, score: 0.85, when: (f, n) => (!n.type || n.type.includes('string')) && !NOT_ACCOUNT_STATUS.test(f.name) && statusLikeValues(n) },
    { names: STATUS_FLAG, score: 0.7, when: (_, n) => !!n.type?.includes('boolean') },
  ],
  owner_id: [
    { names: /^(owner_?id|user_?id|owner|created_?by|creator_?id|account_?sid|user|service_?account_?id|principal_?id)$/i, score: 0.9, when: (_, n) => !n.type || n.type.some((t) => t === 'string' || t === 'integer') },
    { names: /^(owner|user|created_?by)\.id$/i, score: 0.8 },
  ],
  // The permissions a credential or identity was granted. Not `roles`: a role is an identity of its
  // own (kind `role`), linked by a `has_role` relationship — its name is not a scope.
  scopes: [
    { names: /^(scopes?|permissions|granted_?scopes|privileges|oauth_?scopes)$/i, score: 1, when: holdsPermissions },
    { names: /^((token|api|access|granted|oauth|app|key)_?)?(scopes?|permissions?|privileges?|scope_?list|permission_?set)$/i, score: 0.8, when: holdsPermissions },
  ],
  created_at: [
    { names: /^(created_?at|created|creation_?date|date_?created|created_?on|created_?time|create_?time|creation_?time|metadata\.creation_?timestamp|creation_?timestamp|issued_?at)$/i, score: 1, when: isDateLike },
    // When the record came to be known: an address or account registered (`registered_on`).
    { names: /^(registered(_?(at|on|date|time))?|registration_?(date|time))$/i, score: 0.9, when: isDateLike },
  ],
  last_used_at: [
    { names: /^last_?(used|activity|login|logon|sign_?in|seen|accessed|active|authenticated|auth)(_?(at|on|time|date|timestamp|datetime))?$/i, score: 1, when: isDateLike },
  ],
  expires_at: [
    { names: /^(expires?(_?at|_?on)?|expiration(_?date|_?time)?|expiry(_?date)?|valid_?until|expires_?in_?at|not_?after)$/i, score: 1, when: isDateLike },
  ],
};

/** Vendor status words → canonical status. */
export function canonicalStatus(value: string): 'active' | 'suspended' | 'deprovisioned' | 'unknown' {
  const v = value.toLowerCase();
  // Exact active words first: `password_expired` is a live account whose password must change, not an expired one.
  if (/^(active|enabled|provisioned|ok|normal|verified|valid|live|recovery|password_expired|approved|confirmed)$/.test(v)) return 'active';
  if (/deprovision|deleted|removed|terminated|closed|revoked|archived|destroyed|expired/.test(v)) return 'deprovisioned';
  if (/suspend|disabled|locked|inactive|deactivat|blocked|restricted|banned|frozen/.test(v)) return 'suspended';
  if (/^active/.test(v)) return 'active';
  return 'unknown';
}

/** Fields whose value is a credential itself: never copied into a canonical record. */
export const SECRET_FIELD = /^(key|secret|token|password|passwd|private_?key|client_?secret|api_?key|access_?token|refresh_?token|hash|auth_?token|secret_?key|value)$/i;

function transformFor(field: CanonicalField, f: Field, node: SchemaNode): { transform: Transform; values?: FieldMapping['values'] } {
  if (SECRET_FIELD.test(f.name)) return { transform: 'sha256-fingerprint' };
  switch (field) {
    case 'status': {
      if (node.type?.includes('boolean')) {
        if (/deleted|removed|archived|revoked|terminated|deprovisioned/i.test(f.name)) return { transform: 'bool-true-is-deprovisioned' };
        if (/disabled|suspended|locked|restricted|blocked|banned|deactivated|inactive/i.test(f.name)) return { transform: 'bool-true-is-suspended' };
        return { transform: 'bool-true-is-active' };
      }
      const values = listedValues(node);
      return { transform: 'status-map', values: Object.fromEntries(values.map((v) => [v, canonicalStatus(v)])) };
    }
    case 'created_at':
    case 'last_used_at':
    case 'expires_at':
    {
      // The docs' words decide the unit ("Unix timestamp (seconds)", "milliseconds since epoch"); else the example's magnitude.
      const unit = epochUnit(node);
      if (node.type?.some((t) => t === 'integer' || t === 'number')) {
        const ex = typeof node.example === 'number' ? node.example : undefined;
        return { transform: (unit ?? (ex !== undefined && ex > 1e11 ? 'ms' : 's')) === 'ms' ? 'unix-millis' : 'unix-seconds' };
      }
      // Text that the docs say is an epoch time (a string of digits), unless it is formatted as a date.
      if (unit && !/date/i.test(node.format ?? '')) return { transform: unit === 'ms' ? 'unix-millis' : 'unix-seconds' };
      return { transform: 'iso-datetime' };
    }
    case 'scopes':
      if (node.type?.includes('string')) return { transform: 'split-space' };
      return { transform: 'string-list' };
    default:
      return { transform: node.type?.includes('array') ? 'first-string' : 'string' };
  }
}

/** Words by which docs retire a field: a deprecated field loses to any candidate that is not. */
const DEPRECATED = /\bdeprecated\b|\bno longer (used|supported|set|returned)\b|\bobsolete\b/i;

/**
 * Evidence for a mapping decision: `field` is the record field's dotted path (cited where the docs
 * declare it), `undefined` when the decision rests on no field at all. One piece of evidence, or
 * several (what a live run observed, and the docs' words for the same field).
 */
export type FieldCiter = (field: string | undefined, reasoning: string) => Evidence | Evidence[];

/**
 * The docs' own description of a record field (dotted path), when the records' schema is not the
 * docs' own — a live run's observed shape — so that what the docs say of a field (that it is
 * deprecated) still counts.
 */
export type DocsWords = (field: string) => string | undefined;

const uncited: FieldCiter = (field, reasoning) => ({ source: { file: '', pointer: '' }, ...(field ? { quote: field.split('.').pop()! } : {}), reasoning });

/**
 * The canonical mapping of records whose schema is `items`, with each decision's evidence from
 * `cite` (the caller knows where the records' schema lives in the docs). A field its description
 * — or, through `docsWords`, the docs — calls deprecated loses to any candidate that is not
 * (a token's deprecated `roles` never beats its `scopes`). Never throws.
 */
export function mapFields(view: SchemaView, items: SchemaNode, kind: IdentityKind, cite: FieldCiter = uncited, docsWords?: DocsWords): { mapping: Mapping; fieldNames: string[] } {
  const fields = view.fields(items, 2);
  const mapping: Partial<Mapping> = {};
  const used = new Set<string>();
  for (const canonical of Object.keys(RULES) as CanonicalField[]) {
    if (canonical === 'owner_id' && (kind === 'human' || kind === 'group' || kind === 'role')) {
      mapping.owner_id = { path: null, transform: 'string', confidence: 0.9, evidence: [cite(undefined, `${withArticle(kind)} has no owner`)].flat() };
      continue;
    }
    let best: { f: Field; node: SchemaNode; score: number; deprecated: boolean } | undefined;
    for (const rule of RULES[canonical]) {
      for (const f of fields) {
        if (used.has(f.path) && canonical !== 'display_name') continue;
        const node = view.resolve(f.node);
        if (!rule.names.test(f.path) && !rule.names.test(f.name)) continue;
        // An object is never a canonical value (even when its schema omits `type`); its own fields are candidates.
        if (view.isObject(node) && !view.isArray(node)) continue;
        if (rule.when && !rule.when(f, node)) continue;
        if (canonical !== 'id' && SECRET_FIELD.test(f.name)) continue;
        const deprecated = DEPRECATED.test(node.description ?? '') || DEPRECATED.test(docsWords?.(f.path) ?? '');
        // A direct field beats a nested one with the same score; any field beats a deprecated one.
        const score = rule.score - (f.path.includes('.') && !rule.names.test(f.path) ? 0.1 : 0) - (deprecated ? 0.5 : 0);
        if (!best || score > best.score) best = { f, node, score, deprecated };
      }
      // A deprecated best is kept only when no later, weaker rule finds a field that is not.
      if (best && !best.deprecated) break;
    }
    if (canonical === 'email' && !best) {
      const byFormat = fields.find((f) => view.resolve(f.node).format === 'email');
      if (byFormat) best = { f: byFormat, node: view.resolve(byFormat.node), score: 0.9, deprecated: false };
    }
    if (!best) {
      mapping[canonical] = { path: null, transform: 'string', confidence: fields.length ? 0.7 : 0.3, evidence: [cite(undefined, `no documented field maps to ${canonical}: unknown (null)`)].flat() };
      continue;
    }
    if (canonical === 'id') used.add(best.f.path);
    const words = [best.node.format ? `format ${best.node.format}` : '', best.node.enum ? `one of ${best.node.enum.slice(0, 6).map(String).join(', ')}` : ''].filter(Boolean).join('; ');
    const slot = transformFor(canonical, best.f, best.node);
    mapping[canonical] = {
      path: best.f.path,
      ...slot,
      confidence: Math.round(best.score * 100) / 100,
      evidence: [cite(best.f.path, `${canonical} ← ${best.f.path}${words ? ` (${words})` : ''}, as ${slot.transform}${best.deprecated ? ', though the docs call it deprecated' : ''}`)].flat(),
    };
  }
  return { mapping: mapping as Mapping, fieldNames: fields.map((f) => f.name) };
}
