import type { ApiModel, Operation, Parameter, Response, SchemaNode } from '../ingest/api-model.ts';
import type { Evidence, IdentityKind, Mapping, ParentLink, Relation } from './connector-plan.ts';
import { excerpt, fieldEvidence, quoted, reasoned, recordSteps } from './evidence.ts';
import { mapFields, type FieldCiter } from './field-mapping.ts';
import { classifyNoun, collectionNoun, endsInParameter, isExcludedPath, isPlural, looksLikeInfrastructure, refineKind } from './identity-kinds.ts';
import { findItems, type ItemsLocation } from './items-path.ts';
import { responseBody, type ResponseBody } from './response-body.ts';
import type { SchemaView } from '../docs-view/schema-view.ts';
import { withArticle } from '../english.ts';
import { READ_ONLY_REQUEST_POLICY, type RequestPolicy } from '../../policy/request-policy.ts';

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
const TENANT_NAME = /^(orgs?|organi[sz]ation|tenant|account|workspace|tailnet|project|company|enterprise|site|realm|instance|space|namespace|environment|team|customer|domain|directory)(_?(id|slug|name|key|sid|uuid))?$/i;
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

function candidateOf(op: Operation, view: SchemaView, rejections: Rejection[], policy: RequestPolicy, notes: Map<string, string>): Candidate | undefined {
  if (op.method !== 'get') return undefined;
  // Why a GET was not a candidate at all: kept for the plan's list of what was considered and left out.
  const not = (why: string) => (notes.set(op.id, why), undefined);
  if (endsInParameter(op.path)) return not('ends in a path parameter: it reads one record, not a list');
  if (isExcludedPath(op.path)) return not('the caller\'s own record, a log or a schema (me, self, audit, events, sessions…), not an inventory list');
  // A read must stay a read: an operation whose path or own words say it issues, rotates or deletes is never called.
  const refusedOp = policy.operation(op);
  if (refusedOp) {
    rejections.push({ operation_id: op.id, reason: `refused by the request policy: ${refusedOp.reason}`, policy: refusedOp.reason });
    return undefined;
  }
  const noun = collectionNoun(op.path);
  if (!noun) return not('its path names no collection');
  const body = responseBody(op, view);
  if (!body) return not('the docs give no JSON body for its success response');
  const items = findItems(view, body.schema, noun);
  if (!items) return not(`its response holds no list of ${noun}`);
  // A singular noun (`/user`) is a list only when its records are plainly the body or named after it.
  if (!isPlural(noun) && items.reason !== 'body-is-array' && items.reason !== 'body-is-map' && items.reason !== 'named-after-noun') return not(`"${noun}" is singular and its response is not plainly a list of them`);
  const itemSchema = view.resolve(items.items);
  const topFields = Object.keys(view.properties(itemSchema));
  const cls = classifyNoun(noun, topFields);
  if (!cls) return not(`${noun} are not identities`);
  if (looksLikeInfrastructure(cls.kind, topFields)) {
    rejections.push({ operation_id: op.id, reason: `lists ${noun}, but its records describe infrastructure (${topFields.slice(0, 6).join(', ')}), not identities` });
    return undefined;
  }
  if (!topFields.length) {
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
  const kind = refineKind(cls.kind, topFields);
  // A live run's observation stands in front of the docs' own response: the docs' reading of the same records, for their words.
  const docs = body.response.observed ? documentedRecords(op, view, noun) : undefined;
  const { mapping, fieldNames } = mapFields(view, itemSchema, kind, fieldCiter(view, body, items, docs), docs ? (field) => view.resolve(view.at(docs.items.items, field)).description : undefined);
  if (!mapping.id?.path) {
    rejections.push({ operation_id: op.id, reason: `lists ${noun} but no field of its records looks like an identifier` });
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
    headers,
    evidence: [
      quoted(op.source, excerpt(op.summary ?? op.description ?? op.path), `GET ${op.path} lists ${noun}: ${kind} records`),
      ...recordsEvidence(view, body, items, docs),
    ],
  };
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
};

/** The docs' words for a path parameter: its description, else its name; else the `{param}` in the path. */
function parentEvidence(op: Operation, param: string, reasoning: string) {
  const p = op.parameters.find((x) => x.in === 'path' && x.name === param);
  if (!p) return quoted(op.source, `{${param}}`, reasoning);
  return quoted(p.source, p.description ? excerpt(p.description) : p.name, reasoning);
}

function singular(s: string): string {
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
  // Members of any other container (a team account, an organisation) belong to it.
  if (child === 'human' || child === 'service_account' || child === 'bot') return { relation: 'member_of', parent_is: 'to' };
  return undefined;
}

/** The parent record field that fills the child's path parameter (`userId` → `id`, `AccountSid` → `sid`). */
function fromField(param: string, parent: Candidate): string {
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

export interface Selection {
  roots: (Candidate & { name: string })[];
  children: (ChildCandidate & { name: string })[];
  rejections: Rejection[];
  /** Every GET operation not taken as a stream, with why: what the reviewer checks for a missing identity list. */
  excluded: Rejection[];
}

/** `policy`: the request policy every fixed value and operation must pass (the shipped read-only one). */
export function selectStreams(model: ApiModel, view: SchemaView, policy: RequestPolicy = READ_ONLY_REQUEST_POLICY): Selection {
  const rejections: Rejection[] = [];
  const notes = new Map<string, string>();
  const candidates = model.operations.map((op) => candidateOf(op, view, rejections, policy, notes)).filter((c): c is Candidate => !!c);

  // Roots: one per (kind, noun), the shortest undeprecated path winning (`/users` over `/iam/assignees/users`).
  const rootByKey = new Map<string, Candidate>();
  const rank = (c: Candidate) => (c.op.deprecated ? 100 : 0) + c.op.path.split('/').length + c.op.path.split('.').length / 10 + c.op.path.length / 1000;
  const collectionPath = (r: Candidate) => r.op.path.replace(/\.(json|xml)$/i, '');
  const unscoped = candidates.filter((c) => c.pathParams.length === 0);
  // A list is a root when every path parameter it has is a tenant's, unless its one parameter is a
  // record of an unscoped list (`/Accounts/{AccountSid}/Keys.json` is a child of `/Accounts.json`).
  const hasUnscopedParent = (c: Candidate) => c.pathParams.length === 1 && unscoped.some((r) => c.op.path.startsWith(`${collectionPath(r)}/{${c.pathParams[0]}}/`));
  const tenantScoped = candidates.filter((c) => c.pathParams.length > 0 && c.pathParams.every((p) => isTenantParam(c.op.path, p)) && !hasUnscopedParent(c));
  for (const c of [...unscoped, ...tenantScoped]) {
    const key = `${c.kind}:${c.noun.toLowerCase()}`;
    const current = rootByKey.get(key);
    if (!current || rank(c) < rank(current)) rootByKey.set(key, c);
  }
  const used = new Set<string>();
  const uniqueName = (base: string, qualifier: string) => {
    let name = base || 'records';
    if (used.has(name) && qualifier) name = `${streamName(qualifier)}_${name}`;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
  // A stream is named after its records: the array's own name when it names them (`api_keys` for `/api_key`).
  const baseName = (c: Candidate) => streamName(c.namedBy.reason === 'named-after-noun' ? c.namedBy.path.split('.').pop()! : c.noun);
  const qualifierOf = (c: Candidate) => c.op.path.split('/').filter((s) => s && !s.includes('{')).slice(-2, -1)[0] ?? '';
  // Where the docs list a kind per tenant (`/orgs/{org}/members`), an unscoped list of the same kind
  // (`/users`) is a global directory beyond the tenant: inventory the tenant's, not the world's.
  const tenantKinds = new Set([...rootByKey.values()].filter((c) => c.pathParams.length > 0).map((c) => c.kind));
  for (const [key, c] of rootByKey) {
    if (c.pathParams.length === 0 && tenantKinds.has(c.kind)) {
      rootByKey.delete(key);
      rejections.push({ operation_id: c.op.id, reason: `lists ${c.kind} identities beyond the tenant, while the docs also list them per tenant` });
    }
  }
  const roots = [...rootByKey.values()]
    .sort((a, b) => rank(a) - rank(b) || a.op.path.localeCompare(b.op.path))
    .map((c) => ({ ...c, name: uniqueName(baseName(c), qualifierOf(c)) }));

  const children: (ChildCandidate & { name: string })[] = [];
  const rootOps = new Set(roots.map((r) => r.op));
  for (const c of candidates.filter((c) => c.pathParams.length >= 1 && !c.op.deprecated && !rootOps.has(c.op))) {
    // The last parameter comes from a parent's records; any before it must be tenant parameters.
    const param = c.pathParams.at(-1)!;
    if (!c.pathParams.slice(0, -1).every((p) => isTenantParam(c.op.path, p))) continue;
    // `/Accounts.json` is the collection whose members are `/Accounts/{AccountSid}/…`.
    const parent = roots.find((r) => c.op.path.startsWith(`${collectionPath(r)}/{${param}}/`));
    if (!parent) continue;
    const rest = c.op.path.slice(collectionPath(parent).length + param.length + 3).split('/');
    if (rest.length > 2) continue;
    const link = relationOf(parent.kind, c.kind);
    if (!link) continue;
    const name = uniqueName(`${singular(parent.name)}_${baseName(c)}`, '');
    children.push({
      ...c,
      name,
      parent: { stream: parent.name, param, from_field: fromField(param, parent), ...link },
      evidence: [...c.evidence, parentEvidence(c.op, param, `path parameter {${param}} is ${withArticle(singular(parent.name))} from GET ${parent.op.path}, filled from its ${fromField(param, parent)}`)],
    });
  }
  // Every GET not taken, with the first reason found: rejected, not a candidate, or a candidate another stream covers.
  const taken = new Set([...roots, ...children].map((c) => c.op));
  const whyCandidate = (c: Candidate): string => {
    const key = `${c.kind}:${c.noun.toLowerCase()}`;
    const winner = rootByKey.get(key);
    if (winner && winner !== c && c.pathParams.every((p) => isTenantParam(c.op.path, p))) return `covered by GET ${winner.op.path} (the same ${c.kind} records, a shorter path)`;
    if (c.op.deprecated) return 'the docs mark it deprecated: a deprecated list is not read';
    const param = c.pathParams.at(-1);
    return param ? `its path needs {${param}}, which no stream's records fill (no list of its parent, or nested too deep)` : 'another stream covers it';
  };
  const excluded: Rejection[] = model.operations
    .filter((op) => op.method === 'get' && !taken.has(op))
    .map((op) => {
      const rejected = rejections.find((r) => r.operation_id === op.id);
      if (rejected) return rejected;
      const c = candidates.find((x) => x.op === op);
      return { operation_id: op.id, reason: c ? whyCandidate(c) : (notes.get(op.id) ?? 'not a list of identity records') };
    });
  return { roots, children, rejections, excluded };
}
