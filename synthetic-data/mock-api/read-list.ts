import type { ApiModel, Operation, Parameter, SchemaNode } from '../../agent/ingest/api-model.ts';
import { fromExample, type SchemaView } from '../../agent/docs-view/schema-view.ts';
import { readFilters, type Filter } from './read-filters.ts';
import {
  LAST_PAGE_FIELD,
  MAXIMUM_IN_PROSE,
  MORE_FIELD,
  DENIES_LINK_HEADER,
  GENERAL_WORDS,
  NAMES_LINK_HEADER,
  OMITS_RECORDS,
  SPEAKS_OF_EVERY_LIST,
  NEXT_LINK_FIELD,
  NEXT_POSITION_FIELD,
  NEXT_POSITION_HEADER,
  PAGE_ECHO_FIELD,
  PAGE_NUMBER_PARAM,
  PAGES_FIELD,
  PAGES_HEADER,
  POSITION_PARAM,
  POSITION_WORDS,
  SIZE_PARAM,
  SKIP_PARAM,
  STARTS_AT_ONE,
  STARTS_AT_ZERO,
  TOTAL_FIELD,
  TOTAL_HEADER,
  COUNTS_PAGES,
  COUNTS_RECORDS,
  COUNTS_THIS_PAGE,
  ECHOES_RESPONSE,
  HANDED_BACK,
  SHORT_PAGE_ENDS,
  TAKES_RECORD_ID,
} from './vocabulary.ts';

/**
 * The mock's own, literal reading of one GET operation as a list: where the docs put the records,
 * which query parameters move through the list, and what the docs say a response carries — body
 * fields from the response schema and its examples, response headers the docs declare, a `Link`
 * header only where the docs declare it or name it. It never reads a plan and shares no code with
 * the planner: two readings that shared one interpretation could never disagree.
 *
 * What the docs describe that the mock cannot serve literally is listed in `problems`, so the proof
 * can say "the docs do not declare how the next `cursor` comes back" instead of passing.
 */

/** A body field outside the records. */
export interface BodyField {
  /** Dotted path from the body root. */
  path: string;
  node: SchemaNode;
  /** The docs' example value at this path, when they give one. */
  example: unknown;
}

export interface SizeParam {
  name: string;
  /** The documented maximum: a larger request is refused (400), as real APIs refuse it. */
  max?: number;
  /** The documented default, used when the request does not say. */
  default?: number;
}

export interface ListReading {
  op: Operation;
  /** Dotted path of the records in the body; `''` when the body is the list. */
  itemsPath: string;
  /** `array`: the records are a list; `map`: they are the values of an object keyed by data (served so). */
  container: 'array' | 'map';
  /** For a map: the record field each key is (the docs' `x-map-key`, else the record's id-like field); undefined: keys are positions. */
  mapKey?: string;
  /** One record's schema. */
  items: SchemaNode;
  /**
   * The records' own keys the docs address one record by: the path parameter of a GET one level
   * under the list (`GET /lists/{list_id}` beside `GET /lists` → `list_id`) that names a field of the
   * records. Seeded unique and never left out.
   */
  keys: string[];
  /** The body schema the mock fills: the documented schema, with fields only the example shows folded in. */
  body: SchemaNode;
  example: unknown;
  query: {
    size?: SizeParam;
    skip?: { name: string; first: number };
    pageNumber?: { name: string; first: number };
    position?: { name: string };
  };
  /** What carries the next position back to the client. */
  carriers: {
    /** An RFC 8288 `Link` header with `rel="next"`: declared, or named by the docs. */
    link: boolean;
    /** Declared response headers holding the next position (`X-Next-Page-Token`). */
    headers: string[];
    /** Body fields holding the next position (`response_metadata.next_cursor`). */
    fields: BodyField[];
    /** Body fields holding the next page's URL (`next_page_uri`, `links.pages.next`). */
    nextLinks: BodyField[];
  };
  /** Documented end-of-list signals besides the carriers. */
  stops: { more: BodyField[]; last: BodyField[]; total: BodyField[]; pages: BodyField[]; pageEcho: BodyField[]; totalHeaders: string[]; pagesHeaders: string[]; shortPage: boolean };
  /** The position parameter takes a field of the page's last record (keyset paging: `field`, the record's `id`): nothing else carries it. */
  keyset?: { field: string };
  /** The docs describe a way to reach a second page. */
  paged: boolean;
  /** The docs give a way to know the list ended: a request past the end is then an error. */
  stopSignal: boolean;
  /** Documented filters (`read-filters.ts`): the server applies them, defaults included. */
  filters: Filter[];
  /** Every documented query parameter: anything else a client sends is logged as undocumented. */
  documentedQuery: Set<string>;
  /** The status the docs give for a missing or wrong credential (401 unless only 403 is documented). */
  authFailureStatus: number;
  /** The docs allow a 204 No Content for this list. */
  noContent: boolean;
  /**
   * Sentences of the operation's own description that say the list leaves some records out. The mock
   * serves every record (it cannot read which ones a sentence means), so a person must judge them.
   */
  omissions: string[];
  /** What the docs describe that the mock cannot serve literally. */
  problems: ReadingProblem[];
}

export interface ReadingProblem {
  /** `records-location-ambiguous`: several lists in the body, none named for the path; `position-not-returned`: a position parameter nothing returns. */
  id: 'records-location-ambiguous' | 'position-not-returned';
  text: string;
}

const isSuccess = (status: string) => /^2(\d\d|XX)$/i.test(status);

/** The documented success response of a GET: `200` first, else the first 2xx that shows a body. */
function successOf(op: Operation) {
  const ok = op.responses.filter((r) => isSuccess(r.status));
  return ok.find((r) => r.status === '200') ?? ok.find((r) => r.schema || r.examples.length) ?? ok[0];
}

/** The documented body, with fields that only the example shows added (the schema wins where both speak). */
function withExample(view: SchemaView, schema: SchemaNode, example: unknown, depth = 0): SchemaNode {
  const resolved = view.resolve(schema);
  if (example === undefined || depth > 6) return resolved;
  if (!resolved.type && !resolved.properties && !resolved.items) return { ...resolved, ...fromExample(example) };
  if (Array.isArray(example) && view.isArray(resolved)) {
    const first = example.find((v) => v !== null && v !== undefined);
    return { ...resolved, items: withExample(view, view.items(resolved) ?? {}, first, depth + 1) };
  }
  if (!example || typeof example !== 'object' || Array.isArray(example) || !view.isObject(resolved)) return resolved;
  const properties: Record<string, SchemaNode> = { ...view.properties(resolved) };
  for (const [name, value] of Object.entries(example as Record<string, unknown>)) {
    properties[name] = Object.hasOwn(properties, name) ? withExample(view, properties[name]!, value, depth + 1) : fromExample(value);
  }
  return { ...resolved, type: resolved.type ?? ['object'], properties };
}

function exampleAt(example: unknown, path: string): unknown {
  let current = example;
  for (const key of path.split('.')) {
    if (!current || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const typeOf = (view: SchemaView, node: SchemaNode) => view.resolve(node).type ?? [];
const isScalarType = (t: string) => ['string', 'integer', 'number', 'boolean'].includes(t);

/** A place records could be: a list, or a map whose values are records. */
interface RecordsPlace {
  path: string;
  items: SchemaNode;
  objects: boolean;
  container: 'array' | 'map';
  mapKey?: string;
}

/** Fields a map of records is keyed by when the docs do not say (`x-map-key`), in the order they are tried. */
const MAP_KEY_FIELDS = ['id', 'uid', 'uuid', 'key', 'name'];

/**
 * A map of records, literally: an object with no fields of its own whose `additionalProperties`
 * is an object with fields. Keyed by the field the docs name (`x-map-key`), else by an id-like field.
 */
function recordMap(view: SchemaView, node: SchemaNode): Omit<RecordsPlace, 'path'> | undefined {
  const map = view.resolve(node);
  if (!map.additionalProperties || Object.keys(map.properties ?? {}).length) return undefined;
  const values = view.resolve(map.additionalProperties);
  const fields = Object.keys(values.properties ?? {});
  if (view.isArray(values) || !fields.length) return undefined;
  const mapKey = map.map_key && fields.includes(map.map_key) ? map.map_key : MAP_KEY_FIELDS.find((f) => fields.includes(f));
  return { items: map.additionalProperties, objects: true, container: 'map', ...(mapKey ? { mapKey } : {}) };
}

/** Lists (and maps of records) in a body, to depth 3: the places records could be. */
function arraysIn(view: SchemaView, node: SchemaNode, prefix = '', depth = 1, out: RecordsPlace[] = []) {
  for (const [name, child] of Object.entries(view.properties(node))) {
    const path = prefix ? `${prefix}.${name}` : name;
    const map = view.isArray(child) ? undefined : recordMap(view, child);
    if (view.isArray(child)) {
      const items = view.items(child) ?? {};
      const t = typeOf(view, items);
      out.push({ path, items, objects: !(t.length && t.every(isScalarType)), container: 'array' });
    } else if (map) {
      out.push({ path, ...map });
    } else if (depth < 3 && view.isObject(child)) {
      arraysIn(view, child, path, depth + 1, out);
    }
  }
  return out;
}

/** The last literal segment of a path (`/users/{name}/tokens` → `tokens`, `/Accounts.json` → `accounts`). */
function lastWord(path: string): string {
  const literal = path.split('/').filter((s) => s && !s.startsWith('{')).at(-1) ?? '';
  return literal.replace(/\.json$/i, '').replace(/^.*[.:]/, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Where the records are. A body that is an array is the list, a body that is a map of records (an
 * object keyed by data, each value a record) is the map; otherwise the one array of objects (or map
 * of records) in the body, or — when there are several — the one named exactly after the path's
 * last word. Anything else cannot be read literally.
 */
function locateRecords(view: SchemaView, body: SchemaNode, op: Operation): (RecordsPlace & { problem?: string }) | undefined {
  if (view.isArray(body)) return { path: '', items: view.items(body) ?? {}, objects: true, container: 'array' };
  const map = recordMap(view, body);
  if (map) return { path: '', ...map };
  // Related resources, errors and links beside a list are never its records (JSON:API's `included`).
  const arrays = arraysIn(view, body).filter((a) => !/^(included|errors|warnings|messages|links|_links)$/i.test(a.path.split('.').at(-1)!));
  if (!arrays.length) return undefined;
  const objects = arrays.filter((a) => a.objects);
  const pool = objects.length ? objects : arrays;
  if (pool.length === 1) return pool[0]!;
  const word = lastWord(op.path);
  const named = pool.filter((a) => {
    const name = a.path.split('.').at(-1)!.toLowerCase().replace(/[^a-z0-9]/g, '');
    return name === word || `${name}s` === word || name === `${word}s`;
  });
  if (named.length === 1) return named[0]!;
  // Served at the first list, and said: the proof cannot pass on this reading alone.
  return { ...pool[0]!, problem: `the response of ${op.method.toUpperCase()} ${op.path} has ${pool.length} lists (${pool.map((a) => a.path).join(', ')}) and the docs do not say which holds the records` };
}

function bodyFields(view: SchemaView, node: SchemaNode, example: unknown, itemsPath: string, prefix = '', depth = 1, out: BodyField[] = []): BodyField[] {
  for (const [name, child] of Object.entries(view.properties(node))) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (path === itemsPath) continue;
    const resolved = view.resolve(child);
    out.push({ path, node: resolved, example: exampleAt(example, path) ?? resolved.example });
    if (depth < 4 && !view.isArray(child) && view.isObject(child)) bodyFields(view, child, example, itemsPath, path, depth + 1, out);
  }
  return out;
}

const last = (f: BodyField) => f.path.split('.').at(-1)!;
const parentName = (f: BodyField) => f.path.split('.').at(-2) ?? '';
const typed = (f: BodyField, ...types: string[]) => !!f.node.type?.some((t) => types.includes(t));
const untypedOr = (f: BodyField, ...types: string[]) => !f.node.type || typed(f, ...types);
const looksLikeUrl = (v: unknown) => typeof v === 'string' && /^(https?:\/\/|\/)/i.test(v);

function firstIndex(p: Parameter | undefined, view: SchemaView): number {
  const schema = view.resolve(p?.schema);
  const prose = p?.description ?? '';
  if (STARTS_AT_ONE.test(prose)) return 1;
  if (STARTS_AT_ZERO.test(prose)) return 0;
  if (typeof schema.minimum === 'number') return schema.minimum >= 1 ? 1 : 0;
  if (typeof schema.default === 'number') return schema.default >= 1 ? 1 : 0;
  return -1;
}

function sizeParam(p: Parameter, view: SchemaView): SizeParam {
  const schema = view.resolve(p.schema);
  const said = MAXIMUM_IN_PROSE.exec(p.description ?? '');
  const fromProse = said ? Number(said[1] ?? said[2] ?? said[3]) : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : fromProse;
  const def = typeof schema.default === 'number' && schema.default > 0 ? schema.default : undefined;
  return { name: p.name, ...(max !== undefined && max > 0 ? { max } : {}), ...(def !== undefined ? { default: def } : {}) };
}

/** Sentences of a text (split at sentence ends and blank lines; Markdown headings are titles, not sentences). */
function sentences(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !/^\s{0,3}#{1,6}\s/.test(line))
    .join('\n')
    .split(/(?<=[.!?])\s+|\n\s*\n/);
}

/** Lower-case words of a path's literal segments, singular (`/audit-events/export` → audit, event, export). */
function pathWords(path: string): Set<string> {
  return new Set(
    path
      .split('/')
      .filter((s) => s && !s.startsWith('{'))
      .flatMap((s) => s.replace(/\.json$/i, '').split(/[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])/))
      .map((w) => w.toLowerCase().replace(/s$/, ''))
      .filter((w) => w.length > 2 && !GENERAL_WORDS.test(w)),
  );
}

/**
 * True when `text` says, in a sentence that does not deny it, that the next page comes in a `Link`
 * header. With `scope` (docs-wide prose), the sentence must speak of every list (“all list
 * endpoints”, “the response”…) or of this operation, and name no other endpoint (a word of another
 * operation's path this one lacks, or a literal `/path` that is not this one): “The audit-event
 * export pages with a Link header” says nothing about `/members`.
 */
function statesLinkHeader(text: string | undefined, scope?: { op: Operation; others: Set<string> }): boolean {
  if (!text) return false;
  const own = scope ? pathWords(scope.op.path) : undefined;
  return sentences(text).some((s) => {
    if (!NAMES_LINK_HEADER.test(s) || DENIES_LINK_HEADER.test(s)) return false;
    if (!scope || !own) return true;
    const paths = [...s.matchAll(/(?:^|[\s`(])(\/[A-Za-z0-9_.{}/-]+)/g)].map((m) => m[1]!);
    if (paths.some((p) => p !== scope.op.path && !scope.op.path.startsWith(p))) return false;
    const words = s.split(/[^A-Za-z0-9]+/).map((w) => w.toLowerCase().replace(/s$/, ''));
    if (words.some((w) => scope.others.has(w) && !own.has(w))) return false;
    return SPEAKS_OF_EVERY_LIST.test(s.replace(NAMES_LINK_HEADER, '')) || words.some((w) => own.has(w));
  });
}

const mentionsName = (text: string | undefined, name: string) =>
  !!text && new RegExp(`(^|[^A-Za-z0-9_-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_-])`, 'i').test(text);

/** A field the parameter's prose says the previous response returns (“Set `cursor` to `next_cursor` returned by…”), other than the parameter itself. */
function handedBackField(p: Parameter): string | undefined {
  const text = p.description ?? '';
  if (!HANDED_BACK.test(text)) return undefined;
  for (const m of text.matchAll(/`([A-Za-z_][\w.]{1,60})`|\b([a-z]+(?:_[a-z]+)+)\b/g)) {
    const name = m[1] ?? m[2]!;
    if (name.toLowerCase() !== p.name.toLowerCase() && NEXT_POSITION_FIELD.test(name.split('.').at(-1)!)) return name;
  }
  return undefined;
}

/** Keyset paging: the record field a position parameter takes from the page's last record, as its prose (or the docs' paging prose naming it) says. */
function keysetField(p: Parameter, prose: ApiModel['prose'], items: SchemaNode, view: SchemaView): { field: string } | undefined {
  const fields = Object.keys(view.properties(items));
  const backticked = (t: string) => [...t.matchAll(/`([A-Za-z_]\w{0,60})`/g)].map((m) => m[1]!);
  // Says it takes a record's id, or names a field of the record beside the words "last …".
  const texts = [p.description ?? '', ...prose.filter((x) => x.topics.includes('pagination') && mentionsName(x.text, p.name)).map((x) => x.text)].filter((t) => TAKES_RECORD_ID.test(t) || (/\blast\b/i.test(t) && backticked(t).some((f) => fields.includes(f))));
  if (!texts.length) return undefined;
  for (const t of texts) for (const m of t.matchAll(/`([A-Za-z_]\w{0,60})`/g)) if (fields.includes(m[1]!)) return { field: m[1]! };
  const id = fields.find((f) => /^(id|uid|uuid|key)$/i.test(f));
  return id ? { field: id } : fields.length ? undefined : { field: 'id' };
}

/**
 * A page number this operation does not declare, when its body is a page envelope (it echoes the
 * page and counts pages or records) and another GET of the same docs with the same envelope declares
 * the parameter: the docs declared a shared parameter on one operation only.
 */
function siblingPageNumber(op: Operation, body: SchemaNode, view: SchemaView, operations: Operation[]): Parameter | undefined {
  const names = Object.keys(view.properties(body));
  const echo = names.find((n) => PAGE_ECHO_FIELD.test(n));
  const count = names.find((n) => PAGES_FIELD.test(n) || TOTAL_FIELD.test(n));
  if (!echo || !count) return undefined;
  for (const other of operations) {
    if (other === op || other.method !== 'get') continue;
    const param = other.parameters.find((p) => p.in === 'query' && PAGE_NUMBER_PARAM.test(p.name) && !typeOf(view, p.schema ?? {}).includes('string'));
    const response = successOf(other);
    const theirs = Object.keys(view.properties(response?.schema));
    if (param && theirs.includes(echo) && theirs.includes(count)) return param;
  }
  return undefined;
}

/** The mock's reading of `op` as a list, or undefined when its success response holds no list. */
/** The fields of a list's records a one-record GET right under it is addressed by (ListReading's `keys`). */
function addressedBy(op: Operation, items: SchemaNode, view: SchemaView, operations: readonly Operation[]): string[] {
  const fields = new Set(Object.keys(view.properties(items)));
  const under = `${op.path.replace(/\/$/, '')}/{`;
  const keys = operations.flatMap((o) => {
    if (o.method !== 'get' || !o.path.startsWith(under)) return [];
    const m = /^\{([^}/]+)\}$/.exec(o.path.slice(under.length - 1));
    return m && fields.has(m[1]!) ? [m[1]!] : [];
  });
  return [...new Set(keys)];
}

export function readList(op: Operation, view: SchemaView, model: Pick<ApiModel, 'operations' | 'prose' | 'security_schemes'>): ListReading | undefined {
  if (op.method !== 'get') return undefined;
  const response = successOf(op);
  if (!response) return undefined;
  const example = response.examples[0];
  const body = withExample(view, response.schema ?? {}, example);
  const located = locateRecords(view, body, op);
  if (!located) return undefined;
  const problems: ReadingProblem[] = [];
  const records = located;
  if (located.problem) problems.push({ id: 'records-location-ambiguous', text: located.problem });

  // Query parameters: documented credentials are not paging parameters.
  const credentialParams = new Set(model.security_schemes.filter((s) => s.type === 'apiKey' && s.in === 'query' && s.name).map((s) => s.name!));
  const query = op.parameters.filter((p) => p.in === 'query' && !credentialParams.has(p.name));
  const itemsPath = records.path;
  const fields = bodyFields(view, body, example, itemsPath);
  // A parameter named like an offset but typed as a string the response hands back (Airtable's `offset`) is a position token, not a count.
  const isToken = (p: Parameter) => {
    const t = typeOf(view, p.schema ?? {});
    return t.includes('string') && !t.some((x) => x === 'integer' || x === 'number') && (ECHOES_RESPONSE.test(p.description ?? '') || fields.some((f) => last(f) === p.name && typed(f, 'string')));
  };
  const size = query.find((p) => SIZE_PARAM.test(p.name) && !typeOf(view, p.schema ?? {}).includes('boolean'));
  const skip = query.find((p) => SKIP_PARAM.test(p.name) && p !== size && !isToken(p));
  const pageNumber = query.find((p) => PAGE_NUMBER_PARAM.test(p.name) && p !== size && !typeOf(view, p.schema ?? {}).includes('string')) ?? siblingPageNumber(op, body, view, model.operations);
  const position =
    query.find((p) => POSITION_PARAM.test(p.name) && p !== size) ??
    query.find((p) => SKIP_PARAM.test(p.name) && isToken(p)) ??
    query.find((p) => POSITION_WORDS.test(p.description ?? '') && p !== size && p !== skip && p !== pageNumber);

  const headers = op.responses.filter((r) => isSuccess(r.status)).flatMap((r) => r.headers.map((h) => h.name));
  const texts = [op.summary, op.description, ...op.responses.filter((r) => isSuccess(r.status)).map((r) => r.description), ...query.map((p) => p.description)];
  // The Link header: declared, named by this operation's words or the docs' pagination prose, or named for a parameter of the same name elsewhere in these docs.
  // Docs-wide prose speaks for this operation only in sentences that name no other endpoint.
  const sameNamedElsewhere = position ? model.operations.some((o) => o.parameters.some((p) => p.in === 'query' && p.name === position.name && statesLinkHeader(p.description))) : false;
  const others = new Set(model.operations.flatMap((o) => [...pathWords(o.path)]));
  const link =
    headers.some((h) => h.toLowerCase() === 'link') ||
    texts.some((t) => statesLinkHeader(t)) ||
    model.prose.some((p) => p.topics.includes('pagination') && statesLinkHeader(p.text, { op, others })) ||
    sameNamedElsewhere;
  const positionHeaders = headers.filter((h) => h.toLowerCase() !== 'link' && (NEXT_POSITION_HEADER.test(h) || (position && mentionsName(position.description, h))));
  // A body field named like the position parameter hands its next value back (`offset` in, `offset` out).
  const positionFields = fields.filter((f) => (NEXT_POSITION_FIELD.test(last(f)) || (position && last(f) === position.name)) && untypedOr(f, 'string', 'integer') && !looksLikeUrl(f.example));
  // `next_page_uri`, `links.next`, or HAL's `_links.next.href`.
  const namesNextLink = (f: BodyField) => (last(f).toLowerCase() === 'href' ? /^next$/i.test(parentName(f)) : NEXT_LINK_FIELD.test(last(f)));
  const nextLinks = fields.filter((f) => namesNextLink(f) && untypedOr(f, 'string') && !positionFields.includes(f));
  const stops = {
    more: fields.filter((f) => MORE_FIELD.test(last(f)) && typed(f, 'boolean')),
    last: fields.filter((f) => LAST_PAGE_FIELD.test(last(f)) && typed(f, 'boolean')),
    // A "total" the docs describe as this page's count is not the list's.
    total: fields.filter((f) => (TOTAL_FIELD.test(last(f)) || COUNTS_RECORDS.test(f.node.description ?? '')) && !COUNTS_PAGES.test(f.node.description ?? '') && !COUNTS_THIS_PAGE.test(f.node.description ?? '') && typed(f, 'integer', 'number')),
    pages: fields.filter((f) => (PAGES_FIELD.test(last(f)) || COUNTS_PAGES.test(f.node.description ?? '')) && typed(f, 'integer', 'number')),
    pageEcho: fields.filter((f) => PAGE_ECHO_FIELD.test(last(f)) && typed(f, 'integer', 'number')),
    totalHeaders: headers.filter((h) => TOTAL_HEADER.test(h)),
    pagesHeaders: headers.filter((h) => PAGES_HEADER.test(h)),
    shortPage: !!size && [...texts, ...model.prose.filter((p) => p.topics.includes('pagination')).map((p) => p.text)].some((t) => !!t && SHORT_PAGE_ENDS.test(t)),
  };
  // A field the position parameter's own prose says the previous response returns, though the schema leaves it out.
  if (position && !link && !positionHeaders.length && !positionFields.length && !nextLinks.length) {
    const named = handedBackField(position);
    if (named) positionFields.push({ path: named, node: { type: ['string'], nullable: true }, example: undefined });
  }
  const carriers = { link, headers: positionHeaders, fields: positionFields, nextLinks };
  const carried = link || positionHeaders.length > 0 || positionFields.length > 0 || nextLinks.length > 0;
  // A position parameter nothing returns: keyset paging when its prose (or the docs' paging prose naming it) says it takes a record's id, else unreadable.
  const keyset = position && !carried ? keysetField(position, model.prose, records.items, view) : undefined;
  if (position && !carried && !keyset) problems.push({ id: 'position-not-returned', text: `the docs give a \`${position.name}\` parameter for ${op.method.toUpperCase()} ${op.path} but declare nothing that returns its next value (no response field, header or Link header)` });

  const first = (p: Parameter | undefined, fallback: number) => {
    const f = firstIndex(p, view);
    return f === -1 ? fallback : f;
  };
  const paged = !!(skip || pageNumber || position || carried);
  // A page number echoed back says where a page is, not where the list ends.
  const stopSignal = carried || stops.shortPage || [stops.more, stops.last, stops.total, stops.pages, stops.totalHeaders, stops.pagesHeaders].some((list) => list.length > 0);
  const statuses = op.responses.map((r) => r.status);
  return {
    op,
    itemsPath,
    container: records.container,
    ...(records.mapKey ? { mapKey: records.mapKey } : {}),
    items: records.items,
    keys: addressedBy(op, records.items, view, model.operations),
    body,
    example,
    query: {
      ...(size ? { size: sizeParam(size, view) } : {}),
      ...(skip ? { skip: { name: skip.name, first: first(skip, 0) } } : {}),
      ...(pageNumber ? { pageNumber: { name: pageNumber.name, first: first(pageNumber, 1) } } : {}),
      ...(position ? { position: { name: position.name } } : {}),
    },
    carriers,
    stops,
    ...(keyset ? { keyset } : {}),
    paged,
    stopSignal,
    filters: readFilters(query.filter((p) => p !== size && p !== skip && p !== pageNumber && p !== position), records.items, view),
    documentedQuery: new Set([...op.parameters.filter((p) => p.in === 'query').map((p) => p.name), ...(pageNumber ? [pageNumber.name] : [])]),
    authFailureStatus: statuses.includes('401') ? 401 : statuses.includes('403') ? 403 : 401,
    noContent: statuses.includes('204'),
    omissions: `${op.summary ?? ''}\n${op.description ?? ''}`
      .split('\n')
      .map((line) => line.replace(/^[\s>*-]+/, '').replace(/\*\*/g, ''))
      .flatMap((line) => sentences(line))
      .map((s) => s.replace(/\s+/g, ' ').trim())
      .filter((s) => OMITS_RECORDS.test(s))
      .slice(0, 3),
    problems,
  };
}
