import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../agent/generate/generate-connector.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { EgressGate, type EgressGateOptions, type FetchReply, type FetchRequest } from '../../sandbox/egress-gate.ts';
import { runFetcher } from '../../sandbox/run-fetcher.ts';
import { errorIds } from '../helpers/findings.ts';
import { modelOf, openapi } from '../helpers/spec.ts';

/**
 * A server that reflects the credential the gate injected must not hand it to the fetcher, in any form
 * it takes on the wire: the fetcher's records, logs and findings, the call log and the violations are
 * stored and shown. And a fetcher that follows such a (scrubbed) link is not blamed for it.
 */

const HOST = 'api.vendor.test';
/** A header token with every character URL encodings disagree about. */
const TOKEN = 'FwLive/AbC+dEf=GhIjKlMnOpQrStUv0123';
/** A query key, with a space too (form encoding writes it `+`). */
const QUERY_KEY = 'qk_Live/AbC+dEf=Gh Ij~Kl!0123456789';

/** Every way a server might write `secret` back: what must never reach the fetcher. */
function wireForms(secret: string): string[] {
  const pct = encodeURIComponent(secret);
  const form = new URLSearchParams({ k: secret }).toString().slice(2);
  const b64 = Buffer.from(secret).toString('base64');
  return [
    secret,
    pct,
    pct.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    form,
    form.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    encodeURI(secret),
    encodeURIComponent(pct),
    JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/'),
    b64,
    b64.replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
  ];
}

function expectNoLeak(what: unknown, secret: string): void {
  const text = typeof what === 'string' ? what : JSON.stringify(what);
  for (const form of new Set(wireForms(secret))) expect(text, `leaks ${form}`).not.toContain(form);
  // In JSON output the forms appear JSON-escaped too.
  for (const form of new Set(wireForms(secret))) expect(text, `leaks ${form}`).not.toContain(JSON.stringify(form).slice(1, -1));
}

const get = (url: string): FetchRequest => ({ url, method: 'GET', headers: {} });

function gate(respond: (req: Request) => Response | Promise<Response>, options: Partial<EgressGateOptions> = {}) {
  const seen: Request[] = [];
  const g = new EgressGate({
    allowedOrigins: [`https://${HOST}`],
    injectAuth: () => ({ Authorization: `Bearer ${TOKEN}` }),
    fetchImpl: async (req) => {
      seen.push(req);
      return respond(req);
    },
    ...options,
  });
  return { gate: g, seen };
}

const ok = (reply: FetchReply) => {
  if (!reply.ok) throw new Error(`expected a response, got ${reply.code}: ${reply.message}`);
  return reply.response;
};

describe('the gate scrubs a reflected header token in every wire form', () => {
  it.each(wireForms(TOKEN).map((form) => [form] as const))('%s in a Link header, a body next URL and an error message', async (form) => {
    const { gate: g } = gate(
      // Written into the JSON text as it is (a `\/` form is JSON's own escape).
      () =>
        new Response(`{"error":"token ${form} is not allowed here","next":"https://${HOST}/users?token=${form}&page=2"}`, {
          status: 403,
          headers: { link: `<https://${HOST}/users?token=${form}&page=2>; rel="next"`, 'x-debug': form },
        }),
    );
    const reply = await g.fetch(get(`https://${HOST}/users`));
    const response = ok(reply);
    expectNoLeak(reply, TOKEN);
    expect(response.headers.link).toBe(`<https://${HOST}/users?token=REDACTED&page=2>; rel="next"`);
    expect(JSON.parse(response.body)).toEqual({ error: 'token REDACTED is not allowed here', next: `https://${HOST}/users?token=REDACTED&page=2` });
  });

  it('a form inside a larger base64 value (a cursor wrapping the request) and an HTML error page', async () => {
    const cursor = Buffer.from(JSON.stringify({ auth: `Bearer ${TOKEN}`, after: 'u_41' })).toString('base64url');
    const html = `<p>Bad token: ${TOKEN.replace(/\//g, '&#x2F;').replace(/\+/g, '&#43;').replace(/=/g, '&#x3d;')}</p>`;
    const { gate: g } = gate(() => new Response(JSON.stringify({ next_cursor: cursor, html })));
    const body = ok(await g.fetch(get(`https://${HOST}/users`))).body;
    expect(body).toContain('REDACTED');
    expect(body).not.toContain(Buffer.from(TOKEN).toString('base64url').slice(2, -2));
    expect(JSON.parse(body).html).toBe('<p>Bad token: REDACTED</p>');
  });

  it('a header name that carries the token, whatever its case', async () => {
    const { gate: g } = gate(() => new Response('{}', { headers: { [`x-${encodeURIComponent(TOKEN)}`]: '1' } }));
    const reply = await g.fetch(get(`https://${HOST}/users`));
    expectNoLeak(reply, TOKEN);
    expect(ok(reply).headers).toMatchObject({ 'x-REDACTED': '1' });
  });

  it('the message of a failed fetch, and a redirect off the allowed hosts (reply, call log, violations)', async () => {
    const failing = gate(() => {
      throw new TypeError(`connect ECONNRESET while sending token=${encodeURIComponent(TOKEN)}`);
    });
    const failed = await failing.gate.fetch(get(`https://${HOST}/users`));
    expect(failed).toMatchObject({ ok: false, code: 'network-error', message: expect.stringContaining('token=REDACTED') });
    expectNoLeak(failed, TOKEN);

    const redirecting = gate(() => new Response(null, { status: 302, headers: { location: `https://collector.evil.test/c?t=${encodeURIComponent(TOKEN)}` } }));
    const refused = await redirecting.gate.fetch(get(`https://${HOST}/users`));
    expect(refused).toMatchObject({ ok: false, code: 'redirect-off-host' });
    expectNoLeak([refused, redirecting.gate.calls, redirecting.gate.violations], TOKEN);
    expect(redirecting.gate.violations[0]!.message).toContain('t=REDACTED');
  });

  it('an on-host redirect whose Location carries the token: the response URL and the call log', async () => {
    const { gate: g } = gate((req) =>
      new URL(req.url).pathname === '/old' ? new Response(null, { status: 301, headers: { location: `/new?t=${encodeURIComponent(TOKEN)}` } }) : new Response('{}'),
    );
    const reply = await g.fetch(get(`https://${HOST}/old`));
    expect(ok(reply).url).toBe(`https://${HOST}/new?t=REDACTED`);
    expectNoLeak([reply, g.calls], TOKEN);
  });

  it('a token from an earlier request is still scrubbed when a later one no longer carries it', async () => {
    const { gate: g } = gate(() => new Response(`seen ${encodeURIComponent(TOKEN)}`), {
      injectAuth: (url): Record<string, string> => (url.pathname === '/a' ? { Authorization: `Bearer ${TOKEN}` } : {}),
    });
    await g.fetch(get(`https://${HOST}/a`));
    expect(ok(await g.fetch(get(`https://${HOST}/b`))).body).toBe('seen REDACTED');
  });

  it('HTTP Basic: the decoded user:password and the password', async () => {
    const password = 'pw/Se+cret=Value-0042';
    const basic = `Basic ${Buffer.from(`svc-reader:${password}`).toString('base64')}`;
    const { gate: g } = gate(() => new Response(JSON.stringify({ you: `svc-reader:${password}`, link: `?p=${encodeURIComponent(password)}` })), {
      injectAuth: () => ({ Authorization: basic }),
    });
    const reply = await g.fetch(get(`https://${HOST}/users`));
    expectNoLeak(reply, password);
    expect(JSON.parse(ok(reply).body)).toEqual({ you: 'REDACTED', link: '?p=REDACTED' });
  });

  it('keeps a 4 MB response fast and leaves everything else byte for byte', async () => {
    const record = JSON.stringify({ id: 'u_1', name: 'Zoë \\/ 50%25 + &amp;', next: 'https://x.test/?a=%2F&b=c+d' });
    const parts: string[] = [];
    for (let size = 0; size < 4 * 1024 * 1024 - 200; size += record.length + 1) parts.push(record);
    const body = `[${parts.join(',')},{"next":"https://${HOST}/users?token=${encodeURIComponent(TOKEN)}"}]`;
    const { gate: g } = gate(() => new Response(body), { maxResponseBytes: 5 * 1024 * 1024 });
    const started = performance.now();
    const out = ok(await g.fetch(get(`https://${HOST}/users`))).body;
    const ms = performance.now() - started;
    expect(out).toBe(body.replace(encodeURIComponent(TOKEN), 'REDACTED'));
    expect(ms).toBeLessThan(2_000);
  });
});

describe('a query credential the server reflects in its next link', () => {
  /** An API whose next URL repeats every query parameter, the injected key included (as URLSearchParams writes it). */
  function echoingApi() {
    const seen: URL[] = [];
    const respond = (req: Request) => {
      const url = new URL(req.url);
      seen.push(url);
      if (url.searchParams.get('api_key') !== QUERY_KEY) return new Response('{"error":"bad key"}', { status: 401 });
      const page = Number(url.searchParams.get('page') ?? '1');
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      return Response.json({ items: [{ id: `u${page}` }], next: page < 3 ? next.href : null }, page < 3 ? { headers: { link: `<${next.href}>; rel="next"` } } : {});
    };
    return { seen, respond };
  }

  it('is scrubbed in the body and the Link header, and echoing it back sends the injected key silently', async () => {
    const api = echoingApi();
    const { gate: g } = gate(api.respond, { injectAuth: () => ({}), injectQuery: () => ({ api_key: QUERY_KEY }) });
    let url: string | null = `https://${HOST}/users?limit=1`;
    const replies: FetchReply[] = [];
    while (url) {
      const reply = await g.fetch(get(url));
      replies.push(reply);
      url = JSON.parse(ok(reply).body).next;
    }
    expect(replies.map((r) => ok(r).status)).toEqual([200, 200, 200]);
    expect(ok(replies[0]!).headers.link).toBe(`<https://${HOST}/users?limit=1&api_key=REDACTED&page=2>; rel="next"`);
    expectNoLeak([replies, g.calls, g.violations], QUERY_KEY);
    // On the wire the key is the host's, where the server put it; the fetcher is not blamed for echoing the link.
    expect(api.seen.map((u) => [...u.searchParams.keys()])).toEqual([['limit', 'api_key'], ['limit', 'api_key', 'page'], ['limit', 'api_key', 'page']]);
    expect(api.seen.every((u) => u.searchParams.getAll('api_key').length === 1 && u.searchParams.get('api_key') === QUERY_KEY)).toBe(true);
    expect(g.violations).toEqual([]);
  });

  it.each([
    ['a value of its own', 'api_key=mine'],
    ['the placeholder in another case', 'api_key=redacted'],
    ['the placeholder and a value of its own', 'api_key=REDACTED&api_key=mine'],
  ])('a fetcher that sets %s is still a credential-in-url violation', async (_, query) => {
    const api = echoingApi();
    const { gate: g } = gate(api.respond, { injectAuth: () => ({}), injectQuery: () => ({ api_key: QUERY_KEY }) });
    await g.fetch(get(`https://${HOST}/users?${query}`));
    expect(g.violations.map((v) => v.kind)).toEqual(['credential-in-url']);
    expect(api.seen[0]!.searchParams.getAll('api_key')).toEqual([QUERY_KEY]);
  });

  it('through the sandbox: a fetcher that follows the echoed links gets every page, with no violation and no key in the run', async () => {
    const api = echoingApi();
    const result = await runFetcher({
      source: `async function run(input) {
        let url = input.base + '/users?limit=1';
        while (url) {
          const res = await fetch(url);
          if (res.status !== 200) throw new Error('HTTP ' + res.status + ' ' + res.body);
          const body = JSON.parse(res.body);
          for (const u of body.items) emit({ id: u.id, link: res.headers.link ?? null });
          log('fetched ' + url);
          url = body.next;
        }
      }`,
      input: { base: `https://${HOST}` },
      limits: { cpuMs: 1_000, wallMs: 10_000 },
      egress: { allowedOrigins: [`https://${HOST}`], injectQuery: () => ({ api_key: QUERY_KEY }), fetchImpl: async (req) => api.respond(req) },
    });
    expect(result.ok, JSON.stringify(result.ok ? '' : result.failure)).toBe(true);
    expect(result.records.map((r) => r.id)).toEqual(['u1', 'u2', 'u3']);
    expect(result.violations).toEqual([]);
    expectNoLeak(result, QUERY_KEY);
    expect(result.logs).toContain(`fetched https://${HOST}/users?limit=1&api_key=REDACTED&page=2`);
  });
});

describe('end to end: docs whose next URL repeats the query key', () => {
  it('the proof passes: the fetcher follows the scrubbed next links and is not blamed for the key in them', async () => {
    const spec = openapi(
      {
        '/users': {
          get: {
            operationId: 'listUsers',
            parameters: [{ name: 'limit', in: 'query', description: 'Page size.', schema: { type: 'integer', maximum: 50 } }],
            responses: {
              '200': {
                description: 'ok',
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      properties: {
                        users: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string', format: 'email' } } } },
                        next: { type: 'string', format: 'uri', nullable: true, description: 'The URL of the next page, with every query parameter of this request repeated; null on the last page.' },
                      },
                    },
                  },
                },
              },
              '401': { description: 'unauthorised' },
              '429': { description: 'rate limited' },
            },
          },
        },
      },
      { components: { securitySchemes: { key: { type: 'apiKey', in: 'query', name: 'api_key' } } }, security: [{ key: [] }] },
    );
    const model = await modelOf(spec);
    const plan = planHeuristically(model);
    expect(plan.auth).toMatchObject({ in: 'query', name: 'api_key' });
    expect(plan.streams[0]!.pagination.style).toBe('next-url');
    const result = await generateConnector(model, plan, { seed: 5, maxAttempts: 1, force: false });
    expect(errorIds(result.scorecard)).toEqual([]);
    expect(result.scorecard.verdict).toBe('pass');
    expect(JSON.stringify(result.scorecard)).not.toMatch(/credential-in-url|fw-synthetic/);
  });
});
