/**
 * template fetchwright/url@1 — builds request URLs and resolves next-page links without the URL
 * class (a bare V8 isolate has none).
 */

export interface RequestSpec {
  /** Absolute URL to request, query included. */
  url: string;
}

export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (whole: string, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for path parameter {${name}}`);
    return encodeURIComponent(value);
  });
}

export function withQuery(url: string, query: Record<string, string | number | undefined>): string {
  const [beforeHash] = url.split('#') as [string];
  const q = beforeHash.indexOf('?');
  const base = q === -1 ? beforeHash : beforeHash.slice(0, q);
  const existing = q === -1 ? [] : beforeHash.slice(q + 1).split('&').filter(Boolean);
  const keep = existing.filter((pair) => {
    const name = decodeURIComponent((pair.split('=')[0] ?? '').replace(/\+/g, ' '));
    return !(name in query);
  });
  const added = Object.keys(query)
    .filter((k) => query[k] !== undefined)
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(query[k]))}`);
  const all = [...keep, ...added];
  return all.length ? `${base}?${all.join('&')}` : base;
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** The scheme + host (+ port) of an absolute URL. */
export function originOf(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]+)/i.exec(url);
  if (!m) throw new Error(`not an absolute URL: ${url}`);
  return m[1]!;
}

/** Resolves a next link against the URL it came from: absolute, host-relative (`/x`) or path-relative. */
export function resolveUrl(next: string, from: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(next)) return next;
  if (next.startsWith('//')) return `${from.split(':')[0]}:${next}`;
  if (next.startsWith('/')) return `${originOf(from)}${next}`;
  if (next.startsWith('?')) return `${from.split('?')[0]}${next}`;
  const dir = from.split('?')[0]!.replace(/[^/]*$/, '');
  return `${dir}${next}`;
}

/** The value of one query parameter of a URL, or undefined. */
export function queryParam(url: string, name: string): string | undefined {
  const q = url.indexOf('?');
  if (q === -1) return undefined;
  for (const pair of url.slice(q + 1).split('#')[0]!.split('&')) {
    const [k, v = ''] = pair.split('=');
    if (decodeURIComponent((k ?? '').replace(/\+/g, ' ')) === name) return decodeURIComponent(v.replace(/\+/g, ' '));
  }
  return undefined;
}

/** The target of `rel` in an RFC 8288 Link header value. */
export function linkTarget(header: string | undefined, rel: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>(.*)/.exec(part.trim());
    if (!m) continue;
    const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(m[2]!)?.[1]?.toLowerCase().split(/\s+/) ?? [];
    if (rels.includes(rel.toLowerCase())) return m[1];
  }
  return undefined;
}
