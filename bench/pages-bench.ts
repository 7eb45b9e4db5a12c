import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PageBrowser } from '../agent/ingest/pages/page-browser.ts';
import { pageSections } from '../agent/ingest/pages/page-sections.ts';
import { requestSamples } from '../agent/ingest/pages/request-samples.ts';
import { crawlPages } from '../agent/ingest/pages/crawl.ts';
import { modelFromPages } from '../agent/ingest/pages/pages-model.ts';

/**
 * Issue 14's figures: the browser's start-up cost, and per page the time to render it in Chromium
 * (served from 127.0.0.1) and to extract its sections and request samples — on Debian's Mailman 3
 * REST pages (mailman3-doc). Undefined when the pages or the browser are missing.
 */

export const MAILMAN_REST_DOCS = '/usr/share/doc/mailman3/html/src/mailman/rest/docs';

export interface PageFigures {
  browser_startup_ms: number;
  /** `plan <URL>`'s crawl from rest.html: pages read, wall time (its own browser start-up included), and the ingest into an ApiModel after it. */
  crawl: { pages: number; ms: number; model_ms: number; operations: number };
  pages: { page: string; kb: number; render_ms: number; extract_ms: number; requests: number }[];
}

export async function benchPages(): Promise<PageFigures | undefined> {
  if (!existsSync(MAILMAN_REST_DOCS) || !existsSync(process.env.FETCHWRIGHT_CHROMIUM ?? '/usr/bin/chromium')) return undefined;
  const names = readdirSync(MAILMAN_REST_DOCS).filter((n) => n.endsWith('.html')).sort();
  const serve = () => createServer((req, res) => {
    const name = (req.url ?? '').replace(/^\//, '');
    if (!names.includes(name)) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(readFileSync(`${MAILMAN_REST_DOCS}/${name}`));
  });
  const server = serve();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t0 = performance.now();
  const browser = await PageBrowser.open();
  const startup = performance.now() - t0;
  const pages: PageFigures['pages'] = [];
  try {
    for (const name of names) {
      const r0 = performance.now();
      const page = await browser.render(`${base}/${name}`);
      const r1 = performance.now();
      const sections = pageSections(page.html);
      const requests = sections.reduce((n, s) => n + s.code.reduce((m, c) => m + requestSamples(c).length, 0), 0);
      pages.push({ page: name, kb: Math.round(Buffer.byteLength(page.html) / 1024), render_ms: Math.round(r1 - r0), extract_ms: Math.round(performance.now() - r1), requests });
    }
  } finally {
    await browser.close();
    server.close();
  }
  // The crawl as `plan <URL>` runs it, from the reference's start page, then the pages made one ApiModel.
  const server2 = serve();
  await new Promise<void>((resolve) => server2.listen(0, '127.0.0.1', resolve));
  try {
    const c0 = performance.now();
    const read = await crawlPages(`http://127.0.0.1:${(server2.address() as AddressInfo).port}/rest.html`);
    const c1 = performance.now();
    const model = modelFromPages(read);
    const crawl = { pages: read.length, ms: Math.round(c1 - c0), model_ms: Math.round(performance.now() - c1), operations: model.operations.length };
    return { browser_startup_ms: Math.round(startup), pages, crawl };
  } finally {
    server2.close();
  }
}
