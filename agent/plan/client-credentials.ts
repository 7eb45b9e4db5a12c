import type { ApiModel } from '../ingest/api-model.ts';
import type { AuthPlan } from './connector-plan.ts';
import { unsafeBaseUrl } from './base-url.ts';
import { quoted, reasoned } from './evidence.ts';
import { readProseAuth } from './prose-auth.ts';
import { PROSE_SCHEME_KEY } from '../ingest/prose.ts';

/**
 * The OAuth 2.0 client credentials grant (RFC 6749 §4.4) in the plan: when the chosen credential is
 * an `oauth2` scheme whose docs give a client credentials flow (OpenAPI 3 `flows.clientCredentials`,
 * Swagger 2.0 `flow: application`) or, when the docs declare no scheme, whose prose describes the
 * grant with its token URL (prose-auth.ts), the plan records its token URL and the scopes to ask for, so the
 * host can obtain the access token at run time (agent/run/oauth2-client-credentials.ts). The fetcher
 * never sees any of it.
 */

/**
 * `auth` with `client_credentials` set and the flow's `tokenUrl` quoted in its evidence, when one of
 * its credentials is an oauth2 scheme offering the client credentials grant; `auth` unchanged
 * otherwise. `leastScopes` are the manifest's least scopes for the chosen streams
 * (agent/assess/privilege.ts); the scopes asked for are those the flow itself offers (a scope of
 * another flow cannot be granted to this one; for a grant read from prose, the scopes the prose
 * names). `baseUrl`, when given, lets the evidence say a token URL is on another origin than the
 * API's, where a live run sends the client secret only on a human's word. Never throws.
 */
export function withClientCredentials(auth: AuthPlan, model: Pick<ApiModel, 'security_schemes' | 'prose'>, leastScopes: string[], baseUrl?: string): AuthPlan {
  const schemes = new Map(model.security_schemes.map((s) => [s.key, s]));
  const declared = auth.credentials.map((c) => schemes.get(c.scheme)).find((s) => s?.type === 'oauth2' && s.client_credentials);
  // Docs that declare no scheme but describe the grant in prose (prose-auth.ts): the page's token URL and scopes.
  const prose = auth.type === 'oauth2' && auth.scheme_keys.length === 1 && auth.scheme_keys[0] === PROSE_SCHEME_KEY ? readProseAuth(model) : undefined;
  const key = declared?.key ?? (prose?.client_credentials ? PROSE_SCHEME_KEY : undefined);
  const flow = declared?.client_credentials ?? (prose?.client_credentials && { token_url: prose.client_credentials.token_url, scopes: prose.scopes.map((s) => ({ name: s.name })), source: prose.client_credentials.source });
  if (!key || !flow) return auth;
  const whose = declared ? `the ${key} scheme offers` : 'the docs\' page describes';
  // The docs' token URL is judged as their server URLs are: the host would send the client secret there.
  const unsafe = unsafeTokenUrl(flow.token_url);
  if (unsafe) {
    return { ...auth, evidence: [...auth.evidence, reasoned(flow.source, `${whose} the OAuth 2.0 client credentials grant, but its token URL is not kept in the plan: ${unsafe}; a live run needs the vendor's token endpoint given with run --token-url`)] };
  }
  const offered = new Set(flow.scopes.map((s) => s.name));
  const scopes = [...new Set(leastScopes)].filter((s) => offered.has(s));
  const missing = [...new Set(leastScopes)].filter((s) => !offered.has(s));
  // `//auth.other.example/token` names a host (RFC 3986 §4.2 network-path reference): not relative to the base URL's.
  const relative = !isAbsoluteUrl(flow.token_url) && !flow.token_url.startsWith('//');
  const elsewhere = !relative && baseUrl && otherOrigin(flow.token_url, baseUrl);
  const why =
    `${whose} the OAuth 2.0 client credentials grant: the host obtains the access token at this token URL` +
    `${relative ? ', relative to the base URL' : ''}, asking for ${scopes.length ? `the scopes ${scopes.join(', ')}` : 'no scope (the server\'s default)'}` +
    `${missing.length ? `; ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not offered by this flow` : ''}` +
    `${elsewhere ? `; it is not on the API's origin (${elsewhere}), so a live run sends the client secret there only when a human gives it with run --token-url` : ''}`;
  return {
    ...auth,
    client_credentials: { scheme: key, token_url: flow.token_url, scopes },
    evidence: [...auth.evidence, quoted(flow.source, flow.token_url, why), ...(prose?.client_credentials?.lifetime ? [prose.client_credentials.lifetime] : [])],
  };
}

/** The API's origin when an absolute token URL is on another one (RFC 6454), else undefined. Never throws. */
function otherOrigin(tokenUrl: string, baseUrl: string): string | undefined {
  try {
    const base = new URL(baseUrl).origin;
    return new URL(tokenUrl, baseUrl).origin === base ? undefined : base;
  } catch {
    return undefined;
  }
}

/**
 * Why the docs' token URL must not be where the host sends the client secret, or undefined: an
 * absolute or network-path (`//host/…`) URL with a user name or password, a scheme other than
 * http/https, or a host that is not public (agent/docs-view/public-host.ts; `{placeholders}` filled
 * as a validation run fills them). A path reference (`/oauth/token`) is on the base URL's host, which
 * is judged on its own. The reason never repeats the URL (it may hold a password). Never throws.
 */
export function unsafeTokenUrl(tokenUrl: string): string | undefined {
  const absolute = tokenUrl.startsWith('//') ? `https:${tokenUrl}` : tokenUrl;
  if (!isAbsoluteUrl(absolute)) return undefined;
  const why = unsafeBaseUrl(absolute, {});
  return why && /user name or password/.test(why) ? 'it has a user name or password in it; credentials are never taken from the docs' : why;
}

/** True for a URL with a scheme (`https://…`, `{scheme}://…`); a network-path (`//host/…`) or path reference is relative. */
export function isAbsoluteUrl(url: string): boolean {
  return /^(?:[a-z][a-z0-9+.-]*|\{[^}]*\}):/i.test(url);
}
