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
