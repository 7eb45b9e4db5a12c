import type { ApiModel, Operation } from '../../agent/ingest/api-model.ts';
import type { SchemaView } from '../../agent/docs-view/schema-view.ts';
import { generateRecords, generateScalars, seedOf } from '../generate-records.ts';
import { recordBytes } from './json-text.ts';
import { readList, type ListReading } from './read-list.ts';
import { readReferences, type Reference } from './read-references.ts';
import { listNamedBy, queryParent } from './read-parents.ts';
import { matchRoute, routeOf, type Route } from './routes.ts';

/**
 * The identities the mock serves, generated on first use and then fixed: per list operation, and
 * for a child list per parent record. A root list — and the child list of the first parent — holds
 * a count that is not a multiple of the page size and spans at least three pages, with one record
 * repeated across the first page boundary where the docs say the list is paged.
 */

/** A served record: an object, or a bare id where the docs' list holds ids. */
export type Row = Record<string, unknown> | string | number | bigint;

/** The value of a record's field (a bare-id record is its own `id`). */
export function fieldOf(record: Row | undefined, field: string): unknown {
  if (record === undefined) return undefined;
  return typeof record === 'object' ? record[field] : field === '' ? record : undefined;
}

/** The field names of a record (`[]` for a bare id). */
export function fieldsOf(record: Row | undefined): string[] {
  return record && typeof record === 'object' ? Object.keys(record) : [];
}

export interface Dataset {
  key: string;
  reading: ListReading;
  /** Each identity once: what a correct fetcher returns. */
  unique: Row[];
  /** What pages are cut from: `unique` with one record repeated across a page boundary. */
  served: Row[];
  /** Faults still to inject (root lists and the first parent's child list): a 429 on the first request, a 503 on a later page. */
  pending: { rateLimit: boolean; unavailable: boolean };
  /** For a child list: the parent record it hangs from, and the parent field its path parameter takes (`''`: the record is a bare id). */
  parent?: { dataset: Dataset; record: Row; field: string };
}

/** The most records the mock puts in a page, whatever the request asks: real vendors clamp too. */
export const PAGE_SIZE = 10;
/** Records in a root list: not a multiple of the page size, and at least three pages. */
export const rootCountFor = (pageSize: number) => 2 * pageSize + 7;

export interface DatasetOptions {
  seed: number;
  pageSize?: number;
  /** Records in each root list (default: two pages and a bit). */
  rootCount?: number;
}

const OWNER_FIELD = /^(owner|owner_?id|user|user_?id|created_?by|creator_?id|account_?sid|service_?account_?id)$/i;
const ID_FIELD = /^(id|uid|uuid|sid|key|name|username|login)$/i;

function singular(s: string): string {
  return s.toLowerCase().replace(/ies$/, 'y').replace(/s$/, '');
}

/** The parent record field a child path parameter names (`{userId}` → `id`, `{AccountSid}` → `sid`, `{name}` → `name`). */
export function parentField(param: string, fields: string[], parentPath: string): string | undefined {
  const exact = fields.find((f) => f.toLowerCase() === param.toLowerCase());
  if (exact) return exact;
  const noun = singular(parentPath.split('/').filter(Boolean).at(-1)?.replace(/\.\w+$/, '').replace(/[^a-z]/gi, '') ?? '');
  const stripped = param.replace(new RegExp(`^${noun}_?`, 'i'), '').toLowerCase();
  return fields.find((f) => f.toLowerCase() === stripped) ?? (/name$/i.test(param) ? fields.find((f) => f === 'name') : undefined) ?? fields.find((f) => ID_FIELD.test(f));
}

/** The parent record field a child's path parameter takes; `''` when the parent's records are bare ids. */
function keyFieldOf(param: string, parent: Dataset, parentPath: string): string | undefined {
  const first = parent.unique[0];
  if (first !== undefined && typeof first !== 'object') return '';
  return parentField(param, fieldsOf(first), parentPath);
}

function keyOf(opId: string, values: Record<string, string>): string {
  return `${opId} ${JSON.stringify(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)))}`;
}

export class Datasets {
  private readonly cache = new Map<string, Dataset | null>();
  private readonly readings = new Map<Operation, ListReading | null>();
  private readonly routes: Route[];
  private readonly view: SchemaView;
  private readonly model: ApiModel;
  private readonly seed: number;
  readonly pageSize: number;
  private readonly rootCount: number;

  constructor(model: ApiModel, view: SchemaView, options: DatasetOptions) {
    this.model = model;
    this.view = view;
    this.seed = options.seed;
    this.pageSize = options.pageSize ?? PAGE_SIZE;
    this.rootCount = options.rootCount ?? rootCountFor(this.pageSize);
    this.routes = model.operations.filter((op) => op.method === 'get').map(routeOf);
  }

  /** The mock's reading of a GET operation as a list (cached), or undefined when it holds no list. */
  readingOf(op: Operation): ListReading | undefined {
    if (!this.readings.has(op)) this.readings.set(op, readList(op, this.view, this.model) ?? null);
    return this.readings.get(op) ?? undefined;
  }

  /** The references `reading`'s records hold to other lists' records (the mock's own reading: `read-references.ts`). */
  referencesOf(reading: ListReading): Reference[] {
    const lists = this.routes.map((r) => this.readingOf(r.op)).filter((l): l is ListReading => !!l);
    return readReferences(reading, lists, this.view);
  }

  /** Lists being generated: a reference to one of them is left as generated (no cycle). */
  private readonly building = new Set<Operation>();

  /** Every dataset generated so far. */
  all(): Dataset[] {
    return [...this.cache.values()].filter((d): d is Dataset => !!d);
  }

  /** The dataset for a GET of `op` with these path values; undefined when a parent does not exist. */
  get(reading: ListReading, values: Record<string, string>): Dataset | undefined {
    const key = keyOf(reading.op.id, values);
    if (this.cache.has(key)) return this.cache.get(key) ?? undefined;
    const dataset = this.build(key, reading, values);
    this.cache.set(key, dataset ?? null);
    return dataset;
  }

  /**
   * The list a child operation's last path parameter refers to (`/users` for `/users/{name}/tokens`),
   * from the docs' paths alone.
   */
  parentOf(reading: ListReading, values: Record<string, string>): { param: string; path: string; reading: ListReading } | undefined {
    const param = [...reading.op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).filter((p) => p in values).at(-1);
    if (!param) {
      // A required query parameter that takes another list's record (`read-parents.ts`).
      const query = this.queryParentOf(reading);
      return query && query.param in values ? { param: query.param, path: query.reading.op.path, reading: query.reading } : undefined;
    }
    const path = reading.op.path.slice(0, reading.op.path.indexOf(`/{${param}}`));
    const match = matchRoute(this.routes, path) ?? matchRoute(this.routes, `${path}.json`);
    const parentReading = match ? this.readingOf(match.route.op) : listNamedBy(param, this.lists(), reading.op);
    return parentReading ? { param, path: match ? path : parentReading.op.path, reading: parentReading } : undefined;
  }

  /** Every GET list the docs describe. */
  private lists(): ListReading[] {
    return this.routes.map((r) => this.readingOf(r.op)).filter((l): l is ListReading => !!l);
  }

  /** The required query parameter of a list that takes another list's record, and that list (`read-parents.ts`). */
  queryParentOf(reading: ListReading): { param: string; reading: ListReading } | undefined {
    if (!this.queryParents.has(reading)) this.queryParents.set(reading, queryParent(reading.op, this.lists(), this.view) ?? null);
    return this.queryParents.get(reading) ?? undefined;
  }

  private readonly queryParents = new Map<ListReading, { param: string; reading: ListReading } | null>();

  /**
   * A value the mock accepts for a tenant path parameter: a record's key when the docs list the
   * tenants (`/orgs` for `/orgs/{org}/members`), else a synthetic `fw-<name>`.
   */
  valueFor(reading: ListReading, param: string, outer: Record<string, string>): string {
    const parent = this.parentOf(reading, { ...outer, [param]: '' });
    const parentData = parent && parent.param === param ? this.get(parent.reading, outer) : undefined;
    const field = parentData && keyFieldOf(param, parentData, parent!.path);
    const value = field !== undefined ? fieldOf(parentData!.unique[0], field) : undefined;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : `fw-${param.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  }

  /** Every child list of a child operation: one per record of its parent list. */
  childrenOf(reading: ListReading, outer: Record<string, string>, param: string): { parent: Row; dataset: Dataset }[] {
    const parent = this.parentOf(reading, { ...outer, [param]: '' });
    if (!parent) return [];
    const parentData = this.get(parent.reading, outer);
    if (!parentData) return [];
    const field = keyFieldOf(param, parentData, parent.path);
    if (field === undefined) return [];
    return parentData.unique.flatMap((record) => {
      const dataset = this.get(reading, { ...outer, [param]: String(fieldOf(record, field)) });
      return dataset ? [{ parent: record, dataset }] : [];
    });
  }

  /**
   * A link record's references point at seeded records (a membership's `user` is a seeded person,
   * its `group_id` a seeded group's id), the i-th record at the target's i-th record (only where the
   * target has as many, so no seeded value repeats).
   * A reference the record left out (an optional field) stays out.
   */
  private seedReferences(reading: ListReading, rows: Row[], fixed: Row): void {
    this.building.add(reading.op);
    try {
      for (const ref of this.referencesOf(reading)) {
        // An owner already pointing at the parent stays; a list still being built is not waited for.
        if (this.building.has(ref.target.op) || (typeof fixed === 'object' && ref.field in fixed)) continue;
        const targets = this.get(ref.target, {})?.unique.filter((t): t is Record<string, unknown> => typeof t === 'object');
        // Fewer targets than records would repeat a value that may be the records' own key.
        if (!targets?.length || targets.length < rows.length) continue;
        const keyField = [...(ref.key ? [ref.key] : []), ...ref.target.keys, 'id', 'uid', 'uuid', 'guid', 'sid', 'key', 'name'].find((f) => targets.every((t) => typeof t[f] === 'string' || typeof t[f] === 'number'));
        rows.forEach((row, i) => {
          if (typeof row !== 'object' || row[ref.field] === undefined || row[ref.field] === null) return;
          const target = targets[i % targets.length]!;
          if (ref.holds === 'record') row[ref.field] = { ...target };
          else if (keyField) row[ref.field] = target[keyField];
        });
      }
    } finally {
      this.building.delete(reading.op);
    }
  }

  private build(key: string, reading: ListReading, values: Record<string, string>): Dataset | undefined {
    let parent: Dataset['parent'];
    const fixed: Row = {};
    const link = this.parentOf(reading, values);
    if (link) {
      const parentValues = Object.fromEntries(Object.entries(values).filter(([k]) => k !== link.param));
      const parentData = this.get(link.reading, parentValues);
      if (!parentData) return undefined;
      const field = keyFieldOf(link.param, parentData, link.path);
      const record = field !== undefined ? parentData.unique.find((r) => String(fieldOf(r, field)) === values[link.param]) : undefined;
      if (field === undefined || record === undefined) return undefined;
      parent = { dataset: parentData, record, field };
      // Owners point at the seeded principal the list hangs from, in the type the docs give the owner field.
      for (const [name, node] of Object.entries(this.view.properties(reading.items))) {
        const type = this.view.resolve(node).type ?? [];
        const value = fieldOf(record, field);
        if (!OWNER_FIELD.test(name) || (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint')) continue;
        if (type.includes('integer') && typeof value === 'bigint') fixed[name] = value;
        else if (type.includes('integer') && Number.isSafeInteger(Number(value))) fixed[name] = Number(value);
        else if (type.includes('string')) fixed[name] = String(value);
      }
    }
    const seed = seedOf(this.seed, key);
    // A child list under the first parent spans pages too (a group with many members), so a child
    // stream's pagination is proved as well; the other parents have one to three children.
    const long = !parent || parent.record === parent.dataset.unique[0];
    const count = long ? this.rootCount : 1 + (seed % 3);
    const itemType = this.view.resolve(reading.items).type ?? [];
    const scalar = itemType.length > 0 && itemType.every((t) => ['string', 'integer', 'number'].includes(t));
    const unique: Row[] = scalar ? generateScalars(reading.items, this.view, { seed, count }) : generateRecords(reading.items, this.view, { seed, count, fixed, extraFields: true, keys: reading.keys });
    if (!scalar) this.seedReferences(reading, unique, fixed);
    // A map is keyed by its records' key field: every record carries one (an entry's key is never blank).
    const mapKey = reading.container === 'map' ? reading.mapKey : undefined;
    if (mapKey) unique.forEach((r, i) => typeof r === 'object' && (r[mapKey] === undefined || r[mapKey] === null) && (r[mapKey] = `${mapKey}-${i}`));
    const p = this.pageSize;
    // A record repeated across the first page boundary, where the docs say the list is paged.
    const served = reading.paged && unique.length > p ? [...unique.slice(0, p), unique[p - 1]!, ...unique.slice(p)] : unique;
    // Each record's JSON is made now, with the data, so a request only joins the records of its page.
    for (const record of unique) recordBytes(record);
    // Faults on every root list and on the first parent's (long) child list: a 429 first, a 503 on a later page.
    return { key, reading, unique, served, pending: { rateLimit: long, unavailable: long }, ...(parent ? { parent } : {}) };
  }
}
