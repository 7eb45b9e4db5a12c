/**
 * The egress allow-list: origins (RFC 6454 §4: scheme, host, port), matched exactly — no wildcards, no
 * subdomains, no other scheme or port. `https://api.example.com` allows https on port 443 only, never
 * `http://api.example.com` (port 80); `http://127.0.0.1:8080` allows that one plain-http port.
 */

/**
 * Parses one allow-list entry (`https://api.example.com`, `http://127.0.0.1:8080`, `https://[::1]:8443`)
 * into the origin the WHATWG URL parser serialises for it (host lower-cased, IDN to punycode, a default
 * port dropped), or undefined when the entry is not exactly an http(s) origin: another scheme, a path
 * other than `/`, a query, a fragment, a user name or password, or no scheme at all (`api.example.com`).
 */
export function parseAllowedOrigin(entry: string): string | undefined {
  if (entry !== entry.trim() || !/^https?:\/\//i.test(entry)) return undefined;
  const url = URL.parse(entry);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return undefined;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || url.pathname !== '/') return undefined;
  // `https://h/?` and `https://h/#` parse to an empty search and hash: the entry must be the origin, nothing after it.
  if (/[?#]/.test(entry)) return undefined;
  return url.origin;
}

/** Whether `url`'s origin (scheme, host, effective port) is one of `allowed` (entries as {@link parseAllowedOrigin} returns them). */
export function isAllowedOrigin(url: URL, allowed: ReadonlySet<string>): boolean {
  return (url.protocol === 'http:' || url.protocol === 'https:') && allowed.has(url.origin);
}
