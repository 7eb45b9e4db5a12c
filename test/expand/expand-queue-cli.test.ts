import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/local-server.ts';
import { vendorDoc } from '../helpers/vendor-docs.ts';
import { writeCatalogue } from './catalogue-files.ts';
import { fetchwright } from './expand-cli.ts';

/**
 * `expand --queue`/`--wait` and `fetchwright worker` as processes, where no Redis is needed: the
 * option checks (exit 2) and a Redis that does not answer (exit 37, the password nowhere).
 */

const dirs: string[] = [];
const tmp = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), `fetchwright-queue-cli-${prefix}-`));
  dirs.push(d);
  return d;
};

let catalogue: string;
let out: string;

beforeAll(() => {
  const dir = tmp('catalogue');
  catalogue = writeCatalogue(dir, [{ vendor: 'jupyterhub', docs: vendorDoc('jupyterhub') }]);
  out = path.join(dir, 'connectors');
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The audit log a run with FETCHWRIGHT_STATE_DIR=state wrote, or '' when none. */
const auditOf = (state: string) => {
  const file = path.join(state, 'audit.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
};

describe('expand --queue, --wait: usage (exit 2)', () => {
  it('--wait without --queue, naming --wait', async () => {
    const r = await fetchwright(['expand', '--catalog', catalogue, '--out', out, '--wait'], { state: tmp('state') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--wait');
  });

  it('--queue with --concurrency, naming --concurrency', async () => {
    const port = await freePort();
    const r = await fetchwright(['expand', '--catalog', catalogue, '--out', out, '--queue', `redis://127.0.0.1:${port}/0`, '--concurrency', '2'], { state: tmp('state') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--concurrency');
  });

  it('--queue http://x', async () => {
    const r = await fetchwright(['expand', '--catalog', catalogue, '--out', out, '--queue', 'http://x'], { state: tmp('state') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/redis:\/\//);
  });
});

describe('a queue whose Redis does not answer: exit 37', () => {
  /** `expand --queue redis://:s3cretpw@127.0.0.1:<free port>/0`, run once for the two tests below. */
  let withPassword: Promise<{ r: Awaited<ReturnType<typeof fetchwright>>; port: number; audit: string }> | undefined;
  const runWithPassword = () =>
    (withPassword ??= (async () => {
      const port = await freePort();
      const state = tmp('state');
      const r = await fetchwright(['expand', '--queue', `redis://:s3cretpw@127.0.0.1:${port}/0`, '--catalog', catalogue, '--out', out], { state });
      return { r, port, audit: auditOf(state) };
    })());

  it('expand --queue with a password in the URL: names the URL without it, says to start Redis; the password is in no output', async () => {
    const { r, port, audit } = await runWithPassword();
    expect(r.code).toBe(37);
    expect(r.stderr).toContain(`redis://127.0.0.1:${port}/0`);
    expect(r.stderr).toMatch(/Start Redis/);
    expect(audit).toContain('queue-unreachable');
    expect(audit).toContain(`redis://127.0.0.1:${port}/0`);
    for (const text of [r.stdout, r.stderr]) expect(text).not.toContain('s3cretpw');
  });

  // The audit log's `start` line records the argv: a URL's user information is blanked there.
  it('the password of the --queue URL is not in the audit log', async () => {
    const { audit } = await runWithPassword();
    expect(audit).not.toBe('');
    expect(audit).not.toContain('s3cretpw');
  });

  it('expand --queue with the password in FETCHWRIGHT_REDIS_PASSWORD: it is in no output nor the audit log', async () => {
    const port = await freePort();
    const state = tmp('state');
    const r = await fetchwright(['expand', '--queue', `redis://127.0.0.1:${port}/0`, '--catalog', catalogue, '--out', out], { state, env: { FETCHWRIGHT_REDIS_PASSWORD: 'envs3cretpw' } });
    expect(r.code).toBe(37);
    for (const text of [r.stdout, r.stderr, auditOf(state)]) expect(text).not.toContain('envs3cretpw');
  });

  it('worker --queue', async () => {
    const port = await freePort();
    const r = await fetchwright(['worker', '--queue', `redis://127.0.0.1:${port}/0`, '--out', out], { state: tmp('state') });
    expect(r.code).toBe(37);
    expect(r.stderr).toContain(`redis://127.0.0.1:${port}/0`);
  });
});

describe('fetchwright worker: usage', () => {
  it('without --queue: exit 2', async () => {
    const r = await fetchwright(['worker'], { state: tmp('state') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--queue');
  });

  it('fetchwright --help lists worker', async () => {
    const r = await fetchwright(['--help'], { state: tmp('state') });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+worker\b/m);
  });
});
