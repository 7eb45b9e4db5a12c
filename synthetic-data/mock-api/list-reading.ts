import type { Operation, Parameter, SchemaNode } from '../../agent/ingest/api-model.ts';
import { findItems } from '../../agent/plan/items-path.ts';
import { collectionNoun } from '../../agent/plan/identity-kinds.ts';
import { responseBody } from '../../agent/plan/response-body.ts';
import type { SchemaView } from '../../agent/docs-view/schema-view.ts';
import {
  CURSOR_FIELD,
  CURSOR_PARAM,
  LIMIT_PARAM,
  LAST_FIELD,
  LINK_WORDS,
  MORE_FIELD,
  NEXT_PATH,
  OFFSET_PARAM,
  ONE_BASED,
  OPAQUE_CURSOR,
  PAGE_PARAM,
  PAGES_FIELD,
  TOTAL_FIELD,
} from '../../agent/plan/pagination/vocabulary.ts';

/**
 * The mock's own reading of a list operation, from the docs alone (never from a plan): where the
 * records go, and every pagination mechanism the docs describe — request parameters, body fields,
 * a Link header. The mock serves all of them at once, so any correct reading of the docs works and
 * a wrong one does not.
 */

export interface BodySignal {
  path: string;
  node: SchemaNode;
  example: unknown;
}

export interface ListReading {
  op: Operation;
  itemsPath: string;
  items: SchemaNode;
  body: SchemaNode;
  params: {
    limit?: Parameter;
    offset?: Parameter;
    page?: Parameter;
    cursor?: Parameter;
  };
  /** First page number (0 or 1) and first offset, from the parameter schemas. */
  firstPage: number;
  firstOffset: number;
  linkHeader: boolean;
  fields: {
    cursor: BodySignal[];
    next: BodySignal[];
    more: BodySignal[];
    /** `isLast`: true on the last page. */
    last: BodySignal[];
    total: BodySignal[];
    pages: BodySignal[];
    page: BodySignal[];
  };
  /** Documented query parameter names: anything else a fetcher sends is logged as undocumented. */
  documentedQuery: Set<string>;
}

function walk(view: SchemaView, node: SchemaNode, example: unknown, itemsPath: string, prefix = '', depth = 1, out: BodySignal[] = []): BodySignal[] {
  for (const [name, child] of Object.entries(view.properties(node))) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (path === itemsPath) continue;
    const value = example && typeof example === 'object' && !Array.isArray(example) ? (example as Record<string, unknown>)[name] : undefined;
    const resolved = view.resolve(child);
    out.push({ path, node: resolved, example: value ?? resolved.example });
    if (depth < 4 && !view.isArray(child) && view.isObject(child)) walk(view, child, value, itemsPath, path, depth + 1, out);
  }
  return out;
}

const last = (path: string) => path.split('.').pop()!;
const numeric = (s: BodySignal) => !s.node.type || s.node.type.some((t) => t === 'integer' || t === 'number');

export function readList(op: Operation, view: SchemaView): ListReading | undefined {
  if (op.method !== 'get') return undefined;
  const body = responseBody(op, view);
  if (!body) return undefined;
  const items = findItems(view, body.schema, collectionNoun(op.path));
  if (!items) return undefined;
  const query = op.parameters.filter((p) => p.in === 'query');
  const pick = (re: RegExp, not?: Parameter) => query.find((p) => re.test(p.name) && p !== not);
  const cursor = query.find((p) => CURSOR_PARAM.test(p.name)) ?? query.find((p) => LINK_WORDS.test(p.description ?? '') && !LIMIT_PARAM.test(p.name));
  const offset = pick(OFFSET_PARAM);
  const page = pick(PAGE_PARAM);
  const limit = query.find((p) => LIMIT_PARAM.test(p.name) && p !== offset && p !== page);
  const signals = walk(view, body.schema, body.example, items.path);
  const stringy = (s: BodySignal) => !s.node.type || s.node.type.some((t) => t === 'string' || t === 'integer');
  const pageSchema = view.resolve(page?.schema);
  const offsetSchema = view.resolve(offset?.schema);
  const headers = op.responses.filter((r) => /^2/.test(r.status)).flatMap((r) => r.headers.map((h) => h.name.toLowerCase()));
  const cursorFields = signals.filter((s) => CURSOR_FIELD.test(last(s.path)) && stringy(s) && !(typeof s.example === 'string' && /^(https?:\/\/|\/)/.test(s.example)));
  const nextFields = signals.filter((s) => NEXT_PATH.test(s.path) && (!s.node.type || s.node.type.includes('string')));
  const documentedLink = headers.includes('link') || query.some((p) => LINK_WORDS.test(p.description ?? '')) || LINK_WORDS.test(op.description ?? '');
  // A cursor parameter no response field carries can only be returned in a header: the Link header.
  const orphanCursor = !!cursor && OPAQUE_CURSOR.test(cursor.description ?? '') && !cursorFields.length && !nextFields.length;
  return {
    op,
    itemsPath: items.path,
    items: items.items,
    body: body.schema,
    params: { ...(limit ? { limit } : {}), ...(offset ? { offset } : {}), ...(page ? { page } : {}), ...(cursor ? { cursor } : {}) },
    firstPage: typeof pageSchema.default === 'number' ? (pageSchema.default === 0 ? 0 : 1) : pageSchema.minimum === 0 ? 0 : 1,
    firstOffset: (offsetSchema.minimum ?? 0) >= 1 || ONE_BASED.test(offset?.description ?? '') ? 1 : 0,
    linkHeader: documentedLink || orphanCursor,
    fields: {
      cursor: cursorFields,
      next: nextFields,
      more: signals.filter((s) => MORE_FIELD.test(last(s.path)) && !s.node.type?.some((t) => t === 'object' || t === 'array')),
      last: signals.filter((s) => LAST_FIELD.test(last(s.path)) && !s.node.type?.some((t) => t === 'object' || t === 'array')),
      total: signals.filter((s) => TOTAL_FIELD.test(last(s.path)) && numeric(s)),
      pages: signals.filter((s) => PAGES_FIELD.test(last(s.path)) && numeric(s)),
      page: signals.filter((s) => /^(page|current_?page|page_?number)$/i.test(last(s.path)) && !!s.node.type?.some((t) => t === 'integer' || t === 'number')),
    },
    documentedQuery: new Set(query.map((p) => p.name)),
  };
}
