import type { ApiModel, Operation, SecurityScheme } from '../../agent/ingest/api-model.ts';
import { PROSE_SCHEME_KEY } from '../../agent/ingest/prose.ts';

/**
 * The mock's own reading of how the docs say a request authenticates, and its check of each
 * request against it with synthetic placeholder credentials (never real ones). HTTP `basic` and
 * `bearer` and OAuth 2 follow their RFCs (RFC 7617 `Basic`, RFC 6750 `Bearer`); an API key is sent
 * exactly as the docs' own samples show it (`Authorization: SSWS {API Token}`,
 * `'Authorization': f'token {token}'`, "format `Token token=<API_KEY>`"). Shares no code with the
 * planner.
 */

export interface SyntheticCredential {
  scheme: string;
  /** What follows the documented prefix (for HTTP basic: base64 of user:password). */
  value: string;
}

/** One way the docs say a scheme's credential is presented. */
export interface Presentation {
  in: 'header' | 'query' | 'cookie';
  name: string;
  /** Text before the credential; `''` when none. */
  prefix: string;
  /** The auth-scheme word of an HTTP scheme is case-insensitive (RFC 9110 §11.1). */
  caseInsensitivePrefix: boolean;
}

/**
 * The key of the scheme the mock reads from prose alone: docs that declare no security scheme but
 * whose authentication pages show every call carrying `Authorization: Bearer <access_token>`.
 */
export const PROSE_SCHEME = PROSE_SCHEME_KEY;

/**
 * The docs' security schemes, and — when they declare none — the one their authentication prose
 * shows in a sample (`Authorization: Bearer <access_token>`), so that a connector sending nothing is
 * refused as the real API would refuse it.
 */
export function schemesOf(model: Pick<ApiModel, 'security_schemes' | 'prose'>): SecurityScheme[] {
  if (model.security_schemes.length) return model.security_schemes;
  const prose = model.prose.filter((p) => p.topics.includes('auth'));
  const sample = prose.find((p) => samplePrefixes(p.text, 'Authorization').length);
  if (sample) return [{ key: PROSE_SCHEME, type: 'apiKey', in: 'header', name: 'Authorization', description: '', flows: [], scopes: [], source: sample.source }];
  // "Pass your key in the X-Api-Key header": the header a sentence about a key or token names, or a sample line shows.
  for (const p of prose) {
    const name = keyHeaderNamed(p.text) ?? sampleHeaderNamed(p.text);
    if (name) return [{ key: PROSE_SCHEME, type: 'apiKey', in: 'header', name, description: '', flows: [], scopes: [], source: p.source }];
  }
  // "Send the token in the Authorization header with the Bearer scheme": RFC 6750's header, in words.
  for (const p of prose) {
    const sentence = p.text.split(/(?<=[.!?])\s+|\n/).find((x) => /\bAuthorization\b/.test(x) && /\bBearer\b/.test(x));
    if (sentence) return [{ key: PROSE_SCHEME, type: 'apiKey', in: 'header', name: 'Authorization', description: sentence, flows: [], scopes: [], source: p.source }];
  }
  return [];
}

/** A sample line `X-Api-Key: <your key>` (a hyphenated header name, then a placeholder), else undefined. */
export function sampleHeaderNamed(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = /([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+)[ \t]*:[ \t]*(\S+)/.exec(line);
    if (!m || NOT_CREDENTIAL_HEADERS.has(m[1]!.toLowerCase())) continue;
    const value = m[2]!.replace(/["'`]+$/, '');
    if (PLACEHOLDER.test(value) || /^[A-Z][A-Z0-9_]{2,}$/.test(value)) return m[1]!;
  }
  return undefined;
}

/** Headers that carry no credential: the request's own framing and content negotiation. */
const NOT_CREDENTIAL_HEADERS = new Set(['authorization', 'accept', 'accept-language', 'accept-encoding', 'x-forwarded-for', 'x-request-id', 'content-type', 'content-length', 'host', 'cookie', 'user-agent', 'origin', 'referer', 'connection', 'link', 'location', 'range', 'cache-control']);

/** The header a sentence says carries a key or token (`in the \`X-Api-Key\` header`), else undefined. */
export function keyHeaderNamed(text: string): string | undefined {
  for (const sentence of text.split(/(?<=[.!?])\s+|\n/)) {
    if (!/\b(?:key|token|secret|credential)s?\b/i.test(sentence)) continue;
    const m = /[`'"]?\b([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+)\b[`'"]?\s+(?:HTTP\s+|request\s+)?header\b|\bheader\s+(?:named\s+|called\s+)?[`'"]([A-Za-z][A-Za-z0-9-]+)[`'"]/i.exec(sentence);
    const name = m?.[1] ?? m?.[2];
    if (name && !NOT_CREDENTIAL_HEADERS.has(name.toLowerCase())) return name;
  }
  return undefined;
}

/** A placeholder credential for every security scheme, deterministic for a seed. */
export function syntheticCredentials(model: Pick<ApiModel, 'security_schemes' | 'prose'>, seed: number): Record<string, SyntheticCredential> {
  return Object.fromEntries(
    schemesOf(model).map((s) => {
      const secret = `fw-synthetic-${s.key.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${seed.toString(36)}`;
      const value = s.type === 'http' && s.scheme?.toLowerCase() === 'basic' ? Buffer.from(`fw-synthetic-user:${secret}`).toString('base64') : secret;
      return [s.key, { scheme: s.key, value }];
    }),
  );
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `{token}`, `<token>`, `${TOKEN}`, `$TOKEN`, `…`, `...`. */
const PLACEHOLDER = /\{[^}]*\}|<[^>]*>|\$\{[^}]*\}|\$[A-Za-z_]\w*|…|\.\.\./;
/** What a prefix can be: words, optionally ending in `=` (`Token token=`), with the space before the credential. */
const PREFIX_SHAPE = /^(?:[A-Za-z][A-Za-z0-9_-]*(?:[ \t]+[A-Za-z][A-Za-z0-9_-]*=)?[ \t]*|[A-Za-z][A-Za-z0-9_-]*=)?$/;

/** The text before the placeholder of a sample value, when it has the shape of a prefix. */
function prefixOf(value: string): string | undefined {
  const v = value.trim();
  const m = PLACEHOLDER.exec(v);
  let prefix: string | undefined;
  if (m) prefix = v.slice(0, m.index);
  else {
    // `Bearer YOUR_TOKEN`: the last word is an ALL-CAPS placeholder.
    const words = v.split(/[ \t]+/);
    const lastWord = words.at(-1) ?? '';
    if (!/^[A-Z][A-Z0-9_]{2,}$/.test(lastWord) || (words.length === 1 && !lastWord.includes('_'))) return undefined;
    prefix = words.length > 1 ? `${words.slice(0, -1).join(' ')} ` : '';
  }
  if (!PREFIX_SHAPE.test(prefix)) return undefined;
  return prefix.endsWith('=') || prefix === '' ? prefix : `${prefix.trimEnd()} `;
}

/** Every prefix a text's samples show for the header `name` (`Name: value`, `'Name': f'value'`, `Name=value`). */
export function samplePrefixes(text: string, name: string): string[] {
  const out: string[] = [];
  const sample = new RegExp(`(?:^|[^A-Za-z0-9_-])${escape(name)}['"\`]?[ \\t]*[:=][ \\t]*f?['"\`]?([^'"\`\\n]*)`, 'gi');
  for (const m of text.matchAll(sample)) {
    const prefix = prefixOf(m[1]!);
    if (prefix !== undefined) out.push(prefix);
  }
  return out;
}

/** Prefixes of code spans in a scheme's own description that show only the value's format (PagerDuty's "`Token token=<API_KEY>`"). */
function formatPrefixes(description: string): string[] {
  const out: string[] = [];
  for (const m of description.matchAll(/`([^`\n]+)`/g)) {
    const span = m[1]!;
    if (span.includes(':') || !PLACEHOLDER.test(span)) continue;
    const prefix = prefixOf(span);
    if (prefix !== undefined) out.push(prefix);
  }
  return out;
}

/** How the docs say a scheme's credential is presented; several prefixes when the docs show several. */
export function presentationsOf(scheme: SecurityScheme, model: Pick<ApiModel, 'prose'>): Presentation[] {
  if (scheme.type === 'mutualTLS') return [];
  if (scheme.type === 'http') {
    const word = scheme.scheme?.toLowerCase() === 'basic' ? 'Basic ' : scheme.scheme?.toLowerCase() === 'bearer' || !scheme.scheme ? 'Bearer ' : `${scheme.scheme} `;
    return [{ in: 'header', name: 'Authorization', prefix: word, caseInsensitivePrefix: true }];
  }
  if (scheme.type === 'oauth2' || scheme.type === 'openIdConnect') return [{ in: 'header', name: 'Authorization', prefix: 'Bearer ', caseInsensitivePrefix: true }];
  const name = scheme.name ?? '';
  const where = scheme.in ?? 'header';
  if (where !== 'header') return [{ in: where, name, prefix: '', caseInsensitivePrefix: false }];
  const own = scheme.description ?? '';
  let prefixes = [...samplePrefixes(own, name), ...formatPrefixes(own)];
  if (!prefixes.length) prefixes = model.prose.filter((p) => p.topics.includes('auth')).flatMap((p) => samplePrefixes(p.text, name));
  // "Bearer Token authentication" on an Authorization key: the docs name RFC 6750's scheme.
  if (!prefixes.length && name.toLowerCase() === 'authorization' && /\bbearer\b/i.test(own)) prefixes = ['Bearer '];
  if (!prefixes.length) prefixes = [''];
  return [...new Set(prefixes)].map((prefix) => ({ in: 'header', name, prefix, caseInsensitivePrefix: false }));
}

/**
 * The security alternatives the mock accepts for an operation: its own requirements and the
 * document's (operation-level entries often only state OAuth scopes while the server accepts every
 * credential the API declares); `[]` at the operation means no credential is needed; docs that
 * define schemes but never require one accept any single scheme.
 */
export function alternativesFor(op: Operation, model: Pick<ApiModel, 'security' | 'security_schemes' | 'prose'>): { scheme: string }[][] {
  if (op.security && op.security.length === 0) return [[]];
  const declared = [...(op.security ?? []), ...model.security];
  if (declared.length) return declared;
  const schemes = schemesOf(model);
  return schemes.length ? schemes.map((s) => [{ scheme: s.key }]) : [[]];
}

function presented(p: Presentation, credential: SyntheticCredential, request: { headers: Headers; query: URLSearchParams }): boolean {
  const expected = `${p.prefix}${credential.value}`;
  if (p.in === 'query') return request.query.get(p.name) === expected;
  if (p.in === 'cookie') return (request.headers.get('cookie') ?? '').split(/;\s*/).includes(`${p.name}=${expected}`);
  const got = request.headers.get(p.name);
  if (got === null) return false;
  if (!p.caseInsensitivePrefix) return got === expected;
  return got.slice(0, p.prefix.length).toLowerCase() === p.prefix.toLowerCase() && got.slice(p.prefix.length) === credential.value;
}

/** True when the request satisfies one of the operation's accepted alternatives with the synthetic credentials. */
export function authorised(
  op: Operation,
  model: Pick<ApiModel, 'security' | 'security_schemes' | 'prose'>,
  credentials: Record<string, SyntheticCredential>,
  request: { headers: Headers; query: URLSearchParams },
): boolean {
  return authoriser(model, credentials)(op, request);
}

/**
 * `authorised` for one model and its credentials, reading the docs once: each operation's accepted
 * alternatives, as presentations to look for, are worked out on its first request and kept.
 */
export function authoriser(
  model: Pick<ApiModel, 'security' | 'security_schemes' | 'prose'>,
  credentials: Record<string, SyntheticCredential>,
): (op: Operation, request: { headers: Headers; query: URLSearchParams }) => boolean {
  const schemes = new Map(schemesOf(model).map((s) => [s.key, s]));
  const presentations = new Map<SecurityScheme, Presentation[]>();
  const presentationsFor = (scheme: SecurityScheme) => {
    let found = presentations.get(scheme);
    if (!found) presentations.set(scheme, (found = presentationsOf(scheme, model)));
    return found;
  };
  /** Per operation: its accepted alternatives, each requirement with the presentations of its scheme (none: an undeclared scheme). */
  const accepted = new Map<Operation, { scheme: string; presentations: Presentation[] | undefined }[][]>();
  return (op, request) => {
    let alternatives = accepted.get(op);
    if (!alternatives) {
      alternatives = alternativesFor(op, model).map((alternative) =>
        alternative.map((r) => {
          const scheme = schemes.get(r.scheme);
          return { scheme: r.scheme, presentations: scheme && presentationsFor(scheme) };
        }),
      );
      accepted.set(op, alternatives);
    }
    return alternatives.some((alternative) =>
      alternative.every((r) => {
        const credential = credentials[r.scheme];
        return !!r.presentations && !!credential && r.presentations.some((p) => presented(p, credential, request));
      }),
    );
  };
}
