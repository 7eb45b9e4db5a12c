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
    { names: /email/i, score: 0.7, when: (f, n) => isString(f, n) && !/verified|notif/i.test(f.path) },
    // SCIM's `emails: [{ value, primary }]`: the primary (else first) address.
    { names: /^e?mails$/i, score: 0.8, when: (_, n) => !!n.type?.includes('array') },
  ],
  status: [
    { names: /^(status|state|user_?status|account_?status)$/i, score: 1, when: (_, n) => !n.type || n.type.includes('string') },
    { names: /^(deleted|is_?deleted|disabled|is_?disabled|suspended|is_?suspended|revoked|locked|restricted|active|is_?active|enabled)$/i, score: 0.7, when: (_, n) => !!n.type?.includes('boolean') },
  ],
  owner_id: [
    { names: /^(owner_?id|user_?id|owner|created_?by|creator_?id|account_?sid|user|service_?account_?id|principal_?id)$/i, score: 0.9, when: (_, n) => !n.type || n.type.some((t) => t === 'string' || t === 'integer') },
    { names: /^(owner|user|created_?by)\.id$/i, score: 0.8 },
  ],
  // The permissions a credential or identity was granted. Not `roles`: a role is an identity of its
  // own (kind `role`), linked by a `has_role` relationship — its name is not a scope.
  scopes: [
    { names: /^(scopes?|permissions|granted_?scopes|privileges|oauth_?scopes)$/i, score: 1 },
  ],
  created_at: [
    { names: /^(created_?at|created|creation_?date|date_?created|created_?on|created_?time|create_?time|creation_?time|metadata\.creation_?timestamp|creation_?timestamp|issued_?at)$/i, score: 1, when: isDateLike },
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
        if (/deleted|revoked/i.test(f.name)) return { transform: 'bool-true-is-deprovisioned' };
        if (/disabled|suspended|locked|restricted/i.test(f.name)) return { transform: 'bool-true-is-suspended' };
        return { transform: 'bool-true-is-active' };
      }
      const values = (node.enum ?? []).filter((v): v is string => typeof v === 'string');
      return { transform: 'status-map', values: Object.fromEntries(values.map((v) => [v, canonicalStatus(v)])) };
    }
    case 'created_at':
    case 'last_used_at':
    case 'expires_at':
      if (node.type?.some((t) => t === 'integer' || t === 'number')) {
        const ex = typeof node.example === 'number' ? node.example : undefined;
        return { transform: ex !== undefined && ex > 1e11 ? 'unix-millis' : 'unix-seconds' };
      }
      return { transform: 'iso-datetime' };
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
