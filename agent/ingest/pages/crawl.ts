import { FetchwrightError } from '../../errors.ts';
import { PageBrowser, PageLoadError, type PageBrowserOptions } from './page-browser.ts';
import { pageLinks } from './page-sections.ts';
import type { PageInput } from './pages-model.ts';

/**
 * Reads a web reference from its start URL (issue 14): each page rendered in the browser
 * (page-browser.ts: nothing leaves the docs' origin), then the links it gives followed
 * breadth-first — only on the start URL's origin and under its path prefix (the folder the start
 * page is in), only pages (no images, styles, scripts or archives) — within limits on pages, depth,
 * bytes and time. One progress line per page (`onPage`). A URL that carries a user or password is
 * refused: fetchwright never sends credentials to docs.
 *
 * A page the crawl meant to read is read, or the crawl fails: a plan made from part of a reference
 * may miss the identity lists of the pages left out (and `expand` would regenerate a narrower
 * connector). Only a broken link is skipped, and named: a page that answers 404 Not Found or 410 Gone
 * (RFC 9110 §15.5.5, §15.5.11), or that redirects off the docs' origin (it is not the reference's).
 * Any other failure of a linked page — another error status (a 5xx), no answer in time, no answer,
 * too large — ends the crawl with FetchwrightError `unreadable-docs` (exit 4) naming the page. So
 * does reaching a limit with pages still to read — the pages read (`maxPages`), the crawl's time
 * (`totalTimeoutMs`) or the bytes of all pages (`maxTotalBytes`) — naming the limit, the pages read
 * and those found and not read, and what to do: start deeper in the reference (a folder of its API
 * pages only), or save the pages and give their folder. Links deeper than `maxDepth` are not
 * followed: the depth bounds what the crawl looks for, not what it must read.
 */

export interface CrawlLimits {
  /** Pages read at most (default 60). */
  maxPages: number;
  /** Links followed from the start page at most (default 3). */
  maxDepth: number;
  /** Rendered bytes of one page at most (default 4 MB) and of all pages (default 48 MB). */
  maxPageBytes: number;
  maxTotalBytes: number;
  /** Wall-clock budget of one page and of the whole crawl, ms (defaults 15 s and 3 minutes). */
  pageTimeoutMs: number;
  totalTimeoutMs: number;
}

export const DEFAULT_CRAWL_LIMITS: CrawlLimits = { maxPages: 60, maxDepth: 3, maxPageBytes: 4 * 1024 * 1024, maxTotalBytes: 48 * 1024 * 1024, pageTimeoutMs: 15_000, totalTimeoutMs: 180_000 };

const NOT_A_PAGE = /\.(png|jpe?g|gif|svg|ico|webp|css|js|mjs|map|woff2?|ttf|eot|pdf|zip|gz|tgz|tar|bz2|xz|7z|exe|dmg|mp4|webm|mp3|json|xml|txt)$/i;

/** Whether `input` is a docs URL rather than a path. */
export function isDocsUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

/**
 * The pages under `start` (see the module comment), in the order read. Throws FetchwrightError
 * `usage` for a URL with credentials or another scheme, `browser-missing` without a browser, and
 * `unreadable-docs` when the start page or a page it links to cannot be read (a linked page that
 * answers 404 or 410, or redirects off the origin, is skipped and said on `onPage`), or when the
 * crawl reaches `maxPages`, `totalTimeoutMs` or `maxTotalBytes` with pages still to read.
 */
export async function crawlPages(start: string, o: { limits?: Partial<CrawlLimits>; onPage?: (line: string) => void; browser?: PageBrowserOptions } = {}): Promise<PageInput[]> {
  const limits = { ...DEFAULT_CRAWL_LIMITS, ...o.limits };
  let url: URL;
  try {
    url = new URL(start);
  } catch {
    throw new FetchwrightError('usage', `the docs URL ${start.slice(0, 200)} is not a URL`, { hint: 'give an http:// or https:// URL of the reference, or a file or folder' });
  }
  if (url.username || url.password) throw new FetchwrightError('usage', 'the docs URL carries a user or password: fetchwright never sends credentials to docs', { hint: 'give the public URL of the reference, or download the pages and give their folder' });
  url.hash = '';
  let prefix = `${url.origin}${url.pathname.replace(/[^/]*$/, '')}`;
  const browser = await PageBrowser.open(o.browser ?? {});
  const started = Date.now();
  const pages: PageInput[] = [];
  const seen = new Set<string>([url.toString()]);
  /** The page each queued link was found on. */
  const linkedFrom = new Map<string, string>();
  let queue: string[] = [url.toString()];
  let total = 0;
  try {
    for (let depth = 0; depth <= limits.maxDepth && queue.length; depth++) {
      const next: string[] = [];
      for (const [i, at] of queue.entries()) {
        /** Pages found and not read yet: the rest of this level and what the next level holds so far. */
        const queued = () => queue.length - i + next.length;
        if (pages.length >= limits.maxPages) throw crawlLimitHit(url.toString(), `${limits.maxPages} pages (the crawl's limit)`, pages.length, queued());
        if (Date.now() - started > limits.totalTimeoutMs) throw crawlLimitHit(url.toString(), `${limits.totalTimeoutMs / 1000} s (the crawl's limit)`, pages.length, queued());
        const t0 = Date.now();
        let page;
        try {
          page = await browser.render(at, { timeoutMs: limits.pageTimeoutMs, maxBytes: limits.maxPageBytes });
        } catch (e) {
          if (!pages.length) throw e;
          const from = linkedFrom.get(at) ?? url.toString();
          if (brokenLink(e)) {
            o.onPage?.(`page ${pages.length + 1}: ${at} skipped, a broken link on ${from} (${e.failure === 'status' ? `answered ${e.status}` : 'redirected off the docs\' origin'})`);
            continue;
          }
          throw linkedPageFailed(at, from, e);
        }
        total += Buffer.byteLength(page.html);
        if (total > limits.maxTotalBytes) throw crawlLimitHit(url.toString(), `${limits.maxTotalBytes % 1048576 ? `${limits.maxTotalBytes} bytes` : `${limits.maxTotalBytes / 1048576} MB`} of pages (the crawl's limit)`, pages.length, queued());
        const landed = page.url.split('#')[0]!;
        // Redirected (on the docs' origin): the page is read once, where it is; the start page's folder is where it landed (`/docs` → `/docs/`), never wider.
        if (landed !== at) {
          if (pages.some((p) => p.source === landed)) continue;
          seen.add(landed);
          const folder = `${new URL(landed).origin}${new URL(landed).pathname.replace(/[^/]*$/, '')}`;
          if (!pages.length && folder.startsWith(prefix)) prefix = folder;
        }
        pages.push({ source: landed, html: page.html });
        o.onPage?.(`page ${pages.length}: ${at} (${Date.now() - t0} ms${page.blocked.length ? `, ${page.blocked.length} requests to other origins blocked: ${blockedOrigins(page.blocked)}` : ''})`);
        for (const link of pageLinks(page.html, page.url)) {
          if (!link.startsWith(prefix) || NOT_A_PAGE.test(new URL(link).pathname) || seen.has(link)) continue;
          seen.add(link);
          linkedFrom.set(link, page.url.split('#')[0]!);
          next.push(link);
        }
      }
      queue = next;
    }
    return pages;
  } finally {
    await browser.close();
  }
}

/** Whether a linked page's failure is a broken link of the reference (404, 410, a redirect off the origin): skipped, not fatal. */
function brokenLink(e: unknown): e is PageLoadError {
  return e instanceof PageLoadError && ((e.failure === 'status' && (e.status === 404 || e.status === 410)) || e.failure === 'redirected-away');
}

/** The error that ends a crawl when a page it meant to read (`at`, linked from `from`) could not be read. */
/**
 * The error that ends a crawl that reached one of its limits (`limit`, said as `50 pages (the
 * crawl's limit)`) with pages of the reference still to read: `read` pages read, `queued` found
 * and not read.
 */
function crawlLimitHit(start: string, limit: string, read: number, queued: number): FetchwrightError {
  return new FetchwrightError('unreadable-docs', `the crawl of ${start} reached ${limit} with ${read} page${read === 1 ? '' : 's'} read and ${queued} more found: fetchwright does not plan from part of a reference`, {
    hint: 'give a start URL deeper in the reference, whose folder holds only its API pages, or save the pages and give their folder',
  });
}

function linkedPageFailed(at: string, from: string, e: unknown): FetchwrightError {
  const why = e instanceof PageLoadError ? e.message.replace(/^the page \S+ /, '') : `could not be read (${String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 200)})`;
  return new FetchwrightError('unreadable-docs', `the page ${at} (linked from ${from}) ${why}: fetchwright does not plan from part of a reference`, {
    hint: 'try again (a 5xx or a timeout may pass); if the page keeps failing, give a start URL whose folder holds only pages that load, or save the pages and give their folder',
  });
}

/**
 * The origins a page's blocked requests were for, most tried first, with how many each
 * (`http://127.0.0.1:4711 (12), ws://127.0.0.1:4711 (1)`): at most five, then `+N more`. The paths
 * are left out (a hostile page chooses them); a redirect's entry counts for the origin it led to.
 */
export function blockedOrigins(blocked: string[]): string {
  const counts = new Map<string, number>();
  for (const entry of blocked) {
    const url = entry.split(' ')[0]!;
    const origin = URL.parse(url)?.origin;
    const key = (origin && origin !== 'null' ? origin : url.slice(0, 60)).replace(/[^\x21-\x7e]/g, '?');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, 5).map(([origin, n]) => `${origin} (${n})`).join(', ');
  return sorted.length > 5 ? `${shown}, +${sorted.length - 5} more` : shown;
}
