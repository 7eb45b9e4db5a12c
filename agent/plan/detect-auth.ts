import type { ApiModel, Operation, SecurityRequirement, SecurityScheme } from '../ingest/api-model.ts';
import type { AuthHeader, AuthPlan, Evidence } from './connector-plan.ts';
import { findPrefix } from './auth-samples.ts';
import { excerpt, quoted, reasoned } from './evidence.ts';
import { readProseAuth } from './prose-auth.ts';
import { credentialScoping } from '../assess/credential-scoping.ts';

export { findPrefix } from './auth-samples.ts';

/**
 * How the connector authenticates: which of the docs' security alternatives a human can provision
 * a credential for, where each credential goes, and the prefix before it (`SSWS `, `Token token=`,
 * `token `) as the docs write it. The host injects it at the egress gate; fetcher code never sees it.
 */

/** The security alternatives that apply to an operation. */
export function requirementsOf(op: Operation, model: Pick<ApiModel, 'security' | 'security_schemes'>): SecurityRequirement[] {
  const reqs = op.security ?? model.security;
  if (reqs.length) return reqs;
  if (op.security && op.security.length === 0) return [];
  // Docs that define schemes but never say which applies: each scheme is an alternative.
  return model.security_schemes.map((s) => [{ scheme: s.key, scopes: [] }]);
}

/**
 * How much a security alternative (schemes used together) is preferred, and why: least privilege
 * first — the credential a human can scope least and revoke on its own. 5: a scoped API token, or
 * OAuth 2.0 with the client credentials grant (a client scoped and revoked on its own, its token
 * obtained by the host); 4: an API key or token without scopes (revoked on its own, but with its
 * owner's power), or the client credentials grant with no scope declared; 3: OAuth 2.0 whose flows need a person to sign in (its token obtained by hand,
 * and it may expire); 2: HTTP Basic (a person's user name and password: no scope, and revoking it
 * locks the person out); 1: OpenID Connect discovery; 0: mutual TLS, which a header cannot carry.
 */
export function preferenceOf(req: SecurityRequirement, schemes: Map<string, SecurityScheme>, model: Pick<ApiModel, 'security' | 'security_schemes' | 'prose' | 'schemas'> & { operations?: ApiModel['operations'] }): { rank: number; why: string } {
  const parts = req.map((r) => schemes.get(r.scheme)!);
  if (parts.some((s) => s.type === 'mutualTLS')) return { rank: 0, why: 'mutual TLS: a client certificate the egress gate cannot present' };
  if (parts.some((s) => s.type === 'openIdConnect')) return { rank: 1, why: 'OpenID Connect: its flows are found only at run time' };
  if (parts.some((s) => s.type === 'http' && s.scheme?.toLowerCase() === 'basic')) {
    return { rank: 2, why: 'HTTP Basic: a user name and password, which cannot be scoped, and revoking it locks its owner out' };
  }
  const oauth = parts.find((s) => s.type === 'oauth2');
  if (oauth) {
    if (oauth.client_credentials) {
      return oauth.client_credentials.scopes.length
        ? { rank: 5, why: 'OAuth 2.0 with the client credentials grant: a client a human scopes and revokes on its own, whose token the host obtains' }
        : { rank: 4, why: 'OAuth 2.0 with the client credentials grant but no scope declared: a client revoked on its own, whose token the host obtains' };
    }
    return { rank: 3, why: `OAuth 2.0 whose flows (${oauth.flows.join(', ') || 'none named'}) need a person to sign in: its token is obtained by hand and may expire` };
  }
  const scoping = credentialScoping(req.map((r) => r.scheme), model);
  return scoping.scoped
    ? { rank: 5, why: 'a scoped API token: a human grants it only the scopes the connector needs and revokes it on its own' }
    : { rank: 4, why: 'an API key or token: revoked on its own, but it takes no scope the docs name' };
}

/**
 * The scheme's own description giving the credential's format without the header name, e.g.
 * PagerDuty's "The API Key with format `Token token=<API_KEY>`", or Kubernetes' "Bearer Token
 * authentication" on an `authorization` key scheme.
 */
function findFormat(scheme: SecurityScheme): { prefix: string; evidence: Evidence } | undefined {
  const d = scheme.description ?? '';
  const format = /`([A-Za-z][A-Za-z0-9_-]*(?:[ \t]+[A-Za-z0-9_-]+=)?)([ \t]*)[{<$][^`]*`/.exec(d);
  if (format) {
    const word = format[1]!;
    const prefix = word.endsWith('=') ? word : `${word} `;
    return { prefix, evidence: quoted(scheme.source, excerpt(d, { index: format.index, length: format[0].length }), `the ${scheme.key} scheme's description gives the credential's format: "${prefix}" before it`) };
  }
  if ((scheme.name ?? '').toLowerCase() === 'authorization' && /\bbearer\b/i.test(`${d} ${scheme.key}`)) {
    const why = `the ${scheme.key} scheme puts the credential in the Authorization header and calls it a bearer token: "Bearer " before it`;
    return { prefix: 'Bearer ', evidence: quoted(scheme.source, /\bbearer\b/i.test(d) ? excerpt(d, /\bbearer\b/i) : scheme.key, why) };
  }
  return undefined;
}

export function credentialFor(scheme: SecurityScheme, model: Pick<ApiModel, 'prose'>): { header: AuthHeader; type: AuthPlan['type']; evidence: Evidence[]; confidence: number } {
  const what = `${scheme.type}${scheme.scheme ? ` ${scheme.scheme}` : ''}${scheme.in ? ` in ${scheme.in}` : ''}${scheme.name ? ` ${scheme.name}` : ''}`;
  // The scheme's own word for where the credential goes: the header's name, the HTTP scheme, else its key.
  const words = scheme.type === 'apiKey' ? scheme.name ?? scheme.key : scheme.type === 'http' ? scheme.scheme ?? scheme.key : scheme.key;
  const evidence: Evidence[] = [quoted(scheme.source, words, `security scheme ${scheme.key} is ${what}`)];
  const texts = [
    ...(scheme.description ? [{ text: scheme.description, source: scheme.source }] : []),
    ...model.prose.filter((p) => p.topics.includes('auth')).map((p) => ({ text: p.text, source: p.source })),
  ];
  if (scheme.type === 'apiKey') {
    const name = scheme.name ?? 'Authorization';
    const where = scheme.in ?? 'header';
    const found = where === 'header' ? findPrefix(name, texts) ?? findFormat(scheme) : undefined;
    if (found) evidence.push(found.evidence);
    const prefix = found?.prefix ?? '';
    const type: AuthPlan['type'] = /^bearer\s$/i.test(prefix) ? 'bearer' : /^basic\s$/i.test(prefix) ? 'basic' : 'api_key';
    // An Authorization header with no documented prefix is a guess; say so through the confidence.
    const confidence = found || name.toLowerCase() !== 'authorization' ? 0.9 : 0.55;
    return { header: { name, in: where, prefix, scheme: scheme.key }, type, evidence, confidence };
  }
  if (scheme.type === 'http' && scheme.scheme === 'basic') {
    return { header: { name: 'Authorization', in: 'header', prefix: 'Basic ', scheme: scheme.key }, type: 'basic', evidence, confidence: 0.95 };
  }
  if (scheme.type === 'http') {
    return { header: { name: 'Authorization', in: 'header', prefix: 'Bearer ', scheme: scheme.key }, type: 'bearer', evidence, confidence: scheme.scheme === 'bearer' ? 0.95 : 0.6 };
  }
  // OAuth 2 / OpenID Connect: a human obtains the token; the connector only presents it.
  const found = findPrefix('Authorization', texts);
  const prefix = found && /^bearer\s$/i.test(found.prefix) ? found.prefix : 'Bearer ';
  if (found) evidence.push(found.evidence);
  return { header: { name: 'Authorization', in: 'header', prefix, scheme: scheme.key }, type: 'oauth2', evidence, confidence: 0.85 };
}

/**
 * The alternatives an operation accepts. Many specs (JupyterHub's among them) use an operation's
 * OAuth 2 entry only to declare its scopes while the document-level list names every credential the
 * API accepts; so when an operation names only OAuth 2, the document's key and HTTP schemes count too.
 */
export function acceptedBy(op: Operation, model: Pick<ApiModel, 'security' | 'security_schemes'>, schemes: Map<string, SecurityScheme>): SecurityRequirement[] {
  const own = requirementsOf(op, model);
  const onlyOauth = own.length > 0 && own.every((req) => req.every((r) => schemes.get(r.scheme)?.type === 'oauth2'));
  if (!op.security || !onlyOauth) return own;
  const documentLevel = model.security.filter((req) => req.length && req.every((r) => ['apiKey', 'http'].includes(schemes.get(r.scheme)?.type ?? '')));
  return [...own, ...documentLevel];
}

export function detectAuth(ops: Operation[], model: Pick<ApiModel, 'security' | 'security_schemes' | 'prose' | 'schemas'> & { operations?: ApiModel['operations'] }): AuthPlan {
  const schemes = new Map(model.security_schemes.map((s) => [s.key, s]));
  // Count, for each alternative (a set of schemes used together), how many chosen operations accept it.
  const tally = new Map<string, { req: SecurityRequirement; count: number }>();
  for (const op of ops) {
    const seen = new Set<string>();
    for (const req of acceptedBy(op, model, schemes)) {
      if (!req.length || req.some((r) => !schemes.has(r.scheme))) continue;
      const key = req.map((r) => r.scheme).sort().join('+');
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = tally.get(key) ?? { req, count: 0 };
      entry.count += 1;
      tally.set(key, entry);
    }
  }
  const preferences = new Map([...tally.entries()].map(([key, t]) => [key, preferenceOf(t.req, schemes, model)]));
  const rank = (req: SecurityRequirement) => preferences.get(req.map((r) => r.scheme).sort().join('+'))!.rank;
  const ranked = [...tally.values()].sort((a, b) => b.count - a.count || rank(b.req) - rank(a.req) || a.req.length - b.req.length);
  const best = ranked[0];
  if (!best || rank(best.req) === 0) {
    // No scheme declared: what the docs' prose says, with its words as evidence (prose-auth.ts).
    const prose = readProseAuth(model);
    if (prose) {
      return { type: prose.type, in: prose.header.in, name: prose.header.name, prefix: prose.header.prefix, credentials: [prose.header], scheme_keys: [prose.header.scheme], evidence: prose.evidence, confidence: prose.confidence };
    }
    return {
      type: 'none',
      credentials: [],
      scheme_keys: [],
      evidence: [reasoned(ops[0]?.source ?? { file: '', pointer: '' }, 'the docs define no usable security scheme for these operations')],
      confidence: model.security_schemes.length ? 0.3 : 0.4,
    };
  }
  const parts = best.req.map((r) => credentialFor(schemes.get(r.scheme)!, model));
  const first = parts[0]!;
  // Alternatives that serve as many streams: say why this one, and why not the others.
  const keyOf = (req: SecurityRequirement) => req.map((r) => r.scheme).sort().join('+');
  const rivals = ranked.slice(1).filter((t) => t.count === best.count && rank(t.req) > 0);
  const choice = rivals.length
    ? [reasoned(schemes.get(best.req[0]!.scheme)!.source, `the docs offer ${rivals.length + 1} ways to authenticate; ${keyOf(best.req)} is chosen, ${preferences.get(keyOf(best.req))!.why}; not ${rivals.map((t) => `${keyOf(t.req)} (${preferences.get(keyOf(t.req))!.why})`).join(', nor ')}`)]
    : [];
  const type: AuthPlan['type'] = parts.length > 1 ? 'api_key' : first.type;
  return {
    type,
    in: first.header.in,
    name: first.header.name,
    prefix: first.header.prefix,
    credentials: parts.map((p) => p.header),
    scheme_keys: best.req.map((r) => r.scheme),
    evidence: [...parts.flatMap((p) => p.evidence), ...choice],
    confidence: Math.min(...parts.map((p) => p.confidence)),
  };
}
