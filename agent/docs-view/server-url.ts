import { nonPublicHost } from './public-host.ts';

/**
 * Server URLs made concrete for a test run. Mechanical, not an interpretation of the docs: the
 * planner chooses *which* server a connector uses; this only fills its `{placeholders}`.
 */

/**
 * A concrete URL for a base URL with placeholders: the docs' defaults, and for a placeholder with
 * no default (a tenant's host), `<vendor>.fetchwright.test` — a reserved name that never resolves.
 */
export function resolveBaseUrl(base: { url: string; variables: Record<string, string> }, vendor: string): string {
  const filled = base.url.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = base.variables[name];
    if (value) return value;
    return /host|domain|server|instance|tenant|subdomain|org|account/i.test(name) || base.url.startsWith(`https://{${name}}`) ? `${vendor}.fetchwright.test` : name.toLowerCase();
  });
  return /^https?:\/\//i.test(filled) ? filled : `https://${filled.replace(/^[a-z]*:\/\//i, '')}`;
}

/**
 * The concrete URL of one documented server (OpenAPI `servers[]` entry): its variables filled with
 * their defaults, a relative URL (`/hub/api`) placed on a `{host}` a human provides, then made
 * concrete by {@link resolveBaseUrl}. The planner's base URL for the same server resolves to the
 * same string.
 */
export function concreteServerUrl(server: { url: string; variables: { name: string; default?: string | undefined }[] }, vendor: string): string {
  let url = server.url.replace(/\/+$/, '');
  const variables: Record<string, string> = Object.fromEntries(server.variables.map((v) => [v.name, v.default ?? '']));
  if (!/^[a-z{][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('{')) {
    url = `https://{host}${url.startsWith('/') ? '' : '/'}${url}`;
    variables.host = '';
  }
  dropNonPublicHostDefaults(url, variables);
  return resolveBaseUrl({ url, variables }, vendor);
}

/**
 * Drops (sets to `''`) the defaults of the `{variables}` in a server URL's host when, filled in, they
 * make the host one no connector may be pointed at, and without them the host is a placeholder a human
 * fills (`https://{host}/api/v4` with `host` defaulting to
 * `localhost`, `https://{region}.internal`… — see agent/docs-view/public-host.ts): a variable in the
 * host is the reader's to fill, its default an example, and the docs never choose a private host. A
 * dropped variable is one a human provides (`run --tenant host=…`), as one without a default is.
 * Returns the names dropped, with the default each had. Mutates `variables`; never throws.
 */
export function dropNonPublicHostDefaults(url: string, variables: Record<string, string>): { name: string; default: string }[] {
  const authority = /^[a-z{][a-z0-9+.{}-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? (url.startsWith('{') ? url.split(/[/?#]/, 1)[0]! : '');
  const inHost = [...authority.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).filter((name) => variables[name]);
  if (!inHost.length) return [];
  const host = URL.parse(resolveBaseUrl({ url, variables }, 'vendor'))?.hostname;
  if (host === undefined || !nonPublicHost(host)) return [];
  const dropped = inHost.map((name) => ({ name, default: variables[name]! }));
  const filled = { ...variables, ...Object.fromEntries(inHost.map((name) => [name, ''])) };
  // Only when the host is then a placeholder a human fills (not a fixed private host with a port variable, `127.0.0.1:{port}`).
  const placeholder = URL.parse(resolveBaseUrl({ url, variables: filled }, 'vendor'))?.hostname;
  if (placeholder === undefined || nonPublicHost(placeholder)) return [];
  Object.assign(variables, filled);
  return dropped;
}
