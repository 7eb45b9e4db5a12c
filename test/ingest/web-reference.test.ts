import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { chromiumMissing } from '../helpers/chromium.ts';
import { MAILMAN_REST_DOCS, mailmanDocsMissing } from '../helpers/mailman-docs.ts';

/**
 * `fetchwright plan <URL>` on a web reference (issue 14): Debian's Mailman 3 REST pages served from
 * 127.0.0.1, rendered in Chromium and crawled from the users page — within the start page's folder
 * (its links up the tree are never requested), one progress line per page — and planned.
 */

const missing = chromiumMissing() ?? mailmanDocsMissing();
let server: Server;
let base: string;
const requested: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? '');
    const m = /^\/docs\/([a-z-]+)\.html$/.exec(req.url ?? '');
    if (m && !missing) {
      try {
        const html = readFileSync(`${MAILMAN_REST_DOCS}/${m[1]}.html`);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(html);
      } catch {
        // Not a page of the reference.
      }
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe.skipIf(!!missing)(`a web reference read from its URL${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('crawls from the users page within its folder, a line per page, and plans users paged by count and page', async () => {
    const io = captureIo();
    const code = await main(['plan', `${base}/docs/users.html`, '--vendor', 'mailman', '--json'], io, { ...process.env, FETCHWRIGHT_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'fetchwright-web-ref-')) });
    expect(code, io.err()).toBe(0);
    const plan = JSON.parse(io.out()) as { streams: { path: string; kind: string; pagination: { style: string } }[]; auth: { type: string } };
    expect(plan.streams.find((s) => s.path === '/3.0/users')).toMatchObject({ kind: 'human', pagination: { style: 'page' } });
    expect(plan.auth.type).toBe('basic');
    expect(io.err()).toMatch(new RegExp(`^page 1: ${base.replace(/[.]/g, '\\.')}/docs/users\\.html \\(\\d+ ms\\)$`, 'm'));
    expect(io.err()).toMatch(/^page 2: .*\/docs\/[a-z-]+\.html/m);
    // Links up the tree (the index, the search page, the project's README) are outside the reference's folder: never read as pages.
    expect(requested.filter((u) => /\.html(\?|$)/.test(u) && !u.startsWith('/docs/'))).toEqual([]);
    // Styles and images are never loaded: text is what is read.
    expect(requested.filter((u) => /\.(css|png|svg|woff2?)(\?|$)/.test(u))).toEqual([]);
  }, 180_000);

  it('refuses a docs URL that carries credentials (exit 2), before any request', async () => {
    const before = requested.length;
    const io = captureIo();
    const code = await main(['plan', `http://admin:secret@127.0.0.1:${new URL(base).port}/docs/users.html`], io, { ...process.env, FETCHWRIGHT_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'fetchwright-web-ref-')) });
    expect(code).toBe(2);
    expect(io.err()).toMatch(/the docs URL carries a user or password: fetchwright never sends credentials to docs/);
    expect(io.err()).not.toContain('secret');
    expect(requested.length).toBe(before);
  });
});
