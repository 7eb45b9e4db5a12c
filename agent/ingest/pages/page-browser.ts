import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { FetchwrightError } from '../../errors.ts';

/**
 * Renders API reference pages in headless Chromium (issue 14: docs that are web pages, some drawn by
 * JavaScript), through playwright-core with Debian's browser — Playwright's own browser download is
 * not used. The pages are hostile:
 *
 * - images, media, fonts and styles are not loaded (text is what is read);
 * - every request that leaves the docs' origin (scheme, host and port) is aborted and recorded, as
 *   is every request but GET, HEAD and OPTIONS to the docs' origin (a page's script sends no write);
 *   WebSockets too; `data:` and `blob:` stay in the page. A popup's requests meet a deny-all route of
 *   the context. A same-origin request is sent by fetchwright itself, redirects not followed, so a
 *   redirect to another origin is caught too (Playwright never routes a redirect's hops). A page's
 *   same-origin requests share one byte budget, four times `maxBytes` (the page fails past it), and
 *   at most six are in flight (the others wait): a page that asks its origin for a lot in parallel
 *   cannot fill fetchwright's memory. A blocked navigation (form, link, `location`, meta refresh) is
 *   aborted without an error page: the reference stays on screen;
 * - the context carries no credentials, cookies or storage (a `Set-Cookie` is not handed to the
 *   browser and a `Cookie` header is never sent), accepts no download, registers no
 *   service worker and grants no permission;
 * - the browser process gets no environment but PATH and a temporary HOME (no secret of the run);
 * - nothing of fetchwright is exposed to the page (no function of its own): page scripts cannot
 *   reach it — only Playwright's bindings for WebSocket routing are in the page, and the route they
 *   reach closes the socket; what comes back is the rendered HTML and its text, as data;
 * - each page has one wall-clock deadline (`timeoutMs`) for everything — navigation, each redirect
 *   hop, its scripts' requests, reading it (a script that never yields cannot hold it) — and a size
 *   cap (`maxBytes`, of the rendered HTML). It is read once loaded and its network is idle, or after
 *   at most 3 s more (a page that keeps polling its origin is read as drawn then).
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
  /** Wall-clock deadline of one page — navigation, redirect hops, its requests, reading it — ms (default 15,000). */
  timeoutMs?: number;
  /** The most rendered HTML kept, bytes (default 4 MB): a larger page is refused, as is one whose same-origin requests fetch more than four times this in all. */
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

/** Marks (at most 50,000) elements the page does not render — `display: none`, `visibility: hidden` — `data-fw-unseen`. */
const MARK_UNSEEN = `(() => { try { const all = document.body ? document.body.getElementsByTagName('*') : []; for (let i = 0; i < all.length && i < 50000; i++) { const s = getComputedStyle(all[i]); if (s.display === 'none' || s.visibility === 'hidden') all[i].setAttribute('data-fw-unseen', ''); } } catch (e) {} return 0; })()`;

/** Same-origin redirects followed for one request (browsers allow about 20). */
const MAX_REDIRECTS = 10;
/** Same-origin requests of one page fetched at once (browsers open about six connections per host). */
const MAX_IN_FLIGHT = 6;
/** How long, at most, the requests a page's scripts make after `load` are waited for, ms. */
const NETWORK_IDLE_WAIT_MS = 3_000;
/** How long a page, then its context, is given to close, ms. */
const CLOSE_WAIT_MS = 3_000;
const LOAD_HINT = 'check the URL serves the reference, or give the pages as files';

/** One page being rendered: its deadline (epoch ms), the bytes its same-origin requests may still fetch, what ends its requests, and how it fails at once. */
interface PageJob {
  url: string;
  origin: string;
  deadline: number;
  timeoutMs: number;
  maxBytes: number;
  budget: number;
  stop: AbortController;
  blocked: string[];
  fail: (e: PageLoadError) => void;
}

/** Whether `work` settles within `ms`. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A page that could not be read (FetchwrightError `unreadable-docs`, exit 4), with what the crawl
 * decides on: `failure`, and the HTTP `status` the page answered when it answered one.
 */
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
  private context!: BrowserContext;
  /** Why no page can be rendered any more (the browser was closed after a page that would not close), if so. */
  private broken: string | undefined;
  private readonly sink: Server;
  /** The `blocked` list of the page being rendered: where requests of its popups and workers are named. */
  private blocked: string[] | undefined;

  private constructor(browser: Browser, sink: Server) {
    this.browser = browser;
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
    try {
      browser = await chromium.launch({ executablePath, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions', '--disable-background-networking', '--disable-sync', ...isolationArgs((sink.address() as { port: number }).port)], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir() } });
      const opened = new PageBrowser(browser, sink);
      opened.context = await opened.newContext();
      return opened;
    } catch (e) {
      await browser?.close().catch(() => undefined);
      sink.close();
      throw e;
    }
  }

  /** A browser context that carries nothing and lets nothing out (see the module comment). */
  private async newContext(): Promise<BrowserContext> {
    const context = await this.browser.newContext({ acceptDownloads: false, serviceWorkers: 'block', permissions: [], javaScriptEnabled: true, bypassCSP: false });
    // Deny-all under each page's own route (a page's route comes first): what no rendered page routes — a popup's requests — never leaves.
    await context.route('**/*', (route) => {
      if (this.blocked && this.blocked.length < 100) this.blocked.push(route.request().url().slice(0, 300));
      return route.abort('aborted');
    });
    await context.routeWebSocket(() => true, (ws) => {
      if (this.blocked && this.blocked.length < 100) this.blocked.push(ws.url().slice(0, 300));
      return ws.close({ code: 1008, reason: 'fetchwright reads docs only' });
    });
    return context;
  }

  /**
   * Renders `url` and returns what it shows. Requests to any other origin are aborted (listed in
   * `blocked`). One deadline (`timeoutMs`) covers the whole page: its navigation and every
   * same-origin redirect hop, the wait for its scripts' requests, and every read of the rendered page
   * (a script that never yields included); when it passes, the page is closed (its browser context
   * too, and a fresh one opened, when a busy renderer keeps the page from closing). The page's
   * same-origin requests share one byte budget (4 × `maxBytes`, the document included), at most
   * six in flight (the rest wait). Throws PageLoadError (FetchwrightError `unreadable-docs`) when the
   * deadline passes (`timeout`), the page gets no answer, answers with an error status (its `status`
   * said), redirects off the docs' origin, fetches more than its budget or renders larger than
   * `maxBytes` (`too-large`).
   */
  async render(url: string, o: RenderOptions = {}): Promise<RenderedPage> {
    if (this.broken) throw new PageLoadError(url, 'no-answer', undefined, `the page ${url} was not rendered: ${this.broken}`, LOAD_HINT);
    const timeoutMs = o.timeoutMs ?? 15_000;
    const maxBytes = o.maxBytes ?? 4 * 1024 * 1024;
    let fail!: (e: PageLoadError) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    const job: PageJob = { url, origin: new URL(url).origin, deadline: Date.now() + timeoutMs, timeoutMs, maxBytes, budget: 4 * maxBytes, stop: new AbortController(), blocked: [], fail: (e) => fail(e) };
    const timer = setTimeout(() => fail(new PageLoadError(url, 'timeout', undefined, `the page ${url} did not load in ${timeoutMs} ms`, LOAD_HINT)), timeoutMs);
    const opening = this.context.newPage();
    try {
      return await Promise.race([opening.then((page) => this.load(page, job)), failed]);
    } finally {
      clearTimeout(timer);
      job.stop.abort();
      this.blocked = undefined;
      await this.closePage(opening);
    }
  }

  /** Navigates `page` to the job's URL and reads it (see `render`); the deadline is `render`'s. */
  private async load(page: Page, job: PageJob): Promise<RenderedPage> {
    const { url, origin, blocked } = job;
    /** What the page's own document (the main frame's navigation) was answered: its last status, or why it had none. */
    const landing: { status?: number; failure?: PageFailure; redirectedTo?: string } = {};
    const isDocument = (request: Request) => {
      try {
        return request.isNavigationRequest() && request.frame() === page.mainFrame();
      } catch {
        return false;
      }
    };
    const left = () => Math.max(1, job.deadline - Date.now());
    // At most MAX_IN_FLIGHT same-origin requests fetched at once; the others wait their turn.
    let inFlight = 0;
    const waiting: (() => void)[] = [];
    job.stop.signal.addEventListener('abort', () => waiting.splice(0).forEach((go) => go()));
    const acquire = async () => {
      while (inFlight >= MAX_IN_FLIGHT && !job.stop.signal.aborted) await new Promise<void>((go) => waiting.push(go));
      inFlight++;
    };
    const release = () => {
      inFlight--;
      waiting.shift()?.();
    };
    await page.route('**/*', async (route) => {
      const target = route.request().url();
      // Text is what is read: images, media, fonts and styles are never loaded, from any origin.
      if (sameOrigin(target, origin) && UNREAD.has(route.request().resourceType())) return route.abort('blockedbyclient').catch(() => undefined);
      if (!sameOrigin(target, origin)) {
        if (blocked.length < 100) blocked.push(target.slice(0, 300));
        // `aborted`: a blocked navigation (a form, a link, `location`, a meta refresh) leaves the reference on screen, not an error page.
        return route.abort('aborted').catch(() => undefined);
      }
      if (!/^https?:/.test(target)) return route.continue().catch(() => undefined);
      // fetchwright reads docs: a page's script never makes it send a write, even to the docs' own origin.
      if (!/^(GET|HEAD|OPTIONS)$/i.test(route.request().method())) {
        if (blocked.length < 100) blocked.push(`${target.slice(0, 300)} (a ${route.request().method().slice(0, 10)}: not sent)`);
        return route.abort('aborted').catch(() => undefined);
      }
      // Fetched here, redirects not followed by fetch, the body counted against the page's budget, then
      // answered as is. A redirect's next hop would leave through Chromium's own network (Playwright
      // never routes the hops of a request it answered), which has none: a same-origin hop is followed
      // here instead — the page's own document by navigating to it (its links then resolve against
      // where it is), anything else by fetching it (10 hops at most) — and a hop to another origin is
      // blocked and named.
      const main = isDocument(route.request());
      let answer: Fetched;
      let at = target;
      await acquire();
      try {
        if (job.stop.signal.aborted) return await route.abort('aborted').catch(() => undefined);
        answer = await fetchCapped(route.request(), job);
        for (let hop = 0; !main && hop < MAX_REDIRECTS && 'status' in answer && answer.status >= 300 && answer.status < 400 && answer.headers['location']; hop++) {
          const hopTo = URL.parse(answer.headers['location'], at)?.href;
          if (!hopTo || !sameOrigin(hopTo, origin)) break;
          at = hopTo;
          answer = await fetchCapped(route.request(), job, hopTo);
        }
      } finally {
        release();
      }
      if (!('status' in answer)) {
        if (main) landing.failure = answer.failure;
        if (answer.failure === 'too-large') job.fail(new PageLoadError(url, 'too-large', undefined, `the page ${url} fetches more than ${4 * job.maxBytes} bytes from the docs' origin (the page and its requests together)`, 'point at a smaller page of the reference'));
        return route.abort('failed').catch(() => undefined);
      }
      if (main) landing.status = answer.status;
      const location = answer.status >= 300 && answer.status < 400 ? answer.headers['location'] : undefined;
      const next = location ? URL.parse(location, at)?.href : undefined;
      if (location && (!next || !sameOrigin(next, origin))) {
        if (blocked.length < 100) blocked.push(`${(next ?? location).slice(0, 300)} (redirected from ${at.slice(0, 300)})`);
        if (main) landing.failure = 'redirected-away';
        return route.abort('aborted').catch(() => undefined);
      }
      if (location && main) {
        landing.redirectedTo = next;
        return route.abort('aborted').catch(() => undefined);
      }
      // A subresource still redirecting after the hops followed: not answered.
      if (location) return route.abort('failed').catch(() => undefined);
      return route.fulfill(answer).catch(() => undefined);
    });
    // A popup (window.open, target=_blank) is a page of its own: closed at once; its requests meet the context's deny-all route.
    page.on('popup', (popup) => void popup.close().catch(() => undefined));
    this.blocked = blocked;
    await page.routeWebSocket(() => true, (ws) => {
      if (blocked.length < 100) blocked.push(ws.url().slice(0, 300));
      return ws.close({ code: 1008, reason: 'fetchwright reads docs only' });
    });
    let response;
    let goingTo = url;
    for (let hop = 0; ; hop++) {
      landing.redirectedTo = undefined;
      try {
        // `load`, not `networkidle`: a page that keeps asking its origin for more never goes idle.
        response = await page.goto(goingTo, { waitUntil: 'load', timeout: left() });
      } catch (e) {
        // A same-origin redirect of the page itself: navigated to where it leads (10 hops at most), within the same deadline.
        if (landing.redirectedTo && hop < MAX_REDIRECTS) {
          goingTo = landing.redirectedTo;
          landing.status = undefined;
          continue;
        }
        if (landing.redirectedTo) throw new PageLoadError(url, 'no-answer', undefined, `the page ${url} redirects more than ${MAX_REDIRECTS} times`, 'check the URL serves the reference');
        const first = (e as Error).message.split('\n')[0]!.slice(0, 200);
        if ((e as Error).name === 'TimeoutError' || landing.failure === 'timeout') throw new PageLoadError(url, 'timeout', undefined, `the page ${url} did not load in ${job.timeoutMs} ms`, LOAD_HINT);
        if (landing.status !== undefined && landing.status >= 400) throw new PageLoadError(url, 'status', landing.status, `the page ${url} answered ${landing.status}`, 'check the URL serves the reference');
        if (/ERR_HTTP_RESPONSE_CODE_FAILURE/.test(first)) throw new PageLoadError(url, 'status', undefined, `the page ${url} answered with an HTTP error status`, LOAD_HINT);
        if (landing.failure === 'too-large') throw new PageLoadError(url, 'too-large', undefined, `the page ${url} fetches more than ${4 * job.maxBytes} bytes from the docs' origin (the page and its requests together)`, 'point at a smaller page of the reference');
        throw new PageLoadError(url, landing.failure ?? 'no-answer', undefined, `the page ${url} could not be loaded (${first})`, LOAD_HINT);
      }
      break;
    }
    if (response && response.status() >= 400) throw new PageLoadError(url, 'status', response.status(), `the page ${url} answered ${response.status()}`, 'check the URL serves the reference');
    // What the page's scripts fetch after `load` (a reference drawn from JSON) is waited for until the
    // network is idle (500 ms without a request), at most NETWORK_IDLE_WAIT_MS: a page that keeps
    // polling its origin is read as it is drawn then.
    await page.waitForLoadState('networkidle', { timeout: Math.min(NETWORK_IDLE_WAIT_MS, left()) }).catch(() => undefined);
    // Expressions, not functions: nothing of fetchwright's code is sent into the page.
    // What the page does not render is marked, so its prose is not read as the docs' word (page-sections.ts: `unseen`).
    await page.evaluate(MARK_UNSEEN).catch(() => undefined);
    const html = String(await page.evaluate('document.documentElement.outerHTML'));
    if (Buffer.byteLength(html) > job.maxBytes) throw new PageLoadError(url, 'too-large', undefined, `the page ${url} renders to more than ${job.maxBytes} bytes`, 'point at a smaller page of the reference');
    const text = String(await page.evaluate('document.body ? document.body.innerText : ""'));
    return { url: page.url(), title: (await page.title()).slice(0, 300), html, text, blocked };
  }

  /**
   * Closes a rendered page. A renderer that never yields (a script spinning forever) may keep it
   * from closing: then its context is closed instead and a fresh one takes its place, and when even
   * that does not end in time, the browser is closed (the next `render` fails).
   */
  private async closePage(opening: Promise<Page>): Promise<void> {
    const closed = opening.then((page) => page.close({ runBeforeUnload: false })).then(() => true, () => true);
    if (await within(closed, CLOSE_WAIT_MS)) return;
    const stuck = this.context;
    const fresh = (async () => {
      await stuck.close();
      this.context = await this.newContext();
    })();
    if (await within(fresh.catch(() => undefined), CLOSE_WAIT_MS) && this.context !== stuck) return;
    this.broken = 'a page before it would not close, and the browser was closed';
    await within(this.browser.close(), CLOSE_WAIT_MS);
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

/** Request headers the fetch below sets itself, that only describe a hop, or that would carry a cookie (never sent to docs). */
const HOP_HEADERS = new Set(['cookie', 'host', 'connection', 'content-length', 'accept-encoding', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-connection']);
/** Response headers that describe the bytes on the wire, not the decoded body handed to the browser. */
const WIRE_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/** A same-origin request's answer, or why there is none. */
type Fetched = { status: number; headers: Record<string, string>; body: Buffer } | { failure: PageFailure };

/**
 * A same-origin read of the page (GET, HEAD, OPTIONS), sent from here (Node's fetch) with the
 * browser's method and headers (no `Cookie`): redirects are not followed (a 3xx comes back as is, `location` and all), the
 * body is counted against the page's byte budget (`job.budget`, shared by all its requests: past it
 * there is no answer) and read before the page's deadline, or until the page is done (`job.stop`).
 * The answer carries no `Set-Cookie`: the browser keeps no cookie (RFC 6265 §4.1), so a page's
 * script reads none and none is sent back. When there is no answer, why: `too-large`, `timeout` or
 * `no-answer`. Never throws.
 */
async function fetchCapped(request: Request, job: Pick<PageJob, 'deadline' | 'stop' | 'budget'>, hopTo?: string): Promise<Fetched> {
  try {
    const sent: Record<string, string> = {};
    for (const [name, value] of Object.entries(await request.allHeaders())) if (!name.startsWith(':') && !HOP_HEADERS.has(name.toLowerCase())) sent[name] = value;
    // Only reads reach here (GET, HEAD, OPTIONS: no body); a redirect's next hop (`hopTo`) is a GET, as browsers send one.
    const method = hopTo ? (request.method() === 'HEAD' ? 'HEAD' : 'GET') : request.method();
    const signal = AbortSignal.any([job.stop.signal, AbortSignal.timeout(Math.max(1, job.deadline - Date.now()))]);
    const response = await fetch(hopTo ?? request.url(), { method, headers: sent, redirect: 'manual', signal });
    const chunks: Buffer[] = [];
    if (response.body) {
      for await (const chunk of response.body) {
        job.budget -= (chunk as Uint8Array).byteLength;
        if (job.budget < 0) {
          await response.body.cancel().catch(() => undefined);
          return { failure: 'too-large' };
        }
        chunks.push(Buffer.from(chunk as Uint8Array));
      }
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!WIRE_HEADERS.has(name) && name !== 'set-cookie' && name !== 'set-cookie2') headers[name] = value;
    });
    return { status: response.status, headers, body: Buffer.concat(chunks) };
  } catch (e) {
    return { failure: (e as Error).name === 'TimeoutError' ? 'timeout' : 'no-answer' };
  }
}
