import type { ApiModel, Operation, Parameter, Prose, SchemaNode } from '../../ingest/api-model.ts';
import type { Evidence } from '../connector-plan.ts';
import type { SchemaView } from '../../docs-view/schema-view.ts';
import { excerpt, fieldEvidence as citeField, quoted, reasoned } from '../evidence.ts';
import { successResponse } from '../response-body.ts';

/**
 * What a pagination detector can look at for one operation: its query parameters (with their
 * prose), its response headers, the fields of its response body, the docs' pagination prose.
 */

export interface BodyField {
  path: string;
  name: string;
  node: SchemaNode;
  example: unknown;
}

export interface PaginationSignals {
  op: Operation;
  params: Parameter[];
  headers: string[];
  /** Body fields outside the records array, to depth 4. */
  fields: BodyField[];
  itemsPath: string;
  prose: Prose[];
  view: SchemaView;
  /** One record's schema, when the records' path leads to a list. */
  items: SchemaNode | undefined;
  /** The other operations of the same docs (a sibling may declare the page parameter this one omits). */
  siblings: Operation[];
}

export function collectSignals(op: Operation, body: SchemaNode, example: unknown, itemsPath: string, model: Pick<ApiModel, 'prose'> & Partial<Pick<ApiModel, 'operations'>>, view: SchemaView, responseHeaders: string[]): PaginationSignals {
  const fields: BodyField[] = [];
  const walk = (node: SchemaNode, value: unknown, prefix: string, depth: number) => {
    for (const [name, child] of Object.entries(view.properties(node))) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (path === itemsPath) continue;
      const childValue = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
      const resolved = view.resolve(child);
      fields.push({ path, name, node: resolved, example: childValue ?? resolved.example });
      if (depth < 4 && !view.isArray(child) && view.isObject(child)) walk(child, childValue, path, depth + 1);
    }
  };
  walk(body, example, '', 1);
  return {
    op,
    params: op.parameters.filter((p) => p.in === 'query'),
    headers: responseHeaders,
    fields,
    itemsPath,
    prose: model.prose.filter((p) => p.topics.includes('pagination')),
    view,
    items: itemsPath === '' ? view.items(body) : view.items(view.at(body, itemsPath)),
    siblings: (model.operations ?? []).filter((o) => o !== op),
  };
}

export function paramNamed(s: PaginationSignals, pattern: RegExp): Parameter | undefined {
  return s.params.find((p) => pattern.test(p.name));
}

export function fieldNamed(s: PaginationSignals, pattern: RegExp, type?: string): BodyField | undefined {
  return s.fields.find((f) => pattern.test(f.name) && (!type || !f.node.type || f.node.type.includes(type)));
}

/** A query parameter's evidence: its description (around `near` when given), else its name, cited at the parameter. */
export function paramEvidence(p: Parameter, reasoning: string, near?: RegExp): Evidence {
  return quoted(p.source, p.description ? excerpt(p.description, near) : p.name, reasoning);
}

/** A body field's evidence: its description, else its name, cited where the docs declare it. */
export function fieldEvidence(s: PaginationSignals, f: BodyField, reasoning: string): Evidence {
  const response = successResponse(s.op);
  return response ? citeField(s.view, response, f.path.split('.'), reasoning) : reasoned(s.op.source, reasoning);
}

/** A maximum in a parameter's prose: "max 100", "maximum is 100", "between 1 and 100", "(1-200", "up to 500", "at most 50". */
const MAXIMUM_PROSE = /\bmax(?:imum)?(?:\s+(?:of|is|value is|value|allowed(?: is)?))?[:\s]*(\d{1,5})\b|\bbetween\s+\d+\s+and\s+(\d{1,5})\b|(?:^|[\s(])\d+\s*(?:-|–|to)\s*(\d{1,5})\b|\b(?:up to|at most|no more than)\s+(\d{1,5})\b/i;

/**
 * The page size to ask for, a positive integer or undefined (send none): the documented maximum (its
 * `maximum`, else one its description gives: "max 100", "between 1 and 100", "1-200", "up to 500"), capped at 500; else its default; else 100 when the
 * docs say nothing. Each is floored first and must then be at least 1, so a hostile or mistaken
 * `maximum: 0.5` falls back to the default, and to no page size at all when that is no better. Never throws.
 */
export function pageSizeOf(p: Parameter | undefined, view: SchemaView): number | undefined {
  if (!p) return undefined;
  const schema = view.resolve(p.schema);
  const fromText = MAXIMUM_PROSE.exec(p.description ?? '');
  const said = fromText ? Number(fromText[1] ?? fromText[2] ?? fromText[3] ?? fromText[4]) : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : said;
  const def = typeof schema.default === 'number' ? schema.default : undefined;
  if (max === undefined && def === undefined) return 100;
  // The documented maximum fetches fewest pages; stop conditions never rely on a full page.
  for (const documented of [max, def]) {
    if (documented === undefined || Number.isNaN(documented)) continue;
    const size = Math.floor(Math.min(documented, 500));
    if (size >= 1) return size;
  }
  return undefined;
}

export function mentions(text: string | undefined, pattern: RegExp): boolean {
  return !!text && pattern.test(text);
}

