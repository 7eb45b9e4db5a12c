import type { ApiModel, Operation, SchemaNode } from '../ingest/api-model.ts';
import { ITEMS, type SchemaView } from '../docs-view/schema-view.ts';
import { CanonicalField } from '../../templates/slots/mapping.ts';
import type { LinkEnd, LinkSlot } from '../../templates/slots/connector.ts';
import type { Evidence, IdentityKind, Mapping, ParentLink, Relation } from './connector-plan.ts';
import { excerpt, fieldEvidence, quoted, reasoned, recordSteps } from './evidence.ts';
import { collectionNoun, endsInParameter, isExcludedPath } from './identity-kinds.ts';
import { findItems, type ItemsLocation } from './items-path.ts';
import { responseBody, type ResponseBody } from './response-body.ts';
import { collectionPath, fromField, isTenantParam, singular, streamName, TENANT_NAME, type Candidate, type Rejection } from './select-streams.ts';
import { READ_ONLY_REQUEST_POLICY, type RequestPolicy } from '../../policy/request-policy.ts';

/**
 * Link streams: lists whose records are relationships between identities rather than identities —
 * memberships ("user member_of squad"), role bindings and assignments (each subject `has_role` the
 * bound role) — emitted as relationship records (templates/runtime/link-records.ts). A GET the
 * identity selection did not take is a link list when its collection noun names link records
 * (memberships, members, bindings, assignments…) and its records hold two references on different
 * sides (a member and a container, a principal and a role), or the parent record it is read under
 * is one of them. A reference is a field named for what it points at (`user_id`, `roleRef`), a
 * nested object with an id (`user: {id}`), or an array of such objects (`subjects[].name`, one
 * relationship per element). Every decision cites the docs' words (agent/plan/evidence.ts).
 */

/** Collection nouns (separators dropped, lower case) that name link records rather than identities. */
const LINK_NOUN = /(memberships?|members|bindings?|assignments?|affiliations?|enrollments?|owners|ownerships?)$/;
/** Link nouns whose records name who owns the parent record: each record is (or names) an owner. */
const OWNERSHIP_NOUN = /(owners|ownerships?)$/;
/** Link nouns whose relation is a membership first; the rest bind a role first. */
const MEMBERSHIP_NOUN = /(memberships?|members|affiliations?|enrollments?)$/;

type Side = 'member' | 'container' | 'role';

/** Words a reference's name uses for each side (compared as whole words of the name). */
const SIDE_WORDS: Record<Side, RegExp> = {
  role: /^(roles?|roledefinitions?|clusterroles?|permissionsets?)$/,
  container: /^(groups?|teams?|squads?|orgs?|organi[sz]ations?|workspaces?|departments?|units?|circles?|channels?|usergroups?|lists?|mailinglists?|rosters?)$/,
  member: /^(users?|members?|persons?|people|principals?|subjects?|identit(y|ies)|actors?|assignees?|grantees?|employees?|accounts?|serviceaccounts?|bots?|coworkers?|teammates?|staff|agents?)$/,
};

/** A scalar field's suffix that says it holds another record's key (`user_id`, `roleRef`, `group_uuid`). */
const KEY_SUFFIX = /^(.+?)[_-]?(id|uid|uuid|guid|sid|ref|key|name|login|username|email)$/i;
/** Fields that identify an object they sit in, best first. */
const ID_FIELDS = ['id', 'uid', 'uuid', 'guid', 'sid', 'key', 'name', 'login', 'username', 'email'];
/** The link record's own id. */
const OWN_ID = /^(id|uid|uuid|guid|sid|key)$/i;
/** A field holding the member's email address: who a membership names when no other member reference does (a subscription by address). */
const MEMBER_EMAIL = /^(e?mail|email_?address|subscriber)$/i;

/** The link record's own id: a bare `id`, or one named for the record itself (`member_id` in `members`, `membership_id`). */
function isOwnId(name: string, noun: string | undefined): boolean {
  if (OWN_ID.test(name)) return true;
  const m = KEY_SUFFIX.exec(name);
  if (!m || !noun || !/^(id|uid|uuid|guid|sid)$/i.test(m[2]!)) return false;
  const stem = m[1]!.toLowerCase().replace(/[^a-z0-9]/g, '');
  const record = noun.toLowerCase().replace(/[^a-z0-9]/g, '');
  return stem === record || `${stem}s` === record || `${stem}es` === record;
}

/** The words of a name, lower case: `roleDefinition_id` → role, definition, id; the squashed stem too. */
function wordsOf(name: string): string[] {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  return [...words, words.join('')];
}

function sideOf(stem: string): Side | undefined {
  const words = wordsOf(stem);
  for (const side of ['role', 'container', 'member'] as const) if (words.some((w) => SIDE_WORDS[side].test(w))) return side;
  return undefined;
}

/** One end a record's schema offers, with where the docs declare it. */
interface Reference {
  side: Side;
  end: Exclude<LinkEnd, { from: 'parent' }>;
  /** The steps from the response body to the field, for its evidence. */
  steps: string[];
  word: string;
}

function idFieldOf(view: SchemaView, node: SchemaNode | undefined): string | undefined {
  const props = view.properties(node);
  return ID_FIELDS.find((f) => Object.hasOwn(props, f) && !view.isObject(props[f]) && !view.isArray(props[f]));
}

/** The references a link record's schema holds: fields named for a side, nested objects with an id, arrays of them. */
function referencesOf(view: SchemaView, itemSchema: SchemaNode, items: ItemsLocation, bareRole: boolean, noun?: string): Reference[] {
  const out: Reference[] = [];
  for (const [name, node] of Object.entries(view.properties(itemSchema))) {
    if (isOwnId(name, noun)) continue;
    const steps = recordSteps(items.path, name, items.container);
    if (view.isArray(node)) {
      const element = view.items(node);
      const field = view.isObject(element) ? idFieldOf(view, element) : undefined;
      const side = sideOf(name);
      if (field && side) out.push({ side, end: { from: 'each', path: name, field }, steps: [...steps, ITEMS, field], word: name });
      continue;
    }
    if (view.isObject(node)) {
      const field = idFieldOf(view, node);
      const side = sideOf(name);
      if (field && side) out.push({ side, end: { from: 'field', path: `${name}.${field}` }, steps: [...steps, field], word: name });
      continue;
    }
    const m = KEY_SUFFIX.exec(name);
    const side = m ? sideOf(m[1]!) : undefined;
    if (m && side) out.push({ side, end: { from: 'field', path: name }, steps, word: m[1]! });
    // A bare `role` holding the role's name: a binding's role, but only an attribute of a membership.
    else if (bareRole && sideOf(name) === 'role' && !view.isObject(node)) out.push({ side: 'role', end: { from: 'field', path: name }, steps, word: name });
  }
  // A membership that names its member by email address only (a subscription by address): the address is the member's reference.
  if (!bareRole && !out.some((r) => r.side === 'member')) {
    const email = Object.entries(view.properties(itemSchema)).filter(([name, node]) => MEMBER_EMAIL.test(name) && !view.isObject(node) && !view.isArray(node));
    if (email.length === 1) out.push({ side: 'member', end: { from: 'field', path: email[0]![0] }, steps: recordSteps(items.path, email[0]![0], items.container), word: email[0]![0] });
  }
  return out;
}

/** The side a parent record stands on, from its stream's kind. */
function parentSide(kind: IdentityKind): Side | undefined {
  if (kind === 'group') return 'container';
  if (kind === 'role') return 'role';
  if (kind === 'human' || kind === 'service_account' || kind === 'bot' || kind === 'app') return 'member';
  return undefined;
}

export interface LinkCandidate extends Candidate {
  name: string;
  parent: ParentLink | null;
  link: LinkSlot;
}

export interface LinkSelection {
  links: LinkCandidate[];
  /** The selection's `excluded`, less the operations taken as link streams. */
  excluded: Rejection[];
}

const RELATION_WORDS: Record<Relation, string> = { member_of: 'is a member of', has_role: 'has the role', owns: 'owns', granted_to: 'is granted to' };

/**
 * The link streams among the GETs the identity selection did not take (`excluded`): each with its
 * relation, its two ends and its parent (a root identity stream whose collection path its own extends),
 * cited. `roots` are the selection's root streams; `names` the stream names already used.
 */
export function selectLinkStreams(model: ApiModel, view: SchemaView, roots: (Candidate & { name: string })[], excluded: Rejection[], names: Set<string>, policy: RequestPolicy = READ_ONLY_REQUEST_POLICY): LinkSelection {
  const notTaken = new Set(excluded.map((r) => r.operation_id));
  const found = model.operations.flatMap((op) => (op.method === 'get' && notTaken.has(op.id) && !op.deprecated ? [linkCandidate(op, view, roots, collectionPath, policy)] : [])).filter((c) => !!c);
  // One root list per collection, as for identities: the shortest path (`/rolebindings` across every
  // namespace over `/namespaces/{namespace}/rolebindings`, which needs a tenant filled in).
  const rank = (c: (typeof found)[number]) => c.op.path.split('/').length + c.op.path.length / 1000;
  const best = new Map<string, (typeof found)[number]>();
  for (const c of found.filter((x) => !x.parent)) {
    const key = c.noun.toLowerCase();
    const current = best.get(key);
    if (!current || rank(c) < rank(current)) best.set(key, c);
  }
  const coveredBy = new Map<string, string>();
  const links: LinkCandidate[] = [];
  for (const c of found) {
    const winner = best.get(c.noun.toLowerCase());
    if (!c.parent && winner && winner !== c) {
      coveredBy.set(c.op.id, `covered by GET ${winner.op.path} (the same ${c.noun} link records, a shorter path)`);
      continue;
    }
    let name = c.name;
    for (let i = 2; names.has(name); i++) name = `${c.name}_${i}`;
    names.add(name);
    links.push({ ...c, name });
  }
  const taken = new Set(links.map((l) => l.op.id));
  return { links, excluded: excluded.filter((r) => !taken.has(r.operation_id)).map((r) => (coveredBy.has(r.operation_id) ? { operation_id: r.operation_id, reason: coveredBy.get(r.operation_id)! } : r)) };
}

/**
 * Membership records the identity selection took as people: a root list named for memberships
 * (`GET /members`) whose records hold both ends as fields of their own — who (`email`, `user_id`) and
 * what they belong to (`list_id`, `team_id`) — states relationships, one a record, not persons. Such a
 * root becomes a link stream under its name; a root another stream is read under stays. Returns the
 * roots that stay and the links they became.
 */
export function membershipsTakenAsPeople(view: SchemaView, roots: (Candidate & { name: string })[], children: readonly { parent: { stream: string } | null }[], policy: RequestPolicy = READ_ONLY_REQUEST_POLICY): { roots: (Candidate & { name: string })[]; links: LinkCandidate[] } {
  const parents = new Set(children.flatMap((c) => (c.parent ? [c.parent.stream] : [])));
  const links: LinkCandidate[] = [];
  const stay = roots.filter((r) => {
    if (r.container || r.bareIds || r.pathParams.some((p) => !isTenantParam(r.op.path, p)) || parents.has(r.name)) return true;
    if (!MEMBERSHIP_NOUN.test(r.noun.toLowerCase().replace(/[^a-z0-9]/g, ''))) return true;
    const l = linkCandidate(r.op, view, [], collectionPath, policy);
    if (!l || l.link.relation !== 'member_of' || l.parent || l.link.from.from === 'parent' || l.link.to.from === 'parent') return true;
    links.push({ ...l, name: r.name });
    return false;
  });
  return { roots: stay, links };
}

function linkCandidate(op: Operation, view: SchemaView, roots: (Candidate & { name: string })[], collectionPath: (r: Candidate) => string, policy: RequestPolicy): Omit<LinkCandidate, 'name'> & { name: string } | undefined {
  if (endsInParameter(op.path) || isExcludedPath(op.path) || policy.operation(op)) return undefined;
  const noun = collectionNoun(op.path);
  if (!noun) return undefined;
  const squashed = noun.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (!LINK_NOUN.test(squashed)) return undefined;
  const membership = MEMBERSHIP_NOUN.test(squashed);
  // Only what a read needs without a human: no required query or header parameter (a tenant's aside).
  if (op.parameters.some((p) => p.required && p.in !== 'path' && !(p.in === 'query' && TENANT_NAME.test(p.name)))) return undefined;
  const queryVariables = op.parameters.filter((p) => p.required && p.in === 'query').map((p) => p.name);
  const body = responseBody(op, view);
  if (!body) return undefined;
  const items = findItems(view, body.schema, noun);
  if (!items) return undefined;
  const itemSchema = view.resolve(items.items);
  const params = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  // The parent: the root stream whose records fill the last path parameter; any before it are a tenant's.
  let parent: (Candidate & { name: string }) | undefined;
  const param = params.at(-1);
  if (param && !isTenantParam(op.path, param)) {
    if (!params.slice(0, -1).every((p) => isTenantParam(op.path, p))) return undefined;
    parent = roots.find((r) => op.path.startsWith(`${collectionPath(r)}/{${param}}/`));
    if (!parent) return undefined;
  } else if (!params.every((p) => isTenantParam(op.path, p))) return undefined;
  const refs = referencesOf(view, itemSchema, items, !membership, noun);
  const pSide = parent ? parentSide(parent.kind) : undefined;
  const one = (side: Side): Reference | 'parent' | undefined => {
    const found = refs.filter((r) => r.side === side);
    if (found.length === 1) return found[0];
    if (found.length === 0 && pSide === side) return 'parent';
    return undefined;
  };
  const member = one('member');
  const container = one('container');
  const role = one('role');
  const memberOf = member && container ? { relation: 'member_of' as const, from: member, to: container, kind: 'group' as const } : undefined;
  // A principal holds a role; a group bound to a role (no member named) holds it too.
  const holder = member ?? (refs.filter((r) => r.side === 'container').length === 1 ? container : undefined);
  const hasRole = holder && role ? { relation: 'has_role' as const, from: holder, to: role, kind: 'role' as const } : undefined;
  // Owners of the parent record (`/groups/{groupId}/owners`): each record names an owner — a member
  // reference when it holds one, else the record itself, known by its own id (a user or a group).
  const ownerId = Object.keys(view.properties(itemSchema)).find((f) => OWN_ID.test(f) && !view.isObject(view.properties(itemSchema)[f]) && !view.isArray(view.properties(itemSchema)[f]));
  const ownerRef = member && member !== 'parent' ? member : ownerId ? ({ side: 'member', end: { from: 'field', path: ownerId }, steps: recordSteps(items.path, ownerId, items.container), word: 'owner' } satisfies Reference) : undefined;
  const owns = OWNERSHIP_NOUN.test(squashed) && parent && ownerRef ? { relation: 'owns' as const, from: ownerRef as Reference | 'parent', to: 'parent' as const, kind: parent.kind } : undefined;
  const chosen = OWNERSHIP_NOUN.test(squashed) ? owns : membership ? (memberOf ?? hasRole) : (hasRole ?? memberOf);
  if (!chosen || (chosen.from === 'parent' && chosen.to === 'parent')) return undefined;
  const endOf = (e: Reference | 'parent'): LinkEnd => (e === 'parent' ? { from: 'parent' } : e.end);
  // A membership whose records say the member's role there, the docs showing an owner among the values: an owner's record owns the container.
  const byRole = chosen.relation === 'member_of' ? ownerRole(op, view, itemSchema, items) : undefined;
  const link: LinkSlot = { relation: chosen.relation, from: endOf(chosen.from), to: endOf(chosen.to), ...(byRole ? { relation_from: byRole.slot } : {}) };

  const evidence: Evidence[] = [
    ...(byRole ? [fieldEvidence(view, body.response, recordSteps(items.path, byRole.slot.path, items.container), `each record's ${byRole.slot.path} says the member's role; the docs show ${byRole.shown.map((v) => `"${v}"`).join(', ')}: a record whose ${byRole.slot.path} is ${Object.keys(byRole.slot.values).map((v) => `"${v}"`).join(' or ')} owns the ${endText(chosen.to, parent)} rather than being a member of it`)] : []),
    quoted(op.source, excerpt(op.summary ?? op.description ?? op.path), `GET ${op.path} lists ${noun}: link records, each a relationship "${endText(chosen.from, parent)} ${RELATION_WORDS[chosen.relation]} ${endText(chosen.to, parent)}", emitted as relationship records`),
    recordsAt(view, body, items),
  ];
  for (const [which, e] of [['from', chosen.from], ['to', chosen.to]] as const) {
    if (e === 'parent') {
      const p = op.parameters.find((x) => x.in === 'path' && x.name === param);
      const why = `the ${which} end is the ${singular(parent!.name)} the list is read under (GET ${parent!.op.path}), its {${param}}`;
      evidence.push(p ? quoted(p.source, p.description ? excerpt(p.description) : p.name, why) : quoted(op.source, `{${param}}`, why));
    } else {
      evidence.push(fieldEvidence(view, body.response, e.steps, `the ${which} end is ${e.end.from === 'each' ? `each element of ${e.end.path}, read at ${e.end.field} (one relationship per element)` : e.end.from === 'record' ? 'each record (a bare id)' : e.end.path}: "${e.word}" names ${e.side === 'member' ? 'a member' : e.side === 'role' ? 'a role' : 'a group'}`));
    }
  }
  // An owner's id is the owner's, not the link record's: such a record is known by the relationship it states.
  const ownId = chosen.relation === 'owns' ? undefined : Object.keys(view.properties(itemSchema)).find((f) => isOwnId(f, noun) && !view.isObject(view.properties(itemSchema)[f]));
  const mapping = Object.fromEntries(CanonicalField.options.map((f) => [f, f === 'id' && ownId
    ? { path: ownId, transform: 'string' as const, confidence: 0.8, evidence: [fieldEvidence(view, body.response, recordSteps(items.path, ownId, items.container), `each link record's own id, ${ownId}, tells a record repeated across pages from a new one`)] }
    : { path: null, transform: 'string' as const, confidence: 0.9, evidence: [reasoned(body.response.source, f === 'id' ? 'a link record with no id of its own is known by the relationships it states' : `a link record is not an identity: no ${f}`)] }])) as Mapping;
  const parentLink: ParentLink | null = parent && param
    ? { stream: parent.name, param, from_field: fromField(param, parent), relation: chosen.relation, parent_is: chosen.to === 'parent' ? 'to' : 'from' }
    : null;
  const fieldNames = Object.keys(view.properties(itemSchema));
  return {
    op,
    noun,
    kind: chosen.kind,
    nounWeight: 0.8,
    items,
    namedBy: items,
    itemSchema,
    body: body.schema,
    example: body.example,
    mapping,
    fieldNames,
    pathParams: parent && param ? [param] : [],
    fixedPath: {},
    query: {},
    queryVariables,
    queryKeys: [],
    qualifier: '',
    bareIds: false,
    headers: {},
    evidence,
    name: parent ? `${singular(parent.name)}_${streamName(noun)}` : streamName(noun),
    parent: parentLink,
    link,
  };
}

/** A membership record's field naming the member's role there (`role`, `membership_role`). */
const ROLE_FIELD = /^(role|roles?_?name|member(ship)?_?role|access_?level|permission|membership_?type|type)$/i;
/** Role values that own the container (a list's owner). */
const OWNER_VALUE = /^owners?$/i;

/**
 * Where the records of a membership list say each member's role and the docs show an owner among the
 * values (an enum, or the examples the docs print): the role field, the owner values → `owns`, and
 * every value shown. Undefined when no such field, or no owner value, is documented.
 */
function ownerRole(op: Operation, view: SchemaView, itemSchema: SchemaNode, items: ItemsLocation): { slot: NonNullable<LinkSlot['relation_from']>; shown: string[] } | undefined {
  const props = view.properties(itemSchema);
  const field = Object.keys(props).find((f) => ROLE_FIELD.test(f) && view.resolve(props[f]!).type?.includes('string'));
  if (!field) return undefined;
  const shown = new Set<string>((view.resolve(props[field]!).enum ?? []).filter((v): v is string => typeof v === 'string'));
  const steps = items.path ? items.path.split('.') : [];
  for (const r of op.responses.filter((x) => /^2/.test(x.status))) {
    for (const example of r.examples.slice(0, 10)) {
      let list: unknown = example;
      for (const step of steps) list = list && typeof list === 'object' && !Array.isArray(list) ? (list as Record<string, unknown>)[step] : undefined;
      if (!Array.isArray(list)) continue;
      for (const record of list.slice(0, 200)) {
        const v = record && typeof record === 'object' ? (record as Record<string, unknown>)[field] : undefined;
        if (typeof v === 'string' && v.length <= 200) shown.add(v);
      }
    }
  }
  const owners = [...shown].filter((v) => OWNER_VALUE.test(v));
  return owners.length ? { slot: { path: field, values: Object.fromEntries(owners.map((v) => [v, 'owns' as const])) }, shown: [...shown].slice(0, 10) } : undefined;
}

function endText(e: Reference | 'parent', parent: (Candidate & { name: string }) | undefined): string {
  if (e === 'parent') return `the ${singular(parent!.name)}`;
  return e.end.from === 'each' ? `each of ${e.end.path}` : e.end.from === 'record' ? 'each record' : e.end.path;
}

function recordsAt(view: SchemaView, body: ResponseBody, items: ItemsLocation): Evidence {
  return items.path
    ? fieldEvidence(view, body.response, items.path.split('.'), `the link records are the array at "${items.path}"`)
    : reasoned(body.response.source, 'the success response\'s body is the array of link records');
}
