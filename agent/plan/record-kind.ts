import type { Operation, SchemaNode } from '../ingest/api-model.ts';
import type { Field, SchemaView } from '../docs-view/schema-view.ts';
import type { Evidence, IdentityKind, Stream } from './connector-plan.ts';
import { fieldEvidence, reasoned, recordSteps } from './evidence.ts';
import type { FieldCiter } from './field-mapping.ts';
import { successResponse } from './response-body.ts';

/**
 * Each record's kind from a discriminator the docs give: a boolean named for a kind (`is_bot`,
 * `is_service_account`) or a field named for a type (`type`, `account_type`, `user_type`…) whose
 * values the docs list (an enum). The values are mapped to canonical kinds from a closed word list;
 * a listed value no word names keeps the stream's kind, and so does any value the docs do not list
 * (the map-record template counts it as drift `kind`). Only streams of principals (people, service
 * accounts, bots, apps) are refined: a key's `type` says nothing about who holds it.
 */

const PRINCIPALS: ReadonlySet<IdentityKind> = new Set(['human', 'service_account', 'bot', 'app']);

/** Words for a principal's kind, as a discriminator's value or a boolean's name says them. */
const KIND_WORDS: [RegExp, IdentityKind][] = [
  [/^(bots?|bot_?users?|robots?)$/i, 'bot'],
  [/^(service|service_?accounts?|serviceaccount|machines?|machine_?users?|system|technical|workload|non_?human)$/i, 'service_account'],
  [/^(apps?|applications?|integrations?|oauth_?apps?|clients?)$/i, 'app'],
  // Words for a person only: a plan's or tier's name (`full`, `standard`, `trial`) says nothing of who holds the account.
  [/^(users?|humans?|persons?|people|members?|employees?|contractors?|guests?|individuals?|person_?users?|human_?users?|end_?users?)$/i, 'human'],
];

/** The field names a type discriminator goes by. */
const TYPE_FIELD = /^(type|kind|user_?type|account_?type|principal_?type|identity_?type|member_?type|subject_?type|actor_?type|entity_?type|owner_?type)$/i;
/** A boolean named for a kind: `is_bot`, `bot`, `is_service_account`, `is_app_user`. */
const KIND_FLAG = /^(?:is_?)?(bot|robot|service_?account|machine(?:_?user)?|app(?:lication)?(?:_?user)?|human)$/i;

/** The canonical kind a value or word names, or undefined. */
export function kindWord(word: string): IdentityKind | undefined {
  const w = word.trim().replace(/[\s-]+/g, '_');
  return KIND_WORDS.find(([re]) => re.test(w))?.[1];
}

type KindFrom = NonNullable<Stream['kind_from']>;

/** From a boolean named for a kind: `true` → that kind, `false` → the stream's own (when it differs). */
function fromFlag(f: Field, node: SchemaNode, kind: IdentityKind): KindFrom['values'] | undefined {
  if (!node.type?.includes('boolean')) return undefined;
  const m = KIND_FLAG.exec(f.name);
  const named = m && kindWord(m[1]!.replace(/_?user$/i, ''));
  if (!named || named === kind) return undefined;
  return { true: named, false: kind };
}

/** From a type field whose values the docs list: every listed value → its kind (the stream's when no word names it). */
function fromType(f: Field, node: SchemaNode, kind: IdentityKind): KindFrom['values'] | undefined {
  if (!TYPE_FIELD.test(f.name) || (node.type && !node.type.includes('string'))) return undefined;
  const listed = (node.enum ?? []).filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200);
  if (listed.length < 2) return undefined;
  const values = Object.fromEntries(listed.map((v) => [v, kindWord(v) ?? kind]));
  // A discriminator only when the docs' values name a principal other than the stream's own, and one the stream is.
  const kinds = new Set(Object.values(values));
  return kinds.size > 1 && [...kinds].some((k) => k !== kind) && listed.some((v) => kindWord(v) !== undefined) ? values : undefined;
}

/**
 * The `kind_from` slot of a stream of `kind` whose records' schema is `items`, with its evidence
 * (`cite`: the field's documented words), or undefined when the docs give no discriminator. A
 * direct field beats a nested one; a type field beats a flag. Never throws.
 */
export function recordKind(view: SchemaView, items: SchemaNode, kind: IdentityKind, cite: FieldCiter): Stream['kind_from'] {
  if (!PRINCIPALS.has(kind)) return undefined;
  const fields = view.fields(items, 2).filter((f) => !view.isObject(view.resolve(f.node)));
  const ordered = [...fields.filter((f) => !f.path.includes('.')), ...fields.filter((f) => f.path.includes('.'))];
  // A flag for a bot before one for a service account or an app (Slack's `is_bot` beside `is_app_user`).
  const rank = (f: Field) => ['bot', 'service_account', 'app', 'human'].indexOf(kindWord(KIND_FLAG.exec(f.name)?.[1]?.replace(/_?user$/i, '') ?? '') ?? 'human');
  const flags = [...ordered].sort((a, b) => rank(a) - rank(b));
  for (const [read, candidates] of [[fromType, ordered], [fromFlag, flags]] as const) {
    for (const f of candidates) {
      const node = view.resolve(f.node);
      const values = read(f, node, kind);
      if (!values) continue;
      const said = Object.entries(values).map(([v, k]) => `${v} → ${k}`).join(', ');
      const evidence: Evidence[] = [cite(f.path, `each record's kind from ${f.path} (${said}); any other value keeps ${kind}`)].flat();
      return { path: f.path, values, evidence };
    }
  }
  return undefined;
}

/**
 * {@link recordKind} for a list operation's records (`items`: where they are in its success
 * response), each decision cited at the field's declaration, as the mapping's are.
 */
export function recordKindOf(view: SchemaView, op: Operation, items: { path: string; container?: 'array' | 'map' }, itemSchema: SchemaNode, kind: IdentityKind): Stream['kind_from'] {
  const response = successResponse(op);
  const cite: FieldCiter = (field, reasoning) => (response && field ? fieldEvidence(view, response, recordSteps(items.path, field, items.container), reasoning) : reasoned(op.source, reasoning));
  return recordKind(view, itemSchema, kind, cite);
}

/** {@link recordKindOf} as the stream's fields: `{ kind_from }`, or nothing (a plan without one is what it was before). */
export function kindFromField(...args: Parameters<typeof recordKindOf>): { kind_from?: NonNullable<Stream['kind_from']> } {
  const kindFrom = recordKindOf(...args);
  return kindFrom ? { kind_from: kindFrom } : {};
}
