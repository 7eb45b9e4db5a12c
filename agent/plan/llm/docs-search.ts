import type { ApiModel, SchemaNode, Source } from '../../ingest/api-model.ts';
import { normaliseWhitespace } from '../../docs-view/quote-check.ts';
import { charsFor, fitList, pointerOf } from './bounded.ts';

/**
 * `search_docs`: case-insensitive search over the docs' words — prose sections, operation summaries
 * and descriptions, parameter, response and response-header descriptions, security schemes and
 * their scopes, named schemas and their own fields' descriptions. Each hit is a snippet of the text
 * (whitespace collapsed, otherwise verbatim) with the `file#pointer` of the ApiModel item that holds
 * it, so a quote the model takes from a snippet passes `checkQuotes` at that source.
 */

interface Passage {
  source: Source;
  /** What the text is, for the model: `param after (query) of listUsers`. */
  at: string;
  text: string;
}

const corpora = new WeakMap<ApiModel, Passage[]>();

function schemaPassages(name: string, node: SchemaNode, source: Source, out: Passage[]): void {
  if (node.description) out.push({ source, at: `schema ${name}`, text: node.description });
  for (const [field, child] of Object.entries(node.properties ?? {})) {
    if (child.description) out.push({ source, at: `field ${name}.${field}`, text: child.description });
  }
  for (const part of node.allOf ?? []) for (const [field, child] of Object.entries(part.properties ?? {})) if (child.description) out.push({ source, at: `field ${name}.${field}`, text: child.description });
}

/** Every searchable text of the model with its source, once per (source, text). */
function corpusOf(model: ApiModel): Passage[] {
  const known = corpora.get(model);
  if (known) return known;
  const out: Passage[] = [];
  for (const p of model.prose) out.push({ source: p.source, at: `prose${p.topics.length ? ` (${p.topics.join(', ')})` : ''}`, text: p.text });
  for (const s of model.security_schemes) {
    if (s.description) out.push({ source: s.source, at: `security scheme ${s.key}`, text: s.description });
    for (const scope of s.scopes) if (scope.description) out.push({ source: s.source, at: `scope ${scope.name} of ${s.key}`, text: scope.description });
  }
  for (const s of model.servers) if (s.description) out.push({ source: s.source, at: `server ${s.url}`, text: s.description });
  for (const op of model.operations) {
    if (op.summary) out.push({ source: op.source, at: `summary of ${op.id}`, text: op.summary });
    if (op.description) out.push({ source: op.source, at: `description of ${op.id}`, text: op.description });
    for (const p of op.parameters) if (p.description) out.push({ source: p.source, at: `param ${p.name} (${p.in}) of ${op.id}`, text: p.description });
    for (const r of op.responses) {
      if (r.description) out.push({ source: r.source, at: `response ${r.status} of ${op.id}`, text: r.description });
      for (const h of r.headers) if (h.description) out.push({ source: r.source, at: `header ${h.name} of ${op.id} ${r.status}`, text: h.description });
    }
  }
  for (const s of Object.values(model.schemas)) schemaPassages(s.name, s.schema, s.source, out);
  const seen = new Set<string>();
  const unique = out
    .map((p) => ({ ...p, text: normaliseWhitespace(p.text) }))
    .filter((p) => {
      const key = `${p.source.file}\u0000${p.source.pointer}\u0000${p.text}`;
      if (!p.text || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  corpora.set(model, unique);
  return unique;
}

export const MAX_SEARCH_LIMIT = 20;
export const DEFAULT_SEARCH_LIMIT = 8;
const SNIPPET_BEFORE = 120;
const SNIPPET_AFTER = 280;

/** A verbatim slice of `text` around `index`, never splitting a surrogate pair. */
function snippet(text: string, index: number, length: number): string {
  let start = Math.max(0, index - SNIPPET_BEFORE);
  let end = Math.min(text.length, index + length + SNIPPET_AFTER);
  if (start > 0 && /[\udc00-\udfff]/.test(text[start]!)) start -= 1;
  if (end < text.length && /[\ud800-\udbff]/.test(text[end - 1]!)) end -= 1;
  return text.slice(start, end);
}

/**
 * Passages holding every word of `query` (case-insensitive), those holding the whole query as a
 * phrase first, then prose before the rest, each cut to a snippet around the first match; at most
 * `limit` (≤ 20) hits and as many as fit `maxTokens`. An empty query is an error for the caller.
 */
export function searchDocs(model: ApiModel, query: string, limit: number | null | undefined, maxTokens: number): Record<string, unknown> {
  const phrase = normaliseWhitespace(query).toLowerCase();
  const terms = [...new Set(phrase.split(' ').filter(Boolean))];
  const scored: { p: Passage; score: number; at: number; len: number }[] = [];
  for (const p of corpusOf(model)) {
    const lower = p.text.toLowerCase();
    if (!terms.every((t) => lower.includes(t))) continue;
    const whole = lower.indexOf(phrase);
    const prose = p.at.startsWith('prose') ? 1 : 0;
    if (whole >= 0) scored.push({ p, score: 4 + prose, at: whole, len: phrase.length });
    else scored.push({ p, score: 2 + prose, at: lower.indexOf(terms[0]!), len: terms[0]!.length });
  }
  const ranked = scored.map((s, i) => ({ ...s, i })).sort((a, b) => b.score - a.score || a.i - b.i);
  const n = Math.min(MAX_SEARCH_LIMIT, Math.max(1, limit ?? DEFAULT_SEARCH_LIMIT));
  const hits = ranked.slice(0, n).map((s) => ({ src: pointerOf(s.p.source), at: s.p.at, text: snippet(s.p.text, s.at, s.len) }));
  const head: Record<string, unknown> = { query, total: ranked.length, note: 'text is a verbatim excerpt (whitespace collapsed) of the item at src: quote it with that source' };
  fitList(head, 'hits', hits, charsFor(maxTokens) - 40, 1);
  if (ranked.length > hits.length) head.more = `${ranked.length - hits.length} more matches: narrow the query or raise limit`;
  if (!ranked.length) head.hint = 'nothing holds every word of the query: try fewer or other words';
  return head;
}
