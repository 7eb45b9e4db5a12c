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
 */
export class SecretScrubber {
  readonly #secrets = new Set<string>();
  /** One pattern per secret, longest secret first. */
  #patterns: RegExp[] = [];
  /** The same, ignoring case: for header names, which HTTP lower-cases. */
  #namePatterns: RegExp[] = [];

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
      const sources = [...this.#secrets].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map(patternSource);
      this.#patterns = sources.map((src) => new RegExp(src, 'g'));
      this.#namePatterns = sources.map((src) => new RegExp(src, 'gi'));
    }
    return this;
  }

  /** How many secrets it looks for. */
  get size(): number {
    return this.#secrets.size;
  }

  /** `text` with every form of every secret replaced by `REDACTED`. Linear in the text's length. */
  scrub(text: string): string {
    return replaceAll(text, this.#patterns);
  }

  /** A header name with any secret in it replaced, matched ignoring case (names arrive lower-cased). */
  scrubName(name: string): string {
    return replaceAll(name, this.#namePatterns);
  }
}

function replaceAll(text: string, patterns: RegExp[]): string {
  let out = text;
  for (const re of patterns) {
    re.lastIndex = 0;
    out = out.replace(re, REDACTED);
  }
  return out;
}

/** Shortest base64 run matched on its own: shorter fixed parts could occur by chance. */
const MIN_BASE64_PART = 8;

/** The regular expression source matching `secret` in any of its wire forms. */
export function patternSource(secret: string): string {
  const forms = [...new Set([secret, ...base64Forms(secret)])].sort((a, b) => b.length - a.length);
  // Hex of the secret's bytes, either case.
  const hex = [...Buffer.from(secret, 'utf8').toString('hex')].map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d)).join('');
  return [...forms.map((form) => [...form].map(charPattern).join('')), hex].join('|');
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
    if (ch === '/') alts.push('\\\\/');
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
