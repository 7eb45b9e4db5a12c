import type { ApiModel, Operation, Parameter, Response, SchemaNode, SecurityScheme, Server, Source } from '../ingest/api-model.ts';

/**
 * Checks that evidence quotes the docs: a quote is verbatim text (whitespace aside) found at the
 * ApiModel item its `source` names. Neutral: it reads only the ApiModel, so the planner, `validate`
 * and `verify` can all run it on any plan — heuristic or model-made.
 *
 * An item's texts are its own strings and property names, the enum/example/default values and
 * property names of its inline schemas, a response's examples and its headers' names and
 * descriptions; a security scheme's client credentials flow is an item of its own (its token URL and
 * scopes). A `$ref` is never followed into another item: text that lives in a named schema is
 * quoted from that schema, cited at that schema's source.
 */

/** A quote the docs do not hold: where in the checked value, what it cites, and why it fails. */
export interface QuoteProblem {
  /** Dotted path of the evidence object in the checked value, e.g. `streams.2.pagination.evidence.0`. */
  at: string;
  source: Source;
  quote: string;
  /** `no-such-source`: no ApiModel item has that source; `not-in-docs`: the item does not hold the text. */
  why: 'no-such-source' | 'not-in-docs';
}

/** Collapses every run of whitespace to one space and trims: how quotes and texts are compared. */
export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const MAX_DEPTH = 40;

function sourceKey(source: Source): string {
  return `${source.file}\u0000${source.pointer}`;
}

/** Every string in a plain JSON value: strings, numbers and booleans as written, and object keys. */
function valueTexts(value: unknown, out: string[], depth = 0): void {
  if (value === null || value === undefined || depth > MAX_DEPTH) return;
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) valueTexts(v, out, depth + 1);
  else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out.push(k);
      valueTexts(v, out, depth + 1);
    }
  }
}

/** The texts of a schema written inline at an item; a `{ ref }` contributes only its own sibling words. */
function schemaTexts(node: SchemaNode | undefined, out: string[], depth = 0): void {
  if (!node || depth > MAX_DEPTH) return;
  if (node.description) out.push(node.description);
  if (node.format) out.push(node.format);
  for (const t of node.type ?? []) out.push(t);
  for (const r of node.required ?? []) out.push(r);
  valueTexts(node.enum, out);
  valueTexts(node.example, out);
  valueTexts(node.default, out);
  if (node.minimum !== undefined) out.push(String(node.minimum));
  if (node.maximum !== undefined) out.push(String(node.maximum));
  if (node.ref) return;
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    out.push(name);
    schemaTexts(child, out, depth + 1);
  }
  schemaTexts(node.items, out, depth + 1);
  schemaTexts(node.additionalProperties, out, depth + 1);
  for (const part of [...(node.allOf ?? []), ...(node.oneOf ?? []), ...(node.anyOf ?? [])]) schemaTexts(part, out, depth + 1);
}

function serverTexts(s: Server, out: string[]): void {
  out.push(s.url);
  if (s.description) out.push(s.description);
  for (const v of s.variables) {
    out.push(v.name);
    if (v.default !== undefined) out.push(v.default);
    if (v.description) out.push(v.description);
    for (const e of v.enum ?? []) out.push(e);
  }
}

function schemeTexts(s: SecurityScheme, out: string[]): void {
  out.push(s.key, s.type, ...s.flows);
  for (const t of [s.scheme, s.in, s.name, s.bearer_format, s.description]) if (t) out.push(t);
  for (const scope of s.scopes) {
    out.push(scope.name);
    if (scope.description) out.push(scope.description);
  }
}

function parameterTexts(p: Parameter, out: string[]): void {
  out.push(p.name, p.in);
  if (p.description) out.push(p.description);
  schemaTexts(p.schema, out);
}

function responseTexts(r: Response, out: string[]): void {
  out.push(r.status);
  if (r.description) out.push(r.description);
  if (r.content_type) out.push(r.content_type);
  schemaTexts(r.schema, out);
  valueTexts(r.examples, out);
  for (const h of r.headers) {
    out.push(h.name);
    if (h.description) out.push(h.description);
    schemaTexts(h.schema, out);
  }
}

/** The operation's own words: its operationId (not one ingest made up), method, path, summary, tags, extensions, security. */
function operationTexts(op: Operation, files: Set<string>, out: string[]): void {
  const made = `${op.method.toUpperCase()} ${op.path}`;
  // Ingest names an operation without an operationId `METHOD path`, and suffixes a repeated id with its file.
  const suffix = / \(([^()]+)\)$/.exec(op.id);
  const id = suffix && files.has(suffix[1]!) ? op.id.slice(0, suffix.index) : op.id;
  if (id !== made) out.push(id);
  out.push(op.method, op.path, ...op.tags);
  if (op.summary) out.push(op.summary);
  if (op.description) out.push(op.description);
  valueTexts(op.extensions, out);
  for (const req of op.security ?? []) for (const r of req) out.push(r.scheme, ...r.scopes);
}

/**
 * Every item of the model with a source, keyed by source, as whitespace-normalised texts. Lazy: the
 * items are only listed up front; an item's texts are gathered and normalised the first time its
 * source is asked for (a plan cites a few dozen of a large model's hundred thousand items).
 */
function indexTexts(model: ApiModel): { get(key: string): string[] | undefined } {
  const fills = new Map<string, ((out: string[]) => void)[]>();
  const add = (source: Source, fill: (out: string[]) => void) => {
    const key = sourceKey(source);
    const list = fills.get(key);
    if (list) list.push(fill);
    else fills.set(key, [fill]);
  };
  const files = new Set(model.documents.map((d) => d.file));
  for (const s of model.servers) add(s.source, (out) => serverTexts(s, out));
  for (const s of model.security_schemes) add(s.source, (out) => schemeTexts(s, out));
  for (const { client_credentials: flow } of model.security_schemes) {
    if (flow) add(flow.source, (out) => out.push(flow.token_url, ...flow.scopes.flatMap((x) => [x.name, ...(x.description ? [x.description] : [])])));
  }
  for (const op of model.operations) {
    add(op.source, (out) => operationTexts(op, files, out));
    for (const s of op.servers ?? []) add(s.source, (out) => serverTexts(s, out));
    for (const p of op.parameters) add(p.source, (out) => parameterTexts(p, out));
    for (const r of op.responses) add(r.source, (out) => responseTexts(r, out));
  }
  for (const p of model.prose) add(p.source, (out) => out.push(p.text));
  for (const s of Object.values(model.schemas)) {
    add(s.source, (out) => {
      const last = s.source.pointer.split('/').pop();
      out.push(s.name, ...(last ? [last.replace(/~1/g, '/').replace(/~0/g, '~')] : []));
      schemaTexts(s.schema, out);
    });
  }
  const texts = new Map<string, string[]>();
  return {
    get(key: string): string[] | undefined {
      const known = texts.get(key);
      if (known) return known;
      const list = fills.get(key);
      if (!list) return undefined;
      const raw: string[] = [];
      for (const fill of list) fill(raw);
      const out = raw.map(normaliseWhitespace).filter(Boolean);
      texts.set(key, out);
      return out;
    },
  };
}

/**
 * Every string at the item(s) whose source is `source` (several items may share one: a `$ref`'d
 * parameter, Swagger's servers at `/host`), whitespace-normalised; `undefined` when no item of the
 * model has that source. Never throws.
 */
export function textsAt(model: ApiModel, source: Source): string[] | undefined {
  return indexTexts(model).get(sourceKey(source));
}

function isSource(v: unknown): v is Source {
  return !!v && typeof v === 'object' && typeof (v as Source).file === 'string' && typeof (v as Source).pointer === 'string';
}

/**
 * Walks any JSON value (a plan, an assessment, a manifest) for objects shaped `{ source, quote }`
 * with a string `quote`, and returns each whose quote is not found (whitespace normalised on both
 * sides, case kept) in the texts at its source. An empty quote is never found. Evidence without a
 * quote — a decision resting on an absence — is not checked. Returns `[]` when every quote holds;
 * never throws.
 */
export function checkQuotes(value: unknown, model: ApiModel): QuoteProblem[] {
  const index = indexTexts(model);
  const problems: QuoteProblem[] = [];
  // Objects on the current path only: a value shared by two places is checked at both, a cycle ends.
  const open = new Set<unknown>();
  const walk = (v: unknown, at: string[], depth: number): void => {
    if (!v || typeof v !== 'object' || depth > 64 || open.has(v)) return;
    open.add(v);
    try {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, String(i)], depth + 1));
      else visit(v as Record<string, unknown>, at, depth);
    } finally {
      open.delete(v);
    }
  };
  const visit = (o: Record<string, unknown>, at: string[], depth: number): void => {
    if (isSource(o.source) && typeof o.quote === 'string') {
      const texts = index.get(sourceKey(o.source));
      const quote = normaliseWhitespace(o.quote);
      const why = !texts ? 'no-such-source' : !quote || !texts.some((t) => t.includes(quote)) ? 'not-in-docs' : undefined;
      if (why) problems.push({ at: at.join('.'), source: { file: o.source.file, pointer: o.source.pointer }, quote: o.quote, why });
    }
    for (const [k, x] of Object.entries(o)) walk(x, [...at, k], depth + 1);
  };
  walk(value, [], 0);
  return problems;
}
