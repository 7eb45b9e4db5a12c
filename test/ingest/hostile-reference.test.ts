import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { blockedOrigins } from '../../agent/ingest/pages/crawl.ts';
import { PageBrowser, PageLoadError } from '../../agent/ingest/pages/page-browser.ts';
import { chromiumMissing } from '../helpers/chromium.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

/**
 * A hostile web reference, read through the CLI (issue 14; design: security invariants 3 and 4).
 * test/fixtures/hostile-reference/index.html is a legitimate reference (GET /v1/users, paged by
 * page and per_page, a bearer token) whose scripts try every way a page has to reach another origin
 * — a second loopback server, also named `localhost`, the docs' own port named `localhost`, a
 * same-origin URL that redirects away, popups, workers, navigations — read what they can of
 * fetchwright and the user, and rewrite the DOM to add an endpoint on another host; and whose text
 * (visible, hidden, a comment) carries injected instructions. `plan` and `generate` run on its URL.
 * What a user would notice: the other origin gets no request, stderr names where the page tried to
 * go, and the plan and the connector hold only what the reference's own GET operations say.
 */

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/hostile-reference/index.html');
const missing = chromiumMissing();

let docs: Server;
let other: Server;
let docsPort = 0;
let otherPort = 0;
/** Every request the other origin received (must stay empty). */
const reachedOther: string[] = [];
/** TCP connections the other origin accepted, HTTP bytes or none (a preconnect counts): must stay 0. */
let otherConnections = 0;
/** Every request the docs server received: its Host, method, URL and the headers that would carry a credential. */
const docsRequests: { host: string; method: string; url: string; cookie?: string; authorization?: string }[] = [];
/** What the page's snooping script could see, as it told its own origin. */
const snooped: Record<string, unknown>[] = [];

const listen = (s: Server) => new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
const headerOf = (h: IncomingHttpHeaders, name: string) => (typeof h[name] === 'string' ? { [name]: h[name] } : {});

beforeAll(async () => {
  other = createServer((req, res) => {
    reachedOther.push(`${req.method} ${req.headers.host} ${req.url}`);
    res.end('stolen');
  });
  other.on('connection', () => otherConnections++);
  otherPort = await listen(other);
  docs = createServer((req, res) => {
    docsRequests.push({ host: req.headers.host ?? '', method: req.method ?? '', url: req.url ?? '', ...headerOf(req.headers, 'cookie'), ...headerOf(req.headers, 'authorization') });
    if (req.url === '/docs/index.html') {
      const html = readFileSync(FIXTURE, 'utf8')
        .replaceAll('__OTHER_LOCALHOST__', `http://localhost:${otherPort}`)
        .replaceAll('__DOCS_LOCALHOST__', `http://localhost:${docsPort}`)
        .replaceAll('__OTHER__', `http://127.0.0.1:${otherPort}`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(html);
    }
    if (req.url?.startsWith('/redirect-away')) {
      res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/steal?via=redirect` });
      return res.end();
    }
    if (req.url === '/start-elsewhere.html') {
      res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/steal?via=start-redirect` });
      return res.end();
    }
    if (req.url?.startsWith('/report?seen=') && req.method === 'GET') {
      snooped.push(JSON.parse(new URL(req.url, 'http://x').searchParams.get('seen')!) as Record<string, unknown>);
      return res.end();
    }
    if (req.url === '/huge.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(`<!doctype html><html><body><h1>GET /v1/users</h1><p id="out">huge: pending</p><script>fetch('/huge').then((r) => r.arrayBuffer()).then((b) => { document.getElementById('out').textContent = 'huge: ' + b.byteLength + ' bytes'; }, () => { document.getElementById('out').textContent = 'huge: failed'; });</script></body></html>`);
    }
    if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(Buffer.alloc(1024 * 1024, 97));
    }
    if (req.url === '/export.bin') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename=users.bin' });
      return res.end(Buffer.alloc(1024));
    }
    res.writeHead(404);
    res.end();
  });
  docsPort = await listen(docs);
});

afterAll(async () => {
  await new Promise((r) => docs.close(r));
  await new Promise((r) => other.close(r));
});

interface Plan {
  base_url: { url: string };
  streams: { name: string; method: string; path: string; kind: string; pagination: { style: string; page_param?: string; size_param?: string } }[];
  auth: { type: string; prefix?: string };
}
interface Manifest {
  hosts: string[];
  methods: string[];
  credentials: { least_scopes: string[]; flagged_scopes: string[] }[];
  streams: { name: string; method: string; path: string }[];
}

describe.skipIf(!!missing)(`a hostile web reference, planned and generated from its URL${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const runs: { plan: { code: number; out: string; err: string }; generate: { code: number; out: string; err: string; dir?: string }; otherConnections: number } = { plan: { code: -1, out: '', err: '' }, generate: { code: -1, out: '', err: '' }, otherConnections: -1 };
  const url = () => `http://127.0.0.1:${docsPort}/docs/index.html`;

  beforeAll(async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-hostile-ref-'));
    const env = { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state') };
    let io = captureIo();
    runs.plan = { code: await main(['plan', url(), '--json'], io, env), out: io.out(), err: io.err() };
    io = captureIo();
    const code = await main(['generate', url(), '--out', path.join(root, 'out'), '--json'], io, env);
    runs.generate = { code, out: io.out(), err: io.err(), ...(code === 0 ? { dir: (JSON.parse(io.out()) as { dir: string }).dir } : {}) };
    runs.otherConnections = otherConnections;
  }, 240_000);

  it('no request of the page reaches another origin; stderr names the origins it tried', () => {
    expect(runs.plan.code, runs.plan.err).toBe(0);
    expect(reachedOther).toEqual([]);
    // Not even a TCP connection without a byte of HTTP (Chromium's preconnect for a blocked link or iframe): its network stack has no way out.
    expect(runs.otherConnections).toBe(0);
    // The docs' own port named `localhost` is another origin: nothing arrives there either.
    expect(docsRequests.filter((r) => r.host !== `127.0.0.1:${docsPort}`)).toEqual([]);
    // The redirect away was asked of the docs (same origin); its next hop never left.
    expect(docsRequests.some((r) => r.url.startsWith('/redirect-away'))).toBe(true);
    for (const err of [runs.plan.err, runs.generate.err]) {
      const line = new RegExp(`^page 1: http://127\\.0\\.0\\.1:${docsPort}/docs/index\\.html \\(\\d+ ms, (\\d+) requests to other origins blocked: (.*)\\)$`, 'm').exec(err);
      expect(line, err).not.toBeNull();
      expect(Number(line![1])).toBeGreaterThanOrEqual(15);
      for (const origin of [`http://127.0.0.1:${otherPort}`, `http://localhost:${otherPort}`, `http://localhost:${docsPort}`, `ws://127.0.0.1:${otherPort}`]) expect(line![2]).toContain(`${origin} (`);
    }
  });

  it('the browser carries no credential or cookie, and page scripts see nothing of fetchwright or of the user', () => {
    expect(docsRequests.filter((r) => r.authorization !== undefined)).toEqual([]);
    // Each run starts a fresh browser: the page's first request carries no cookie.
    expect(docsRequests.filter((r) => r.url === '/docs/index.html').map((r) => r.cookie)).toEqual([undefined, undefined]);
    expect(snooped).toHaveLength(2);
    // The page's own writes (a POST to its origin) are never sent: fetchwright reads docs.
    expect(docsRequests.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method))).toEqual([]);
    for (const seen of snooped) {
      expect(seen).toMatchObject({ cookie: '', localStorage: [], sessionStorage: [], process: 'undefined', require: 'undefined', referrer: '' });
      // Playwright's own routing bindings are present (they reach only the route that closes WebSockets); nothing of fetchwright is.
      expect((seen.globals as string[]).filter((g) => /fetchwright/i.test(g))).toEqual([]);
    }
  });

  it("plans and generates the docs' GET users stream: no write, no injected scope, no other host in the connector", () => {
    expect(runs.plan.code, runs.plan.err).toBe(0);
    const plan = JSON.parse(runs.plan.out) as Plan;
    const users = plan.streams.find((s) => s.path === '/v1/users');
    expect(users).toMatchObject({ method: 'GET', kind: 'human', pagination: { style: 'page', page_param: 'page', size_param: 'per_page' } });
    expect(plan.auth).toMatchObject({ type: 'bearer', prefix: 'Bearer ' });
    // The injected POST (and the reference's own) is a write: never a stream.
    expect(plan.streams.filter((s) => s.method !== 'GET' || s.path.includes('/users/'))).toEqual([]);

    expect(runs.generate.code, runs.generate.err).toBe(0);
    expect((JSON.parse(runs.generate.out) as { verdict: string }).verdict).toBe('pass');
    const manifest = JSON.parse(readFileSync(path.join(runs.generate.dir!, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.methods).toEqual(['GET']);
    expect(manifest.credentials.flatMap((c) => [...c.least_scopes, ...c.flagged_scopes])).toEqual([]);
    const fetcher = readFileSync(path.join(runs.generate.dir!, 'fetcher.ts'), 'utf8');
    expect(fetcher).not.toMatch(/evil|attacker|admin:\*|127\.0\.0\.1|localhost/);
  });

  // The injected section's two samples on https://attacker.example.net never outvote the reference's
  // stated base (https://api.acme.example): the bearer token's host stays the docs' own, and the
  // samples elsewhere are left out and named (agent/ingest/pages/api-origin.ts).
  it('an injected sample on another host adds no host and no stream', () => {
    const plan = JSON.parse(runs.plan.out) as Plan;
    expect(plan.base_url.url).not.toMatch(/attacker|evil/);
    expect(plan.streams.map((s) => s.path)).toEqual(['/v1/users']);
    const manifest = JSON.parse(readFileSync(path.join(runs.generate.dir!, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.hosts).toEqual(['https://{host}']);
    expect(manifest.streams.map((s) => s.path)).toEqual(['/v1/users']);
    expect(JSON.stringify(plan)).toMatch(/call https:\/\/attacker\.example\.net, which is not the API's origin/);
  });

  it('a start URL that redirects to another origin is refused, and nothing reaches it', async () => {
    const io = captureIo();
    const code = await main(['plan', `http://127.0.0.1:${docsPort}/start-elsewhere.html`], io, { ...process.env, FETCHWRIGHT_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'fetchwright-hostile-ref-')) });
    expect(code).not.toBe(0);
    expect(io.err()).toMatch(/the page http:\/\/127\.0\.0\.1:\d+\/start-elsewhere\.html could not be loaded/);
    expect(reachedOther).toEqual([]);
  }, 60_000);
});

describe.skipIf(!!missing)(`the browser on a hostile page${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('blocks and names popups, workers and redirects away, and a blocked navigation leaves the reference on screen', async () => {
    const browser = await PageBrowser.open();
    try {
      const before = otherConnections;
      const page = await browser.render(`http://127.0.0.1:${docsPort}/docs/index.html`);
      expect(reachedOther).toEqual([]);
      expect(otherConnections - before).toBe(0);
      const via = page.blocked.flatMap((u) => [...u.matchAll(/via=([a-z-]+)/g)].map((m) => m[1]));
      for (const v of ['script-src', 'iframe', 'fetch', 'fetch-localhost', 'fetch-docs-localhost', 'fetch-redirect', 'iframe-redirect', 'xhr', 'ws', 'img', 'beacon', 'eventsource', 'script-inject', 'style', 'window-open', 'worker']) expect(via, v).toContain(v);
      expect(page.blocked.find((u) => u.includes('via=redirect'))).toMatch(/\(redirected from http:\/\/127\.0\.0\.1:\d+\/redirect-away\?via=fetch-redirect\)$/);
      // The form, the link and `location` were aborted: the page read is still the reference, its injected section included.
      expect(page.url).toBe(`http://127.0.0.1:${docsPort}/docs/index.html`);
      expect(page.text).toContain('GET /v1/users');
      expect(page.html).toContain('id="admin-tokens"');
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe.skipIf(!!missing)(`the browser's own fetch of the docs' origin${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('answers same-origin bodies up to four times the page cap in all, and fails a page that fetches more: a hostile page cannot fill the memory of fetchwright', async () => {
    const browser = await PageBrowser.open();
    try {
      // The page cap 64 KB: a 1 MB body of the docs' own origin is more than the page's 256 KB; the page is too large.
      const capped = await browser.render(`http://127.0.0.1:${docsPort}/huge.html`, { maxBytes: 64 * 1024 }).catch((x: unknown) => x);
      expect(capped).toBeInstanceOf(PageLoadError);
      expect((capped as PageLoadError).failure).toBe('too-large');
      const whole = await browser.render(`http://127.0.0.1:${docsPort}/huge.html`, { maxBytes: 512 * 1024 });
      expect(whole.text).toContain(`huge: ${1024 * 1024} bytes`);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('blocked origins on the progress line', () => {
  it('are named by origin, most tried first, five at most, paths left out', () => {
    expect(blockedOrigins(['http://a.test:1/x?k=secret', 'ws://a.test:1/y', 'http://a.test:1/z', 'http://b.test/q (redirected from http://docs.test/r)'])).toBe('http://a.test:1 (2), ws://a.test:1 (1), http://b.test (1)');
    expect(blockedOrigins(['1', '2', '3', '4', '5', '6', '7'].map((n) => `http://h${n}.test/`))).toMatch(/^http:\/\/h1\.test \(1\), .*, \+2 more$/);
    expect(blockedOrigins(['x:\u001b[31m'])).toBe('x:?[31m (1)');
  });
});
