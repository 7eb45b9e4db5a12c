import { existsSync } from 'node:fs';
import os from 'node:os';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { FetchwrightError } from '../../errors.ts';

/**
 * Renders API reference pages in headless Chromium (issue 14: docs that are web pages, some drawn by
 * JavaScript), through playwright-core with Debian's browser — Playwright's own browser download is
 * not used. The pages are hostile:
 *
 * - images, media, fonts and styles are not loaded (text is what is read);
 * - every request that leaves the docs' origin (scheme, host and port) is aborted and recorded,
 *   WebSockets too; `data:` and `blob:` stay in the page;
 * - the context carries no credentials, cookies or storage, accepts no download, registers no
 *   service worker and grants no permission;
 * - the browser process gets no environment but PATH and a temporary HOME (no secret of the run);
 * - nothing of fetchwright is exposed to the page (no binding, no function): page scripts cannot
 *   reach it; what comes back is the rendered HTML and its text, as data;
 * - each page has a wall-clock budget (`timeoutMs`) and a size cap (`maxBytes`, of the rendered HTML).
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

  private constructor(browser: Browser, context: BrowserContext) {
    this.browser = browser;
    this.context = context;
  }

  /**
   * Starts the browser. Throws FetchwrightError `browser-missing` (exit 36) when there is none, and
   * the launch error when it will not start.
   */
  static async open(o: PageBrowserOptions = {}): Promise<PageBrowser> {
    const executablePath = browserPath(o);
    const browser = await chromium.launch({ executablePath, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions', '--disable-background-networking', '--disable-sync'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir() } });
    const context = await browser.newContext({ acceptDownloads: false, serviceWorkers: 'block', permissions: [], javaScriptEnabled: true, bypassCSP: false });
    return new PageBrowser(browser, context);
  }

  /**
   * Renders `url` and returns what it shows. Requests to any other origin are aborted (listed in
   * `blocked`). Throws FetchwrightError `unreadable-docs` when the page does not load in time, answers
   * with an error status, or renders larger than `maxBytes`.
   */
  async render(url: string, o: RenderOptions = {}): Promise<RenderedPage> {
    const origin = new URL(url).origin;
    const blocked: string[] = [];
    const page = await this.context.newPage();
    try {
      await page.route('**/*', (route) => {
        const target = route.request().url();
        // Text is what is read: images, media, fonts and styles are never loaded, from any origin.
        if (sameOrigin(target, origin) && UNREAD.has(route.request().resourceType())) return route.abort('blockedbyclient');
        if (sameOrigin(target, origin)) return route.continue();
        if (blocked.length < 100) blocked.push(target.slice(0, 300));
        return route.abort('blockedbyclient');
      });
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
        const why = (e as Error).name === 'TimeoutError' ? `did not load in ${timeout} ms` : /ERR_HTTP_RESPONSE_CODE_FAILURE/.test(first) ? 'answered with an HTTP error status' : `could not be loaded (${first})`;
        throw new FetchwrightError('unreadable-docs', `the page ${url} ${why}`, { hint: 'check the URL serves the reference, or give the pages as files' });
      }
      if (response && response.status() >= 400) throw new FetchwrightError('unreadable-docs', `the page ${url} answered ${response.status()}`, { hint: 'check the URL serves the reference' });
      // Expressions, not functions: nothing of fetchwright's code is sent into the page.
      const html = String(await page.evaluate('document.documentElement.outerHTML'));
      const maxBytes = o.maxBytes ?? 4 * 1024 * 1024;
      if (Buffer.byteLength(html) > maxBytes) throw new FetchwrightError('unreadable-docs', `the page ${url} renders to more than ${maxBytes} bytes`, { hint: 'point at a smaller page of the reference' });
      const text = String(await page.evaluate('document.body ? document.body.innerText : ""'));
      return { url: page.url(), title: (await page.title()).slice(0, 300), html, text, blocked };
    } finally {
      await page.close();
    }
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
  }
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
