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
  return resolveBaseUrl({ url, variables }, vendor);
}
