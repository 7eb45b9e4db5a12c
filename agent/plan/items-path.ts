import type { SchemaNode } from '../ingest/api-model.ts';
import type { SchemaView } from '../docs-view/schema-view.ts';

/**
 * Where the records are in a list response: the body itself (a bare array), or an array property
 * such as `data`, `members`, `items`, `ssh_keys`, possibly one level down (`_embedded.users`). A
 * list may also be a map — an object keyed by data whose values are the records (JupyterHub's
 * `/services`, keyed by service name): an object schema with no fields of its own whose
 * `additionalProperties` is a record that looks like an identity (it has an identifier, or the
 * field the docs say each key equals).
 */

export interface ItemsLocation {
  /** Dotted path; `''` when the body is the array (or the map). */
  path: string;
  /** One record's schema: the array's items, or the map's values. */
  items: SchemaNode;
  /** Why here: `body-is-array`, `body-is-map`, `named-after-noun`, `generic-wrapper`, `only-array`; `decided`: a model said (the proof judges it). */
  reason: 'body-is-array' | 'body-is-map' | 'named-after-noun' | 'generic-wrapper' | 'only-array' | 'decided';
  confidence: number;
  /** `array`: the records are a list; `map`: they are the values of an object keyed by data. */
  container: 'array' | 'map';
  /** For a map: the record field each key equals (`x-map-key`), when the docs or a live run say; else null. */
  mapKey: string | null;
}

/** Fields that identify a record: what makes a map's values identities rather than settings or labels. */
const IDENTIFYING = /^(id|uid|uuid|guid|sid|key|name|login|username|user_?name|email|slug|handle)$|_(id|uuid|key)$/i;
/** camelCase identifiers (`userId`, `accountUuid`). */
const IDENTIFYING_CAMEL = /[a-z](Id|ID|Uuid|UUID|Key)$/;

/**
 * The records of `node` when it is a map of records: an object with no fields of its own whose
 * `additionalProperties` is an object with fields, one of them identifying (or the declared key).
 */
export function mapOfRecords(view: SchemaView, node: SchemaNode | undefined): { items: SchemaNode; mapKey: string | null } | undefined {
  const r = view.resolve(node);
  if (!r.additionalProperties || Object.keys(r.properties ?? {}).length || view.isArray(r)) return undefined;
  const values = view.resolve(r.additionalProperties);
  if (view.isArray(values)) return undefined;
  const fields = Object.keys(values.properties ?? {});
  if (!fields.length) return undefined;
  const mapKey = r.map_key && fields.includes(r.map_key) ? r.map_key : null;
  if (!mapKey && !fields.some((f) => IDENTIFYING.test(f) || IDENTIFYING_CAMEL.test(f))) return undefined;
  return { items: r.additionalProperties, mapKey };
}

const GENERIC = /^(data|items|results|records|value|values|entries|elements|list|resources|objects|rows|content|collection|hits|nodes)$/i;
const NOT_RECORDS = /^(errors?|warnings?|links?|messages?|scopes|permissions|_?meta(data)?|included|facets|sort|fields)$/i;

function singular(s: string): string {
  return s.toLowerCase().replace(/ies$/, 'y').replace(/(ss|x|ch|sh)es$/, '$1').replace(/s$/, '');
}

export function findItems(view: SchemaView, body: SchemaNode, noun: string | undefined): ItemsLocation | undefined {
  if (view.isArray(body)) {
    const items = view.items(body) ?? {};
    return { path: '', items, reason: 'body-is-array', confidence: 0.95, container: 'array', mapKey: null };
  }
  const bodyMap = mapOfRecords(view, body);
  if (bodyMap) return { path: '', items: bodyMap.items, reason: 'body-is-map', confidence: 0.85, container: 'map', mapKey: bodyMap.mapKey };
  type Found = { path: string; name: string; items: SchemaNode; container: 'array' | 'map'; mapKey: string | null };
  const candidates: Found[] = [];
  // Lists of bare ids (`people: ["U1", …]`, `admin_ids`): records only where named after the collection.
  const idLists: Found[] = [];
  const visit = (node: SchemaNode, prefix: string, depth: number) => {
    for (const [name, child] of Object.entries(view.properties(node))) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (view.isArray(child)) {
        const items = view.items(child) ?? {};
        const scalarItems = view.resolve(items).type?.every((t) => ['string', 'integer', 'number', 'boolean'].includes(t));
        if (!NOT_RECORDS.test(name) && !scalarItems) candidates.push({ path, name, items, container: 'array', mapKey: null });
        else if (!NOT_RECORDS.test(name) && view.resolve(items).type?.some((t) => t === 'string' || t === 'integer')) idLists.push({ path, name, items, container: 'array', mapKey: null });
      } else if (mapOfRecords(view, child)) {
        if (!NOT_RECORDS.test(name)) candidates.push({ path, name, container: 'map', ...mapOfRecords(view, child)! });
      } else if (depth < 2 && view.isObject(child)) {
        visit(child, path, depth + 1);
      }
    }
  };
  visit(body, '', 1);
  const nounSingular = noun ? singular(noun.replace(/[-.]/g, '_')) : undefined;
  const namedAfter = (c: Found, name = singular(c.name)) => !!nounSingular && name.length > 1 && (name === nounSingular || name.replace(/_/g, '') === nounSingular.replace(/_/g, '') || nounSingular.endsWith(name) || name.endsWith(nounSingular));
  const named = candidates.find((c) => namedAfter(c));
  // A list of ids named after the collection (`admin_ids` for `admins`): each id is a record.
  const namedIds = idLists.find((c) => namedAfter(c) || namedAfter(c, singular(c.name.replace(/[_-]?(ids|Ids|IDs)$/, ''))));
  if (!candidates.length && !namedIds) return undefined;
  const at = (c: Found, reason: ItemsLocation['reason'], confidence: number): ItemsLocation => ({ path: c.path, items: c.items, reason, confidence, container: c.container, mapKey: c.mapKey });
  if (named) return at(named, 'named-after-noun', 0.9);
  const topLevel = candidates.filter((c) => !c.path.includes('.'));
  const generic = topLevel.find((c) => GENERIC.test(c.name)) ?? candidates.find((c) => GENERIC.test(c.name));
  if (generic) return at(generic, 'generic-wrapper', 0.8);
  if (candidates.length === 1) return at(candidates[0]!, 'only-array', 0.6);
  if (namedIds) return at(namedIds, 'named-after-noun', 0.8);
  return undefined;
}

/**
 * The records at `dotted` (`''`: the body) of a response schema when an array is there: where a
 * model decided the records are (agent/plan/llm), for wrappers the heuristics do not read. The
 * proof, against the mock's own reading, judges the choice. Undefined when no array is there.
 */
export function itemsAtDecidedPath(view: SchemaView, schema: SchemaNode, dotted: string): ItemsLocation | undefined {
  const at = dotted === '' ? schema : view.at(schema, dotted);
  if (!at) return undefined;
  const node = view.resolve(at);
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  if (!node.items || (types.length && !types.includes('array'))) return undefined;
  return { path: dotted, items: node.items, reason: 'decided', confidence: 0.7, container: 'array', mapKey: null };
}
