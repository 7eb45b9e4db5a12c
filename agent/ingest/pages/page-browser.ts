import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import { chromium, type Browser, type BrowserContext, type Request } from 'playwright-core';
import { FetchwrightError } from '../../errors.ts';

/**
 * Renders API reference pages in headless Chromium (issue 14: docs that are web pages, some drawn by
 * JavaScript), through playwright-core with Debian's browser — Playwright's own browser download is
 * not used. The pages are hostile:
 *
 * - images, media, fonts and styles are not loaded (text is what is read);
 * - every request that leaves the docs' origin (scheme, host and port) is aborted and recorded,
 *   WebSockets too; `data:` and `blob:` stay in the page. A popup's requests meet a deny-all route of
 *   the context. A same-origin request is sent by fetchwright itself, redirects not followed, so a
 *   redirect to another origin is caught too (Playwright never routes a redirect's hops); its body is
 *   capped at four times `maxBytes`. A blocked navigation (form, link, `location`, meta refresh) is
 *   aborted without an error page: the reference stays on screen;
 * - the context carries no credentials, cookies or storage, accepts no download, registers no
 *   service worker and grants no permission;
 * - the browser process gets no environment but PATH and a temporary HOME (no secret of the run);
 * - nothing of fetchwright is exposed to the page (no function of its own): page scripts cannot
 *   reach it — only Playwright's bindings for WebSocket routing are in the page, and the route they
 *   reach closes the socket; what comes back is the rendered HTML and its text, as data;
 * - each page has a wall-clock budget (`timeoutMs`) and a size cap (`maxBytes`, of the rendered HTML).
 *
 * - Chromium's own network stack reaches nothing: every request it would send goes through a proxy
 *   that is a sink of fetchwright's (a loopback socket that closes each connection unread), loopback
 *   included (`<-loopback>`), and its host resolver answers no name (`MAP * ~NOTFOUND`). The pages
 *   need no connection of Chromium's (each same-origin request is answered by the route above), so
 *   what Chromium would open on its own — a preconnect or a prediction for a blocked link or iframe,
 *   a DNS prefetch — never reaches another host (Chromium: net/proxy_resolution proxy_bypass_rules,
 *   "<-loopback>"; net/dns mapped_host_resolver).
 *
 * `FETCHWRIGHT_CHROMIUM` names another browser binary (a test's or a distribution's path).
 */

/** Resource types a reader of the page's text never needs. */
const UNREAD = new Set(['image', 'media', 'font', 'stylesheet']);

/** Debian's Chromium (`apt-get install chromium`). */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export interface PageBrowserOptions {
  /** The browser binary; default FETCHWRIGHT_CHROMIUM, else /usr/bin/chromium. */
  executablePath?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RenderOptions {
  /** Wall-clock budget of one page, ms (default 15,000). */
  timeoutMs?: number;
  /** The most rendered HTML kept, bytes (default 4 MB): a larger page is refused. */
  maxBytes?: number;
}

export interface RenderedPage {
  /** The URL the page ended at (after same-origin redirects). */
  url: string;
  title: string;
  /** The rendered document (`document.documentElement.outerHTML`), after scripts ran. */
  html: string;
  /** What a person reads: `document.body.innerText`. */
  text: string;
  /** Requests the page tried that left the docs' origin: aborted, never sent. */
  blocked: string[];
}

/** Why a page could not be read: an HTTP error status, no answer in time, no answer at all, a redirect off the docs' origin, or too large. */
export type PageFailure = 'status' | 'timeout' | 'no-answer' | 'redirected-away' | 'too-large';

/**
 * A page that could not be read (FetchwrightError `unreadable-docs`, exit 4), with what the crawl
 * decides on: `failure`, and the HTTP `status` the page answered when it answered one.
 */
/** Marks (at most 50,000) elements the page does not render — `display: none`, `visibility: hidden` — `data-fw-unseen`. */
const MARK_UNSEEN = `(() => { try { const all = document.body ? document.body.getElementsByTagName('*') : []; for (let i = 0; i < all.length && i < 50000; i++) { const s = getComputedStyle(all[i]); if (s.display === 'none' || s.visibility === 'hidden') all[i].setAttribute('data-fw-unseen', ''); } } catch (e) {} return 0; })()`;

export class PageLoadError extends FetchwrightError {
  readonly url: string;
  readonly failure: PageFailure;
  readonly status: number | undefined;

  constructor(url: string, failure: PageFailure, status: number | undefined, message: string, hint: string) {
    super('unreadable-docs', message, { hint });
    this.url = url;
    this.failure = failure;
    this.status = status;
  }
}

/** The browser binary to use, or a FetchwrightError `browser-missing` naming the fix. */
export function browserPath(o: PageBrowserOptions = {}): string {
  const path = o.executablePath ?? o.env?.FETCHWRIGHT_CHROMIUM ?? process.env.FETCHWRIGHT_CHROMIUM ?? DEBIAN_CHROMIUM;
  if (!existsSync(path)) {
    throw new FetchwrightError('browser-missing', `web-page docs are rendered in Chromium, and there is none at ${path}`, {
      hint: "install Debian's browser (sudo apt-get install -y chromium), or set FETCHWRIGHT_CHROMIUM to a Chromium binary",
    });
  }
  return path;
}

/** One headless browser for a crawl: `render` each page, then `close`. */
export class PageBrowser {
  private readonly browser: Browser;
  private readonly context: BrowserContext;
  private readonly sink: Server;
  /** The `blocked` list of the page being rendered: where requests of its popups and workers are named. */
  private blocked: string[] | undefined;

  private constructor(browser: Browser, context: BrowserContext, sink: Server) {
    this.browser = browser;
    this.context = context;
    this.sink = sink;
  }

  /**
   * Starts the browser. Throws FetchwrightError `browser-missing` (exit 36) when there is none, and
   * the launch error when it will not start.
   */
  static async open(o: PageBrowserOptions = {}): Promise<PageBrowser> {
    const executablePath = browserPath(o);
    const sink = await openSink();
    let browser: Browser | undefined;
    let context: BrowserContext;
    try {
      browser = await chromium.launch({ executablePath, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions', '--disable-background-networking', '--disable-sync', ...isolationArgs((sink.address() as { port: number }).port)], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir() } });
      context = await browser.newContext({ acceptDownloads: false, serviceWorkers: 'block', permissions: [], javaScriptEnabled: true, bypassCSP: false });
    } catch (e) {
      await browser?.close().catch(() => undefined);
      sink.close();
      throw e;
    }
    const opened = new PageBrowser(browser, context, sink);
    // Deny-all under each page's own route (a page's route comes first): what no rendered page routes — a popup's requests — never leaves.
    await context.route('**/*', (route) => {
      if (opened.blocked && opened.blocked.length < 100) opened.blocked.push(route.request().url().slice(0, 300));
      return route.abort('aborted');
    });
    await context.routeWebSocket(() => true, (ws) => {
      if (opened.blocked && opened.blocked.length < 100) opened.blocked.push(ws.url().slice(0, 300));
      return ws.close({ code: 1008, reason: 'fetchwright reads docs only' });
    });
    return opened;
  }

  /**
   * Renders `url` and returns what it shows. Requests to any other origin are aborted (listed in
   * `blocked`). Throws PageLoadError (FetchwrightError `unreadable-docs`) when the page does not load
   * in time, gets no answer, answers with an error status (its `status` said), redirects off the
   * docs' origin, or renders larger than `maxBytes`.
   */
  async render(url: string, o: RenderOptions = {}): Promise<RenderedPage> {
    const origin = new URL(url).origin;
    const blocked: string[] = [];
    /** What the page's own document (the main frame's navigation) was answered: its last status, or why it had none. */
    const landing: { status?: number; failure?: PageFailure } = {};
    const page = await this.context.newPage();
    const isDocument = (request: Request) => {
      try {
        return request.isNavigationRequest() && request.frame() === page.mainFrame();
      } catch {
        return false;
      }
    };
    try {
      await page.route('**/*', async (route) => {
        const target = route.request().url();
        // Text is what is read: images, media, fonts and styles are never loaded, from any origin.
        if (sameOrigin(target, origin) && UNREAD.has(route.request().resourceType())) return route.abort('blockedbyclient');
        if (!sameOrigin(target, origin)) {
          if (blocked.length < 100) blocked.push(target.slice(0, 300));
          // `aborted`: a blocked navigation (a form, a link, `location`, a meta refresh) leaves the reference on screen, not an error page.
          return route.abort('aborted');
        }
        if (!/^https?:/.test(target)) return route.continue();
        // Fetched here, redirects not followed, the body capped, then answered as is: the browser asks for
        // a redirect's next hop itself, and that request comes back through this route (Playwright never
        // routes the hops of a request it continued, so a same-origin URL could otherwise redirect anywhere).
        const answer = await fetchCapped(route.request(), { timeoutMs: o.timeoutMs ?? 15_000, maxBytes: 4 * (o.maxBytes ?? 4 * 1024 * 1024) });
        const main = isDocument(route.request());
        if (!('status' in answer)) {
          if (main) landing.failure = answer.failure;
          return route.abort('failed');
        }
        if (main) landing.status = answer.status;
        const location = answer.status >= 300 && answer.status < 400 ? answer.headers['location'] : undefined;
        const next = location ? URL.parse(location, target)?.href : undefined;
        if (location && (!next || !sameOrigin(next, origin))) {
          if (blocked.length < 100) blocked.push(`${(next ?? location).slice(0, 300)} (redirected from ${target.slice(0, 300)})`);
          if (main) landing.failure = 'redirected-away';
          return route.abort('aborted');
        }
        return route.fulfill(answer);
      });
      // A popup (window.open, target=_blank) is a page of its own: closed at once; its requests meet the context's deny-all route.
      page.on('popup', (popup) => void popup.close().catch(() => undefined));
      this.blocked = blocked;
      await page.routeWebSocket(() => true, (ws) => {
        if (blocked.length < 100) blocked.push(ws.url().slice(0, 300));
        return ws.close({ code: 1008, reason: 'fetchwright reads docs only' });
      });
      const timeout = o.timeoutMs ?? 15_000;
      let response;
      try {
        response = await page.goto(url, { waitUntil: 'networkidle', timeout });
      } catch (e) {
        const first = (e as Error).message.split('\n')[0]!.slice(0, 200);
        const hint = 'check the URL serves the reference, or give the pages as files';
        if ((e as Error).name === 'TimeoutError' || landing.failure === 'timeout') throw new PageLoadError(url, 'timeout', undefined, `the page ${url} did not load in ${timeout} ms`, hint);
        if (landing.status !== undefined && landing.status >= 400) throw new PageLoadError(url, 'status', landing.status, `the page ${url} answered ${landing.status}`, 'check the URL serves the reference');
        if (/ERR_HTTP_RESPONSE_CODE_FAILURE/.test(first)) throw new PageLoadError(url, 'status', undefined, `the page ${url} answered with an HTTP error status`, hint);
        if (landing.failure === 'too-large') throw new PageLoadError(url, 'too-large', undefined, `the page ${url} could not be loaded (its answer is larger than ${4 * (o.maxBytes ?? 4 * 1024 * 1024)} bytes)`, 'point at a smaller page of the reference');
        throw new PageLoadError(url, landing.failure ?? 'no-answer', undefined, `the page ${url} could not be loaded (${first})`, hint);
      }
      if (response && response.status() >= 400) throw new PageLoadError(url, 'status', response.status(), `the page ${url} answered ${response.status()}`, 'check the URL serves the reference');
      // Expressions, not functions: nothing of fetchwright's code is sent into the page.
      // What the page does not render is marked, so its prose is not read as the docs' word (page-sections.ts: `unseen`).
      await page.evaluate(MARK_UNSEEN).catch(() => undefined);
      const html = String(await page.evaluate('document.documentElement.outerHTML'));
      const maxBytes = o.maxBytes ?? 4 * 1024 * 1024;
      if (Buffer.byteLength(html) > maxBytes) throw new PageLoadError(url, 'too-large', undefined, `the page ${url} renders to more than ${maxBytes} bytes`, 'point at a smaller page of the reference');
      const text = String(await page.evaluate('document.body ? document.body.innerText : ""'));
      return { url: page.url(), title: (await page.title()).slice(0, 300), html, text, blocked };
    } finally {
      this.blocked = undefined;
      await page.close();
    }
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    await new Promise((resolve) => this.sink.close(resolve));
  }
}

/**
 * Chromium switches that leave its network stack no way out (see the module comment): every URL,
 * loopback too, through the proxy at `sinkPort` on 127.0.0.1; no name resolved; no DNS prefetch.
 */
export function isolationArgs(sinkPort: number): string[] {
  return [`--proxy-server=http://127.0.0.1:${sinkPort}`, '--proxy-bypass-list=<-loopback>', '--host-resolver-rules=MAP * ~NOTFOUND', '--dns-prefetch-disable'];
}

/** A loopback TCP listener that closes every connection unread: the proxy Chromium is given. */
async function openSink(): Promise<Server> {
  const sink = createServer((socket) => socket.destroy()).unref();
  sink.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    sink.once('error', reject);
    sink.listen(0, '127.0.0.1', () => resolve());
  });
  return sink;
}

/** Whether `target` is on `origin` (or stays in the page: `data:`, `blob:` of the same origin, `about:blank`). */
function sameOrigin(target: string, origin: string): boolean {
  if (target.startsWith('data:') || target === 'about:blank') return true;
  try {
    const u = new URL(target);
    if (u.protocol === 'blob:') return new URL(u.pathname).origin === origin;
    return u.origin === origin;
  } catch {
    return false;
  }
}

/** Request headers the fetch below sets itself, or that only describe a hop. */
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'accept-encoding', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-connection']);
/** Response headers that describe the bytes on the wire, not the decoded body handed to the browser. */
const WIRE_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/**
 * A same-origin request of the page, sent from here (Node's fetch) with the browser's method, headers
 * and body: redirects are not followed (a 3xx comes back as is, `location` and all), the body is read
 * up to `maxBytes` (a larger one is no answer) within `timeoutMs`. When there is no answer, why:
 * `too-large`, `timeout` or `no-answer`. Never throws.
 */
async function fetchCapped(request: Request, o: { timeoutMs: number; maxBytes: number }): Promise<{ status: number; headers: Record<string, string>; body: Buffer } | { failure: PageFailure }> {
  try {
    const sent: Record<string, string> = {};
    for (const [name, value] of Object.entries(await request.allHeaders())) if (!name.startsWith(':') && !HOP_HEADERS.has(name.toLowerCase())) sent[name] = value;
    const body = request.postDataBuffer();
    const response = await fetch(request.url(), { method: request.method(), headers: sent, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs), ...(body && !/^(GET|HEAD)$/i.test(request.method()) ? { body } : {}) });
    const chunks: Buffer[] = [];
    let size = 0;
    if (response.body) {
      for await (const chunk of response.body) {
        size += (chunk as Uint8Array).byteLength;
        if (size > o.maxBytes) {
          await response.body.cancel().catch(() => undefined);
          return { failure: 'too-large' };
        }
        chunks.push(Buffer.from(chunk as Uint8Array));
      }
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!WIRE_HEADERS.has(name) && name !== 'set-cookie') headers[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length) headers['set-cookie'] = cookies.join('\n');
    return { status: response.status, headers, body: Buffer.concat(chunks) };
  } catch (e) {
    return { failure: (e as Error).name === 'TimeoutError' ? 'timeout' : 'no-answer' };
  }
}
