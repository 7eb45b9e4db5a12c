import type { ApiModel, Operation, SecurityScheme } from '../../agent/ingest/api-model.ts';
import { acceptedBy, credentialFor } from '../../agent/plan/detect-auth.ts';

/**
 * The mock's synthetic credentials — placeholders, never real — and its check of each request
 * against what the docs say an operation accepts: the right header or query parameter, the
 * documented prefix, the placeholder value. Anything else is a 401.
 */

export interface SyntheticCredential {
  scheme: string;
  /** What follows the documented prefix (for HTTP basic: base64 of user:password). */
  value: string;
}

export function syntheticCredentials(model: Pick<ApiModel, 'security_schemes'>, seed: number): Record<string, SyntheticCredential> {
  return Object.fromEntries(
    model.security_schemes.map((s) => {
      const secret = `fw-synthetic-${s.key.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${seed.toString(36)}`;
      const value = s.type === 'http' && s.scheme === 'basic' ? Buffer.from(`fw-synthetic-user:${secret}`).toString('base64') : secret;
      return [s.key, { scheme: s.key, value }];
    }),
  );
}

function satisfied(scheme: SecurityScheme, model: Pick<ApiModel, 'prose'>, credential: SyntheticCredential, request: { headers: Headers; query: URLSearchParams }): boolean {
  if (scheme.type === 'mutualTLS') return false;
  const { header } = credentialFor(scheme, model);
  const expected = `${header.prefix}${credential.value}`;
  if (header.in === 'query') return request.query.get(header.name) === expected;
  if (header.in === 'cookie') return (request.headers.get('cookie') ?? '').split(/;\s*/).includes(`${header.name}=${expected}`);
  return request.headers.get(header.name) === expected;
}

/** True when the request satisfies one of the operation's documented security alternatives. */
export function authorised(op: Operation, model: Pick<ApiModel, 'security' | 'security_schemes' | 'prose'>, credentials: Record<string, SyntheticCredential>, request: { headers: Headers; query: URLSearchParams }): boolean {
  const schemes = new Map(model.security_schemes.map((s) => [s.key, s]));
  const alternatives = acceptedBy(op, model, schemes);
  if (!alternatives.length || alternatives.some((req) => req.length === 0)) return true;
  return alternatives.some((req) => req.every((r) => schemes.has(r.scheme) && satisfied(schemes.get(r.scheme)!, model, credentials[r.scheme]!, request)));
}
