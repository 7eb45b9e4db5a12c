import { normaliseWhitespace } from '../docs-view/quote-check.ts';
import { ITEMS, VALUES, type SchemaView } from '../docs-view/schema-view.ts';
import type { Response, Source } from '../ingest/api-model.ts';
import type { Evidence } from './connector-plan.ts';

/**
 * Building evidence the way `checkQuotes` reads it: the quote is the docs' own text, taken from the
 * item the source names; the reasoning is the planner's sentence. Nothing here invents a quote.
 */

const MAX_QUOTE = 200;

/**
 * A verbatim window of `text` (whitespace normalised) at most about `max` characters long, around
 * the first match of `near` (a pattern, or an index and length), else from the start, cut at word
 * boundaries. `''` for empty text.
 */
export function excerpt(text: string, near?: RegExp | { index: number; length: number }, max = MAX_QUOTE): string {
  if (normaliseWhitespace(text).length <= max) return normaliseWhitespace(text);
  let at: { index: number; length: number } | undefined;
  if (near instanceof RegExp) {
    const m = new RegExp(near.source, near.flags.replace('g', '')).exec(text);
    at = m ? { index: m.index, length: m[0].length } : undefined;
  } else at = near;
  if (at && at.length >= max) return normaliseWhitespace(text.slice(at.index, at.index + at.length));
  let start = at ? Math.max(0, at.index - Math.floor((max - at.length) / 2)) : 0;
  let end = Math.min(text.length, start + max);
  start = Math.max(0, end - max);
  // Whole words only: never start or end inside one, nor cut into the match; start a sentence where one starts before it.
  const matchStart = at?.index ?? text.length;
  const matchEnd = at ? at.index + at.length : 0;
  const sentence = start > 0 ? /[.!?]\s+(?=\S)/g : undefined;
  if (sentence) {
    sentence.lastIndex = start;
    const m = sentence.exec(text);
    if (m && m.index + m[0].length <= matchStart) {
      start = m.index + m[0].length;
      end = Math.min(text.length, start + max);
    }
  }
  if (start > 0 && /\S/.test(text[start - 1]!)) {
    const space = text.slice(start).search(/\s/);
    if (space !== -1 && start + space < matchStart) start += space + 1;
  }
  if (end < text.length && /\S/.test(text[end]!)) {
    const before = text.slice(0, end).search(/\s\S*$/);
    if (before > start && before >= matchEnd) end = before;
  }
  return normaliseWhitespace(text.slice(start, end));
}

/** The whole lines of `text` that hold the match at `at` (an excerpt of them when they are long). */
export function linesAround(text: string, at: { index: number; length: number }, max = MAX_QUOTE): string {
  const start = text.lastIndexOf('\n', at.index - 1) + 1;
  const newline = text.indexOf('\n', at.index + at.length);
  const end = newline === -1 ? text.length : newline;
  return excerpt(text.slice(start, end), { index: at.index - start, length: at.length }, max);
}

/** Evidence that quotes the docs at `source`; a quote that comes out empty is left out. */
export function quoted(source: Source, quote: string | undefined, reasoning: string): Evidence {
  const q = quote === undefined ? '' : normaliseWhitespace(quote);
  return q ? { source, quote: q, reasoning } : { source, reasoning };
}

/** Evidence that rests on the planner's reasoning alone: an absence, or the docs' structure. */
export function reasoned(source: Source, reasoning: string): Evidence {
  return { source, reasoning };
}

/**
 * Evidence for a field of a response body, `steps` deep (property names, `ITEMS` for an array's
 * items, `VALUES` for a map's values): its description when it has one, else its name, cited at the item that declares it — the
 * named schema it was reached through, else the response (whose inline schema or examples hold it).
 */
export function fieldEvidence(view: SchemaView, response: Response, steps: string[], reasoning: string): Evidence {
  const name = [...steps].reverse().find((s) => s !== ITEMS && s !== VALUES);
  const decl = view.declaration(response.schema, steps);
  if (!decl) return quoted(response.source, name, reasoning);
  const at = decl.declaredIn?.source ?? response.source;
  if (decl.node.description) return quoted(at, excerpt(decl.node.description), reasoning);
  const target = decl.node.ref ? view.namedSchema(decl.node.ref) : undefined;
  if (target?.schema.description) return quoted(target.source, excerpt(target.schema.description), reasoning);
  return quoted(at, name, reasoning);
}

/**
 * The steps from a response body to a field of its records: `data` + items + `profile.email`; for
 * records that are a map's values (`container` `map`), `data` + values + `profile.email`.
 */
export function recordSteps(itemsPath: string, fieldPath: string, container: 'array' | 'map' = 'array'): string[] {
  return [...(itemsPath ? itemsPath.split('.') : []), container === 'map' ? VALUES : ITEMS, ...fieldPath.split('.')];
}
