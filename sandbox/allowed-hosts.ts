/**
 * The egress allow-list: `host` or `host:port` entries, matched exactly (no wildcards, no subdomains).
 * A bare `host` allows only the scheme's default port; `host:port` allows that port on http or https.
 */
export interface AllowedHost {
  hostname: string;
  port: number | null;
}

/** Parses one allow-list entry, normalising it the way the WHATWG URL parser does (case, IDN, IPv6). */
export function parseAllowedHost(entry: string): AllowedHost | undefined {
  const match = /^(.+?)(?::(\d{1,5}))?$/.exec(entry.trim());
  if (!match || /[/?#@\s]/.test(entry)) return undefined;
  const url = URL.parse(`http://${match[1]}`);
  if (!url || url.hostname === '') return undefined;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && (port < 1 || port > 65_535)) return undefined;
  return { hostname: url.hostname, port };
}

export function isAllowedHost(url: URL, allowed: readonly AllowedHost[]): boolean {
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  const port = url.port === '' ? defaultPort : Number(url.port);
  return allowed.some((a) => a.hostname === url.hostname && (a.port === null ? port === defaultPort : a.port === port));
}
