import { REDACTED } from './call-log.ts';

/**
 * Finds the host's secrets in text a server sent back, in every form a secret takes on the wire, so the
 * egress gate can replace them before the fetcher (or a log) sees them. A server that reflects the
 * injected token in a `Link` header, a next URL or an error message rarely reflects it verbatim: it
 * percent-encodes it (`FwLive%2FAbC%2BdEf%3D…`), form-encodes it (spaces as `+`), escapes it in a JSON
 * string (`\/`, `\u002b`), in HTML (`&#x2F;`), or base64-encodes it (a cursor that wraps the request).
 *
 * Each secret becomes one regular expression that matches, character by character, the character itself
 * or any of its escapes — percent-encoding of its UTF-8 bytes (hex digits in either case, encoded up to
 * four times over: `%2F`, `%252F`…), `+` for a space, JSON `\uXXXX` and `\/`, HTML `&#x…;`/`&#…;` and the
 * named entities — so mixed forms (`encodeURI` leaving `/` but encoding `+`) match too. The same goes
 * for its base64 and base64url encodings, with or without padding, and for the part of them that is
 * fixed whatever bytes come before or after it (the secret base64-encoded inside a larger value, such as
 * `user:secret` or a JSON cursor). Secrets are replaced longest first, so one that contains another is
 * replaced whole.
 *
 * Most text holds no secret, and most holds none of the escapes either: then a secret could only be
 * there as one of its forms nearly as it is (a space as `+`) or as hex, and a quick search for those
 * (`anchorSource`) decides whether the full pattern needs to run at all. The result is the same.
 */
export class SecretScrubber {
  readonly #secrets = new Set<string>();
  /** One pattern per secret, longest secret first. */
  #patterns: RegExp[] = [];
  /** The same, ignoring case: for header names, which HTTP lower-cases. */
  #namePatterns: RegExp[] = [];
  /** Per pattern, what any match holds when the text has no escape in it (`anchorsOf`); and ignoring case. */
  #anchors: Anchor[] = [];
  #nameAnchors: Anchor[] = [];

  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  /** Adds secrets to look for (empty strings are ignored); returns the scrubber. */
  add(secrets: Iterable<string>): this {
    let added = false;
    for (const s of secrets) {
      if (s.length === 0 || this.#secrets.has(s)) continue;
      this.#secrets.add(s);
      added = true;
    }
    if (added) {
      const sorted = [...this.#secrets].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
      const sources = sorted.map(patternSource);
      this.#patterns = sources.map((src) => new RegExp(src, 'g'));
      this.#namePatterns = sources.map((src) => new RegExp(src, 'gi'));
      this.#anchors = sorted.map(anchorsOf);
      this.#nameAnchors = sorted.map((secret) => new RegExp(anchorSource(secret), 'i'));
    }
    return this;
  }

  /** How many secrets it looks for. */
  get size(): number {
    return this.#secrets.size;
  }

  /** `text` with every form of every secret replaced by `REDACTED`. Linear in the text's length. */
  scrub(text: string): string {
    return replaceAll(text, this.#patterns, this.#anchors, ESCAPES);
  }

  /** A header name with any secret in it replaced, matched ignoring case (names arrive lower-cased). */
  scrubName(name: string): string {
    return replaceAll(name, this.#namePatterns, this.#nameAnchors, ESCAPES_IGNORING_CASE);
  }
}

/**
 * The escapes `charPattern` lets stand for a character of a secret, each by how it starts: a percent
 * escape, JSON's `\uXXXX`, `\/`, `\"` and `\\`, an HTML character reference or named entity. (`+` for a space is
 * the one substitution left without them; `anchorSource` allows for it.)
 */
const ESCAPES = /%|\\[u/"\\]|&#|&(?:amp|lt|gt|quot|apos|sol|plus|equals);/;
const ESCAPES_IGNORING_CASE = new RegExp(ESCAPES.source, 'i');

/**
 * Each pattern replaced in turn, longest secret first. A pattern runs only when the text holds an
 * escape (`escapes`) or its anchor: with neither, it has no match, so skipping it changes nothing.
 */
function replaceAll(text: string, patterns: RegExp[], anchors: Anchor[], escapes: RegExp): string {
  let out = text;
  let escaped = escapes.test(out);
  for (let i = 0; i < patterns.length; i++) {
    if (!escaped && !anchors[i]!.test(out)) continue;
    const re = patterns[i]!;
    re.lastIndex = 0;
    const next = out.replace(re, REDACTED);
    if (next !== out) {
      out = next;
      escaped = escapes.test(out);
    }
  }
  return out;
}

/** A quick test a text passes whenever a pattern could match it (and, rarely, when it cannot). */
interface Anchor {
  test(text: string): boolean;
}

/**
 * What every match of `patternSource(secret)` holds in a text with no escape in it (`ESCAPES`): one of
 * the forms' longest stretches without a space (a space may have become `+`; the other characters can
 * only be themselves), or the hex of its bytes in either case.
 */
function anchorRuns(secret: string): string[] {
  const forms = [...new Set([secret, ...base64Forms(secret)])];
  return [...new Set(forms.map((form) => form.split(' ').reduce((longest, part) => (part.length > longest.length ? part : longest), '')))];
}

/** `anchorRuns` and the hex as one regular expression source: for header names, matched ignoring case as their pattern is. */
export function anchorSource(secret: string): string {
  return [...anchorRuns(secret).map(escapeRegExp), hexSource(secret)].join('|');
}

/** The same test for bodies, case as it is: a plain substring search per stretch (faster than any pattern), then the hex. */
function anchorsOf(secret: string): Anchor {
  const runs = anchorRuns(secret);
  const hex = new RegExp(hexSource(secret));
  return { test: (text) => runs.some((run) => text.includes(run)) || hex.test(text) };
}

/** The hex of a secret's UTF-8 bytes, matching either case. */
function hexSource(secret: string): string {
  return [...Buffer.from(secret, 'utf8').toString('hex')].map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d)).join('');
}

/** Shortest base64 run matched on its own: shorter fixed parts could occur by chance. */
const MIN_BASE64_PART = 8;

/** The regular expression source matching `secret` in any of its wire forms. */
export function patternSource(secret: string): string {
  const forms = [...new Set([secret, ...base64Forms(secret)])].sort((a, b) => b.length - a.length);
  return [...forms.map((form) => [...form].map(charPattern).join('')), hexSource(secret)].join('|');
}

/**
 * base64 and base64url of the secret (padded and not), and the runs of characters that stay the same when
 * the secret is encoded after 0, 1 or 2 other bytes and followed by more: what an encoded value that
 * contains the secret always contains.
 */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  for (const alphabet of ['base64', 'base64url'] as const) {
    const whole = bytes.toString(alphabet);
    out.push(whole, whole.replace(/=+$/, ''));
    for (const offset of [0, 1, 2]) {
      const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString(alphabet).replace(/=+$/, '');
      // Characters before the secret's first full sextet mix in the bytes before it, the last one (when the
      // length is not a multiple of 3) the bytes after it.
      const lead = [0, 2, 3][offset]!;
      const trail = (offset + bytes.length) % 3 === 0 ? 0 : 1;
      const fixed = encoded.slice(lead, encoded.length - trail);
      if (fixed.length >= MIN_BASE64_PART) out.push(fixed);
    }
  }
  return out.filter((f) => f.length > 0);
}

const NAMED_ENTITIES: Record<string, string[]> = { '&': ['amp'], '<': ['lt'], '>': ['gt'], '"': ['quot'], "'": ['apos'], '/': ['sol'], '+': ['plus'], '=': ['equals'] };

/** One character of a secret: itself, or any escape of it a server might write. */
function charPattern(ch: string): string {
  // JSON string escapes of any character — letters and digits too, which JSON.parse decodes just the same
  // (a code point past U+FFFF as its surrogate pair).
  const alts = [escapeRegExp(ch), Buffer.from(ch, 'utf8').reduce((src, byte) => `${src}%(?:25){0,3}${hexPattern(byte, 2)}`, ''), [...Array(ch.length).keys()].map((i) => `\\\\u${hexPattern(ch.charCodeAt(i), 4)}`).join('')];
  // HTML character references, of letters and digits too.
  const cp = ch.codePointAt(0)!;
  alts.push(`&#[xX]0*${hexPattern(cp, 1)};`, `&#0*${cp};`);
  if (!/^[A-Za-z0-9]$/.test(ch)) {
    // JSON's short escapes: `\/`, and `\"` and `\\` (which a server writing the secret into a JSON string must use).
    if (ch === '/' || ch === '"' || ch === '\\') alts.push(`\\\\${escapeRegExp(ch)}`);
    alts.push(...(NAMED_ENTITIES[ch] ?? []).map((n) => `&${n};`));
    // application/x-www-form-urlencoded: a space is `+`, and `%2B` once encoded again.
    if (ch === ' ') alts.push('\\+', `%(?:25){0,3}${hexPattern(0x2b, 2)}`);
  }
  return `(?:${alts.join('|')})`;
}

/** Hex digits of `n`, at least `width` of them, matching either case (`2[fF]`). */
function hexPattern(n: number, width: number): string {
  return [...n.toString(16).toUpperCase().padStart(width, '0')].map((d) => (/[A-F]/.test(d) ? `[${d}${d.toLowerCase()}]` : d)).join('');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
