import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Whether a host the docs name is one a connector may be pointed at: a public DNS name or a public
 * address. Docs are data: a server URL of `http://169.254.169.254/…` (a cloud's metadata service),
 * `localhost`, `10.0.0.5` or `[::ffff:a9fe:a9fe]` would have the egress gate allow — and the host send
 * a credential to — a machine on the operator's own network. A live run against a test server is the
 * human's `run --base-url`, never the docs' choice.
 *
 * The host is judged as the WHATWG URL parser serialises it, which already turns every IPv4 spelling
 * (`2852039166`, `0xa9.0376.0xa9fe`, `0251.254.169.254`, `127.1`, full-width digits) into dotted
 * decimal and every IPv6 one into its compressed form: the parsed URL's `hostname` is what is judged,
 * never the docs' text. Refused:
 *
 * - IPv4 special-purpose blocks that are not globally reachable (RFC 6890, IANA registry): this network
 *   0/8, private 10/8, 172.16/12, 192.168/16 (RFC 1918), shared 100.64/10 (RFC 6598), loopback 127/8,
 *   link-local 169.254/16 (RFC 3927), IETF protocol 192.0.0/24, the documentation nets (RFC 5737),
 *   6to4 relay 192.88.99/24, benchmarking 198.18/15, multicast 224/4, reserved 240/4 and broadcast;
 * - IPv6: unspecified, loopback, unique-local fc00::/7 (RFC 4193), link-local fe80::/10, site-local
 *   fec0::/10, multicast ff00::/8, discard 100::/64, documentation 2001:db8::/32, Teredo 2001::/32,
 *   NAT64 64:ff9b::/96 and 64:ff9b:1::/48 (RFC 6052, 8215); and an IPv4 address carried inside an IPv6
 *   one — mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, 6to4 `2002:aabb:ccdd::` — judged as that
 *   IPv4 address;
 * - names: `localhost` and `*.localhost` (RFC 6761), a single label (`metadata`, `intranet`: resolved
 *   through the machine's search domains), and names under top-level domains that are never public
 *   (`.internal` — `metadata.google.internal` —, `.local` (RFC 6762; `.cluster.local` too), `.home.arpa`
 *   and `.arpa`, `.lan`, `.home`, `.corp`, `.intranet`, `.localdomain`, `.private`, `.invalid` (RFC 6761),
 *   `.onion` (RFC 7686), `.alt` (RFC 9476), and cluster-internal service names: Kubernetes' `.svc` and
 *   `<service>.default`, Consul's `.consul`). `.test` and `.example` (RFC 6761) are for testing and stay
 *   allowed: test suites and mocks name them.
 *
 * Not judged: what a public name resolves to (a DNS name pointing at 127.0.0.1). That needs a lookup at
 * connect time; the docs' host is checked here as the docs write it.
 */

const IPV4_NOT_PUBLIC: [string, number, string][] = [
  ['0.0.0.0', 8, 'an unspecified ("this network") address'],
  ['10.0.0.0', 8, 'a private address (RFC 1918)'],
  ['100.64.0.0', 10, 'a shared carrier-grade NAT address (RFC 6598)'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local address (RFC 3927), where cloud metadata services live'],
  ['172.16.0.0', 12, 'a private address (RFC 1918)'],
  ['192.0.0.0', 24, 'an IETF protocol assignment (RFC 6890), not a public host'],
  ['192.0.2.0', 24, 'a documentation address (RFC 5737)'],
  ['192.88.99.0', 24, 'the 6to4 relay anycast address (RFC 7526)'],
  ['192.168.0.0', 16, 'a private address (RFC 1918)'],
  ['198.18.0.0', 15, 'a benchmarking address (RFC 2544)'],
  ['198.51.100.0', 24, 'a documentation address (RFC 5737)'],
  ['203.0.113.0', 24, 'a documentation address (RFC 5737)'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved or broadcast address'],
];

const IPV6_NOT_PUBLIC: [string, number, string][] = [
  ['::', 128, 'the unspecified address'],
  ['::1', 128, 'a loopback address'],
  ['64:ff9b::', 96, 'a NAT64 address (RFC 6052)'],
  ['64:ff9b:1::', 48, 'a local-use NAT64 address (RFC 8215)'],
  ['100::', 64, 'a discard-only address (RFC 6666)'],
  ['2001::', 32, 'a Teredo address (RFC 4380), which tunnels to an IPv4 host'],
  ['2001:db8::', 32, 'a documentation address (RFC 3849)'],
  ['fc00::', 7, 'a unique-local (private) address (RFC 4193)'],
  ['fe80::', 10, 'a link-local address'],
  ['fec0::', 10, 'a site-local address'],
  ['ff00::', 8, 'a multicast address'],
];

/** The first range of `ranges` an address is in, by its reason. */
function classifier(ranges: [string, number, string][], type: 'ipv4' | 'ipv6'): (ip: string) => string | undefined {
  const lists = ranges.map(([net, prefix, why]) => {
    const list = new BlockList();
    list.addSubnet(net, prefix, type);
    return { list, why };
  });
  return (ip) => lists.find((l) => l.list.check(ip, type))?.why;
}

const v4Why = classifier(IPV4_NOT_PUBLIC, 'ipv4');
const v6Why = classifier(IPV6_NOT_PUBLIC, 'ipv6');

/** Top-level domains that never name a public host (special-use, RFC 6761/6762/8375, or conventionally private). */
const PRIVATE_TLDS = new Set([
  'localhost', 'local', 'internal', 'arpa', 'lan', 'home', 'corp', 'intranet', 'localdomain', 'private',
  // Special-use, never resolved in public DNS: .invalid (RFC 6761), .onion (RFC 7686), .alt (RFC 9476).
  'invalid', 'onion', 'alt',
  // Cluster-internal service discovery: Kubernetes `<svc>.<namespace>.svc` (and `<svc>.default`, its
  // always-present namespace, through the pod's search domains), HashiCorp Consul `<name>.service.consul`.
  'svc', 'default', 'consul',
]);

/** The eight 16-bit groups of an IPv6 address (no brackets, no zone), or undefined. */
function ipv6Groups(ip: string): number[] | undefined {
  if (!isIPv6(ip)) return undefined;
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  const groups = [...left, ...fill, ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined;
}

const dotted = (hi: number, lo: number): string => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** The IPv4 address an IPv6 one carries (mapped, compatible, 6to4), or undefined. */
function embeddedIPv4(groups: number[]): string | undefined {
  const zeros = (n: number) => groups.slice(0, n).every((g) => g === 0);
  if (zeros(5) && groups[5] === 0xffff) return dotted(groups[6]!, groups[7]!); // ::ffff:a.b.c.d
  if (zeros(6) && (groups[6] !== 0 || groups[7]! > 1)) return dotted(groups[6]!, groups[7]!); // ::a.b.c.d (not :: or ::1)
  if (zeros(4) && groups[4] === 0xffff && groups[5] === 0) return dotted(groups[6]!, groups[7]!); // ::ffff:0:a.b.c.d (SIIT)
  if (groups[0] === 0x2002) return dotted(groups[1]!, groups[2]!); // 6to4
  return undefined;
}

/**
 * Why a host (a parsed URL's `hostname`: IPv6 in brackets, IPv4 dotted, names lower-case) is not a
 * public one a connector may be pointed at, or undefined when it is. See the module's header for
 * what is refused. Never throws.
 */
export function nonPublicHost(hostname: string): string | undefined {
  const host = hostname.replace(/\.$/, '');
  if (host === '') return 'it names no host';
  if (host.startsWith('[')) {
    const ip = host.slice(1, -1);
    const groups = ipv6Groups(ip);
    if (!groups) return `${hostname} is not an IPv6 address`;
    const inner = embeddedIPv4(groups);
    if (inner) {
      const why = v4Why(inner);
      if (why) return `${hostname} carries the IPv4 address ${inner}, ${why}`;
    }
    const why = v6Why(ip);
    return why ? `${hostname} is ${why}` : undefined;
  }
  if (isIPv4(host)) {
    const why = v4Why(host);
    return why ? `${host} is ${why}` : undefined;
  }
  const labels = host.split('.');
  const tld = labels.at(-1)!;
  if (labels.length === 1) return tld === 'localhost' ? 'localhost is this machine' : `${host} is a single-label name, resolved inside the operator's own network`;
  if (tld === 'localhost') return `${host} is under .localhost, which is this machine (RFC 6761)`;
  if (PRIVATE_TLDS.has(tld)) return `${host} is under .${tld}, which never names a public host (a cloud metadata service, a local network)`;
  return undefined;
}
