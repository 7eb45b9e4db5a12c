import { describe, expect, it } from 'vitest';
import { EgressGate, type EgressGateOptions, type FetchRequest } from './egress-gate.ts';

const TOKEN = 'tok_live_9f8e7d6c5b4a';

/** A fake network: records every request it receives and answers with `respond`. */
function fakeNetwork(respond: (req: Request) => Response | Promise<Response> = () => new Response('{}')) {
  const seen: Request[] = [];
  const fetchImpl = async (req: Request) => {
    seen.push(req);
    return respond(req);
  };
  return { seen, fetchImpl };
}

function gateWith(net: ReturnType<typeof fakeNetwork>, options: Partial<EgressGateOptions> = {}) {
  return new EgressGate({
    allowedOrigins: ['https://api.vendor.test'],
    injectAuth: () => ({ Authorization: `Bearer ${TOKEN}` }),
    fetchImpl: net.fetchImpl,
    ...options,
  });
}

const get = (url: string, more: Partial<FetchRequest> = {}): FetchRequest => ({ url, method: 'GET', headers: {}, ...more });

describe('EgressGate', () => {
  it('sends an allowed GET with the host-injected token and hands back plain data', async () => {
    const net = fakeNetwork(() => new Response('{"users":[]}', { status: 200, headers: { 'Content-Type': 'application/json', 'Set-Cookie': 'sid=1' } }));
    const gate = gateWith(net);
    const reply = await gate.fetch(get('https://api.vendor.test/users?page=2'));
    expect(reply).toEqual({
      ok: true,
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"users":[]}', url: 'https://api.vendor.test/users?page=2' },
    });
    expect(net.seen[0]!.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(gate.calls).toEqual([{ seq: 1, method: 'GET', url: 'https://api.vendor.test/users?page=2', status: 200, outcome: 'ok', ms: expect.any(Number), bytes: 12 }]);
    expect(gate.violations).toEqual([]);
  });

  it.each([
    ['another host', get('https://evil.test/steal'), 'refused-host', /https:\/\/evil\.test is not an allowed origin/],
    ['a subdomain of an allowed host', get('https://x.api.vendor.test/'), 'refused-host', /not an allowed origin/],
    ['a non-default port', get('https://api.vendor.test:8443/'), 'refused-host', /not an allowed origin/],
    ['plain http to the allowed host', get('http://api.vendor.test/users'), 'refused-host', /http:\/\/api\.vendor\.test is not an allowed origin/],
    ['DELETE', get('https://api.vendor.test/users/1', { method: 'DELETE' }), 'refused-method', /DELETE is not an allowed method/],
    ['POST', get('https://api.vendor.test/tokens', { method: 'post', body: '{}' }), 'refused-method', /POST is not an allowed method/],
    ['a file: URL', get('file:///etc/passwd'), 'refused-scheme', /file: URLs cannot be fetched/],
  ] as const)('refuses %s without sending it', async (_, request, outcome, message) => {
    const net = fakeNetwork();
    const gate = gateWith(net);
    const reply = await gate.fetch(request);
    expect(reply).toMatchObject({ ok: false, code: outcome, message: expect.stringMatching(message) });
    expect(net.seen).toHaveLength(0);
    expect(gate.calls).toMatchObject([{ seq: 1, status: null, outcome }]);
    expect(gate.violations).toMatchObject([{ kind: outcome, seq: 1 }]);
    expect(gate.requestsSent).toBe(0);
  });

  it('matches exact origins: scheme, host and port', async () => {
    const net = fakeNetwork();
    const gate = gateWith(net, { allowedOrigins: ['http://localhost:4010', 'https://API.Vendor.test'] });
    expect((await gate.fetch(get('http://localhost:4010/a'))).ok).toBe(true);
    expect((await gate.fetch(get('https://api.vendor.test:443/b'))).ok).toBe(true);
    expect((await gate.fetch(get('http://localhost/c'))).ok).toBe(false);
    expect((await gate.fetch(get('https://localhost:4010/d'))).ok).toBe(false);
    expect(net.seen.map((r) => r.url)).toEqual(['http://localhost:4010/a', 'https://api.vendor.test/b']);
  });

  it("adds the host's credential over https only, and over http only to an origin named for it", async () => {
    const net = fakeNetwork();
    const gate = gateWith(net, {
      allowedOrigins: ['http://127.0.0.1:4010', 'http://127.0.0.1:4011', 'https://api.vendor.test'],
      plaintextCredentialOrigins: ['http://127.0.0.1:4011'],
      injectQuery: () => ({ api_key: 'qk-9f8e7d6c5b4a' }),
    });
    for (const url of ['https://api.vendor.test/a', 'http://127.0.0.1:4010/b', 'http://127.0.0.1:4011/c']) expect((await gate.fetch(get(url))).ok).toBe(true);
    expect(net.seen.map((r) => [r.url, r.headers.get('authorization')])).toEqual([
      ['https://api.vendor.test/a?api_key=qk-9f8e7d6c5b4a', `Bearer ${TOKEN}`],
      ['http://127.0.0.1:4010/b', null],
      ['http://127.0.0.1:4011/c?api_key=qk-9f8e7d6c5b4a', `Bearer ${TOKEN}`],
    ]);
    expect(gate.violations).toEqual([]);
  });

  it('refuses to be built with a plaintext-credential origin that is not http', () => {
    expect(() => gateWith(fakeNetwork(), { plaintextCredentialOrigins: ['https://api.vendor.test'] })).toThrow(/http:\/\/ origin/);
  });

  it("sends the plan's headers with the plan's values and Accept: application/json; removes the rest, once per kind", async () => {
    const net = fakeNetwork();
    const gate = gateWith(net, { allowedHeaders: { 'Notion-Version': ['2022-06-28'], Accept: ['application/vnd.vendor+json'] } });
    await gate.fetch(get('https://api.vendor.test/a', { headers: { 'notion-version': '2022-06-28', accept: 'application/json', Accept: 'application/vnd.vendor+json' } }));
    expect([...net.seen[0]!.headers].filter(([n]) => n !== 'authorization')).toEqual([
      ['accept', 'application/json, application/vnd.vendor+json'],
      ['notion-version', '2022-06-28'],
    ]);
    await gate.fetch(get('https://api.vendor.test/b', { headers: { 'Notion-Version': '2099-01-01', accept: 'text/html', 'X-Trace': '1', 'X-Other': '2' } }));
    expect([...net.seen[1]!.headers].map(([n]) => n)).toEqual(['authorization']);
    expect(gate.violations).toEqual([{ kind: 'undeclared-header', seq: 2, message: expect.stringMatching(/^the fetcher set the headers accept, notion-version, x-other, x-trace itself; removed/) }]);
    expect(JSON.stringify(gate.violations)).not.toMatch(/2099|text\/html/);
  });

  it('caps request headers at 16 KiB, names and values counted; a larger request is refused, not sent', async () => {
    const net = fakeNetwork();
    // accept (6) + value (16) + 4, then 17 declared x-pad-NN headers (8 + value + 4 each; the policy judges
    // no value over 1,024 characters as a read's header): exactly the cap, then one byte over it.
    const room = 16 * 1024 - (6 + 16 + 4);
    const pads = (extra: number) => Object.fromEntries([...Array(17).keys()].map((i) => [`x-pad-${String(i).padStart(2, '0')}`, 'x'.repeat(i < 16 ? 1000 : room - 16 * 1012 - 12 + extra)]));
    const allowed = Object.fromEntries(Object.keys(pads(0)).map((n) => [n, [pads(0)[n]!, pads(1)[n]!]]));
    const gate = gateWith(net, { allowedHeaders: allowed });
    expect((await gate.fetch(get('https://api.vendor.test/a', { headers: { accept: 'application/json', ...pads(0) } }))).ok).toBe(true);
    const over = await gate.fetch(get('https://api.vendor.test/b', { headers: { accept: 'application/json', ...pads(1) } }));
    expect(over).toMatchObject({ ok: false, code: 'headers-too-large' });
    expect(net.seen).toHaveLength(1);
    expect(gate.calls.map((c) => c.outcome)).toEqual(['ok', 'headers-too-large']);
    expect(gate.violations).toMatchObject([{ kind: 'headers-too-large', seq: 2 }]);
  });

  it('counts requests refused for their header size against the request cap', async () => {
    const net = fakeNetwork();
    const gate = gateWith(net, { maxRequests: 2 });
    for (let i = 0; i < 5; i++) await gate.fetch(get(`https://api.vendor.test/p/${i}`, { headers: { 'x-pad': 'x'.repeat(20 * 1024) } }));
    expect(gate.calls.map((c) => c.outcome)).toEqual(['headers-too-large', 'headers-too-large', 'request-cap']);
    expect(gate.violations.map((v) => v.kind)).toEqual(['headers-too-large', 'headers-too-large', 'request-cap']);
    expect(net.seen).toHaveLength(0);
  });

  it('strips credentials the fetcher set itself, records each as a violation, and sends only the injected one', async () => {
    const net = fakeNetwork();
    const gate = gateWith(net, { injectAuth: () => ({ 'X-Vendor-Key': TOKEN }) });
    await gate.fetch(
      get('https://api.vendor.test/users', {
        headers: { authorization: 'Bearer hardcoded', Cookie: 'sid=abc', 'x-vendor-key': 'mine', 'X-Api-Key': 'k', Host: 'evil.test', Accept: 'application/json' },
      }),
    );
    const sent = net.seen[0]!;
    expect(sent.headers.get('authorization')).toBeNull();
    expect(sent.headers.get('cookie')).toBeNull();
    expect(sent.headers.get('x-api-key')).toBeNull();
    expect(sent.headers.get('x-vendor-key')).toBe(TOKEN);
    expect(sent.headers.get('accept')).toBe('application/json');
    expect(gate.violations.map((v) => v.message)).toEqual([
      'the fetcher set the host header itself; removed (it would re-route the request or break its framing)',
      'the fetcher set the headers authorization, cookie, x-api-key, x-vendor-key itself; removed (credentials come only from the host)',
    ]);
    expect(gate.violations.map((v) => v.kind)).toEqual(['forbidden-header', 'credential-header']);
    // Messages name headers, never their values.
    expect(JSON.stringify(gate.violations)).not.toMatch(/hardcoded|sid=abc|mine/);
  });

  it('injects auth only for allowed hosts: a refused host never gets it, and the hook is not asked', async () => {
    const asked: string[] = [];
    const net = fakeNetwork();
    const gate = gateWith(net, {
      injectAuth: (url) => {
        asked.push(url.host);
        return { Authorization: `Bearer ${TOKEN}` };
      },
    });
    await gate.fetch(get('https://evil.test/'));
    expect(asked).toEqual([]);
    expect(net.seen).toHaveLength(0);
  });

  it('removes user-info from the URL as a credential violation', async () => {
    const net = fakeNetwork();
    const gate = gateWith(net);
    const reply = await gate.fetch(get('https://admin:hunter2@api.vendor.test/users'));
    expect(reply.ok).toBe(true);
    expect(net.seen[0]!.url).toBe('https://api.vendor.test/users');
    expect(gate.violations).toMatchObject([{ kind: 'credential-in-url' }]);
    expect(JSON.stringify([gate.calls, gate.violations])).not.toContain('hunter2');
  });

  it('follows redirects that stay on allowed hosts, re-checking each hop', async () => {
    const net = fakeNetwork((req) => {
      const url = new URL(req.url);
      if (url.pathname === '/old') return new Response(null, { status: 301, headers: { location: '/new?x=1' } });
      return new Response(`at ${url.pathname}`);
    });
    const gate = gateWith(net);
    const reply = await gate.fetch(get('https://api.vendor.test/old'));
    expect(reply).toMatchObject({ ok: true, response: { status: 200, body: 'at /new', url: 'https://api.vendor.test/new?x=1' } });
    expect(gate.calls.map((c) => [c.seq, c.status, c.outcome])).toEqual([
      [1, 301, 'ok'],
      [2, 200, 'ok'],
    ]);
    expect(net.seen.every((r) => r.headers.get('authorization') === `Bearer ${TOKEN}`)).toBe(true);
    expect(net.seen.every((r) => r.redirect === 'manual')).toBe(true);
  });

  it('refuses a redirect off the allowed hosts without contacting the other host', async () => {
    const net = fakeNetwork((req) =>
      new URL(req.url).host === 'api.vendor.test' ? new Response(null, { status: 302, headers: { location: 'https://collector.evil.test/?t=1' } }) : new Response('pwned'),
    );
    const gate = gateWith(net);
    const reply = await gate.fetch(get('https://api.vendor.test/users'));
    expect(reply).toMatchObject({ ok: false, code: 'redirect-off-host', message: expect.stringContaining('collector.evil.test') });
    expect(net.seen.map((r) => new URL(r.url).host)).toEqual(['api.vendor.test']);
    expect(gate.violations).toMatchObject([{ kind: 'redirect-off-host', seq: 1 }]);
  });

  it('gives up after 5 redirect hops', async () => {
    let n = 0;
    const net = fakeNetwork(() => new Response(null, { status: 307, headers: { location: `/hop${++n}` } }));
    const gate = gateWith(net);
    const reply = await gate.fetch(get('https://api.vendor.test/start'));
    expect(reply).toMatchObject({ ok: false, code: 'network-error', message: expect.stringContaining('more than 5 redirects') });
    expect(net.seen).toHaveLength(6);
  });

  it('refuses a response whose declared length is past the cap without reading it', async () => {
    const net = fakeNetwork(() => new Response('x'.repeat(2_000), { headers: { 'content-length': '2000' } }));
    const gate = gateWith(net, { maxResponseBytes: 1_000 });
    const reply = await gate.fetch(get('https://api.vendor.test/big'));
    expect(reply).toMatchObject({ ok: false, code: 'response-too-large' });
    expect(gate.calls).toMatchObject([{ status: 200, outcome: 'response-too-large' }]);
    expect(gate.violations).toMatchObject([{ kind: 'response-too-large' }]);
  });

  it('stops reading an endless body just past the cap', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const net = fakeNetwork(() => new Response(endless));
    const gate = gateWith(net, { maxResponseBytes: 256 * 1024 });
    const reply = await gate.fetch(get('https://api.vendor.test/stream'));
    expect(reply).toMatchObject({ ok: false, code: 'response-too-large' });
    expect(pulled).toBeLessThanOrEqual(512 * 1024);
  });

  it('caps the number of requests, logs the first refusal past the cap, then refuses silently', async () => {
    const net = fakeNetwork();
    const gate = gateWith(net, { maxRequests: 3 });
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await gate.fetch(get(`https://api.vendor.test/p/${i}`)));
    expect(replies.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['ok', 'ok', 'ok', 'request-cap', 'request-cap', 'request-cap']);
    expect(net.seen).toHaveLength(3);
    expect(gate.calls.map((c) => c.outcome)).toEqual(['ok', 'ok', 'ok', 'request-cap']);
    expect(gate.violations).toMatchObject([{ kind: 'request-cap', seq: 4 }]);
  });

  it('counts refused attempts against the cap, so a refusal loop cannot grow the log without bound', async () => {
    const net = fakeNetwork();
    const gate = gateWith(net, { maxRequests: 5 });
    for (let i = 0; i < 50; i++) await gate.fetch(get('https://evil.test/'));
    expect(gate.calls).toHaveLength(6);
  });

  it('redacts secret-looking query values in the log and never logs the injected token', async () => {
    const net = fakeNetwork();
    const gate = gateWith(net);
    await gate.fetch(get(`https://api.vendor.test/users?page_token=abc&api_key=k123&limit=50&X-Amz-Signature=s1#frag`));
    const [call] = gate.calls;
    expect(call!.url).toBe('https://api.vendor.test/users?page_token=REDACTED&api_key=REDACTED&limit=50&X-Amz-Signature=REDACTED');
    expect(JSON.stringify(gate.calls)).not.toContain(TOKEN);
  });

  it('does not hand the fetcher a credential the server echoes back', async () => {
    const net = fakeNetwork((req) => new Response(JSON.stringify({ you_sent: req.headers.get('authorization') }), { headers: { 'x-echo': req.headers.get('authorization')! } }));
    const gate = gateWith(net);
    const reply = await gate.fetch(get('https://api.vendor.test/whoami'));
    expect(JSON.stringify(reply)).not.toContain(TOKEN);
    expect(reply).toMatchObject({ ok: true, response: { body: '{"you_sent":"REDACTED"}', headers: { 'x-echo': 'REDACTED' } } });
  });

  it('scrubs a secret the host holds but never sends (an OAuth 2 client secret) when a server echoes it', async () => {
    const clientSecret = 'fw-client-secret-9d8c7b6a';
    const net = fakeNetwork(() => new Response(JSON.stringify({ leaked: clientSecret, encoded: Buffer.from(clientSecret).toString('base64') })));
    const held = await gateWith(net, { secrets: [clientSecret] }).fetch(get('https://api.vendor.test/users'));
    expect(JSON.stringify(held)).not.toContain(clientSecret);
    expect(held).toMatchObject({ ok: true, response: { body: '{"leaked":"REDACTED","encoded":"REDACTED"}' } });
    // Without being told, the gate cannot know it: the option is what scrubs it.
    const untold = await gateWith(net).fetch(get('https://api.vendor.test/users'));
    expect(JSON.stringify(untold)).toContain(clientSecret);
  });

  it('reports a network failure as network-error, which is not a violation', async () => {
    const net = fakeNetwork(() => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    });
    const gate = gateWith(net);
    const reply = await gate.fetch(get('https://api.vendor.test/users'));
    // undici's own message says nothing; the cause is what a person needs.
    expect(reply).toMatchObject({ ok: false, code: 'network-error', message: 'fetch failed (connect ECONNREFUSED 127.0.0.1:1)' });
    expect(gate.calls).toMatchObject([{ outcome: 'network-error', status: null }]);
    expect(gate.violations).toEqual([]);
  });

  it('never repeats a failing auth hook message (it may quote the secret) to the fetcher', async () => {
    const net = fakeNetwork();
    const gate = gateWith(net, {
      injectAuth: () => {
        throw new Error(`token ${TOKEN} expired`);
      },
    });
    const reply = await gate.fetch(get('https://api.vendor.test/users'));
    expect(reply).toMatchObject({ ok: false, code: 'network-error' });
    expect(JSON.stringify(reply)).not.toContain(TOKEN);
    expect(net.seen).toHaveLength(0);
  });

  it('rejects a malformed request without logging it as a call', async () => {
    const gate = gateWith(fakeNetwork());
    expect(await gate.fetch(get('not a url'))).toMatchObject({ ok: false, code: 'invalid-request' });
    expect(await gate.fetch(get('https://api.vendor.test/', { body: 'x' }))).toMatchObject({ ok: false, code: 'invalid-request' });
    expect(gate.calls).toEqual([]);
  });

  it('refuses to be built with a malformed allow-list entry', () => {
    expect(() => new EgressGate({ allowedOrigins: ['https://api.vendor.test/path'] })).toThrow(/expected an http\(s\) origin/);
    expect(() => new EgressGate({ allowedOrigins: ['api.vendor.test'] })).toThrow(/expected an http\(s\) origin/);
  });
});

describe('egress gate: a credential documented in the query string', () => {
  it('is added by the host on the wire only, never logged, and a fetcher that sets it itself is stopped', async () => {
    const seen: string[] = [];
    const gate = new EgressGate({
      allowedOrigins: ['https://api.example.test'],
      injectQuery: () => ({ api_key: 'qk-SECRET-0123456789' }),
      fetchImpl: async (request) => {
        seen.push(request.url);
        return new Response(JSON.stringify({ echo: request.url }), { headers: { 'content-type': 'application/json' } });
      },
    });
    const reply = await gate.fetch({ url: 'https://api.example.test/users?limit=5', method: 'GET', headers: {} });
    expect(seen).toEqual(['https://api.example.test/users?limit=5&api_key=qk-SECRET-0123456789']);
    expect(reply.ok && reply.response.url).toBe('https://api.example.test/users?limit=5');
    expect(reply.ok && reply.response.body).not.toContain('qk-SECRET');
    expect(JSON.stringify(gate.calls)).not.toContain('qk-SECRET');
    await gate.fetch({ url: 'https://api.example.test/users?api_key=mine', method: 'GET', headers: {} });
    expect(seen.at(-1)).toBe('https://api.example.test/users?api_key=qk-SECRET-0123456789');
    expect(gate.violations.map((v) => v.kind)).toEqual(['credential-in-url']);
  });
});
