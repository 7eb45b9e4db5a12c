import type { EgressGateOptions, FetchReply, FetchRequest } from '../../../sandbox/egress-gate.ts';
import type { ViolationKind } from '../../../sandbox/violation.ts';
import { recordingGate, type Attack, type Defenses, type GateLike } from '../attack-suite.ts';

/**
 * Credentials: fetcher code bringing a credential of its own past the secret scan (a header named
 * like a key, a secret put together from pieces, one hidden in the value of a header the plan does
 * declare), and a server echoing the host's credential back in a form the fetcher could read and emit
 * — JSON-escaped, percent-encoded, base64 — in a body, a `Link` header, a next URL or a header name;
 * a secret holding `"` and `\`; a query key the server repeats in its next link. Each is tried through
 * `defenses.gate`. A fetcher's own credential is stopped when it never reaches the wire and the gate
 * reports it; an echo is stopped when no form of the credential is in anything the gate hands back.
 */

const HOST = 'api.vendor.test';
const ORIGIN = `https://${HOST}`;
/** A header token with every character URL and JSON encodings disagree about. */
const TOKEN = 'FwLive/AbC+dEf=GhIj~Kl0123';
/** A query key with a space (form encoding writes it `+`). */
const QUERY_KEY = 'qk_Live/AbC+dEf=Gh Ij0123';
/** A secret with a quote and a backslash: JSON writes them `\"` and `\\`. */
const QUOTED = 'fw"quo\\ted-Secret-0042';

/** A gate for the plan's https origin with the host's credential, over a recording fake network. */
function gateOf(defenses: Defenses, respond?: (req: Request) => Response, options: Partial<EgressGateOptions> = {}): { gate: GateLike; seen: Request[] } {
  return recordingGate(defenses, ORIGIN, `Bearer ${TOKEN}`, respond, options);
}

const get = (url: string, headers: Record<string, string> = {}): FetchRequest => ({ url, method: 'GET', headers });

/** The forms a server may write `secret` back in. */
function echoForms(secret: string): Record<string, string> {
  const pct = encodeURIComponent(secret);
  return {
    raw: secret,
    'JSON-escaped': JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/'),
    'JSON \\u-escaped': [...secret].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join(''),
    'percent-encoded': pct,
    'percent-encoded twice': encodeURIComponent(pct),
    'form-encoded': new URLSearchParams({ k: secret }).toString().slice(2),
    base64: Buffer.from(secret).toString('base64'),
    base64url: Buffer.from(secret).toString('base64url'),
  };
}

/** What of `secret` the fetcher would see in `reply`: the name of each form found (in the reply as the isolate gets it, or JSON-escaped in it). */
function formsIn(reply: FetchReply | FetchReply[], secret: string): string[] {
  const text = JSON.stringify(reply);
  return Object.entries(echoForms(secret))
    .filter(([, form]) => text.includes(form) || text.includes(JSON.stringify(form).slice(1, -1)))
    .map(([name]) => name);
}

/** A fetcher header carrying a credential of its own: stopped when it never reaches the wire and the gate reports `kind`. */
function ownCredential(name: string, headers: Record<string, string>, carried: string, kind: ViolationKind, declared: Record<string, string[]> = {}): Attack {
  return {
    name,
    layer: 'gate',
    async attempt(d) {
      const { gate, seen } = gateOf(d, undefined, { allowedHeaders: declared });
      await gate.fetch(get(`${ORIGIN}/users`, headers));
      const onWire = seen.filter((r) => [...r.headers].some(([, v]) => v.includes(carried)));
      if (onWire.length) return `the fetcher's own credential reached the wire (${[...onWire[0]!.headers].filter(([, v]) => v.includes(carried)).map(([n]) => n).join(', ')})`;
      if (!seen.length) return 'the request was not sent at all: the header should have been removed, not the request refused';
      return gate.violations.some((v) => v.kind === kind) ? undefined : `removed, but the gate reported no ${kind} violation`;
    },
  };
}

// A secret the fetcher puts together at run time, so no literal in its source matches a secret scan.
const SPLIT = ['sk_li', 've_', '51Hx', 'Q2eZvKq9'].join('');

const ownCredentials: Attack[] = [
  ownCredential('the fetcher sends X-Access-Key of its own', { accept: 'application/json', 'X-Access-Key': 'AKIAFWATTACKER0001' }, 'AKIAFWATTACKER0001', 'credential-header'),
  ownCredential('the fetcher sends Private-Key of its own', { 'Private-Key': 'pk_fw_attacker_0002' }, 'pk_fw_attacker_0002', 'credential-header'),
  ownCredential('the fetcher sends X-Auth-Whatever of its own', { 'X-Auth-Whatever': 'fw-attacker-0003' }, 'fw-attacker-0003', 'credential-header'),
  ownCredential('a secret put together from pieces, in a header with an innocent name (X-Request-Context)', { 'X-Request-Context': SPLIT }, SPLIT, 'undeclared-header'),
  ownCredential("a secret appended to Accept's value", { accept: `application/json; k=${SPLIT}` }, SPLIT, 'undeclared-header'),
  ownCredential("a secret in the value of a header the plan declares with another value", { 'X-Client': SPLIT }, SPLIT, 'undeclared-header', { 'X-Client': ['fetchwright'] }),
  ownCredential('a header the plan declares, named like a credential (X-Tenant-Key)', { 'X-Tenant-Key': 'tenant-key-fw-0004' }, 'tenant-key-fw-0004', 'credential-header', { 'X-Tenant-Key': ['tenant-key-fw-0004'] }),
];

/** A server that writes the injected credential back in one of its forms, where `place` says. */
function echo(form: keyof ReturnType<typeof echoForms>, place: 'body' | 'Link' | 'next URL' | 'header name', secret = TOKEN, inject: Partial<EgressGateOptions> = {}): Attack {
  return {
    name: `a server echoing the credential ${form} in ${place === 'body' ? 'an error body' : place === 'Link' ? 'a Link header' : place === 'next URL' ? "a body's next URL" : 'a response header name'}${secret === QUOTED ? ' (a secret with " and \\)' : ''}`,
    layer: 'gate',
    async attempt(d) {
      const written = echoForms(secret)[form]!;
      const respond = () => {
        if (place === 'body') return new Response(`{"error":"the token ${written} is not allowed here"}`, { status: 403, headers: { 'content-type': 'application/json' } });
        if (place === 'Link') return Response.json([], { headers: { link: `<${ORIGIN}/users?token=${written}&page=2>; rel="next"` } });
        if (place === 'next URL') return new Response(`{"items":[],"next":"${ORIGIN}/users?after=u_2&auth=${written}"}`, { headers: { 'content-type': 'application/json' } });
        return Response.json([], { headers: { [`x-echo-${written}`]: '1' } });
      };
      const { gate } = gateOf(d, respond, { injectAuth: () => ({ Authorization: `Bearer ${secret}` }), ...inject });
      const reply = await gate.fetch(get(`${ORIGIN}/users`));
      if (!reply.ok) return `the request failed (${reply.code}): the echo was never tried`;
      // HTTP lower-cases header names: the lower-cased form must not come back either.
      const leaked = place === 'header name' ? (JSON.stringify(reply).toLowerCase().includes(written.toLowerCase()) ? ['in a header name'] : []) : formsIn(reply, secret);
      return leaked.length ? `the fetcher was handed the credential (${leaked.join(', ')})` : undefined;
    },
  };
}

const echoes: Attack[] = [
  echo('JSON-escaped', 'body'),
  echo('JSON \\u-escaped', 'body'),
  echo('base64', 'body'),
  echo('percent-encoded', 'Link'),
  echo('form-encoded', 'Link'),
  echo('percent-encoded twice', 'next URL'),
  echo('base64url', 'next URL'),
  echo('JSON-escaped', 'next URL'),
  echo('percent-encoded', 'header name'),
  echo('JSON-escaped', 'body', QUOTED),
  echo('percent-encoded', 'Link', QUOTED),
  echo('raw', 'body', QUOTED),
];

/**
 * An API whose next link repeats every query parameter, the injected key included. Stopped when the
 * fetcher never sees the key, follows every page, and on the wire each page carries the host's key
 * exactly once (the gate adds it back), with no violation blamed on the fetcher.
 */
const queryKeyEcho: Attack = {
  name: 'a query key the server repeats in its next link and Link header: handed over without it, added back on the wire',
  layer: 'gate',
  async attempt(d) {
    const respond = (req: Request) => {
      const url = new URL(req.url);
      if (url.searchParams.get('api_key') !== QUERY_KEY) return Response.json({ error: 'bad key' }, { status: 401 });
      const page = Number(url.searchParams.get('page') ?? '1');
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      return Response.json({ items: [{ id: `u${page}` }], next: page < 3 ? next.href : null }, page < 3 ? { headers: { link: `<${next.href}>; rel="next"` } } : {});
    };
    const { gate, seen } = gateOf(d, respond, { injectAuth: () => ({}), injectQuery: () => ({ api_key: QUERY_KEY }) });
    const replies: FetchReply[] = [];
    for (let url: string | null = `${ORIGIN}/users?limit=1`; url && replies.length < 5; ) {
      const reply = await gate.fetch(get(url));
      replies.push(reply);
      url = reply.ok && reply.response.status === 200 ? (JSON.parse(reply.response.body) as { next: string | null }).next : null;
    }
    const leaked = formsIn(replies, QUERY_KEY);
    if (leaked.length) return `the fetcher was handed the query key (${leaked.join(', ')})`;
    if (replies.length !== 3 || seen.some((r) => new URL(r.url).searchParams.getAll('api_key').join() !== QUERY_KEY)) return `the honest connector did not get its 3 pages with the host's key once on each (${replies.length} replies)`;
    return gate.violations.length ? `the fetcher was blamed for following the server's link (${gate.violations.map((v) => v.kind).join(', ')})` : undefined;
  },
};

export const CREDENTIAL_ATTACKS: Attack[] = [...ownCredentials, ...echoes, queryKeyEcho];
