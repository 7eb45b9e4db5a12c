import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoverageSummary } from '../../agent/expand/coverage-summary.ts';
import { EXIT } from '../../agent/errors.ts';
import { vendorDoc } from '../helpers/vendor-docs.ts';
import { fetchwright } from './expand-cli.ts';

/**
 * What a scheduler sees when part of the catalogue is wrong: a bad entry is named and the others
 * still run; a vendor that fails is retried later with backoff, not on every run; a second expand on
 * the same state waits for no one and changes nothing.
 */

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), `fetchwright-expand-${prefix}-`));

/** An OpenAPI description with one GET that lists no identities: `generate` ends it with exit 7. */
const NO_IDENTITIES = `openapi: 3.0.3
info: { title: Weather, version: '1' }
servers: [{ url: 'https://api.weather.example.com' }]
paths:
  /forecasts:
    get:
      responses:
        '200':
          description: forecasts
          content:
            application/json:
              schema: { type: array, items: { type: object, properties: { city: { type: string }, celsius: { type: number } } } }
`;

describe('expand with a bad entry and a failing vendor', () => {
  const root = tmp('fail');
  const state = path.join(root, 'state');
  const expandState = path.join(state, 'expand');
  const out = path.join(root, 'connectors');
  writeFileSync(path.join(root, 'weather.yaml'), NO_IDENTITIES);
  const good = { vendor: 'netlify', docs: vendorDoc('netlify.yaml'), owner: '@acme/identity' };
  const failing = { vendor: 'weather', docs: 'weather.yaml', owner: '@acme/identity' };
  const catalogue = (entries: object[]) => {
    const file = path.join(root, 'vendors.yaml');
    writeFileSync(file, `vendors:\n${entries.map((e) => `  - ${JSON.stringify(e)}`).join('\n')}\n`);
    return file;
  };
  const run = (file: string, ...extra: string[]) => fetchwright(['expand', '--catalog', file, '--state', expandState, '--out', out, '--json', ...extra], { state, env: { CI: 'true' } });

  it('names the bad entry and its field, still runs the others, and exits 34', async () => {
    const r = await run(catalogue([good, { vendor: 'acme', docs: 'missing/', owner: '@acme/identity' }, failing, { vendor: 'nobody', docs: 'weather.yaml' }]));
    expect(r.code, r.stderr).toBe(EXIT.invalidCatalogue);
    const s = JSON.parse(r.stdout) as CoverageSummary;
    expect(s.invalid_entries.map((p) => [p.entry, p.vendor, p.field])).toEqual([
      [1, 'acme', 'docs'],
      [3, 'nobody', 'owner'],
    ]);
    expect(s.vendors.map((v) => [v.vendor, v.outcome])).toEqual([
      ['netlify', 'generated'],
      ['weather', 'failed'],
    ]);
    const weather = s.vendors[1]!;
    expect(weather.exit_code).toBe(EXIT.noIdentities);
    expect(weather.cause).toMatch(/no operation in these docs lists identities/);
    expect(Date.parse(weather.retry_at!) - Date.parse(s.finished_at)).toBeGreaterThan(10 * 60_000);
    // The table a person reads names both.
    const table = await fetchwright(['expand', '--catalog', path.join(root, 'vendors.yaml'), '--state', expandState, '--out', out], { state, env: { CI: 'true' } });
    expect(table.stdout).toMatch(/weather/);
    expect(table.stdout).toMatch(/no operation in these docs lists identities/);
  });

  it('does not retry a failure on unchanged docs before its time (exit 33), retries it with --retry-failed, and at once when the docs change', async () => {
    const file = catalogue([good, failing]);
    const waiting = await run(file);
    expect(waiting.code).toBe(EXIT.expandFailed);
    const w = JSON.parse(waiting.stdout) as CoverageSummary;
    expect(w.vendors.map((v) => [v.vendor, v.outcome])).toEqual([
      ['netlify', 'skipped'],
      ['weather', 'waiting'],
    ]);
    expect(w.vendors[1]!.cause).toMatch(/no operation in these docs lists identities/);
    const retried = await run(file, '--retry-failed');
    expect(retried.code).toBe(EXIT.expandFailed);
    expect((JSON.parse(retried.stdout) as CoverageSummary).vendors[1]!.outcome).toBe('failed');
    const st = JSON.parse(readFileSync(path.join(expandState, 'vendors', 'weather.json'), 'utf8'));
    expect(st.failure.attempts).toBe(2);
    // The backoff doubled: 30 minutes after the second failure.
    expect(Date.parse(st.failure.retry_at) - Date.parse(st.failure.at)).toBe(30 * 60_000);
    // New docs are new inputs: tried now, whatever the retry time.
    writeFileSync(path.join(root, 'weather.yaml'), NO_IDENTITIES.replace("version: '1'", "version: '2'"));
    const changed = await run(file);
    expect((JSON.parse(changed.stdout) as CoverageSummary).vendors[1]!.outcome).toBe('failed');
    expect(JSON.parse(readFileSync(path.join(expandState, 'vendors', 'weather.json'), 'utf8')).failure.attempts).toBe(1);
  });

  it('makes a connector edited since its run again, never reports it skipped', async () => {
    const file = catalogue([good]);
    const fetcher = path.join(out, 'netlify', 'fetcher.ts');
    const made = readFileSync(fetcher, 'utf8');
    writeFileSync(fetcher, `${made}\n// edited by hand\n`);
    const r = await run(file);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as CoverageSummary).vendors[0]).toMatchObject({ vendor: 'netlify', outcome: 'regenerated', covered: true });
    expect(readFileSync(fetcher, 'utf8')).toBe(made);
    expect((JSON.parse((await run(file)).stdout) as CoverageSummary).vendors[0]!.outcome).toBe('skipped');
  });

  it('refuses a second expand on a state folder another live one holds (exit 35), naming its pid', async () => {
    writeFileSync(path.join(expandState, 'expand.lock'), JSON.stringify({ pid: process.pid, at: Date.now() }));
    const r = await run(catalogue([good]));
    expect(r.code).toBe(EXIT.expandBusy);
    expect(r.stderr).toContain(`pid ${process.pid}`);
  });

  it('refuses a catalogue it cannot read at all (exit 34) before any work', async () => {
    const file = path.join(root, 'broken.yaml');
    writeFileSync(file, 'vendors: [ { vendor: okta\n');
    const r = await fetchwright(['expand', '--catalog', file, '--state', path.join(root, 'other-state'), '--out', out], { state });
    expect(r.code).toBe(EXIT.invalidCatalogue);
    expect(r.stderr).toMatch(/broken\.yaml/);
  });
});
