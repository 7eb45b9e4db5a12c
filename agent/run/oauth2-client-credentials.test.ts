import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { FetchwrightError } from '../errors.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { basicClientAuth, ClientCredentialsSession, MAX_TOKEN_RESPONSE_BYTES, MAX_UNAUTHORIZED_RENEWALS, refreshMargin, requestToken, tokenEndpoint } from './oauth2-client-credentials.ts';

const SECRET = 'fw-unit-client-secret:/+x';

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
});

/** A loopback server answering each request with `answer`; records what it received. */
async function serve(answer: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<{ url: URL; seen: { headers: IncomingMessage['headers']; body: string }[] }> {
  const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      answer(req, body, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`), seen };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

function planWith(tokenUrl: string | undefined, base = 'https://api.acme.test/v1', variables: Record<string, string> = {}): ConnectorPlan {
  return {
    base_url: { url: base, variables, evidence: [], confidence: 1 },
    auth: {
      type: 'oauth2',
      credentials: [{ name: 'Authorization', in: 'header', prefix: 'Bearer ', scheme: 'oauth' }],
      scheme_keys: ['oauth'],
      ...(tokenUrl !== undefined ? { client_credentials: { scheme: 'oauth', token_url: tokenUrl, scopes: ['users:read'] } } : {}),
      evidence: [],
      confidence: 1,
    },
  } as unknown as ConnectorPlan;
}

function refusal(f: () => unknown): FetchwrightError {
  try {
    f();
  } catch (e) {
    if (e instanceof FetchwrightError) return e;
    throw e;
  }
  throw new Error('expected a FetchwrightError');
}

describe('tokenEndpoint: where the client secret may go', () => {
  const base = new URL('https://api.acme.test/v1');

  it('a relative docs token URL resolves against the live base URL (RFC 3986 §5.2)', () => {
    expect(tokenEndpoint(planWith('/oauth/token'), new URL('http://127.0.0.1:8080/v1'), undefined, {}).href).toBe('http://127.0.0.1:8080/oauth/token');
    expect(tokenEndpoint(planWith('oauth/token'), new URL('https://api.acme.test/v1/'), undefined, {}).href).toBe('https://api.acme.test/v1/oauth/token');
  });

  it('a docs token URL on the API\'s own origin is accepted; anywhere else — another tenant of a shared domain, a sibling host, another port — refused unless the human gives it', () => {
    expect(tokenEndpoint(planWith('https://api.acme.test/oauth2/token'), base, undefined, {}).href).toBe('https://api.acme.test/oauth2/token');
    const tenant = new URL('https://acme.okta.com/api/v1');
    expect(tokenEndpoint(planWith('https://acme.okta.com/oauth2/v1/token'), tenant, undefined, {}).href).toBe('https://acme.okta.com/oauth2/v1/token');
    for (const [elsewhere, api] of [['https://attacker.okta.com/oauth2/v1/token', tenant], ['https://login.acme.test/oauth2/token', base], ['https://api.acme.test:8444/oauth2/token', base], ['https://login.evil-idp.test/oauth2/token', base]] as const) {
      const e = refusal(() => tokenEndpoint(planWith(elsewhere), api, undefined, {}));
      expect(e.code, elsewhere).toBe('usage');
      expect(e.message).toMatch(/is not on the API's origin/);
      expect(e.details.hint).toMatch(/--token-url/);
    }
    expect(tokenEndpoint(planWith('https://login.evil-idp.test/oauth2/token'), base, 'https://login.other.test/token', {}).href).toBe('https://login.other.test/token');
  });

  it('a loopback API takes a docs token URL on its own origin only', () => {
    const loop = new URL('http://127.0.0.1:8080/v1');
    expect(tokenEndpoint(planWith('http://127.0.0.1:8080/token'), loop, undefined, {}).port).toBe('8080');
    expect(refusal(() => tokenEndpoint(planWith('http://127.0.0.1:9999/token'), loop, undefined, {})).message).toMatch(/not on the API's origin/);
    expect(refusal(() => tokenEndpoint(planWith('https://login.acme.test/token'), loop, undefined, {})).message).toMatch(/not on the API's origin/);
  });

  it('refuses plain http to a non-loopback host, another scheme, user info and a fragment, from the docs or the human', () => {
    expect(refusal(() => tokenEndpoint(planWith(undefined), base, 'http://login.acme.test/token', {})).message).toMatch(/plain http is allowed only to a loopback/);
    expect(refusal(() => tokenEndpoint(planWith('http://login.acme.test/token'), base, undefined, {})).message).toMatch(/plain http is allowed only to a loopback/);
    expect(refusal(() => tokenEndpoint(planWith(undefined), base, 'ftp://login.acme.test/token', {})).message).toMatch(/must be https/);
    expect(refusal(() => tokenEndpoint(planWith(undefined), base, 'https://u:p@login.acme.test/token', {})).message).toMatch(/user name or password/);
    expect(refusal(() => tokenEndpoint(planWith(undefined), base, 'https://login.acme.test/token#x', {})).message).toMatch(/fragment/);
  });

  it('fills the docs\' placeholders from --tenant and the base URL\'s defaults; no token URL at all is a usage error', () => {
    const plan = planWith('https://{tenant}.acme.test/oauth/token', 'https://{tenant}.acme.test/v1', { tenant: '' });
    expect(tokenEndpoint(plan, new URL('https://blue.acme.test/v1'), undefined, { tenant: 'blue' }).href).toBe('https://blue.acme.test/oauth/token');
    expect(refusal(() => tokenEndpoint(plan, new URL('https://blue.acme.test/v1'), undefined, {})).message).toMatch(/needs \{tenant\}/);
    expect(refusal(() => tokenEndpoint(planWith(undefined), base, undefined, {})).message).toMatch(/give no token URL/);
  });
});

describe('requestToken (RFC 6749 §4.4.2, §5.1, §5.2)', () => {
  it('HTTP Basic client auth with id and secret form-urlencoded before base64 (§2.3.1)', () => {
    const value = basicClientAuth('my client', SECRET);
    expect(Buffer.from(value.slice('Basic '.length), 'base64').toString('utf8')).toBe('my+client:fw-unit-client-secret%3A%2F%2Bx');
  });

  it('posts grant_type and scope form-encoded; a lower-case bearer token_type and a string expires_in are read', async () => {
    const s = await serve((_req, _body, res) => json(res, 200, { access_token: 'fw-unit-token-0001', token_type: 'bearer', expires_in: '120' }));
    const t = await requestToken({ endpoint: s.url, clientId: 'id', clientSecret: SECRET, clientAuth: 'post', scopes: ['a:read', 'b:read'], now: () => 1_000 });
    expect(t).toEqual({ accessToken: 'fw-unit-token-0001', obtainedAt: 1_000, expiresAt: 121_000 });
    expect(s.seen[0]!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(s.seen[0]!.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(s.seen[0]!.body))).toEqual({ grant_type: 'client_credentials', scope: 'a:read b:read', client_id: 'id', client_secret: SECRET });
  });

  it('an error answer (§5.2) is auth-refused, one line, quoting error and error_description, with the secret scrubbed in any form', async () => {
    const basic = basicClientAuth('id', SECRET).slice(6);
    const s = await serve((_req, _body, res) => json(res, 400, { error: 'invalid_client', error_description: `bad client\n${SECRET} ${encodeURIComponent(SECRET)} ${basic}` }));
    const e = await requestToken({ endpoint: s.url, clientId: 'id', clientSecret: SECRET, clientAuth: 'basic', scopes: [] }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(FetchwrightError);
    const err = e as FetchwrightError;
    expect(err.code).toBe('auth-refused');
    expect(err.exitCode).toBe(29);
    expect(err.message).toMatch(/refused the client: invalid_client: bad client REDACTED REDACTED REDACTED$/);
    expect(err.message).not.toContain('\n');
  });

  it('a URL that is no token endpoint (404, 405 with an error body) is token-endpoint-failed, not a refused client', async () => {
    for (const status of [404, 405]) {
      const s = await serve((_req, _body, res) => json(res, status, { error: 'POST is not allowed' }));
      const e = (await requestToken({ endpoint: s.url, clientId: 'id', clientSecret: SECRET, clientAuth: 'basic', scopes: [] }).then(() => undefined, (x: unknown) => x)) as FetchwrightError;
      expect(e.code, String(status)).toBe('token-endpoint-failed');
      expect(e.message).toContain(`answered HTTP ${status}`);
      expect(e.details.hint).toMatch(/not a token endpoint/);
    }
  });

  it('refuses a token type other than Bearer, a missing access_token, and a token too short to redact', async () => {
    for (const [body, why] of [
      [{ access_token: 'fw-unit-token-0002', token_type: 'mac' }, /only Bearer tokens/],
      [{ token_type: 'Bearer' }, /issued no access_token/],
      [{ access_token: 'short', token_type: 'Bearer' }, /shorter than 8/],
    ] as const) {
      const s = await serve((_req, _body, res) => json(res, 200, body));
      await expect(requestToken({ endpoint: s.url, clientId: 'id', clientSecret: SECRET, clientAuth: 'basic', scopes: [] })).rejects.toMatchObject({ code: 'token-endpoint-failed', message: expect.stringMatching(why) });
    }
  });

  it('does not follow a redirect (the secret would go elsewhere), and does not read an oversized answer', async () => {
    const elsewhere = await serve((_req, _body, res) => json(res, 200, { access_token: 'fw-unit-token-0003', token_type: 'Bearer' }));
    const redirecting = await serve((_req, _body, res) => {
      res.writeHead(307, { location: elsewhere.url.href });
      res.end();
    });
    await expect(requestToken({ endpoint: redirecting.url, clientId: 'id', clientSecret: SECRET, clientAuth: 'basic', scopes: [] })).rejects.toMatchObject({ code: 'token-endpoint-failed', message: expect.stringMatching(/307, a redirect: not followed/) });
    expect(elsewhere.seen).toHaveLength(0);
    const big = await serve((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'fw-unit-token-0004', token_type: 'Bearer', pad: 'x'.repeat(MAX_TOKEN_RESPONSE_BYTES) }));
    });
    await expect(requestToken({ endpoint: big.url, clientId: 'id', clientSecret: SECRET, clientAuth: 'basic', scopes: [] })).rejects.toMatchObject({ code: 'token-endpoint-failed', message: expect.stringMatching(/more than 65536 bytes/) });
  });
});

describe('ClientCredentialsSession: renewal', () => {
  /** A token endpoint issuing `fw-unit-session-N` tokens that live `lifetime` seconds. */
  async function session(lifetime: number | undefined, clock: { now: number }) {
    let n = 0;
    const s = await serve((_req, _body, res) => json(res, 200, { access_token: `fw-unit-session-${++n}`, token_type: 'Bearer', ...(lifetime !== undefined ? { expires_in: lifetime } : {}) }));
    const secrets: string[] = [];
    const sess = new ClientCredentialsSession({ endpoint: s.url, clientId: 'id', clientSecret: SECRET, clientAuth: 'basic', scopes: [], now: () => clock.now, onSecret: (x) => secrets.push(x) });
    await sess.start();
    return { sess, secrets, hits: () => s.seen.length };
  }

  it('renews once less than the margin of the token\'s life is left, not before', async () => {
    expect(refreshMargin(3_600_000)).toBe(60_000);
    expect(refreshMargin(10_000)).toBe(5_000);
    const clock = { now: 0 };
    const { sess, secrets, hits } = await session(3600, clock);
    clock.now = 3_600_000 - 60_001;
    await sess.fresh();
    expect(hits()).toBe(1);
    clock.now = 3_600_000 - 59_999;
    await sess.fresh();
    expect(hits()).toBe(2);
    expect(sess.accessToken).toBe('fw-unit-session-2');
    expect(secrets).toEqual(['fw-unit-session-1', 'fw-unit-session-2']);
  });

  it('a token without expires_in is used until the API refuses it', async () => {
    const clock = { now: 0 };
    const { sess, hits } = await session(undefined, clock);
    clock.now = 1e12;
    await sess.fresh();
    expect(hits()).toBe(1);
  });

  it('after a 401: renews for the refused token, not again for one already superseded, and at most MAX_UNAUTHORIZED_RENEWALS times', async () => {
    const clock = { now: 0 };
    const { sess, hits } = await session(3600, clock);
    expect(await sess.renewAfterUnauthorized(['Bearer fw-unit-session-1'])).toBe(true);
    expect(hits()).toBe(2);
    // A concurrent request refused with the first token: the second is already there.
    expect(await sess.renewAfterUnauthorized(['Bearer fw-unit-session-1'])).toBe(true);
    expect(hits()).toBe(2);
    for (let i = 2; i <= MAX_UNAUTHORIZED_RENEWALS; i++) expect(await sess.renewAfterUnauthorized([`Bearer ${sess.accessToken}`])).toBe(true);
    expect(await sess.renewAfterUnauthorized([`Bearer ${sess.accessToken}`])).toBe(false);
    expect(hits()).toBe(1 + MAX_UNAUTHORIZED_RENEWALS);
  });
});
