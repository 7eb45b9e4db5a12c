import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import type { CoverageSummary } from '../../agent/expand/coverage-summary.ts';
import { chromiumMissing } from '../helpers/chromium.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';
import { fetchwright } from './expand-cli.ts';

/**
 * expand and drift on a web reference given by its URL (issue 14): a catalogue entry's `docs:` is
 * the start page of two pages served from 127.0.0.1. The first run generates; the same pages again
 * are skipped (their bytes are in the key, read by the job's crawl); one byte changed on the second
 * page is planned again (kept: nothing the connector reads changed); `drift --docs <URL>` finds
 * nothing breaking on the same pages and a breaking change once the users endpoint is gone; a site
 * that is down is the vendor's failure naming the URL, its connector still covering it.
 */

const missing = chromiumMissing();
const STATIC = readFileSync(path.join(REPO_ROOT, 'test/fixtures/web-reference/static-reference.html'), 'utf8');
/** The reference page, linking a second page of the same folder. */
const REFERENCE = STATIC.replace('</body>', '<p>See also the <a href="notes.html">release notes</a>.</p>\n</body>');
/** The reference without its users endpoint: the table's rows and the section about it. */
const WITHOUT_USERS = REFERENCE.split('\n').filter((l) => !l.includes('/v1/users')).join('\n').replace(/<p>Returns the users[^<]*<\/p>\n<table>[\s\S]*?<\/table>\n<pre>\{"users"[^\n]*<\/pre>\n/, '');

const pages = new Map<string, string>();
let server: Server;
let base: string;
const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-expand-web-'));
const state = path.join(root, 'state');
const expandState = path.join(state, 'expand');
const out = path.join(root, 'connectors');
const catalogue = path.join(root, 'vendors.yaml');

const run = (env: Record<string, string> = {}) => fetchwright(['expand', '--catalog', catalogue, '--state', expandState, '--out', out, '--json'], { state, env: { CI: 'true', ...env } });
const vendorOf = (stdout: string) => (JSON.parse(stdout) as CoverageSummary).vendors[0]!;

beforeAll(async () => {
  pages.set('/docs/reference.html', REFERENCE);
  pages.set('/docs/notes.html', '<!doctype html><html><head><title>Release notes</title></head><body><h1>Release notes</h1><p>Version 1.0: the directory API.</p></body></html>');
  pages.set('/v2/reference.html', WITHOUT_USERS);
  server = createServer((req, res) => {
    const page = pages.get(req.url ?? '');
    if (page === undefined) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(catalogue, `vendors:\n  - vendor: acme\n    docs: ${base}/docs/reference.html\n    owner: "@acme/identity"\n`);
});
afterAll(() => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())));

describe.skipIf(!!missing)(`expand and drift on a web reference's URL${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('generates from the crawled pages, then skips the same pages, and plans again when one page changed by a byte', async () => {
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    expect(vendorOf(first.stdout)).toMatchObject({ vendor: 'acme', outcome: 'generated', covered: true, streams: 2 });
    // The state keeps each page by URL with its hash: nothing is ever stat'ed as a path.
    const st = JSON.parse(readFileSync(path.join(expandState, 'vendors', 'acme.json'), 'utf8')) as { docs_files: { file: string }[] };
    expect(st.docs_files.map((f) => f.file)).toEqual([`${base}/docs/notes.html`, `${base}/docs/reference.html`]);

    const again = await run();
    expect(again.code, again.stderr).toBe(0);
    expect(vendorOf(again.stdout)).toMatchObject({ outcome: 'skipped', covered: true });

    // One byte of the second page: not the last success's pages, so planned again; nothing the connector reads changed.
    pages.set('/docs/notes.html', pages.get('/docs/notes.html')!.replace('1.0', '1.1'));
    const changed = await run();
    expect(changed.code, changed.stderr).toBe(0);
    expect(vendorOf(changed.stdout)).toMatchObject({ outcome: 'kept', covered: true });
    const after = await run();
    expect(vendorOf(after.stdout)).toMatchObject({ outcome: 'skipped' });
  }, 240_000);

  it('drift --docs <URL>: nothing breaking on the same pages, breaking once the users endpoint is gone', async () => {
    const env = { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'drift-state') };
    const same = captureIo();
    expect(await main(['drift', path.join(out, 'acme'), '--docs', `${base}/docs/reference.html`, '--json'], same, env), same.err()).toBe(0);
    expect((JSON.parse(same.out()) as { counts: { breaking: number } }).counts.breaking).toBe(0);
    expect(same.err()).toMatch(/^page 1: http:\/\/127\.0\.0\.1:\d+\/docs\/reference\.html/m);

    const gone = captureIo();
    expect(await main(['drift', path.join(out, 'acme'), '--docs', `${base}/v2/reference.html`, '--json'], gone, env), gone.err()).toBe(1);
    const report = JSON.parse(gone.out()) as { findings: { level: string; operation: string }[] };
    expect(report.findings.filter((f) => f.level === 'breaking').map((f) => f.operation).join(' ')).toMatch(/\/v1\/users/);
  }, 120_000);

  it('a docs site that is down is the vendor\'s failure naming the URL; the connector made before still covers it', async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    const r = await run();
    const v = vendorOf(r.stdout);
    expect(v).toMatchObject({ outcome: 'failed', covered: true, connector_dir: path.join(out, 'acme') });
    expect(v.cause).toContain(`${base}/docs/reference.html`);
    expect(v.cause).not.toMatch(/\n/);
    expect(v.retry_at).not.toBeNull();
  }, 120_000);
});

describe('expand on a docs URL without a browser', () => {
  it('is the vendor\'s failure naming the fix (exit 36), in the worker, before any request', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-expand-web-nobrowser-'));
    const file = path.join(dir, 'vendors.yaml');
    // Port 9 on loopback (discard): never reached, the browser is missing first.
    writeFileSync(file, 'vendors:\n  - { vendor: acme, docs: "http://127.0.0.1:9/docs/reference.html", owner: "@acme/identity" }\n');
    const r = await fetchwright(['expand', '--catalog', file, '--state', path.join(dir, 'state', 'expand'), '--out', path.join(dir, 'connectors'), '--json'], { state: path.join(dir, 'state'), env: { CI: 'true', FETCHWRIGHT_CHROMIUM: path.join(dir, 'no-chromium') } });
    const v = vendorOf(r.stdout);
    expect(v).toMatchObject({ outcome: 'failed', covered: false, exit_code: 36 });
    expect(v.cause).toMatch(/there is none at .*no-chromium \(install Debian's browser \(sudo apt-get install -y chromium\), or set FETCHWRIGHT_CHROMIUM/);
  }, 60_000);
});
