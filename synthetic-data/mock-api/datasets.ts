import type { ApiModel } from '../../agent/ingest/api-model.ts';
import type { SchemaView } from '../../agent/plan/schema-view.ts';
import { generateRecords, seedOf } from '../generate-records.ts';
import { readList, type ListReading } from './list-reading.ts';
import { matchRoute, routeOf, type Route } from './routes.ts';

/**
 * The identities the mock serves, generated on first use and then fixed: per list operation, and
 * for a child list per parent record. A root list holds a count that is not a multiple of the page
 * size and spans at least three pages, with one record repeated across the first page boundary.
 */

export type Row = Record<string, unknown>;

export interface Dataset {
  key: string;
  reading: ListReading;
  /** Each identity once: what a correct fetcher returns. */
  unique: Row[];
  /** What pages are cut from: `unique` with one record repeated across a page boundary. */
  served: Row[];
  /** Faults still to inject: a 429 on the first request, a 503 on a later page. */
  pending: { rateLimit: boolean; unavailable: boolean };
  parent?: { dataset: Dataset; record: Row; field: string };
}

export const PAGE_SIZE = 10;
export const ROOT_COUNT = 2 * PAGE_SIZE + 7;

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

export class Datasets {
  private readonly cache = new Map<string, Dataset | null>();
  private readonly routes: Route[];
  private readonly model: ApiModel;
  private readonly view: SchemaView;
  private readonly seed: number;

  constructor(model: ApiModel, view: SchemaView, seed: number) {
    this.model = model;
    this.view = view;
    this.seed = seed;
    this.routes = model.operations.filter((op) => op.method === 'get').map(routeOf);
  }

  /** Every dataset generated so far. */
  all(): Dataset[] {
    return [...this.cache.values()].filter((d): d is Dataset => !!d);
  }

  /** The dataset for a GET of `op` with these path values; undefined when a parent does not exist. */
  get(reading: ListReading, values: Record<string, string>): Dataset | undefined {
    const key = `${reading.op.id} ${JSON.stringify(values)}`;
    if (this.cache.has(key)) return this.cache.get(key) ?? undefined;
    const dataset = this.build(key, reading, values);
    this.cache.set(key, dataset ?? null);
    return dataset;
  }

  /** The unique records of a list, by operation id and path values (for the scorecard). */
  find(opId: string, values: Record<string, string>): Dataset | undefined {
    return this.cache.get(`${opId} ${JSON.stringify(values)}`) ?? undefined;
  }

  private build(key: string, reading: ListReading, values: Record<string, string>): Dataset | undefined {
    const params = Object.keys(values);
    let parent: Dataset['parent'];
    const fixed: Row = {};
    if (params.length) {
      const param = params.at(-1)!;
      const parentPath = reading.op.path.slice(0, reading.op.path.indexOf(`/{${param}}`));
      const parentMatch = matchRoute(this.routes, parentPath) ?? matchRoute(this.routes, `${parentPath}.json`);
      const parentReading = parentMatch && readList(parentMatch.route.op, this.view);
      if (parentMatch && parentReading) {
        const parentValues = Object.fromEntries(Object.entries(values).filter(([k]) => k !== param));
        const parentData = this.get(parentReading, parentValues);
        if (!parentData) return undefined;
        const fields = Object.keys(parentData.unique[0] ?? {});
        const field = parentField(param, fields, parentPath);
        const record = field ? parentData.unique.find((r) => String(r[field]) === values[param]) : undefined;
        if (!record) return undefined;
        parent = { dataset: parentData, record, field: field! };
        const ownerValue = String(record[field!]);
        for (const name of Object.keys(this.view.properties(reading.items))) if (OWNER_FIELD.test(name)) fixed[name] = ownerValue;
      }
    }
    const seed = seedOf(this.seed, key);
    const count = parent ? 1 + (seed % 3) : ROOT_COUNT;
    const unique = generateRecords(reading.items, this.view, { seed, count, fixed });
    const served = unique.length > PAGE_SIZE ? [...unique.slice(0, PAGE_SIZE), unique[PAGE_SIZE - 1]!, ...unique.slice(PAGE_SIZE)] : unique;
    return { key, reading, unique, served, pending: { rateLimit: !parent, unavailable: !parent }, ...(parent ? { parent } : {}) };
  }

  get apiModel(): ApiModel {
    return this.model;
  }
}
