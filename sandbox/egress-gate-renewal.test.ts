import { describe, expect, it } from 'vitest';
import { EgressGate, type FetchRequest } from './egress-gate.ts';

/**
 * A host credential that expires (an OAuth 2 access token): the gate awaits `prepareAuth` before it
 * injects the auth, and after a 401 to the host's credential asks `renewAuth` and sends the request
 * once more. A token renewed mid-run is scrubbed from what the fetcher gets like the first one.
 */

const get = (url: string): FetchRequest => ({ url, method: 'GET', headers: {} });

/** A host with a token that changes when renewed, and a network that answers 401 to `refused` tokens. */
function setup(opts: { refused?: (auth: string | null) => boolean; echo?: boolean; renew?: boolean } = {}) {
  const tokens = ['fw-first-access-token-0001', 'fw-second-access-token-0002', 'fw-third-access-token-0003'];
  let current = 0;
  const sent: (string | null)[] = [];
  const renewals: string[][] = [];
  let prepared = 0;
  const gate = new EgressGate({
    allowedOrigins: ['https://api.vendor.test'],
    injectAuth: () => ({ Authorization: `Bearer ${tokens[current]}` }),
    prepareAuth: async () => void (prepared += 1),
    renewAuth: async (_url, values) => {
      renewals.push(values);
      if (opts.renew === false) return false;
      current += 1;
      return true;
    },
    fetchImpl: async (req) => {
      const auth = req.headers.get('authorization');
      sent.push(auth);
      if (opts.refused?.(auth)) return new Response('{"error":"invalid_token"}', { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
      return new Response(JSON.stringify({ users: [], echo: opts.echo ? auth : null }), { status: 200 });
    },
  });
  return { gate, sent, renewals, tokens, prepared: () => prepared };
}

describe('EgressGate: a host credential renewed mid-run', () => {
  it('awaits prepareAuth before each request it injects auth into', async () => {
    const s = setup();
    await s.gate.fetch(get('https://api.vendor.test/users'));
    await s.gate.fetch(get('https://api.vendor.test/groups'));
    expect(s.prepared()).toBe(2);
  });

  it('a 401 to the host\'s token: renewed once, the request sent again, the fetcher sees only the second answer', async () => {
    const s = setup({ refused: (auth) => auth === 'Bearer fw-first-access-token-0001' });
    const reply = await s.gate.fetch(get('https://api.vendor.test/users'));
    expect(reply).toMatchObject({ ok: true, response: { status: 200 } });
    expect(s.sent).toEqual(['Bearer fw-first-access-token-0001', 'Bearer fw-second-access-token-0002']);
    expect(s.renewals).toEqual([['Bearer fw-first-access-token-0001']]);
    expect(s.gate.calls.map((c) => [c.seq, c.status])).toEqual([
      [1, 401],
      [2, 200],
    ]);
  });

  it('renews once per request: a second 401 goes to the fetcher', async () => {
    const s = setup({ refused: () => true });
    const reply = await s.gate.fetch(get('https://api.vendor.test/users'));
    expect(reply).toMatchObject({ ok: true, response: { status: 401 } });
    expect(s.sent).toHaveLength(2);
    expect(s.renewals).toHaveLength(1);
  });

  it('no renewal (renewAuth false): the 401 goes to the fetcher, nothing is sent again', async () => {
    const s = setup({ refused: () => true, renew: false });
    const reply = await s.gate.fetch(get('https://api.vendor.test/users'));
    expect(reply).toMatchObject({ ok: true, response: { status: 401 } });
    expect(s.sent).toHaveLength(1);
  });

  it('a token renewed mid-run and echoed by the server is scrubbed from what the fetcher gets', async () => {
    const s = setup({ refused: (auth) => auth === 'Bearer fw-first-access-token-0001', echo: true });
    const reply = await s.gate.fetch(get('https://api.vendor.test/users'));
    expect(reply.ok && reply.response.body).toBe('{"users":[],"echo":"REDACTED"}');
    for (const t of s.tokens.slice(0, 2)) expect(JSON.stringify(reply)).not.toContain(t);
  });
});
