import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';

/**
 * Whose API a server URL names: its registrable domain (or public address), or nothing when the
 * host could be anyone's. Used by `api-groups.ts` to tell the files of one vendor from another's.
 *
 * A host names nobody when it is:
 * - missing or relative (`/hub/api`, Swagger's `basePath` without `host`): a base path is no identity;
 * - a placeholder: a server variable left in the URL (`https://{host}`, `https://{subdomain}.{site}`;
 *   callers replace the variables that declare a default first) or any label that is not a host name
 *   (`<your-domain>`, `YOUR_HOST`) within the registrable domain;
 * - a single label (`localhost`, an intranet name), or under a special-use top-level domain
 *   (`.localhost`, `.local`, `.internal`, `.example`, `.invalid`, `.arpa` …, RFC 6761/2606/8375);
 * - a documentation stand-in: the registrable label `example` (`example.com`, `example.org`,
 *   `keycloak.example.test`), or `your-domain.com`, `your-mattermost-url.com`-style names;
 * - a loopback, private, link-local, shared (CGNAT), unspecified or documentation address
 *   (springdoc writes `http://localhost:8080` into every spec it generates).
 * `.test` names are kept: they are specific names, and test vendors use them.
 *
 * Otherwise the identity is the registrable domain, lower-cased, port dropped (a port does not change
 * who runs the host): `api.acme.test` and `scim.acme.test:443` are both `acme.test`, and the labels
 * left of it may be variables (`{account}.snowflakecomputing.com`). A public suffix of two labels is
 * recognised by its shape instead of a list: a generic second-level label under a two-letter country
 * domain (`co.uk`, `com.au`, `co.jp`, `gov.uk`, `com.br` …) — nearly all of the multi-label suffixes
 * in the Public Suffix List's ICANN section have that shape, and a list would be long and still
 * incomplete. Cloud hosts whose subdomains belong to different customers (the list's private section:
 * `*.azurewebsites.net`, `*.execute-api.*.amazonaws.com` …) are kept whole: there the full host names
 * the owner, from a short list of the ones API docs use.
 */

/** Second-level labels that are a public suffix under a two-letter country domain. */
const GENERIC_SECOND_LEVEL = new Set(['ac', 'co', 'com', 'edu', 'go', 'gob', 'gov', 'govt', 'ltd', 'me', 'mil', 'ne', 'net', 'nic', 'nom', 'or', 'org', 'plc', 'sch']);

/** Top-level domains that are never a public vendor's (special-use or conventionally private). */
const SPECIAL_TLDS = new Set(['arpa', 'corp', 'example', 'home', 'internal', 'intranet', 'invalid', 'lan', 'local', 'localdomain', 'localhost']);

/** Shared-hosting suffixes whose subdomains belong to different customers: the whole host is the identity. */
const SHARED_HOSTING = ['amazonaws.com', 'appspot.com', 'azure-api.net', 'azurewebsites.net', 'cloudapp.net', 'cloudfunctions.net', 'github.io', 'herokuapp.com', 'netlify.app', 'ngrok.io', 'onrender.com', 'pages.dev', 'run.app', 'vercel.app', 'workers.dev'];

/** A registrable label that stands in for the reader's own host in docs. */
const STAND_IN = /^(example|(your|my)-?([a-z0-9]+-)*?(company|domain|host|instance|org|organi[sz]ation|server|site|subdomain|tenant|url)s?)$/;

const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

function ipv4Private(ip: string): boolean {
  const [a, b, c] = ip.split('.').map(Number) as [number, number, number, number];
  return (
    a === 0 || a === 10 || a === 127 || a >= 224 ||
    (a === 100 && b >= 64 && b < 128) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b < 32) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 198 && (b === 18 || b === 19 || (b === 51 && c === 100))) ||
    (a === 203 && b === 0 && c === 113)
  );
}

function ipv6Private(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return ipv4Private(mapped[1]!);
  return ip === '::' || ip === '::1' || /^f[cd]/.test(ip) || /^fe[89ab]/.test(ip) || /^ff/.test(ip) || /^2001:0?db8:/.test(ip);
}

/**
 * The identity of the host a server URL names (OpenAPI `servers[].url`, or Swagger `host` +
 * `basePath`): its registrable domain (`https://api.acme.test:443/v1` → `acme.test`) or public
 * address, or undefined when the host could be anyone's (the cases are in this module's header).
 * Never throws: anything unreadable is undefined.
 */
export function hostIdentity(url: string): string | undefined {
  let rest = url.trim().replace(/\{[^}]*\}/g, '{}');
  const scheme = /^(?:[a-z][a-z0-9+.-]*|\{\}):\/\//i.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  else if (rest.startsWith('//')) rest = rest.slice(2);
  else if (rest.startsWith('/') || !rest) return undefined;
  let authority = rest.split(/[/?#]/, 1)[0]!.toLowerCase();
  authority = authority.slice(authority.lastIndexOf('@') + 1);

  const bracketed = /^\[([^\]]*)\](?::[^:]*)?$/.exec(authority);
  if (bracketed) return isIPv6(bracketed[1]!) && !ipv6Private(bracketed[1]!) ? `[${bracketed[1]}]` : undefined;
  const host = authority.replace(/:(?:\d*|\{\})$/, '').replace(/\.$/, '');
  if (isIPv4(host)) return ipv4Private(host) ? undefined : host;

  const labels = host.split('.').map((l) => (/^[\x00-\x7f]*$/.test(l) ? l : domainToASCII(l)));
  const tld = labels[labels.length - 1]!;
  if (labels.length < 2 || SPECIAL_TLDS.has(tld) || /^\d+$/.test(tld)) return undefined;
  const shared = SHARED_HOSTING.find((s) => host.endsWith(`.${s}`));
  const size = shared ? labels.length : tld.length === 2 && labels.length >= 3 && GENERIC_SECOND_LEVEL.has(labels[labels.length - 2]!) ? 3 : 2;
  const registrable = labels.slice(-size);
  if (!registrable.every((l) => LABEL.test(l)) || STAND_IN.test(registrable[0]!)) return undefined;
  return registrable.join('.');
}
