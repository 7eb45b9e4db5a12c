import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CatalogueEntry } from './catalogue.ts';
import { tryLock, waitLock } from './file-lock.ts';
import { docsBytesSha256, filesUnchanged, PAGES_NOT_READ, vendorInputs, withCrawledPages } from './inputs-key.ts';
import { emptyState, readVendorState, retryDelayMs, stateFile, writeVendorState } from './vendor-state.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fetchwright-expand-state-'));

function entry(docsPath: string, over: Partial<CatalogueEntry> = {}): CatalogueEntry {
  return { index: 0, vendor: 'acme', docs: docsPath, docsPath, owner: '@acme/identity', priority: 0, tenant: {}, skip_streams: [], ...over };
}

describe('the idempotency key of a vendor', () => {
  it('changes with one byte of the docs, a file added to a docs folder, the streams to skip, the tenant values and the seed — and only with them', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'openapi.yaml'), 'openapi: 3.0.0\n');
    const run = { seed: 1, maxAttempts: 3 };
    const k = vendorInputs(entry(dir), run).key;
    expect(vendorInputs(entry(dir), run).key).toBe(k);
    // Priority and owner do not change the connector: same key.
    expect(vendorInputs(entry(dir, { priority: 9, owner: '@other' }), run).key).toBe(k);
    writeFileSync(path.join(dir, 'openapi.yaml'), 'openapi: 3.0.1\n');
    const k2 = vendorInputs(entry(dir), run).key;
    expect(k2).not.toBe(k);
    writeFileSync(path.join(dir, 'users.md'), '# Users\n');
    const k3 = vendorInputs(entry(dir), run).key;
    expect(k3).not.toBe(k2);
    expect(vendorInputs(entry(dir, { skip_streams: ['groups'] }), run).key).not.toBe(k3);
    expect(vendorInputs(entry(dir, { tenant: { org: 'acme' } }), run).key).not.toBe(k3);
    expect(vendorInputs(entry(dir), { ...run, seed: 2 }).key).not.toBe(k3);
  });

  it('for a docs URL: reads nothing before the crawl, then covers every crawled page\'s URL and bytes, whatever their order', () => {
    const url = 'http://127.0.0.1:9/docs/reference.html';
    const run = { seed: 1, maxAttempts: 3 };
    const before = vendorInputs(entry(url), run);
    expect(before.inputs.docs_bytes_sha256).toBe(PAGES_NOT_READ);
    const page = (file: string, c: string) => ({ file: `http://127.0.0.1:9/docs/${file}`, sha256: c.repeat(64) });
    const done = withCrawledPages(before.inputs, [page('reference.html', 'a'), page('notes.html', 'b')]);
    expect(done.key).not.toBe(before.key);
    expect(withCrawledPages(before.inputs, [page('notes.html', 'b'), page('reference.html', 'a')]).key).toBe(done.key);
    expect(withCrawledPages(before.inputs, [page('reference.html', 'a'), page('notes.html', 'c')]).key).not.toBe(done.key);
    expect(withCrawledPages(before.inputs, [page('reference.html', 'a')]).key).not.toBe(done.key);
    expect(withCrawledPages(before.inputs, [page('reference.html', 'a'), page('other.html', 'b')]).key).not.toBe(done.key);
    // Another URL is another input, pages alike.
    expect(withCrawledPages(vendorInputs(entry('http://127.0.0.1:9/v2/reference.html'), run).inputs, [page('reference.html', 'a'), page('notes.html', 'b')]).key).not.toBe(done.key);
    // Pages are never stat'ed as paths.
    expect(filesUnchanged([page('reference.html', 'a')])).toBe(true);
  });

  it('hashes a folder by names and bytes, not by how it was walked, and follows no link out of it', () => {
    const a = tmp();
    const b = tmp();
    mkdirSync(path.join(a, 'paths'));
    mkdirSync(path.join(b, 'paths'));
    writeFileSync(path.join(a, 'paths', 'users.yaml'), 'x: 1\n');
    writeFileSync(path.join(a, 'root.yaml'), 'y: 2\n');
    writeFileSync(path.join(b, 'root.yaml'), 'y: 2\n');
    writeFileSync(path.join(b, 'paths', 'users.yaml'), 'x: 1\n');
    expect(docsBytesSha256(a)).toBe(docsBytesSha256(b));
    const outside = tmp();
    writeFileSync(path.join(outside, 'secret.yaml'), 'z: 3\n');
    symlinkSync(path.join(outside, 'secret.yaml'), path.join(b, 'link.yaml'));
    expect(docsBytesSha256(b)).toBe(docsBytesSha256(a));
    // A file renamed is a change even with the same bytes.
    writeFileSync(path.join(b, 'root2.yaml'), 'y: 2\n');
    expect(docsBytesSha256(b)).not.toBe(docsBytesSha256(a));
  });
});

describe('a vendor\'s state', () => {
  it('is written whole (no temporary file left) and read back', () => {
    const dir = tmp();
    const s = { ...emptyState('acme'), done_key: 'k', verdict: 'pass' as const, streams: 3, identity_kinds: ['human'] };
    writeVendorState(dir, s);
    expect(readVendorState(dir, 'acme')).toEqual(s);
    expect(readdirSync(path.dirname(stateFile(dir, 'acme')))).toEqual(['acme.json']);
  });

  it('reads a damaged, foreign or linked file as no state, and says so', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'vendors'));
    const notes: string[] = [];
    writeFileSync(stateFile(dir, 'acme'), '{"schema": "fetchwright/expand-state@1", "vendor": "acme"');
    expect(readVendorState(dir, 'acme', (n) => notes.push(n))).toEqual(emptyState('acme'));
    writeVendorState(dir, { ...emptyState('other'), done_key: 'k' });
    writeFileSync(stateFile(dir, 'acme'), readFileSync(stateFile(dir, 'other')));
    expect(readVendorState(dir, 'acme', (n) => notes.push(n)).done_key).toBeNull();
    // A link in place of the file, to a valid state: not followed.
    const real = path.join(dir, 'real.json');
    writeFileSync(real, JSON.stringify({ ...emptyState('acme'), done_key: 'k' }));
    rmSync(stateFile(dir, 'acme'));
    symlinkSync(real, stateFile(dir, 'acme'));
    expect(readVendorState(dir, 'acme', (n) => notes.push(n)).done_key).toBeNull();
    expect(notes).toHaveLength(3);
    expect(notes[0]).toMatch(/not JSON/);
    expect(notes[1]).toMatch(/not a fetchwright\/expand-state@2 file for this vendor/);
    expect(notes[2]).toMatch(/not a regular file/);
  });

  it('backs a failure off: 15 minutes doubled each time, at most a day', () => {
    expect(retryDelayMs(1)).toBe(15 * 60_000);
    expect(retryDelayMs(2)).toBe(30 * 60_000);
    expect(retryDelayMs(3)).toBe(60 * 60_000);
    expect(retryDelayMs(20)).toBe(24 * 3600_000);
  });
});

describe('what the docs were read from', () => {
  it('is judged without blocking on a pipe or reading a device, and a missing $ref target must stay missing', () => {
    const dir = tmp();
    const fifo = path.join(dir, 'components.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(filesUnchanged([{ file: fifo, sha256: 'a'.repeat(64) }])).toBe(false);
    expect(filesUnchanged([{ file: '/dev/zero', sha256: 'a'.repeat(64) }])).toBe(false);
    const later = path.join(dir, 'later.yaml');
    expect(filesUnchanged([{ file: later, sha256: '' }])).toBe(true);
    writeFileSync(later, 'Group: {}\n');
    expect(filesUnchanged([{ file: later, sha256: '' }])).toBe(false);
  });
});

describe('the state folder\'s lock', () => {
  it('is never waited for when it is a folder, not a lock file', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'repo.lock'));
    await expect(waitLock(path.join(dir, 'repo.lock'), 10, 60_000)).rejects.toThrow(/is a folder, not a lock file/);
  });

  it('is refused while its holder lives, taken over once it is gone, and released by its holder only', () => {
    const dir = tmp();
    const file = path.join(dir, 'expand.lock');
    const first = tryLock(file);
    expect(first.taken).toBe(true);
    const second = tryLock(file);
    expect(second).toMatchObject({ taken: false, holder: { pid: process.pid } });
    if (first.taken) first.release();
    expect(existsSync(file)).toBe(false);
    // A holder that is gone (a pid no process has): the lock is stale and taken over.
    writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 17, at: Date.now() }));
    const third = tryLock(file);
    expect(third.taken).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
  });
});
