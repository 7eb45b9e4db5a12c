import { estimateTokens } from './token-budget.ts';

export { estimateTokens };

/**
 * Bounding the model's tool results: a token estimate (characters / 4), clipping of docs text
 * without splitting a character, JSON results that keep as many list items as fit a budget and say
 * how many were left out, and example values with credential-named fields blanked. Every result is
 * built as a value and serialised with `JSON.stringify` last, so no docs text is ever cut inside its
 * JSON string or able to end it: docs text stays data.
 */

/** Default cap of one tool result, in estimated tokens. */
export const DEFAULT_RESULT_TOKENS = 1500;


/** Characters a token budget allows (the inverse of {@link estimateTokens}). */
export function charsFor(tokens: number): number {
  return Math.max(0, Math.floor(tokens * 4));
}

/**
 * The first `max` characters of `text` with whitespace runs collapsed, ending in `…` when cut;
 * never splits a surrogate pair. Unlike a quote, a clipped text is for reading: quotes come from
 * `search_docs` snippets, which are verbatim.
 */
export function clip(text: string | undefined, max: number): string {
  if (!text) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  let end = Math.max(0, max - 1);
  const code = flat.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${flat.slice(0, end)}…`;
}

/** Names of fields, parameters and headers that hold a credential: their values are never shown to the model. */
const CREDENTIAL_NAME = /(pass(word|phrase)?|secret|token|api[-_ ]?key|apikey|authori[sz]ation|credential|private[-_ ]?key|session|cookie|bearer|signature|x-api-key)/i;

/** True when a parameter, header or field name reads like one that holds a credential. */
export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

export const REDACTED = '<redacted>';

/**
 * A copy of a JSON example in which every scalar under a credential-named key — directly or in the
 * objects and arrays it holds (`credentials.password.value`) — is replaced by `<redacted>` (down to
 * 16 levels; deeper values are dropped). Keys are kept: they are the docs' field names. Never throws.
 */
export function redactExample(value: unknown, depth = 0, secret = false): unknown {
  if (depth > 16) return null;
  if (Array.isArray(value)) return value.map((v) => redactExample(v, depth + 1, secret));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactExample(v, depth + 1, secret || isCredentialName(k));
    return out;
  }
  return secret && value !== null && value !== undefined ? REDACTED : value;
}

/**
 * A JSON example as text of at most `max` characters: the whole value when it fits, else its first
 * characters ending in `…` — a string the model reads, never parsed back.
 */
export function exampleText(value: unknown, max: number): string {
  let text: string;
  try {
    text = JSON.stringify(redactExample(value)) ?? '';
  } catch {
    return '';
  }
  return text.length <= max ? text : clip(text, max);
}

/**
 * Adds to `head[key]` as many of `items` as keep the whole value's JSON under `maxChars`, and when
 * some are left out sets `head.truncated` (merged into any text already there) to `"N more <key>"`.
 * Returns the number of items kept. At least `minKeep` items are kept whatever their size.
 */
export function fitList(head: Record<string, unknown>, key: string, items: unknown[], maxChars: number, minKeep = 0): number {
  const kept: unknown[] = [];
  head[key] = kept;
  let size = JSON.stringify(head).length;
  for (const item of items) {
    const add = JSON.stringify(item).length + 1;
    if (kept.length >= minKeep && size + add > maxChars) break;
    kept.push(item);
    size += add;
  }
  const left = items.length - kept.length;
  if (left > 0) noteTruncated(head, `${left} more ${key}`);
  return kept.length;
}

/** Appends `what` to the value's `truncated` note (`"truncated: 3 more parameters; 40 more fields"`). */
export function noteTruncated(head: Record<string, unknown>, what: string): void {
  const prior = typeof head.truncated === 'string' ? head.truncated.replace(/^truncated: /, '') : '';
  head.truncated = `truncated: ${prior ? `${prior}; ` : ''}${what}`;
}

/** `file#pointer`: how a tool result names a docs source (split at the first `#` to get it back). */
export function pointerOf(source: { file: string; pointer: string }): string {
  return `${source.file}#${source.pointer}`;
}

interface Slot {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  size: number;
}

/** The longest string value and the longest array (by JSON size) in a value, for {@link enforceCap}. */
function largest(value: unknown): { text?: Slot; list?: Slot } {
  let text: Slot | undefined;
  let list: Slot | undefined;
  const walk = (holder: Record<string, unknown> | unknown[], key: string | number, v: unknown, depth: number): void => {
    if (depth > 32) return;
    if (typeof v === 'string') {
      if (key !== 'truncated' && (!text || v.length > text.size)) text = { holder, key, size: v.length };
    } else if (Array.isArray(v)) {
      if (v.length > 1) {
        const size = JSON.stringify(v).length;
        if (!list || size > list.size) list = { holder, key, size };
      }
      v.forEach((x, i) => walk(v, i, x, depth + 1));
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(v as Record<string, unknown>, k, x, depth + 1);
  };
  if (value && typeof value === 'object') for (const [k, x] of Object.entries(value)) walk(value as Record<string, unknown>, k, x, 0);
  return { text, list };
}

/**
 * The last guard of every result: while its JSON is longer than `maxChars`, cuts the longest string
 * value (to no less than 40 characters, ending in `…`), else drops the last item of the largest
 * list, and says so in `truncated`. Works on values, so the JSON stays valid and docs text stays
 * inside its strings. Mutates and returns `value`.
 */
export function enforceCap(value: Record<string, unknown>, maxChars: number): Record<string, unknown> {
  if (JSON.stringify(value).length <= maxChars) return value;
  // Room for the note said at the end.
  const target = maxChars - 100;
  let cut = false;
  for (let round = 0; round < 500; round++) {
    const excess = JSON.stringify(value).length - target;
    if (excess <= 0) break;
    const { text, list } = largest(value);
    const get = (s: Slot) => (s.holder as Record<string | number, unknown>)[s.key];
    const set = (s: Slot, v: unknown) => ((s.holder as Record<string | number, unknown>)[s.key] = v);
    if (text && text.size > 60) set(text, clip(get(text) as string, Math.max(40, text.size - excess - 8)));
    else if (list) (get(list) as unknown[]).pop();
    else break;
    cut = true;
  }
  if (cut) noteTruncated(value, 'some texts and lists cut to fit the result budget');
  return value;
}
