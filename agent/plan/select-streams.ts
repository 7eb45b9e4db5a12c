import type { ApiModel, Operation, Parameter, Response, SchemaNode } from '../ingest/api-model.ts';
import type { Evidence, IdentityKind, Mapping, ParentLink, Relation } from './connector-plan.ts';
import { excerpt, fieldEvidence, quoted, reasoned, recordSteps } from './evidence.ts';
import { mapFields, type FieldCiter } from './field-mapping.ts';
import { classifyNoun, collectionName, type NounClass, endsInParameter, isExcludedPath, isPlural, looksLikeInfrastructure, nameWords, notIdentities, refineKind } from './identity-kinds.ts';
import { findItems, itemsAtDecidedPath, type ItemsLocation } from './items-path.ts';
import { responseBody, type ResponseBody } from './response-body.ts';
import type { SchemaView } from '../docs-view/schema-view.ts';
import { withArticle } from '../english.ts';
import { READ_ONLY_REQUEST_POLICY, type RequestPolicy } from '../../policy/request-policy.ts';
import { kindMisfit } from './llm/kind-fields.ts';

/**
 * Which operations enumerate identities. A candidate is a GET whose last path segment names an
 * identity collection and whose success response holds a list of records. Roots take no path
 * parameter; a child takes one, filled from the records of the root stream its path extends
 * (`/users/{name}/tokens` under `/users`).
 */

export interface Candidate {
  op: Operation;
  noun: string;
  kind: IdentityKind;
  nounWeight: number;
  items: ItemsLocation;
  /** Where the docs put the records — `items`, unless a live run observed them elsewhere: the stream is named after it, so observation does not rename a stream. */
  namedBy: ItemsLocation;
  itemSchema: SchemaNode;
  body: SchemaNode;
  example: unknown;
  mapping: Mapping;
  fieldNames: string[];
  /** Path parameters that must come from a parent record. */
  pathParams: string[];
  /** Path parameters with one documented value. */
  fixedPath: Record<string, string>;
  query: Record<string, string>;
  /** Required query parameters that scope to a tenant: filled from the run's tenant variables. */
  queryVariables: string[];
  /**
   * Required query parameters with no documented value that are not a tenant's (`squad`): the
   * operation is read only when one of them names a record of another stream (a query parent).
   */
  queryKeys: string[];
  /** The state word after the noun (`deactivated` in `/users/deactivated`): a collection of its own. */
  state?: string;
  /** The literal path word just before the noun that tells this collection from another of the same noun (`relay`, `viewer`), or `''`. */
  qualifier: string;
  /** The records are bare ids (`people: ["U1", …]`): each id is the record. */
  bareIds: boolean;
  /** A container of credentials (`/pipelines`): read only to reach the credentials under each record, never emitted. */
  container?: boolean;
  headers: Record<string, string>;
  evidence: Evidence[];
}

export interface ChildCandidate extends Candidate {
  parent: ParentLink;
}

/**
 * A path parameter that scopes the API to a tenant — an organisation, account, workspace, tailnet —
 * rather than naming a record another stream lists: a human fills it in, like a server variable
 * (`/orgs/{org}/members`, `/{account_slug}/members`, `/tailnet/{tailnet}/users`).
 */
export const TENANT_NAME = /^(orgs?|organi[sz]ation|tenant|account|workspace|tailnet|project|company|enterprise|site|realm|instance|space|namespace|environment|team|customer|domain|directory)(_?(id|slug|name|key|sid|uuid|ref|handle|code))?$/i;
const TENANT_SEGMENT = /^(orgs?|organi[sz]ations?|tenants?|accounts?|workspaces?|tailnets?|projects?|compan(y|ies)|enterprises?|sites?|realms?|instances?|spaces?|namespaces?|environments?)$/i;

export function isTenantParam(path: string, param: string): boolean {
  const before = path.slice(0, path.indexOf(`{${param}}`)).split('/').filter(Boolean).at(-1) ?? '';
  return TENANT_NAME.test(param) || TENANT_SEGMENT.test(before.replace(/\.\w+$/, ''));
}

export interface Rejection {
  operation_id: string;
  reason: string;
  /** The request policy's reason, when it is the policy that left the operation out. */
  policy?: string;
  /**
   * The heuristics judged the operation's words to name identities but left it out for what they could
   * not read in its response or path (no list found, no identifier, a parent nothing fills): a doubt
   * `--planner auto` asks a model about (agent/plan/llm/review-loop.ts). Never set for a rule's refusal.
   */
  doubtful?: true;
}

const PAGINATION_PARAM = /^(limit|offset|page|page_?size|per_?page|cursor|after|before|continue|start|skip|count|max_?results|start_?at|page_?token|marker)$/i;

function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/** Enum values that widen a filter to every record. */
const ALL_VALUE = /^(all|any|\*|everything|both)$/i;

/** The enum value of a filter parameter that lets every record through (`state=all`), when the docs offer one. */
function widestValue(p: Parameter, view: SchemaView): string | undefined {
  const found = view.resolve(p.schema).enum?.find((v) => typeof v === 'string' && ALL_VALUE.test(v));
  return typeof found === 'string' ? found : undefined;
}

/** Words for identities a list may leave out by default. */
const LEFT_OUT_STATES = /\b(deleted|deactivated|suspended|inactive|disabled|archived|removed|deprovisioned|blocked|locked|expired|revoked|invited|pending|guests?|bots?|service[_ ]accounts?)\b/i;

/** An optional boolean flag (`include_suspended`, `show_deleted`), off by default, that adds identities in such a state. */
function includesLeftOutIdentities(p: Parameter, view: SchemaView): boolean {
  const s = view.resolve(p.schema);
  if (!s.type?.includes('boolean') || s.default === true) return false;
  const m = /^(?:include|show|with|return|list)[_-]?(.+)$/i.exec(p.name);
  return !!m && LEFT_OUT_STATES.test(`${m[1]!.replace(/[_-]/g, ' ')} ${p.description ?? ''}`);
}

/**
 * A required parameter fetchwright can fill without a human: the enum value that lets every record
 * through (an inventory wants them all), else its default, else its only enum value.
 */
function fixedValue(p: Parameter, view: SchemaView): string | undefined {
  const s = view.resolve(p.schema);
  const widest = widestValue(p, view);
  if (widest !== undefined) return widest;
  if (s.default !== undefined && s.default !== null && typeof s.default !== 'object') return String(s.default);
  if (s.enum?.length === 1 && typeof s.enum[0] !== 'object') return String(s.enum[0]);
  return undefined;
}

const CREDENTIAL_PARAM = /^(authorization|token|api_?key|x-api-key|access_?token|cookie)$/i;

/** The docs' words about a list and its records: the summary, the description, each record field's description. */
function meaningOf(op: Operation, view: SchemaView, itemSchema: SchemaNode): string {
  const fields = Object.values(view.properties(itemSchema)).map((n) => view.resolve(n).description ?? '');
  return [op.summary ?? '', op.description ?? '', itemSchema.description ?? '', ...fields].join(' \n ').slice(0, 20_000);
}

/** The operation pages (a documented paging parameter), or its own words call it a list of the noun's plural. */
function pagedOrPlural(op: Operation, noun: string): boolean {
  if (op.parameters.some((p) => p.in === 'query' && PAGINATION_PARAM.test(p.name))) return true;
  const words = `${op.summary ?? ''} ${op.description ?? ''}`.toLowerCase();
  const stem = noun.toLowerCase().replace(/[^a-z]/g, '');
  return stem.length > 2 && new RegExp(`\\b${stem}(s|es)\\b`).test(words);
}

/** The mapping of bare-id records: the record itself is the id; nothing else is known. */
function bareIdMapping(cite: FieldCiter, items: ItemsLocation): { mapping: Mapping; fieldNames: string[] } {
  const unknown = (field: string) => ({ path: null, transform: 'string' as const, confidence: 0.9, evidence: [cite(undefined, `the records are bare ids: no field maps to ${field}, unknown (null)`)].flat() });
  const mapping = {
    id: { path: '', transform: 'string', confidence: 0.9, evidence: [cite(undefined, `each record in ${items.path ? `"${items.path}"` : 'the body'} is a bare id: id ← the record itself`)].flat() },
    ...Object.fromEntries((['display_name', 'email', 'status', 'owner_id', 'scopes', 'created_at', 'last_used_at', 'expires_at'] as const).map((f) => [f, unknown(f)])),
  } as Mapping;
  return { mapping, fieldNames: [] };
}

/** A field named after the record (`oauth_app_sid`, `member_id`): the record's own id, when no plainer one exists. */
function recordIdField(raw: string, fields: string[]): string | undefined {
  const words = nameWords(raw).map((w) => w.replace(/ies$/, 'y').replace(/s$/, ''));
  for (let i = 0; i < words.length; i++) {
    const stem = words.slice(i).join('_');
    const found = fields.find((f) => new RegExp(`^${stem}_?(sid|id|uuid|key)$`, 'i').test(f.replace(/([a-z])([A-Z])/g, '$1_$2')));
    if (found) return found;
  }
  return undefined;
}

/** Prose that says a field may be missing: "may be null", "not set for…", "optional", "if any". */
const ABSENT_PROSE = /\b(may|can|might|could|will)\s+(also\s+)?be\s+(null|empty|absent|missing|omitted|unset|blank)\b|\bnot\s+(always\s+)?(set|present|returned|provided|available)\b|\boptional(ly)?\b|\bif\s+(any|set|present|available)\b|\bis\s+null\s+(when|if|for|until)\b/i;

/**
 * Whether the docs single out `field` of the records as possibly absent: nullable while most other
 * fields are not (docs that mark every field nullable say nothing of this one), or its description
 * says so. A record whose id turns out null is refused at run time anyway (`record-without-id`).
 */
export function idMayBeAbsent(view: SchemaView, itemSchema: SchemaNode, field: string): boolean {
  const props = view.properties(itemSchema);
  const node = view.resolve(props[field]);
  if (ABSENT_PROSE.test(node.description ?? '')) return true;
  if (!node.nullable) return false;
  const others = Object.keys(props).filter((f) => f !== field);
  const nullable = others.filter((f) => view.resolve(props[f]).nullable).length;
  return others.length === 0 || nullable * 2 < others.length;
}

/** States a plain list holds anyway: a list of them is the plain list's subset, not a collection of its own. */
const LISTED_STATE = /^(active|enabled|verified|approved|confirmed)$/;

/** Path words naming the caller: its own teams (`/viewer/teams`) are a collection apart from the tenant's. */
const CALLER_WORD = /^(viewer|my|mine|caller|current_?user|user)$/i;
const TENANT_WORD = /^(orgs?|organi[sz]ations?|tenants?|accounts?|workspaces?|tailnets?|projects?|compan(y|ies)|enterprises?|sites?|realms?|instances?|spaces?|namespaces?|environments?|admin|iam|directory|scim|identity|management|mgmt|manage)$/i;

/** The literal word just before the noun, when it tells one collection of the noun from another (`relay` keys, `viewer` teams). */
function qualifierWord(context: string[], path: string): string {
  const last = context.at(-1);
  // A plain word only: an API group or host (`rbac.authorization.k8s.io`) or `apis` names no collection.
  if (!last || TENANT_WORD.test(last) || !/^[a-z][a-z_-]*$/.test(last) || /^(apis?|rest|public|services?|internal|external|private)$/.test(last)) return '';
  // `/orgs/{org}/teams`: a parameter right before the noun scopes it; the word before that names the scope, not the collection.
  const segments = path.split('/').filter(Boolean);
  const nounAt = segments.findLastIndex((s) => !s.startsWith('{'));
  if (nounAt > 0 && segments[nounAt - 1]!.startsWith('{')) return '';
  return last;
}

/**
 * `asContainer`: read `op` as a container of credentials (`/pipelines` for `/pipelines/{id}/keys`):
 * its records are not identities and are never emitted — the kind given is its children's — and
 * what decides is only that it lists records with an identifier.
 */
function candidateOf(op: Operation, view: SchemaView, rejections: Rejection[], policy: RequestPolicy, notes: Map<string, string>, asContainer?: IdentityKind, decidedKind?: IdentityKind, doubts?: Set<string>, decidedItemsPath?: string, keyField?: string): Candidate | undefined {
  if (op.method !== 'get') return undefined;
  // Why a GET was not a candidate at all: kept for the plan's list of what was considered and left out.
  const not = (why: string, doubtful = false) => (notes.set(op.id, why), doubtful && doubts?.add(op.id), undefined);
  if (endsInParameter(op.path)) return not('ends in a path parameter: it reads one record, not a list');
  if (isExcludedPath(op.path)) return not('the caller\'s own record, a log or a schema (me, self, audit, events, sessions…), not an inventory list');
  // A read must stay a read: an operation whose path or own words say it issues, rotates or deletes is never called.
  const refusedOp = policy.operation(op);
  if (refusedOp) {
    rejections.push({ operation_id: op.id, reason: `refused by the request policy: ${refusedOp.reason}`, policy: refusedOp.reason });
    return undefined;
  }
  const named = collectionName(op.path);
  if (!named) return not('its path names no collection');
  const noun = named.noun;
  const body = responseBody(op, view);
  if (!body) return not('the docs give no JSON body for its success response');
  // Where a model decided the records are stands when an array is there (the proof judges it); else the heuristics look.
  const items = (decidedItemsPath !== undefined ? itemsAtDecidedPath(view, body.schema, decidedItemsPath) : undefined) ?? findItems(view, body.schema, noun);
  // The path names identities but the heuristics find no list of them: a doubt, not a rule.
  const namesIdentities = () => !!classifyNoun(named.raw, []);
  if (!items) return not(`its response holds no list of ${noun}`, namesIdentities());
  // A singular noun (`/user`) is a list only when its records are plainly the body or named after it,
  // or sit in a generic page wrapper (`items`) of an operation the docs page or call a list of them.
  if (!isPlural(noun) && items.reason !== 'decided' && items.reason !== 'body-is-array' && items.reason !== 'body-is-map' && items.reason !== 'named-after-noun' && !(items.reason === 'generic-wrapper' && pagedOrPlural(op, noun))) return not(`"${noun}" is singular and its response is not plainly a list of them`, namesIdentities());
  const itemSchema = view.resolve(items.items);
  const bareIds = !!itemSchema.type?.length && itemSchema.type.every((t) => t === 'string' || t === 'integer' || t === 'number');
  const topFields = Object.keys(view.properties(itemSchema));
  // A kind decided elsewhere (the model-driven planner) stands for the noun's classification; the records are still read here.
  const given = asContainer ?? decidedKind;
  const cls = given ? { kind: given, weight: asContainer ? 0.6 : 1, modifiers: [] as string[], head: undefined } : classifyNoun(named.raw, topFields);
  if (!cls) return not(`${noun} are not identities`);
  const words = meaningOf(op, view, itemSchema);
  const summary = `${op.summary ?? ''} ${op.description?.split(/(?<=\.)\s/)[0] ?? ''}`;
  const notThem = given ? undefined : notIdentities(cls as NounClass, noun, named.context, topFields, words);
  if (notThem) {
    rejections.push({ operation_id: op.id, reason: `lists ${noun}, but ${notThem}` });
    return undefined;
  }
  if (!given && looksLikeInfrastructure(cls.kind, topFields)) {
    rejections.push({ operation_id: op.id, reason: `lists ${noun}, but its records describe infrastructure (${topFields.slice(0, 6).join(', ')}), not identities` });
    return undefined;
  }
  if (!topFields.length && !bareIds) {
    rejections.push({ operation_id: op.id, reason: `lists ${noun} but the docs describe no fields of its records` });
    return undefined;
  }
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  const fixedPath: Record<string, string> = {};
  for (const p of op.parameters.filter((x) => x.in === 'path')) {
    const value = fixedValue(p, view);
    if (value === undefined || !op.path.includes(`{${p.name}}`)) continue;
    const refused = policy.fixedValue('path', p.name, value, p.description);
    if (refused) {
      rejections.push({ operation_id: op.id, reason: `refused by the request policy: ${refused.reason}`, policy: refused.reason });
      return undefined;
    }
    fixedPath[p.name] = value;
  }
  const queryVariables: string[] = [];
  const queryKeys: string[] = [];
  for (const p of op.parameters) {
    if (p.in === 'path' || CREDENTIAL_PARAM.test(p.name) || PAGINATION_PARAM.test(p.name)) continue;
    // An optional filter is widened to every record: its `all` value (whatever the default, stated or implied),
    // or an include flag for identities in a state a list may leave out (`include_suspended=true`).
    if (!p.required) {
      if (p.in !== 'query') continue;
      const widest = widestValue(p, view);
      const def = view.resolve(p.schema).default;
      const value = widest !== undefined && String(def) !== widest ? widest : includesLeftOutIdentities(p, view) ? 'true' : undefined;
      // An optional value the policy refuses is simply not sent.
      if (value !== undefined && !policy.fixedValue('query', p.name, value, p.description)) query[p.name] = value;
      continue;
    }
    const value = fixedValue(p, view);
    // A required tenant scope in the query (`team_id`, `org_id`) is a variable a human fills in.
    if (value === undefined && p.in === 'query' && TENANT_NAME.test(p.name)) {
      queryVariables.push(p.name);
      continue;
    }
    // A required key in the query (`squad`) may name another stream's record: decided once the streams are known.
    if (value === undefined && p.in === 'query') {
      queryKeys.push(p.name);
      continue;
    }
    if (value === undefined) {
      rejections.push({ operation_id: op.id, reason: `needs the ${p.in} parameter "${p.name}", which has no documented default` });
      return undefined;
    }
    // A required value the policy refuses (`action=rotate`, `_method=DELETE`, `X-HTTP-Method-Override`) leaves the operation out.
    const refused = p.in === 'header' ? (policy.header(p.name, value) ?? policy.fixedValue('header', p.name, value, p.description)) : p.in === 'query' ? policy.fixedValue('query', p.name, value, p.description) : undefined;
    if (refused) {
      rejections.push({ operation_id: op.id, reason: `refused by the request policy: ${refused.reason}`, policy: refused.reason });
      return undefined;
    }
    if (p.in === 'query') query[p.name] = value;
    else if (p.in === 'header') headers[p.name] = value;
  }
  const kind = given ?? refineKind(cls.kind, topFields, { words, summary, modifiers: cls.modifiers, ...(cls.head ? { head: cls.head } : {}) });
  // A live run's observation stands in front of the docs' own response: the docs' reading of the same records, for their words.
  const docs = body.response.observed ? documentedRecords(op, view, noun) : undefined;
  const cite = fieldCiter(view, body, items, docs);
  const { mapping, fieldNames } = bareIds ? bareIdMapping(cite, items) : mapFields(view, itemSchema, kind, cite, docs ? (field) => view.resolve(view.at(docs.items.items, field)).description : undefined);
  // A key another decision names the records by (a relationship's end: agent/plan/link-targets.ts) is their id.
  if (keyField && !bareIds && fieldNames.includes(keyField)) mapping.id = { path: keyField, transform: 'string', confidence: 0.85, evidence: [cite(keyField, `id ← ${keyField}: the key the records are named by elsewhere in the plan, as string`)].flat() };
  // `<record>_sid` / `<record>_id` (`oauth_app_sid` in consented OAuth apps): the record's own identifier.
  if (!bareIds && !mapping.id?.path) {
    const own = recordIdField(named.raw, fieldNames);
    // An identifier the docs single out as possibly null identifies nothing; one nullable like every other field is still the id.
    if (own && !idMayBeAbsent(view, itemSchema, own)) mapping.id = { path: own, transform: 'string', confidence: 0.8, evidence: [cite(own, `id ← ${own}: named after the record (${cls.head ?? noun}), as string`)].flat() };
  }
  if (!bareIds && !mapping.id?.path) {
    const own = recordIdField(named.raw, fieldNames);
    if (own) {
      rejections.push({ operation_id: op.id, reason: `lists ${noun} but no field of its records looks like an identifier (${own} is named for one, but the docs single it out as possibly null or absent)`, doubtful: true });
      return undefined;
    }
    rejections.push({ operation_id: op.id, reason: `lists ${noun} but no field of its records looks like an identifier`, doubtful: true });
    return undefined;
  }
  return {
    op,
    noun,
    kind,
    nounWeight: cls.weight,
    items,
    namedBy: docs?.items ?? items,
    itemSchema,
    body: body.schema,
    example: body.example,
    mapping,
    fieldNames,
    pathParams: pathParams(op.path).filter((p) => !(p in fixedPath)),
    fixedPath,
    query,
    queryVariables,
    queryKeys,
    ...(named.state ? { state: named.state } : {}),
    qualifier: qualifierWord(named.context, op.path),
    bareIds,
    ...(asContainer ? { container: true } : {}),
    headers,
    evidence: asContainer ? [quoted(op.source, excerpt(op.summary ?? op.description ?? op.path), `GET ${op.path} lists ${noun}, which are not identities: read only to reach the ${asContainer} records under each, never emitted`), ...recordsEvidence(view, body, items, docs)] : [
      quoted(op.source, excerpt(op.summary ?? op.description ?? op.path), `GET ${op.path} lists ${named.state ? `${named.state} ` : ''}${noun}${cls.head ? ` (head noun "${cls.head}")` : ''}: ${kind} records${bareIds ? ', each a bare id' : ''}`),
      ...recordsEvidence(view, body, items, docs),
    ],
  };
}

/**
 * `op` read as a list of `kind` identities whatever its noun says — for a list another decision names
 * as identities (the collection a membership's end points at: agent/plan/link-targets.ts). Its records,
 * parameters and mapping are read as for any list, `keyField` (a field of its records) its id;
 * undefined when it is no list the rules allow
 * (one record, a write, no JSON body, no records, a required parameter with no value).
 */
export function candidateAs(op: Operation, view: SchemaView, kind: IdentityKind, keyField: string, policy: RequestPolicy = READ_ONLY_REQUEST_POLICY): Candidate | undefined {
  return candidateOf(op, view, [], policy, new Map(), undefined, kind, undefined, undefined, keyField);
}

/** The docs' own success response of an operation a live run observed, and where the docs put its records. */
interface DocumentedRecords {
  response: Response;
  items: ItemsLocation;
}

function documentedRecords(op: Operation, view: SchemaView, noun: string): DocumentedRecords | undefined {
  const response = op.responses.find((r) => !r.observed && /^2(\d\d|XX)$/i.test(r.status) && (r.schema || r.examples.length));
  const body = response && responseBody({ ...op, responses: [response] }, view);
  const items = body && findItems(view, body.schema, noun);
  return response && items ? { response, items } : undefined;
}

const OBSERVED = 'observed in a live run';

/** Where the records are, in words: `the array at "data"`, `the values of the map at "" keyed by name`. */
function recordsWhere(items: ItemsLocation): string {
  if (items.container === 'map') return `the values of ${items.path ? `the map at "${items.path}"` : 'the body, a map'} keyed by ${items.mapKey ? `their ${items.mapKey}` : 'data'}`;
  return items.path ? `the array at "${items.path}"` : 'the body, an array';
}

/**
 * Where the records are, cited: the field that holds them (its docs' words, or its name), or the
 * response itself when the body is the list; for an observed response, that it was observed, and
 * where the docs put them when that differs (the observation is the stronger evidence).
 */
function recordsEvidence(view: SchemaView, body: ResponseBody, items: ItemsLocation, docs: DocumentedRecords | undefined): Evidence[] {
  const observed = !!body.response.observed;
  const why = items.container === 'map' ? 'each value a record' : RECORDS_BECAUSE[items.reason];
  const out: Evidence[] = [
    items.path
      ? fieldEvidence(view, body.response, items.path.split('.'), `the records are ${recordsWhere(items)}, ${why}${observed ? `, ${OBSERVED}` : ''}`)
      : items.container === 'map'
        ? reasoned(body.response.source, `the success response's body is a map keyed by ${items.mapKey ? `the records' ${items.mapKey}` : 'data'}: its values are the records${observed ? `, ${OBSERVED}` : ''}`)
        : reasoned(body.response.source, `the success response's body is the array of records${observed ? `, ${OBSERVED}` : body.documented ? '' : ' (shown by the docs\' example)'}`),
  ];
  if (docs && (docs.items.path !== items.path || docs.items.container !== items.container)) {
    out.push(reasoned(docs.response.source, `the docs put the records in ${recordsWhere(docs.items)}; a live run observed ${recordsWhere(items)}, which the plan follows`));
  }
  return out;
}

/**
 * Evidence for a mapped field: where the records' schema declares it; for an observed response,
 * that the field was observed in a live run, and the docs' own words for it when they declare it.
 */
function fieldCiter(view: SchemaView, body: ResponseBody, items: ItemsLocation, docs: DocumentedRecords | undefined): FieldCiter {
  return (field, reasoning) => {
    if (field === undefined) return reasoned(body.response.source, reasoning);
    if (!body.response.observed) return fieldEvidence(view, body.response, recordSteps(items.path, field, items.container), reasoning);
    const out = [fieldEvidence(view, body.response, recordSteps(items.path, field, items.container), `${reasoning}; ${field} ${OBSERVED}`)];
    const steps = docs && recordSteps(docs.items.path, field, docs.items.container);
    if (docs && steps && view.declaration(docs.response.schema, steps)) out.push(fieldEvidence(view, docs.response, steps, `the docs' words for ${field}`));
    return out;
  };
}

const RECORDS_BECAUSE: Record<ItemsLocation['reason'], string> = {
  'body-is-array': 'the body itself',
  'body-is-map': 'the body itself, a map keyed by data',
  'named-after-noun': 'named after the collection',
  'generic-wrapper': 'the usual name of a list wrapper',
  'only-array': 'the only array of records in the body',
  decided: 'where the model decided the records are',
};

/** The docs' words for a query parameter that takes a parent's record: its description, else its name. */
function queryParentEvidence(op: Operation, param: string, reasoning: string) {
  const p = op.parameters.find((x) => x.in === 'query' && x.name === param)!;
  return quoted(p.source, p.description ? excerpt(p.description) : p.name, reasoning);
}

/** The docs' words for a path parameter: its description, else its name; else the `{param}` in the path. */
function parentEvidence(op: Operation, param: string, reasoning: string) {
  const p = op.parameters.find((x) => x.in === 'path' && x.name === param);
  if (!p) return quoted(op.source, `{${param}}`, reasoning);
  return quoted(p.source, p.description ? excerpt(p.description) : p.name, reasoning);
}

export function singular(s: string): string {
  return s.replace(/ies$/, 'y').replace(/(ss|x|ch|sh)es$/, '$1').replace(/s$/, '');
}

export function streamName(noun: string): string {
  return noun.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** How a child's records relate to the parent record, and which end the parent is. */
function relationOf(parent: IdentityKind, child: IdentityKind): { relation: Relation; parent_is: 'from' | 'to' } | undefined {
  if (['token', 'api_key', 'ssh_key', 'certificate'].includes(child)) return { relation: 'owns', parent_is: 'from' };
  if (child === 'oauth_grant') return { relation: 'granted_to', parent_is: 'to' };
  if (child === 'role') return { relation: 'has_role', parent_is: 'from' };
  if (child === 'group' && parent !== 'group') return { relation: 'member_of', parent_is: 'from' };
  if ((child === 'human' || child === 'service_account' || child === 'bot') && (parent === 'group' || parent === 'role')) {
    return parent === 'group' ? { relation: 'member_of', parent_is: 'to' } : { relation: 'has_role', parent_is: 'to' };
  }
  if ((child === 'human' || child === 'group') && parent === 'app') return { relation: 'granted_to', parent_is: 'from' };
  // Apps and groups an account holds (`/Accounts/{AccountSid}/OauthApps.json`) are the account's.
  if ((child === 'app' || child === 'group') && parent === 'service_account') return { relation: 'owns', parent_is: 'from' };
  // Members of any other container (a team account, an organisation) belong to it.
  if (child === 'human' || child === 'service_account' || child === 'bot') return { relation: 'member_of', parent_is: 'to' };
  return undefined;
}

/** The parent record field that fills the child's path parameter (`userId` → `id`, `AccountSid` → `sid`). */
export function fromField(param: string, parent: Candidate): string {
  const fields = parent.fieldNames;
  const exact = fields.find((f) => f === param) ?? fields.find((f) => f.toLowerCase() === param.toLowerCase());
  if (exact) return exact;
  const stem = singular(parent.noun.toLowerCase()).replace(/[^a-z]/g, '');
  const stripped = param.replace(new RegExp(`^${stem}_?`, 'i'), '');
  const byStem = fields.find((f) => f.toLowerCase() === stripped.toLowerCase());
  if (byStem) return byStem;
  if (/name$/i.test(param)) return fields.find((f) => f === 'name') ?? parent.mapping.id!.path!;
  return parent.mapping.id!.path!;
}

const CREDENTIAL_KINDS = new Set<IdentityKind>(['api_key', 'token', 'ssh_key', 'certificate']);
/** A path word that only groups a record's credentials (`/apps/{appId}/credentials/secrets`), naming no records of its own. */
const GROUPING_WORD = /^(credentials?|auth|authentication|security|keys)$/i;

export interface Selection {
  roots: (Candidate & { name: string })[];
  children: (ChildCandidate & { name: string })[];
  rejections: Rejection[];
  /** Every GET operation not taken as a stream, with why: what the reviewer checks for a missing identity list. */
  excluded: Rejection[];
}

/** The undeprecated GET at exactly `prefix` (an extension or trailing slash aside), not one of `taken`. */
function listingAt(model: ApiModel, prefix: string, taken?: Set<Operation>): Operation | undefined {
  return model.operations.find((o) => o.method === 'get' && !o.deprecated && o.path.replace(/\.(json|xml)$/i, '').replace(/\/$/, '') === prefix && !taken?.has(o));
}

/** Path words that name no collection: API roots, visibility words. */
const GENERIC_PATH_WORD = /^(apis?|rest|public|services?|internal|external|private)$/;

/**
 * The literal words of a list's path before its noun that tell its collection from another of the
 * same noun, in order (`['relay']` for `/relay/keys`, `['functions']` for
 * `/v2/functions/namespaces/{namespace_id}/keys`, `['apps', 'credentials']` for
 * `/apps/{appId}/credentials/secrets`): versions, API roots, hosts and tenant words left out, so
 * `/admin/users`, `/orgs/{org}/users` and `/users` have none.
 */
export function collectionWords(path: string): string[] {
  return (collectionName(path)?.context ?? []).filter((w) => /^[a-z][a-z_-]*$/.test(w) && !TENANT_WORD.test(w) && !GENERIC_PATH_WORD.test(w));
}

/**
 * Whether two lists read the same collection — the one notion behind one root per collection and
 * the least-privilege drop of an admin list. Never when their paths name different collections:
 * each under its own words (`/relay/keys`, `/storage/keys`), or one under the caller's word
 * (`/viewer/teams`). Otherwise the same when the noun, state and words are (`/users`, `/admin/users`),
 * or when the records have the same documented fields (`/keys`, `/access_keys`; `/users`,
 * `/assignees/users`). `/tokens` and `/runners/access_tokens` are different collections though both
 * hold tokens; so are `/spaces/keys` and `/functions/namespaces/{id}/keys`, whose records differ.
 */
export function sameCollection(a: Candidate, b: Candidate): boolean {
  const [wa, wb] = [collectionWords(a.op.path), collectionWords(b.op.path)];
  const caller = (w: string[]) => w.some((x) => CALLER_WORD.test(x));
  if (caller(wa) !== caller(wb)) return false;
  if (wa.length && wb.length && wa.join('/') !== wb.join('/')) return false;
  if (a.noun.toLowerCase() === b.noun.toLowerCase() && (a.state ?? '') === (b.state ?? '') && wa.join('/') === wb.join('/')) return true;
  const fields = (c: Candidate) => [...c.fieldNames].sort().join(',');
  return a.fieldNames.length > 0 && fields(a) === fields(b);
}

/** The top-level scalar field of a list's records named as `param` is (`clientId` ↔ `client_id`), or undefined. */
function fieldNamed(param: string, c: Candidate): string | undefined {
  const squash = (n: string) => n.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (!/(id|key|sid|uuid|slug)$/i.test(param) || squash(param) === 'id') return undefined;
  return Object.entries(c.itemSchema.properties ?? {}).find(([f, n]) => squash(f) === squash(param) && !n.type?.some((t) => t === 'object' || t === 'array'))?.[0];
}

/** A parameter's record stem: `squad_slug` → `squad`, `accountId` → `account`, `usergroup` → `usergroup`. */
function paramStem(param: string): string {
  return param.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/[_-]?(ids?|slug|name|key|sid|uuid|guid|ref|handle|code)$/, '').replace(/[^a-z0-9]/g, '');
}

/** The singular of a collection noun, separators dropped (`people` → `person`, `user_groups` → `usergroup`). */
function recordWord(noun: string): string {
  const n = noun.toLowerCase().replace(/[^a-z0-9]/g, '');
  return n === 'people' ? 'person' : singular(n);
}

/** The stream a parameter names a record of (`{squad_slug}`, `?squad=`): by its stem. */
function namedParent<T extends Candidate>(param: string, streams: T[], self: Candidate): T | undefined {
  const stem = paramStem(param);
  if (stem.length < 2) return undefined;
  return streams.find((r) => r !== self && r.op !== self.op && (recordWord(r.noun) === stem || recordWord(streamName(r.noun).split('_').at(-1) ?? '') === stem));
}

/** `policy`: the request policy every fixed value and operation must pass (the shipped read-only one). */
/** The path a collection's records sit under: `/Accounts.json` → `/Accounts`, `/squads/` → `/squads`. */
export function collectionPath(r: Candidate): string {
  return r.op.path.replace(/\.(json|xml)$/i, '').replace(/\/$/, '');
}

/** Collection nouns whose records are relationships (a membership names a member and a list): their other fields repeat across records. */
const RELATIONSHIP_RECORDS = /(memberships?|members|bindings?|assignments?|enrollments?|subscriptions?)$/;

export function selectStreams(model: ApiModel, view: SchemaView, policy: RequestPolicy = READ_ONLY_REQUEST_POLICY): Selection {
  const rejections: Rejection[] = [];
  const notes = new Map<string, string>();
  const doubts = new Set<string>();
  let candidates = model.operations.map((op) => candidateOf(op, view, rejections, policy, notes, undefined, undefined, doubts)).filter((c): c is Candidate => !!c);

  const rank = (c: Candidate) => (c.op.deprecated ? 100 : 0) + c.op.path.split('/').length + c.op.path.split('.').length / 10 + c.op.path.length / 1000;

  // Bare ids under another collection's word (`/conversations.members`: ids of one conversation's members)
  // name no record to read them for: one record's list, not an inventory.
  for (const c of candidates.filter((c) => c.bareIds && c.qualifier && !c.queryKeys.length && !c.queryVariables.length && !c.pathParams.length)) {
    rejections.push({ operation_id: c.op.id, reason: `its records are bare ids of the ${c.noun} of one ${c.qualifier} record, and no parameter says which: not an inventory list` });
  }
  candidates = candidates.filter((c) => !rejections.some((r) => r.operation_id === c.op.id));
  const unscoped = candidates.filter((c) => c.pathParams.length === 0 && !c.queryKeys.length);
  // A list is a root when every path parameter it has is a tenant's, unless its one parameter is a
  // record of an unscoped list (`/Accounts/{AccountSid}/Keys.json` is a child of `/Accounts.json`).
  // So is a list whose last parameter follows a collection another candidate lists, under the same tenant
  // (`/orgs/{org}/teams/{team_slug}/members` beside `/orgs/{org}/teams`): `team_slug` names a listed record.
  const hasUnscopedParent = (c: Candidate) => {
    const last = c.pathParams.at(-1);
    if (!last) return false;
    const prefix = c.op.path.slice(0, c.op.path.indexOf(`/{${last}}`));
    return candidates.some((r) => r !== c && !r.queryKeys.length && collectionPath(r) === prefix && r.pathParams.every((p) => isTenantParam(r.op.path, p)));
  };
  // Credentials under a tenant-like word whose records the docs list (`/functions/namespaces/{namespace_id}/keys`
  // beside `GET /functions/namespaces`) are read per listed record, as a container's: no human fills it in.
  const listedPrefix = (c: Candidate) => CREDENTIAL_KINDS.has(c.kind) && c.pathParams.length === 1 && !!listingAt(model, c.op.path.slice(0, c.op.path.indexOf(`/{${c.pathParams[0]}}`)));
  const tenantScoped = candidates.filter((c) => c.pathParams.length > 0 && !c.queryKeys.length && c.pathParams.every((p) => isTenantParam(c.op.path, p)) && !hasUnscopedParent(c) && !listedPrefix(c));
  const eligible = [...unscoped, ...tenantScoped];
  // A required query value that is another list's record id (`/person/groups?accountId=` where the
  // people's id is `accountId`) reads one record's list: a child of that list, never a root with a tenant variable.
  // So is a tenant-like key named after the word the list sits under (`/admin.teams.admins.list?team_id=`:
  // one team's admins): it names a record of that collection, not the tenant.
  const queryChildOf = new Map<Candidate, { parent?: Candidate; param: string; under?: string }>();
  for (const c of eligible) {
    for (const param of c.queryVariables) {
      // `/person/groups?accountId=`: the key is the people's id, or the list sits under the singular word for their records.
      const word = c.qualifier.toLowerCase().replace(/[^a-z0-9]/g, '');
      const parent =
        eligible.find((r) => r !== c && !r.queryVariables.length && !r.bareIds && r.mapping.id?.path === param) ??
        (c.queryVariables.length === 1 && word && recordWord(word) === word ? eligible.find((r) => r !== c && !r.queryVariables.length && !r.bareIds && !!r.mapping.id?.path && recordWord(r.noun) === word) : undefined);
      if (parent) queryChildOf.set(c, { parent, param });
      else if (c.qualifier && paramStem(param) === recordWord(c.qualifier)) queryChildOf.set(c, { param, under: c.qualifier });
    }
  }
  // Roots: one per collection — (kind, noun, state, the path's distinguishing words) — the shortest
  // undeprecated path winning (`/users` over `/admin/users`). Two lists of the same noun under
  // different words (`/relay/keys`, `/storage/keys`; the caller's `/viewer/teams`) are different
  // collections; a list under a word is the plain list's when its records are (`sameCollection`).
  // A state the plain list already holds (`/users/active`) is that list's; one it leaves out (`deactivated`, `pending`) is its own.
  const baseKey = (c: Candidate) => `${c.kind}:${c.noun.toLowerCase()}:${c.state && !LISTED_STATE.test(c.state) ? c.state : ''}`;
  const isCaller = (c: Candidate) => CALLER_WORD.test(c.qualifier);
  // The words that tell collections apart (`collectionWords`), as `sameCollection` reads them.
  const keyOf = (c: Candidate) => `${baseKey(c)}:${collectionWords(c.op.path).join('/')}`;
  const rootByKey = new Map<string, Candidate>();
  for (const c of eligible.filter((c) => !queryChildOf.has(c))) {
    const key = keyOf(c);
    const current = rootByKey.get(key);
    if (!current || rank(c) < rank(current)) rootByKey.set(key, c);
  }
  const coveredBy = new Map<Candidate, Candidate>();
  for (const [key, c] of rootByKey) {
    if (!collectionWords(c.op.path).length || isCaller(c)) continue;
    const plain = rootByKey.get(`${baseKey(c)}:`);
    if (plain && sameCollection(c, plain)) {
      rootByKey.delete(key);
      coveredBy.set(c, plain);
    }
  }
  const used = new Set<string>();
  const uniqueName = (base: string, qualifier: string) => {
    let name = base || 'records';
    if (used.has(name) && qualifier) name = `${streamName(qualifier)}_${name}`;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
  // A stream is named after its records: the array's own name when it names them (`api_keys` for `/api_key`),
  // with the state word of a subset (`deactivated_users`) unless the name already says it (`blocked_bots`).
  const baseName = (c: Candidate) => {
    const base = streamName(c.namedBy.reason === 'named-after-noun' && c.namedBy.path ? c.namedBy.path.split('.').pop()!.replace(/[_-]?(ids|Ids|IDs)$/, 's') : c.noun);
    return c.state && !base.includes(c.state) ? `${c.state}_${base}` : base;
  };
  const qualifierOf = (c: Candidate) => c.qualifier || (c.op.path.split('/').filter((s) => s && !s.includes('{')).slice(-2, -1)[0] ?? '');
  // Where the docs list a kind per tenant (`/orgs/{org}/members`), an unscoped list of the same kind
  // (`/users`) is a global directory beyond the tenant: inventory the tenant's, not the world's. The
  // caller's own list (`/viewer/teams`) is not a directory: it stays.
  const tenantKinds = new Set([...rootByKey.values()].filter((c) => c.pathParams.length > 0).map((c) => c.kind));
  for (const [key, c] of rootByKey) {
    if (c.pathParams.length === 0 && tenantKinds.has(c.kind) && !isCaller(c)) {
      rootByKey.delete(key);
      rejections.push({ operation_id: c.op.id, reason: `lists ${c.kind} identities beyond the tenant, while the docs also list them per tenant` });
    }
  }
  const roots: (Candidate & { name: string })[] = [...rootByKey.values()]
    .sort((a, b) => Number(isCaller(a)) - Number(isCaller(b)) || rank(a) - rank(b) || a.op.path.localeCompare(b.op.path))
    .map((c) => ({ ...c, name: uniqueName(baseName(c), qualifierOf(c)) }));

  const children: (ChildCandidate & { name: string })[] = [];
  const rootOps = new Set(roots.map((r) => r.op));
  const addChild = (c: Candidate, parent: (typeof roots)[number], param: string, inQuery: boolean, why: string, field?: string) => {
    const link = relationOf(parent.kind, c.kind);
    if (!link) return false;
    const from = field ?? (inQuery && parent.mapping.id?.path ? (parent.fieldNames.includes(param) ? param : parent.mapping.id.path) : fromField(param, parent));
    children.push({
      ...c,
      // The parent's value is the query parameter now, never a tenant variable as well.
      queryVariables: c.queryVariables.filter((v) => !(inQuery && v === param)),
      name: uniqueName(`${singular(parent.name)}_${baseName(c)}`, ''),
      parent: { stream: parent.name, param, from_field: from, ...link, ...(inQuery ? { in: 'query' as const } : {}) },
      evidence: [...c.evidence, inQuery ? queryParentEvidence(c.op, param, `query parameter ${param} is ${withArticle(singular(parent.name))} from GET ${parent.op.path}, filled from its ${from}${why}`) : parentEvidence(c.op, param, `path parameter {${param}} is ${withArticle(singular(parent.name))} from GET ${parent.op.path}, filled from its ${from}${why}`)],
    });
    return true;
  };
  for (const c of candidates.filter((c) => c.pathParams.length >= 1 && !c.queryKeys.length && !c.op.deprecated && !rootOps.has(c.op))) {
    // The last parameter comes from a parent's records; any before it must be tenant parameters.
    const param = c.pathParams.at(-1)!;
    if (!c.pathParams.slice(0, -1).every((p) => isTenantParam(c.op.path, p))) continue;
    // `/Accounts.json` is the collection whose members are `/Accounts/{AccountSid}/…`.
    const prefixed = roots.find((r) => c.op.path.startsWith(`${collectionPath(r)}/{${param}}/`));
    if (prefixed) {
      // One literal segment after the parent's record (`/users/{id}/groups`), or two where the first only
      // groups the record's credentials (`/apps/{appId}/credentials/secrets`); not a deeper path.
      const rest = c.op.path.replace(/\/$/, '').slice(collectionPath(prefixed).length + param.length + 3).split('/');
      if (rest.length > 3 || (rest.length === 3 && !(CREDENTIAL_KINDS.has(c.kind) && GROUPING_WORD.test(rest[1]!)))) continue;
      addChild(c, prefixed, param, false, '');
      continue;
    }
    // A parent list that is not a path prefix (`/squads/{workspace_ref}/{squad_slug}/people` under
    // `/workspaces/{workspace_ref}/squads`): the parameter names its records (`squad_slug` → squads).
    const byName = namedParent(param, roots, c);
    if (byName) {
      addChild(c, byName, param, false, ` (the parameter names ${byName.noun}; not a path prefix)`);
      continue;
    }
    // A parent whose records carry the parameter as a field of their own (`{clientId}` ← each app's
    // top-level `client_id`): one list only, so the parameter says which records fill it.
    // Not a list of relationships (`/members` whose records carry `list_id`): many of its records name one list, which would be read again for each.
    const byField = roots.filter((r) => r !== c && !r.container && !RELATIONSHIP_RECORDS.test(r.noun.toLowerCase().replace(/[^a-z]/g, '')) && !!fieldNamed(param, r));
    const field = byField.length === 1 ? fieldNamed(param, byField[0]!) : undefined;
    if (field) addChild(c, byField[0]!, param, false, ` (its records carry ${field}; not a path prefix)`, field);
  }
  // Credentials under a non-identity container (`/pipelines/{pipeline_id}/keys`): the container's list
  // (`/pipelines`) is read only to reach them, its records never emitted. Bounded: credential kinds only.
  const takenNow = new Set([...roots, ...children].map((c) => c.op));
  const containers = new Map<Operation, Candidate & { name: string }>();
  for (const c of candidates.filter((c) => CREDENTIAL_KINDS.has(c.kind) && c.pathParams.length >= 1 && !c.queryKeys.length && !c.op.deprecated && !takenNow.has(c.op))) {
    const param = c.pathParams.at(-1)!;
    if (!c.pathParams.slice(0, -1).every((p) => isTenantParam(c.op.path, p))) continue;
    const prefix = c.op.path.slice(0, c.op.path.indexOf(`/{${param}}`));
    const rest = c.op.path.replace(/\/$/, '').slice(prefix.length + param.length + 3).split('/');
    if (rest.length > 2) continue;
    const op = listingAt(model, prefix, takenNow);
    if (!op) continue;
    let container = containers.get(op);
    if (!container) {
      const read = candidateOf(op, view, [], policy, new Map(), c.kind);
      if (!read || read.queryKeys.length || !read.pathParams.every((p) => isTenantParam(op.path, p))) continue;
      // Its records are keyed by the field that fills the children's parameter: what each read needs.
      const key = fromField(param, read);
      container = { ...read, name: uniqueName(baseName(read), qualifierOf(read)), mapping: { ...read.mapping, id: { path: key, transform: 'string', confidence: 0.9, evidence: [reasoned(read.op.source, `id ← ${key}: the field of each record that fills {${param}} of GET ${c.op.path}`)] } } };
      containers.set(op, container);
    }
    const from = fromField(param, container);
    children.push({
      ...c,
      name: uniqueName(`${singular(container.name)}_${baseName(c)}`, ''),
      parent: { stream: container.name, param, from_field: from, relation: 'owns', parent_is: 'from' },
      evidence: [...c.evidence, parentEvidence(c.op, param, `path parameter {${param}} is ${withArticle(singular(container.name))} from GET ${container.op.path} (not an identity: a container read only to reach its ${c.kind} records), filled from its ${from}`)],
    });
  }
  roots.push(...containers.values());
  // Parents in the query: a required key that names another stream's records (`?squad=` → squads), or
  // that is their id (`?accountId=` → people): read once per parent record.
  for (const c of candidates.filter((c) => !rootOps.has(c.op) && !c.op.deprecated && c.pathParams.every((p) => isTenantParam(c.op.path, p)))) {
    const keys = queryChildOf.has(c) ? [queryChildOf.get(c)!.param] : c.queryKeys;
    if (keys.length !== 1) continue;
    const param = keys[0]!;
    const parent = roots.find((r) => r.op === queryChildOf.get(c)?.parent?.op) ?? namedParent(param, roots, c);
    if (parent) addChild(c, parent, param, true, ' (a required query parameter)');
  }
  const childOps = new Set(children.map((c) => c.op));
  for (const c of candidates.filter((c) => c.queryKeys.length && !childOps.has(c.op))) {
    rejections.push({ operation_id: c.op.id, reason: `needs the query parameter${c.queryKeys.length > 1 ? 's' : ''} ${c.queryKeys.map((k) => `"${k}"`).join(', ')}, which ${c.queryKeys.length > 1 ? 'have' : 'has'} no documented default and ${c.queryKeys.length > 1 ? 'name' : 'names'} no stream's records` });
  }
  // Every GET not taken, with the first reason found: rejected, not a candidate, or a candidate another stream covers.
  const taken = new Set([...roots, ...children].map((c) => c.op));
  const whyCandidate = (c: Candidate): string => {
    const plain = coveredBy.get(c);
    if (plain) return `covered by GET ${plain.op.path} (the same ${c.kind} records: the plain list of ${c.noun})`;
    const winner = rootByKey.get(keyOf(c));
    if (winner && winner !== c && c.pathParams.every((p) => isTenantParam(c.op.path, p)) && !c.queryKeys.length) return `covered by GET ${winner.op.path} (the same ${c.kind} records, a shorter path)`;
    if (c.op.deprecated) return 'the docs mark it deprecated: a deprecated list is not read';
    const q = queryChildOf.get(c);
    if (q) return `its query parameter ${q.param} names one ${recordWord(q.parent?.noun ?? q.under ?? '')} record: one record's list, not a root with a tenant variable, and no stream lists ${q.parent ? `GET ${q.parent.op.path}'s records` : `the ${q.under}`} to read it for`;
    const param = c.pathParams.at(-1);
    if (!param) return 'another stream covers it';
    const said = c.op.parameters.find((p) => p.in === 'path' && p.name === param)?.description?.replace(/\s+/g, ' ').trim().slice(0, 120);
    return `its path needs {${param}}${said ? ` ("${said}")` : ''}, which no stream's records fill: no list's path leads to it, none is named for it, and no list's records carry it as a top-level field (or the list is nested too deep, or no relation joins them)`;
  };
  const excluded: Rejection[] = model.operations
    .filter((op) => op.method === 'get' && !taken.has(op))
    .map((op) => {
      const rejected = rejections.find((r) => r.operation_id === op.id);
      if (rejected) return rejected;
      const c = candidates.find((x) => x.op === op);
      if (!c) return { operation_id: op.id, reason: notes.get(op.id) ?? 'not a list of identity records', ...(doubts.has(op.id) ? { doubtful: true as const } : {}) };
      const reason = whyCandidate(c);
      // An identity list whose parent nothing fills is a doubt; one another stream covers, or a deprecated one, is a rule.
      return { operation_id: op.id, reason, ...(reason.startsWith('its path needs') ? { doubtful: true as const } : {}) };
    });
  return { roots, children, rejections, excluded };
}

/** A stream a model decided (agent/plan/llm/decision.ts), as the selection reads it. */
export interface DecidedStream {
  operation_id: string;
  name: string;
  kind: IdentityKind;
  items_path: string;
  parent: { stream: string; param: string; field: string } | null;
}

/**
 * A selection made by decision (the model-driven planner) instead of by the heuristics: each decided
 * operation is read with this module's own reading of its records — where they are, the field
 * mapping for the decided kind, fixed path and query values, the request policy — and each child is
 * joined to its decided parent with the relation the two kinds have. Every GET not decided is
 * `excluded`. What cannot be read as decided comes back in `problems`, one sentence each, for the
 * model to correct: an operation whose records this reading cannot find or identify, records at
 * another path than the decided one, kinds no relation joins. `earlier`: streams already selected
 * (a plan under review) that a decided child may name as its parent; they are not returned. Never throws.
 */
export function decidedSelection(model: ApiModel, view: SchemaView, decided: readonly DecidedStream[], policy: RequestPolicy = READ_ONLY_REQUEST_POLICY, earlier: ReadonlyMap<string, Candidate & { name: string }> = new Map()): Selection & { problems: string[] } {
  const rejections: Rejection[] = [];
  const notes = new Map<string, string>();
  const problems: string[] = [];
  const roots: Selection['roots'] = [];
  const children: Selection['children'] = [];
  const byName = new Map<string, Candidate & { name: string }>(earlier);
  for (const d of decided) {
    const op = model.operations.find((o) => o.id === d.operation_id && o.method === 'get');
    if (!op) {
      problems.push(`${d.name}: no GET operation ${d.operation_id}`);
      continue;
    }
    // The kind is the docs' words where the heuristics read them: a model names a kind only where they could not.
    const own = candidateOf(op, view, [], policy, new Map());
    if (own && own.kind !== d.kind) {
      problems.push(`${d.name}: the docs' words name ${own.kind} records at ${op.path} (${own.noun}): decide ${own.kind}`);
      continue;
    }
    const before = rejections.length;
    const c = candidateOf(op, view, rejections, policy, notes, undefined, d.kind, undefined, d.items_path);
    if (!c) {
      problems.push(`${d.name}: ${op.path} cannot be read as a list of ${d.kind} records: ${rejections[before]?.reason ?? notes.get(op.id) ?? 'its records were not found'}`);
      continue;
    }
    // Where the heuristics have no reading, the records' fields must fit the decided kind (the proof does not judge kinds).
    const misfit = !own && !c.bareIds ? kindMisfit(d.kind, c.fieldNames) : undefined;
    if (misfit) {
      problems.push(`${d.name}: ${op.path} cannot be read as ${d.kind} records: ${misfit}`);
      continue;
    }
    if (c.items.path !== d.items_path) {
      problems.push(`${d.name}: the records of ${op.path} are at ${JSON.stringify(c.items.path)} in its response, not ${JSON.stringify(d.items_path)}`);
      continue;
    }
    if (!d.parent) {
      if (c.queryKeys.length) {
        problems.push(`${d.name}: ${op.path} needs the query parameter ${c.queryKeys.join(', ')}, which nothing fills: decide it as a child of the stream whose records name it`);
        continue;
      }
      const root = { ...c, name: d.name };
      roots.push(root);
      byName.set(d.name, root);
      continue;
    }
    const parent = byName.get(d.parent.stream);
    if (!parent) {
      problems.push(`${d.name}: its parent stream ${d.parent.stream} is not a list decided before it`);
      continue;
    }
    if (!parent.fieldNames.includes(d.parent.field) && !(d.parent.field.includes('.') && view.at(parent.itemSchema, d.parent.field))) {
      problems.push(`${d.name}: the records of ${d.parent.stream} have no field ${JSON.stringify(d.parent.field)} to fill ${d.parent.param} (their fields: ${parent.fieldNames.slice(0, 20).join(', ') || 'none: they are bare ids'})`);
      continue;
    }
    const link = relationOf(parent.kind, c.kind);
    if (!link) {
      problems.push(`${d.name}: ${c.kind} records read per ${parent.kind} record have no relation to it (owns, member_of, has_role, granted_to)`);
      continue;
    }
    const inQuery = !c.op.path.includes(`{${d.parent.param}}`);
    const child = {
      ...c,
      queryVariables: c.queryVariables.filter((v) => !(inQuery && v === d.parent!.param)),
      queryKeys: c.queryKeys.filter((k) => !(inQuery && k === d.parent!.param)),
      name: d.name,
      parent: { stream: parent.name, param: d.parent.param, from_field: d.parent.field, ...link, ...(inQuery ? { in: 'query' as const } : {}) },
      evidence: [...c.evidence, inQuery ? queryParentEvidence(c.op, d.parent.param, `query parameter ${d.parent.param} is ${withArticle(singular(parent.name))} from GET ${parent.op.path}, filled from its ${d.parent.field}`) : parentEvidence(c.op, d.parent.param, `path parameter {${d.parent.param}} is ${withArticle(singular(parent.name))} from GET ${parent.op.path}, filled from its ${d.parent.field}`)],
    };
    children.push(child);
    byName.set(d.name, child);
  }
  const taken = new Set([...roots, ...children].map((c) => c.op.id));
  const excluded = model.operations.filter((o) => o.method === 'get' && !taken.has(o.id)).map((o) => ({ operation_id: o.id, reason: 'not chosen by the model' }));
  return { roots, children, rejections, excluded, problems };
}
