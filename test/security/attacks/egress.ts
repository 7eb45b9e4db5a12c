import type { EgressGateOptions, FetchReply, FetchRequest } from '../../../sandbox/egress-gate.ts';
import type { ViolationKind } from '../../../sandbox/violation.ts';
import { recordingGate, type Attack, type Defenses, type GateLike } from '../attack-suite.ts';

/**
 * Egress: a fetcher (or the server it talks to) trying to take a request somewhere the plan's exact
 * origin does not cover — plain http to a host allowed without a port, a redirect that downgrades to
 * http or moves to another port — or to make a read act as a write on the allowed origin: a
 * method-override header in any spelling, `_method=DELETE` in the query (sent or redirected to), and
 * request headers too large for any server. Each is tried through `defenses.gate`; it is stopped when
 * nothing of it reaches the wire and the gate reports it as a violation of the expected kind.
 */

const HOST = 'api.vendor.test';
const ORIGIN = `https://${HOST}`;
/** The host's credential: a server must never see it over plain http. */
const TOKEN = 'SSWS fw-live-00Tok3n/9f8e7d6c5b4a';

interface Net {
  gate: GateLike;
  /** Every request that reached the (fake) wire. */
  seen: Request[];
}

/** A gate for the plan's one https origin, the host's credential injected, over a recording fake network. */
function gateOf(defenses: Defenses, respond?: (req: Request) => Response, options: Partial<EgressGateOptions> = {}): Net {
  return recordingGate(defenses, ORIGIN, TOKEN, respond, options);
}

const get = (url: string, headers: Record<string, string> = {}): FetchRequest => ({ url, method: 'GET', headers });

/** What a naive fetcher does with an answer the gate hands back: follows a redirect itself, a few times. */
async function fetchFollowing(gate: GateLike, request: FetchRequest, hops = 3): Promise<FetchReply> {
  let reply = await gate.fetch(request);
  for (let i = 0; i < hops && reply.ok && reply.response.status >= 300 && reply.response.status < 400; i++) {
    const location = reply.response.headers.location;
    if (!location) break;
    reply = await gate.fetch({ ...request, url: new URL(location, reply.response.url).href });
  }
  return reply;
}

/** Undefined (stopped) when nothing `leaked` reached the wire and the gate reported a violation of `kind`; else what got through. */
function verdict(net: Net, leaked: (req: Request) => boolean, kind: ViolationKind, what: string): string | undefined {
  const sent = net.seen.filter(leaked);
  if (sent.length) return `${what}: ${sent.map((r) => `${r.method} ${r.url}${r.headers.get('authorization') ? ' with the credential' : ''}`).join('; ')} reached the wire`;
  if (!net.gate.violations.some((v) => v.kind === kind)) return `${what}: nothing reached the wire, but the gate reported no ${kind} violation (${net.gate.violations.map((v) => v.kind).join(', ') || 'none'})`;
  return undefined;
}

const plainHttp = (req: Request) => new URL(req.url).protocol === 'http:';

/** A server whose https answer redirects to `location`; everything else answers 200. */
const redirectingTo = (location: string) => (req: Request) =>
  new URL(req.url).protocol === 'https:' && new URL(req.url).port === '' && new URL(req.url).pathname === '/users' ? new Response(null, { status: 302, headers: { location } }) : Response.json([]);

const downgrades: Attack[] = [
  {
    name: 'plain http to the allowed host, which was allowed without a port (the credential over port 80)',
    layer: 'gate',
    async attempt(d) {
      const net = gateOf(d);
      await net.gate.fetch(get(`http://${HOST}/users`));
      return verdict(net, plainHttp, 'refused-host', 'http://api.vendor.test');
    },
  },
  {
    name: 'plain http to the allowed host on port 443 (http://host:443)',
    layer: 'gate',
    async attempt(d) {
      const net = gateOf(d);
      await net.gate.fetch(get(`http://${HOST}:443/users`));
      return verdict(net, plainHttp, 'refused-host', 'http://api.vendor.test:443');
    },
  },
  {
    name: 'plain http to a loopback origin the gate allows, with no plaintext permission: the credential must not be added',
    layer: 'gate',
    async attempt(d) {
      const net = gateOf(d, undefined, { allowedOrigins: ['http://127.0.0.1:8080'] });
      await net.gate.fetch(get('http://127.0.0.1:8080/users'));
      const withCredential = net.seen.filter((r) => r.headers.get('authorization') !== null);
      return withCredential.length ? `the credential went over plain http to ${withCredential[0]!.url}` : net.seen.length ? undefined : 'the allowed http origin was never reached';
    },
  },
  {
    name: 'an https answer redirecting to plain http on the same host',
    layer: 'gate',
    async attempt(d) {
      const net = gateOf(d, redirectingTo(`http://${HOST}/users?page=2`));
      await fetchFollowing(net.gate, get(`${ORIGIN}/users`));
      return verdict(net, plainHttp, 'redirect-downgrade', 'an https → http redirect');
    },
  },
  {
    name: 'an https answer redirecting to http, the host spelt in capitals with an explicit :80',
    layer: 'gate',
    async attempt(d) {
      const net = gateOf(d, redirectingTo(`HTTP://API.VENDOR.TEST:80/users`));
      await fetchFollowing(net.gate, get(`${ORIGIN}/users`));
      return verdict(net, plainHttp, 'redirect-downgrade', 'an https → HTTP://…:80 redirect');
    },
  },
  {
    name: 'an https answer redirecting to plain http even when that http origin is allowed too',
    layer: 'gate',
    async attempt(d) {
      const net = gateOf(d, redirectingTo(`http://${HOST}/users`), { allowedOrigins: [ORIGIN, `http://${HOST}`] });
      await fetchFollowing(net.gate, get(`${ORIGIN}/users`));
      return verdict(net, plainHttp, 'redirect-downgrade', 'an https → http redirect between two allowed origins');
    },
  },
  {
    name: 'a redirect to another port on the same host',
    layer: 'gate',
    async attempt(d) {
      const net = gateOf(d, redirectingTo(`https://${HOST}:8443/users`));
      await fetchFollowing(net.gate, get(`${ORIGIN}/users`));
      return verdict(net, (r) => new URL(r.url).port === '8443', 'redirect-off-host', 'a redirect to :8443');
    },
  },
  {
    name: 'a redirect to plain http on another port of the same host',
    layer: 'gate',
    async attempt(d) {
      const net = gateOf(d, redirectingTo(`http://${HOST}:8080/admin`));
      await fetchFollowing(net.gate, get(`${ORIGIN}/users`));
      return verdict(net, plainHttp, 'redirect-downgrade', 'a redirect to http://…:8080');
    },
  },
];

/** A method-override header, sent by the fetcher (and, for `declared`, named in the plan too). */
function overrideHeader(name: string, value: string, declared = false): Attack {
  return {
    name: `a method-override header ${name}: ${value}${declared ? ', declared in the plan' : ''}`,
    layer: 'gate',
    async attempt(d) {
      const net = gateOf(d, undefined, declared ? { allowedHeaders: { [name]: [value] } } : {});
      await net.gate.fetch(get(`${ORIGIN}/groups`, { accept: 'application/json', [name]: value }));
      // Refused as a method override whether or not the plan names it (not merely as an undeclared header).
      return verdict(net, (r) => r.headers.has(name), 'policy-header', `${name}: ${value}`);
    },
  };
}

const overrides: Attack[] = [
  overrideHeader('X-HTTP-Method-Override', 'DELETE'),
  overrideHeader('X-HTTP-Method', 'DELETE'),
  overrideHeader('X-Method-Override', 'PUT'),
  overrideHeader('x-http-method-override', 'patch'),
  overrideHeader('X-HTTP-Method-Override', 'DELETE', true),
  overrideHeader('X-Method', 'POST', true),
];

/** A query parameter that asks the server to act as another method (or for a token), on the first request or on a redirect hop. */
function overrideQuery(query: string, via: 'request' | 'redirect' = 'request'): Attack {
  const name = decodeURIComponent(query.split('=')[0]!);
  return {
    name: via === 'request' ? `a query parameter the request policy refuses: ?${query}` : `a same-origin redirect whose Location adds ?${query}`,
    layer: 'gate',
    async attempt(d) {
      const net = gateOf(d, via === 'redirect' ? (req) => (new URL(req.url).search === '' ? new Response(null, { status: 307, headers: { location: `/serviceAccounts?${query}` } }) : Response.json([])) : undefined);
      await fetchFollowing(net.gate, get(via === 'request' ? `${ORIGIN}/serviceAccounts?limit=10&${query}` : `${ORIGIN}/serviceAccounts`));
      return verdict(net, (r) => new URL(r.url).searchParams.has(name), 'refused-by-policy', `?${query}`);
    },
  };
}

const overrideQueries: Attack[] = [
  overrideQuery('_method=DELETE'),
  overrideQuery('_method=delete'),
  overrideQuery('X-HTTP-Method-Override=DELETE'),
  overrideQuery('http_method=PATCH'),
  overrideQuery('_method=DELETE', 'redirect'),
  overrideQuery('grant_type=client_credentials'),
];

/** A URL whose path or whole query value asks for an act: fetched as a next link, or reached by a same-origin redirect hop. */
function actOnTheWire(target: string, via: 'request' | 'redirect' = 'request'): Attack {
  return {
    name: via === 'request' ? `a next link to ${target}` : `a same-origin redirect to ${target}`,
    layer: 'gate',
    async attempt(d) {
      const net = gateOf(d, via === 'redirect' ? (req) => (new URL(req.url).pathname === '/users' ? new Response(null, { status: 302, headers: { location: target } }) : Response.json([])) : undefined);
      await fetchFollowing(net.gate, get(via === 'request' ? `${ORIGIN}${target}` : `${ORIGIN}/users`));
      return verdict(net, (r) => new URL(r.url).pathname !== '/users', 'refused-by-policy', target);
    },
  };
}

const actsOnTheWire: Attack[] = [
  actOnTheWire('/admin/keys:rotate?all=true'),
  actOnTheWire('/admin/keys?action=rotate'),
  actOnTheWire('/admin/keys?op=DELETE'),
  actOnTheWire('/admin/keys;_method=DELETE'),
  actOnTheWire('/admin/deleteInactiveUsers'),
  actOnTheWire('/admin/keys/%72otate'),
  actOnTheWire('/admin/keys:rotate?all=true', 'redirect'),
  actOnTheWire('/admin/keys?action=rotate', 'redirect'),
];

/** 64 KiB of request headers, shaped as `headers` says; `declared` names them in the plan, so only the size cap is left to stop them. */
function bigHeaders(name: string, headers: Record<string, string>, declared: Record<string, string[]> = {}): Attack {
  return {
    name: `64 KiB of request headers: ${name}`,
    layer: 'gate',
    async attempt(d) {
      const net = gateOf(d, undefined, { allowedHeaders: declared });
      await net.gate.fetch(get(`${ORIGIN}/users`, headers));
      return verdict(net, () => true, 'headers-too-large', `${name}`);
    },
  };
}

const PAD = 'x'.repeat(64 * 1024);
const MANY = Object.fromEntries(Array.from({ length: 2_048 }, (_, i) => [`x-fw-pad-${String(i).padStart(4, '0')}`, 'y'.repeat(20)]));
const bigs: Attack[] = [
  bigHeaders('one declared header of 64 KiB', { accept: 'application/json', 'x-pad': PAD }, { 'X-Pad': [PAD] }),
  bigHeaders('2,048 small undeclared headers', MANY),
  bigHeaders('a 64 KiB header name', { [`x-${'n'.repeat(64 * 1024)}`]: '1' }),
  bigHeaders('a 64 KiB Accept', { accept: Array.from({ length: 4_000 }, () => 'application/json').join(', ') }),
];

export const EGRESS_ATTACKS: Attack[] = [...downgrades, ...overrides, ...overrideQueries, ...actsOnTheWire, ...bigs];
