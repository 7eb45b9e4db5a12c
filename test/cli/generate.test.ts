import { existsSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { createMockVendor } from '../../synthetic-data/mock-api/mock-vendor.ts';
import { serveMock } from '../../synthetic-data/mock-api/serve.ts';
import { ingest } from '../../agent/ingest/ingest.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Thin docs: a user list with no security scheme, no pagination and no error responses. */
async function thinDocs(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-thin-'));
  const file = path.join(dir, 'api.json');
  await writeFile(
    file,
    JSON.stringify({
      openapi: '3.0.0',
      info: { title: 'Thin', version: '1' },
      servers: [{ url: 'https://thin.example.test' }],
      paths: { '/users': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { example: [{ id: 'u1', email: 'a@example.test' }] } } } } } } },
    }),
  );
  return file;
}

describe('fetchwright generate', () => {
  it('writes the connector directory and prints one screen', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-cli-gen-'));
    const r = await run('generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', out, '--seed', '7');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/jupyterhub: PASS/);
    // One screen that fits a terminal: no line over 100 columns.
    expect(r.out.split('\n').filter((l) => l.length > 100)).toEqual([]);
    // The table keeps its columns: every row has the header's ten, right-aligned under it.
    const lines = r.out.split('\n');
    const header = lines.findIndex((l) => /^ {2}stream +kind +seeded/.test(l));
    const rows = lines.slice(header, lines.indexOf('', header));
    expect(rows.length).toBe(5);
    for (const row of rows) {
      expect(row.trim().split(/ {2,}/)).toHaveLength(10);
      expect(row.length).toBe(rows[0]!.length);
    }
    expect(r.out.split('\n').length).toBeLessThan(30);
    expect((await readdir(path.join(out, 'jupyterhub'))).sort()).toEqual(['VALIDATION.md', 'api-model.json', 'attempts.json', 'fetcher.ts', 'manifest.json', 'plan.json', 'scorecard.json']);
    expect(r.err).toMatch(/attempt 1: pass/);
  });

  it('refuses docs the assessment calls thin, writing nothing, unless forced', async () => {
    const docs = await thinDocs();
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'fetchwright-cli-thin-')), 'out');
    const refused = await run('generate', docs, '--out', out);
    expect(refused.code).toBe(8);
    expect(refused.err).toMatch(/error\[manual-build-recommended\][\s\S]*auth[\s\S]*--force/);
    expect(existsSync(out)).toBe(false);
    const forced = await run('generate', docs, '--out', out, '--force');
    expect(existsSync(path.join(out, 'thin', 'scorecard.json'))).toBe(true);
    expect([0, 9]).toContain(forced.code);
  });

  it('an output folder that cannot be written: a clear error and exit 10, at once (never a hang under /proc)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-cli-out-'));
    await writeFile(path.join(dir, 'a-file'), '');
    for (const out of [path.join(dir, 'a-file', 'connectors'), '/proc/fetchwright-cannot-write/connectors']) {
      const r = await run('generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', out);
      expect(r.code).toBe(10);
      expect(r.err).toMatch(/error\[output-unwritable\]: cannot write/);
      const p = await run('plan', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', path.join(out, 'plan.json'));
      expect(p.code).toBe(10);
    }
  });

  it('rejects a bad seed as a usage error', async () => {
    expect((await run('generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--seed', 'abc')).code).toBe(2);
  });
});

describe('fetchwright validate: bad input', () => {
  it('a directory that is not a connector', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-notconn-'));
    const r = await run('validate', dir);
    expect(r.code).toBe(12);
    expect(r.err).toMatch(/plan\.json, api-model\.json, scorecard\.json and fetcher\.ts are missing from /);
  });
});

describe('mock: the same mock, served on loopback for a person', () => {
  it('a port already taken is a clear error, not a crash', async () => {
    const model = await ingest(path.join(REPO_ROOT, 'examples/jupyterhub'));
    const taken = await serveMock(createMockVendor(model, { seed: 1 }), 0);
    try {
      const r = await run('mock', path.join(REPO_ROOT, 'examples/jupyterhub'), '--port', new URL(taken.url).port);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
    } finally {
      await taken.close();
    }
  });

  it('answers the documented list with the synthetic credential and refuses without it', async () => {
    const model = await ingest(path.join(REPO_ROOT, 'examples/jupyterhub'));
    const mock = createMockVendor(model, { seed: 3, faults: false });
    const served = await serveMock(mock, 0);
    try {
      const ok = await fetch(`${served.url}/hub/api/users?limit=5`, { headers: { authorization: `token ${mock.credentials.token!.value}` } });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as unknown[]).length).toBe(5);
      expect((await fetch(`${served.url}/hub/api/users`)).status).toBe(401);
      expect((await fetch(`${served.url}/hub/api/users`, { method: 'DELETE' })).status).toBe(405);
    } finally {
      await served.close();
    }
  });
});
