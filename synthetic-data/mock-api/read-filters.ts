import type { Parameter, SchemaNode } from '../../agent/ingest/api-model.ts';
import type { SchemaView } from '../../agent/docs-view/schema-view.ts';

/**
 * The mock's reading of a list's documented filters: query parameters that narrow which records come
 * back, and what they narrow to when the request does not say. A real server applies them, so the
 * mock does — a client that leaves a narrowing default in place loses records, and the proof sees it.
 *
 * - A value filter (`state`, enum `[active, disabled, all]`): compared with the record field of the
 *   same name, or with the record field whose enum shares its values (`status`). Its default comes
 *   from the schema or from the words "when omitted, only `active` …" / "defaults to `active`".
 * - An include flag (`include_suspended`, `show_deleted`: booleans, default false): records in the
 *   state its name or words name (a record enum value `SUSPENDED`, a boolean field `suspended`) are
 *   left out unless the flag is true.
 */

export interface ValueFilter {
  kind: 'value';
  param: string;
  /** The record field it compares with. */
  field: string;
  default?: string;
}

export interface IncludeFlag {
  kind: 'include';
  param: string;
  /** Record fields and the values that put a record in the flag's state (`status` = `SUSPENDED`; `suspended` = true). */
  states: { field: string; value: string | true }[];
}

export type Filter = ValueFilter | IncludeFlag;

/** Values of a filter that mean "no filter". */
export const ALL_VALUES = /^(all|any|\*|everything|both)$/i;
const IMPLIED_DEFAULT = /\b(?:when|if)\s+(?:omitted|absent|unspecified|not\s+(?:given|specified|set|provided|sent))\b[^.]*?\bonly\s+`?([A-Za-z0-9_-]+)`?|\bdefaults?\s+(?:to|is)\s+`?([A-Za-z0-9_-]+)`?|`([A-Za-z0-9_-]+)`\s+\(the default\)/i;
const INCLUDE_NAME = /^(?:include|show|with|return|list|get)[_-]?(.+)$/i;
const DEFAULT_OUT = /\b(by default|unless)\b[^.]*\b(left out|excluded|omitted|not (returned|included|listed|shown))\b|\balso (return|include|list|show)s?\b|\bwhether to (include|return|show|list)\b/i;

const words = (text: string) => new Set(text.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w.toLowerCase()));
const singular = (w: string) => w.replace(/s$/, '');

/** The documented filters of a list's query parameters (paging parameters already taken out). */
export function readFilters(params: Parameter[], items: SchemaNode, view: SchemaView): Filter[] {
  const props = view.properties(items);
  const enums = Object.entries(props).flatMap(([name, node]) => {
    const values = (view.resolve(node).enum ?? []).filter((v): v is string => typeof v === 'string');
    return values.length ? [{ name, values }] : [];
  });
  const booleans = Object.entries(props).filter(([, node]) => view.resolve(node).type?.includes('boolean')).map(([name]) => name);
  const out: Filter[] = [];
  for (const p of params) {
    const schema = view.resolve(p.schema);
    const type = schema.type ?? [];
    if (type.includes('boolean')) {
      const named = INCLUDE_NAME.exec(p.name)?.[1];
      if (!named || schema.default === true || !(schema.default === false || DEFAULT_OUT.test(p.description ?? ''))) continue;
      // A negated state (`includeNonDeleted`, "non-active, but not deleted") cannot be read literally: no filter.
      const suffix = named.replace(/[_-]/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
      if (/^(non|not|un)\b/i.test(suffix) || /^non[A-Z_-]/.test(named)) continue;
      // The state the flag's name names; the description's words only when the name names none.
      const description = (p.description ?? '').replace(/\b(non|not|un)[- ]\w+/gi, ' ');
      const stateOf = (said: Set<string>): IncludeFlag['states'] => [
        ...enums.flatMap((e) => e.values.filter((v) => said.has(singular(v.toLowerCase()))).map((value) => ({ field: e.name, value }))),
        ...booleans.filter((b) => said.has(singular(b.replace(/^is_?/i, '').toLowerCase()))).map((field) => ({ field, value: true as const })),
      ];
      const fromName = stateOf(new Set([...words(suffix)].map(singular)));
      const states = fromName.length ? fromName : stateOf(new Set([...words(description)].map(singular)));
      if (states.length) out.push({ kind: 'include', param: p.name, states });
      continue;
    }
    const values = (schema.enum ?? []).filter((v) => v !== null && v !== undefined).map(String);
    const field = Object.hasOwn(props, p.name)
      ? p.name
      : enums.find((e) => values.filter((v) => !ALL_VALUES.test(v)).some((v) => e.values.some((x) => x.toLowerCase() === v.toLowerCase())))?.name;
    if (!field) continue;
    const implied = IMPLIED_DEFAULT.exec(p.description ?? '');
    const fromProse = implied ? (implied[1] ?? implied[2] ?? implied[3]) : undefined;
    const scalar = (v: unknown) => (typeof v === 'string' && v !== '') || typeof v === 'number' || typeof v === 'boolean';
    const def = scalar(schema.default) ? String(schema.default) : fromProse && (!values.length || values.some((v) => v.toLowerCase() === fromProse.toLowerCase())) ? fromProse : undefined;
    if (!def && !values.length) continue;
    out.push({ kind: 'value', param: p.name, field, ...(def ? { default: def } : {}) });
  }
  return out;
}

/** Whether a record passes the filters for a request's query (case-insensitive values; `all`-like values filter nothing). */
export function passes(filters: Filter[], query: URLSearchParams, valueOf: (field: string) => unknown): boolean {
  return filters.every((f) => {
    if (f.kind === 'include') {
      if (query.get(f.param) === 'true') return true;
      return !f.states.some((s) => (s.value === true ? valueOf(s.field) === true : String(valueOf(s.field)).toLowerCase() === s.value.toLowerCase()));
    }
    const value = query.get(f.param) ?? f.default;
    if (value === undefined || value === '' || ALL_VALUES.test(value)) return true;
    return String(valueOf(f.field)).toLowerCase() === value.toLowerCase();
  });
}
