import { afterEach, describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, query, SERVER, USER } from '../../test/helpers/spec.ts';
import { createMockVendor, type MockVendor } from './mock-vendor.ts';
import { formatServedRequest, redactedTarget, rewriteOrigin, serveMock, type ServedMock, type ServedRequest } from './serve.ts';

/**
 * A served mock answers with its own address: a person who follows a `Link` header or a next-page
 * URL with curl stays on 127.0.0.1 and gets the next page. In-process (the proof) the mock keeps the
 * docs' origin. Each request can be logged on one line.
 */

const bearer = { components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } }, security: [{ token: [] }] };

const open: ServedMock[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function served(paths: object, options: { faults?: boolean; onRequest?: (r: ServedRequest) => void } = {}): Promise<{ mock: MockVendor; url: string; auth: Record<string, string> }> {
  const mock = createMockVendor(await modelOf(openapi(paths, bearer)), { seed: 11, faults: options.faults ?? false });
  const s = await serveMock(mock, 0, options.onRequest ? { onRequest: options.onRequest } : {});
  open.push(s);
  return { mock, url: s.url, auth: { authorization: `Bearer ${mock.credentials.token!.value}` } };
}

const ids = (body: unknown[]) => body.map((u) => (u as { id: string }).id);

/** Records of `page2` not on `page1`: a second page, not the first again (the mock repeats one record across a page boundary, as real APIs do under writes). */
const newOn = (page1: unknown[], page2: unknown[]) => ids(page2).filter((id) => !ids(page1).includes(id)).length;

/** The URL of the `rel="next"` entry of a Link header (RFC 8288). */
function nextOf(link: string | null): string | undefined {
  return link?.split(',').map((part) => /<([^>]*)>\s*;\s*rel="?next"?/.exec(part)?.[1]).find(Boolean);
}

describe('a served mock answers with its own address', () => {
  const linkPaged = { '/users': listOp(arrayOf(USER), { parameters: [query('limit', { type: 'integer', maximum: 10 }), query('after', { type: 'string' })], headers: { Link: { schema: { type: 'string' }, description: 'RFC 8288 links: rel="next" for the next page.' } } }) };

  it('Link pagination: the next link is on 127.0.0.1 and following it gives page 2', async () => {
    const { url, auth } = await served(linkPaged);
    const first = await fetch(`${url}/users?limit=10`, { headers: auth });
    expect(first.status).toBe(200);
    const link = first.headers.get('link');
    expect(link).not.toContain(SERVER);
    const next = nextOf(link)!;
    expect(new URL(next).origin).toBe(url);
    const page1 = (await first.json()) as unknown[];
    const second = await fetch(next, { headers: auth });
    expect(second.status).toBe(200);
    const page2 = (await second.json()) as unknown[];
    expect(page2.length).toBeGreaterThan(0);
    expect(newOn(page1, page2)).toBeGreaterThanOrEqual(page2.length - 1);
    expect(newOn(page1, page2)).toBeGreaterThan(0);
    expect(link).toMatch(new RegExp(`^<${url.replace(/[.]/g, '\\.')}/users\\?limit=10>; rel="self"`));
  });

  it('in-process, the same mock still answers with the docs\' origin (what the proof and the fetcher see)', async () => {
    const { mock, auth } = await served(linkPaged);
    const res = await mock.fetch(new Request(`${SERVER}/users?limit=10`, { headers: auth }));
    expect(nextOf(res.headers.get('link'))).toMatch(new RegExp(`^${SERVER}/users\\?`));
  });

  it('next-URL pagination in the body (`next`, `links.next`): absolute URLs on 127.0.0.1, followed to page 2', async () => {
    const nextUrl = { type: 'string', format: 'uri', description: 'The URL of the next page; absent on the last.' };
    const shapes = { next: { next: nextUrl }, 'links.next': { links: { type: 'object', properties: { next: nextUrl } } } };
    for (const [field, properties] of Object.entries(shapes)) {
      const { url, auth } = await served({
        '/users': listOp({ type: 'object', properties: { value: arrayOf(USER), ...properties } }, { parameters: [query('limit', { type: 'integer', maximum: 10 })] }),
      });
      const first = (await (await fetch(`${url}/users?limit=10`, { headers: auth })).json()) as Record<string, unknown>;
      const next = field.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], first) as string;
      expect(JSON.stringify(first), field).not.toContain(SERVER);
      expect(new URL(next).origin, field).toBe(url);
      const second = await fetch(next, { headers: auth });
      expect(second.status, field).toBe(200);
      const page2 = ((await second.json()) as { value: unknown[] }).value;
      expect(page2.length, field).toBeGreaterThan(0);
      expect(newOn(first.value as unknown[], page2), field).toBeGreaterThanOrEqual(Math.max(1, page2.length - 1));
    }
  });

  it('a host that only starts with the vendor\'s origin is left alone', () => {
    expect(rewriteOrigin('<https://api.example.test/a>; rel="next", https://api.example.test.evil/x, "https://api.example.test"', 'https://api.example.test', 'http://127.0.0.1:9')).toBe(
      '<http://127.0.0.1:9/a>; rel="next", https://api.example.test.evil/x, "http://127.0.0.1:9"',
    );
  });
});

describe('a served mock logs each request on one line', () => {
  it('method, path and query, status, why (an injected 429, a refused credential, a write) and time', async () => {
    const seen: ServedRequest[] = [];
    const { url, auth } = await served({ '/users': listOp(arrayOf(USER), { parameters: [query('limit', { type: 'integer' })] }) }, { faults: true, onRequest: (r) => seen.push(r) });
    await fetch(`${url}/users?limit=5`, { headers: auth });
    await fetch(`${url}/users?limit=5`, { headers: auth });
    await fetch(`${url}/users`);
    await fetch(`${url}/users`, { method: 'DELETE', headers: auth });
    await fetch(`${url}/users?api_key=real-looking-secret&limit=2`, { headers: auth });
    const lines = seen.map(formatServedRequest);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^GET \/users\?limit=5 → 429 injected rate limit \(--no-faults turns these off\) \(\d+ ms\)$/);
    expect(lines[1]).toMatch(/^GET \/users\?limit=5 → 200 \(\d+ ms\)$/);
    expect(lines[2]).toMatch(/^GET \/users → 401 credential missing or not the synthetic one \(\d+ ms\)$/);
    expect(lines[3]).toMatch(/^DELETE \/users → 405 write refused: connectors are read-only \(\d+ ms\)$/);
    expect(lines[4]).toMatch(/^GET \/users\?api_key=\*\*\*&limit=2 → /);
    expect(lines.join('\n')).not.toContain('real-looking-secret');
  });

  it('credential-like query values are never printed', () => {
    expect(redactedTarget('/a?access_token=abc&page=2&sig=xyz')).toBe('/a?access_token=***&page=2&sig=***');
    expect(redactedTarget('/a?page=2')).toBe('/a?page=2');
  });
});
