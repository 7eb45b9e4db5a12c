import type { ApiModel, Prose, Source } from '../ingest/api-model.ts';
import { PROSE_SCHEME_KEY } from '../ingest/prose.ts';
import { escapeRegExp, findPrefix } from './auth-samples.ts';
import type { AuthHeader, AuthPlan, Evidence } from './connector-plan.ts';
import { excerpt, linesAround, quoted } from './evidence.ts';

/**
 * Authentication the docs describe only in words: no security scheme in the spec, but a page (or
 * the spec's own descriptions) saying how a call carries its credential — the OAuth 2.0 client
 * credentials grant with its token URL and scope (RFC 6749 §4.4), a sample `Authorization: Bearer
 * <token>` (RFC 6750), or "pass your key in the `X-Api-Key` header". Prose is hostile data: it only
 * ever chooses a header name and the text before the credential — the egress gate injects the
 * credential for the base URL's origin and nowhere else — and a token URL it names is judged as a
 * server URL is (client-credentials.ts). Each decision quotes the words it rests on.
 */

/** A scope the prose names, quoted where it is named. */
export interface ProseScope {
  name: string;
  source: Source;
  /** The sentence (or sample line) that names it, verbatim. */
  quote: string;
}

/** The client credentials grant as the prose describes it. */
export interface ProseClientCredentials {
  /** The token URL as written: absolute, or a path on the base URL's host. */
  token_url: string;
  source: Source;
  /** What the prose says of the token's lifetime, when it says it. */
  lifetime?: Evidence;
}

/** The planner's reading of auth described in prose. */
export interface ProseAuth {
  header: AuthHeader;
  type: AuthPlan['type'];
  evidence: Evidence[];
  confidence: number;
  client_credentials?: ProseClientCredentials;
  /** Every scope the auth prose names (in a token request's `scope=` or backquoted after "scope"). */
  scopes: ProseScope[];
}

/** Headers a credential is never put in: the transport's own, and those a proxy or the gate sets. */
const RESERVED_HEADERS = /^(?:host|cookie|set-cookie|connection|content-[a-z-]+|transfer-encoding|te|trailer|upgrade|accept(?:-[a-z-]+)?|user-agent|origin|referer|forwarded|x-forwarded-[a-z-]+|x-real-ip|proxy-[a-z-]+|via|range|if-[a-z-]+|cache-control|pragma|expect|keep-alive|dnt|date|link|location|www-authenticate|x-requested-with)$/i;
/** A header field name (RFC 9110 §5.1 token, kept to letters, digits and hyphens). */
const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]{1,63}$/;
/** A scope token (RFC 6749 §3.3): printable ASCII without space, `"` or `\`; kept to the characters real scopes use. */
const SCOPE_TOKEN = /^[A-Za-z][A-Za-z0-9_.:\-/]{0,127}$/;

const CLIENT_CREDENTIALS = /\bclient[ _-]credentials\b/i;
/** "in the `X-Api-Key` header", "via the X-Api-Key HTTP header", "header named `X-Api-Key`", "`X-Api-Key` request header". */
const HEADER_SENTENCE = /(?:\b(?:in|via|using|with|as|set|the)\s+(?:an?\s+|the\s+)?[`'"]?([A-Za-z][A-Za-z0-9-]*)[`'"]?\s+(?:HTTP\s+|request\s+)?header\b|\bheader\s+(?:named\s+|called\s+)?[`'"]([A-Za-z][A-Za-z0-9-]*)[`'"])/gi;
const CREDENTIAL_WORDS = /\b(?:api[ _-]?keys?|keys?|tokens?|secrets?|credentials?)\b/i;

/** The sentence of `text` that holds the index (to the nearest `.`, `!`, `?` or line end). */
function sentenceAt(text: string, index: number): { index: number; length: number } {
  // Scanned back by hand: a `[^.!?\n]*$` search backtracks over every start, quadratic on a long run of words.
  let start = index;
  while (start > 0 && !'.!?\n'.includes(text[start - 1]!)) start--;
  const rest = text.slice(index).search(/[.!?](?:\s|$)|\n/);
  const end = rest === -1 ? text.length : index + rest + 1;
  return { index: start, length: end - start };
}

function authTexts(model: Pick<ApiModel, 'prose'>): Prose[] {
  return model.prose.filter((p) => p.topics.includes('auth'));
}

/** Scopes named in a text: `scope=a+b` in a token request, and backquoted names after the word "scope(s)". */
function scopesIn(p: Prose): ProseScope[] {
  const out: ProseScope[] = [];
  const add = (name: string, at: { index: number; length: number }) => {
    if (!SCOPE_TOKEN.test(name) || out.some((s) => s.name === name)) return;
    out.push({ name, source: p.source, quote: linesAround(p.text, at) });
  };
  for (const m of p.text.matchAll(/\bscope=([^&\s`'"]+)/g)) {
    for (const name of decodeURIComponentSafe(m[1]!.replace(/\+/g, ' ')).split(/\s+/)) add(name, { index: m.index, length: m[0].length });
  }
  for (const m of p.text.matchAll(/\bscopes?\b[^.\n`]{0,40}((?:`[^`\s]+`(?:\s*(?:,|and|or)\s*)*)+)/gi)) {
    const at = sentenceAt(p.text, m.index);
    for (const s of m[1]!.matchAll(/`([^`\s]+)`/g)) add(s[1]!, at);
  }
  return out;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The token endpoint a client credentials page names: a URL (or `/path`) after `POST`, or one in a sentence about the token URL or endpoint. */
function tokenUrlIn(p: Prose): { url: string; at: { index: number; length: number } } | undefined {
  const post = /\bPOST\s+((?:https?:\/\/|\/)[^\s`'"<>()[\]]+)/.exec(p.text);
  if (post) return { url: post[1]!, at: { index: post.index, length: post[0].length } };
  for (const m of p.text.matchAll(/https?:\/\/[^\s`'"<>()[\]]+/g)) {
    const sentence = sentenceAt(p.text, m.index);
    if (/\btoken\b[^.\n]{0,20}\b(?:url|endpoint)\b|\b(?:url|endpoint)\b[^.\n]{0,20}\btoken\b/i.test(p.text.slice(sentence.index, sentence.index + sentence.length))) {
      return { url: m[0].replace(/[.,;:]+$/, ''), at: { index: m.index, length: m[0].length } };
    }
  }
  return undefined;
}

/** What the prose says of an access token's lifetime: `expires_in: 3600`, "valid for 1 hour". */
function lifetimeIn(p: Prose): Evidence | undefined {
  const m = /\bvalid for\s+\**\s*(?:\d+|an?|one)\s+(?:hours?|minutes?|seconds?)\b|\bexpires_in["']?\s*[:=]\s*\d+/i.exec(p.text);
  if (!m) return undefined;
  return quoted(p.source, linesAround(p.text, { index: m.index, length: m[0].length }), 'the docs give the access token a limited life: the host obtains a new one when it expires (expires_in), and the fetcher never sees any');
}

/** A sentence naming a credential header that is not Authorization ("pass your key in the X-Api-Key header"). */
function keyHeaderIn(texts: Prose[]): { name: string; evidence: Evidence } | undefined {
  for (const p of texts) {
    for (const m of p.text.matchAll(HEADER_SENTENCE)) {
      const name = m[1] ?? m[2]!;
      if (!HEADER_NAME.test(name) || RESERVED_HEADERS.test(name) || /^(?:the|an?|http|request|authorization)$/i.test(name)) continue;
      const at = sentenceAt(p.text, m.index);
      const sentence = p.text.slice(at.index, at.index + at.length);
      if (!CREDENTIAL_WORDS.test(sentence)) continue;
      return { name, evidence: quoted(p.source, linesAround(p.text, at), `the docs' prose puts the credential in the ${name} header; the spec declares no security scheme`) };
    }
  }
  return undefined;
}

/** A sample header line whose value is a placeholder (`X-Api-Key: <your key>`, `-H "X-Auth-Token: $TOKEN"`). */
function keyHeaderSampleIn(texts: Prose[]): { name: string; evidence: Evidence } | undefined {
  const sample = /(?:^|["'\s])([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+)[ \t]*:[ \t]*(?:<[^>\n]+>|\{[^}\n]+\}|\$\{?[A-Za-z_]\w*\}?|[A-Z][A-Z0-9_]{2,}\b)/gm;
  for (const p of texts) {
    for (const m of p.text.matchAll(sample)) {
      const name = m[1]!;
      if (!HEADER_NAME.test(name) || RESERVED_HEADERS.test(name)) continue;
      return { name, evidence: quoted(p.source, linesAround(p.text, { index: m.index, length: m[0].length }), `the docs' sample sends the credential in the ${name} header; the spec declares no security scheme`) };
    }
  }
  return undefined;
}

/** "the Authorization header … Bearer" in one sentence, without a sample. */
function bearerSentenceIn(texts: Prose[]): Evidence | undefined {
  // Sentence by sentence: one pattern spanning a sentence with `[^.\n]*` on both sides backtracks quadratically on a long line.
  for (const p of texts) {
    const sentence = p.text.split(/[.\n]/).find((s) => /\bAuthorization\b/.test(s) && /\bBearer\b/.test(s));
    if (sentence !== undefined) return quoted(p.source, excerpt(sentence), 'the docs\' prose sends the credential in the Authorization header as a Bearer token (RFC 6750)');
  }
  return undefined;
}

const cache = new WeakMap<object, ProseAuth | null>();

/**
 * How the docs' prose says a call authenticates, when the docs declare no security scheme (a
 * declared scheme always wins: prose only fills a gap). Undefined when the prose says nothing the
 * planner can use. Read once per model. Never throws.
 */
export function readProseAuth(model: Pick<ApiModel, 'prose' | 'security_schemes'>): ProseAuth | undefined {
  if (model.security_schemes.length) return undefined;
  const hit = cache.get(model.prose);
  if (hit !== undefined) return hit ?? undefined;
  const found = read(authTexts(model));
  cache.set(model.prose, found ?? null);
  return found;
}

function read(texts: Prose[]): ProseAuth | undefined {
  if (!texts.length) return undefined;
  const scopes = texts.flatMap(scopesIn).filter((s, i, all) => all.findIndex((x) => x.name === s.name) === i);
  const samples = texts.map((p) => ({ text: p.text, source: p.source }));
  const authorization = findPrefix('Authorization', samples);
  const grantPage = texts.find((p) => CLIENT_CREDENTIALS.test(p.text));
  const header = (name: string, prefix: string): AuthHeader => ({ name, in: 'header', prefix, scheme: PROSE_SCHEME_KEY });

  if (grantPage) {
    const m = CLIENT_CREDENTIALS.exec(grantPage.text)!;
    const evidence: Evidence[] = [
      quoted(grantPage.source, linesAround(grantPage.text, sentenceAt(grantPage.text, m.index)), 'the spec declares no security scheme; the docs\' page describes the OAuth 2.0 client credentials grant (RFC 6749 §4.4): a human provisions a client id and secret, and the host, never the fetcher, obtains the access token'),
    ];
    const token = tokenUrlIn(grantPage);
    const lifetime = lifetimeIn(grantPage);
    // An access token is presented as RFC 6750 says, unless the page's own sample says otherwise.
    const bearer = authorization && /^bearer\s$/i.test(authorization.prefix) ? authorization : undefined;
    if (bearer) evidence.push(bearer.evidence);
    const sentence = bearer ? undefined : bearerSentenceIn(texts);
    if (sentence) evidence.push(sentence);
    return {
      header: header('Authorization', bearer?.prefix ?? 'Bearer '),
      type: 'oauth2',
      evidence,
      confidence: token ? (bearer || sentence ? 0.8 : 0.7) : 0.6,
      ...(token ? { client_credentials: { token_url: token.url, source: grantPage.source, ...(lifetime ? { lifetime } : {}) } } : {}),
      scopes,
    };
  }
  if (authorization) {
    const prefix = authorization.prefix;
    const type: AuthPlan['type'] = /^bearer\s$/i.test(prefix) ? 'bearer' : /^basic\s$/i.test(prefix) ? 'basic' : 'api_key';
    return { header: header('Authorization', prefix), type, evidence: [{ ...authorization.evidence, reasoning: `the spec declares no security scheme; ${authorization.evidence.reasoning}` }], confidence: 0.75, scopes };
  }
  const key = keyHeaderIn(texts) ?? keyHeaderSampleIn(texts);
  if (key) {
    const sample = findPrefix(key.name, samples);
    const evidence = [key.evidence, ...(sample ? [sample.evidence] : [])];
    return { header: header(key.name, sample?.prefix ?? ''), type: 'api_key', evidence, confidence: 0.7, scopes };
  }
  const sentence = bearerSentenceIn(texts);
  if (sentence) return { header: header('Authorization', 'Bearer '), type: 'bearer', evidence: [sentence], confidence: 0.65, scopes };
  return undefined;
}

/** True when `name` is written as a word of `text` (for a scope named in a sentence about a resource). */
export function namesWord(text: string, word: string): boolean {
  return new RegExp(`(?:^|[^A-Za-z0-9_])${escapeRegExp(word)}(?:$|[^A-Za-z0-9_])`, 'i').test(text);
}
