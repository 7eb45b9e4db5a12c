import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connectorsRepo } from '../helpers/git-repo.ts';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoverageSummary } from '../../agent/expand/coverage-summary.ts';
import { EXIT } from '../../agent/errors.ts';
import { vendorDoc } from '../helpers/vendor-docs.ts';
import { NO_IDENTITIES } from './catalogue-files.ts';
import { fetchwright } from './expand-cli.ts';

/**
 * What a scheduler sees when part of the catalogue is wrong: a bad entry is named and the others
 * still run; a vendor that fails is retried later with backoff, not on every run; a second expand on
 * the same state waits for no one and changes nothing.
 */

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), `fetchwright-expand-${prefix}-`));

/** A single spec whose records are in a `$ref`'d file of a dot-folder beside it. */
const SPLIT_SPEC = `openapi: 3.0.3
info: { title: Acme, version: '1' }
servers: [{ url: 'https://api.acme.example.com' }]
components:
  securitySchemes:
    token: { type: http, scheme: bearer }
security: [{ token: [] }]
paths:
  /users:
    get:
      summary: List users
      responses:
        '200':
          description: every user
          content:
            application/json:
              schema: { type: array, items: { $ref: './.shared/components.yaml#/User' } }
`;
const SPLIT_COMPONENTS = `User:
  type: object
  required: [id]
  properties:
    id: { type: string }
    name: { type: string }
    email: { type: string, format: email }
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

  it('reports an entry naming a stream or a tenant variable the docs lack as an invalid entry (exit 34), tried again on the next run without backoff', async () => {
    const hub = { vendor: 'hub', docs: vendorDoc('jupyterhub'), owner: '@acme/identity' };
    const file = catalogue([{ ...hub, skip_streams: ['factors'] }]);
    const r = await run(file);
    expect(r.code, r.stderr).toBe(EXIT.invalidCatalogue);
    const s = JSON.parse(r.stdout) as CoverageSummary;
    expect(s.invalid_entries).toMatchObject([{ file: path.join(root, 'vendors.yaml'), entry: 0, vendor: 'hub', field: 'skip_streams' }]);
    expect(s.invalid_entries[0]!.message).toMatch(/factors.*use the names `fetchwright plan .*` prints: .*users/);
    expect(s.vendors[0]).toMatchObject({ vendor: 'hub', outcome: 'failed', exit_code: EXIT.invalidCatalogue });
    const again = await run(file);
    expect((JSON.parse(again.stdout) as CoverageSummary).vendors[0]!.outcome).toBe('failed');
    const tenant = await run(catalogue([{ ...hub, tenant: { nope: 'x' } }]));
    expect(tenant.code).toBe(EXIT.invalidCatalogue);
    expect((JSON.parse(tenant.stdout) as CoverageSummary).invalid_entries).toMatchObject([{ entry: 0, vendor: 'hub', field: 'tenant' }]);
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
    // A field fetchwright does not write, added to attempts.json (a schema would drop it): made again.
    const attempts = path.join(out, 'netlify', 'attempts.json');
    const a = readFileSync(attempts, 'utf8');
    writeFileSync(attempts, a.replace('"attempt": 1,', '"attempt": 1, "injected": "rm -rf /",'));
    expect(readFileSync(attempts, 'utf8')).not.toBe(a);
    expect((JSON.parse((await run(file)).stdout) as CoverageSummary).vendors[0]!.outcome).toBe('regenerated');
    expect(readFileSync(attempts, 'utf8')).not.toContain('injected');
    // A manifest edited to point the credential elsewhere: not kept as it is, made again.
    const manifest = path.join(out, 'netlify', 'manifest.json');
    const m = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, m.replace(/"hosts": \[\s*"[^"]*"/, '"hosts": [ "https://evil.example"'));
    expect(readFileSync(manifest, 'utf8')).not.toBe(m);
    expect((JSON.parse((await run(file)).stdout) as CoverageSummary).vendors[0]!.outcome).toBe('regenerated');
    expect(readFileSync(manifest, 'utf8')).toBe(m);
  });

  it('sees a change in a file the docs pull in by $ref beside a single spec, and never skips it', async () => {
    const dir = path.join(root, 'split-docs');
    mkdirSync(path.join(dir, '.shared'), { recursive: true });
    writeFileSync(path.join(dir, 'spec.yaml'), SPLIT_SPEC);
    writeFileSync(path.join(dir, '.shared', 'components.yaml'), SPLIT_COMPONENTS);
    const file = catalogue([{ vendor: 'acme', docs: 'split-docs/spec.yaml', owner: '@acme/identity' }]);
    const first = await run(file);
    expect(first.code, first.stderr).toBe(0);
    expect((JSON.parse(first.stdout) as CoverageSummary).vendors[0]!.outcome).toBe('generated');
    expect((JSON.parse((await run(file)).stdout) as CoverageSummary).vendors[0]!.outcome).toBe('skipped');
    // The email field renamed in the $ref'd file only (the spec's bytes unchanged).
    writeFileSync(path.join(dir, '.shared', 'components.yaml'), SPLIT_COMPONENTS.replace('email:', 'email_address:'));
    const changed = JSON.parse((await run(file)).stdout) as CoverageSummary;
    expect(changed.vendors[0]).toMatchObject({ outcome: 'regenerated' });
    expect(changed.vendors[0]!.drift!.breaking).toBeGreaterThanOrEqual(1);
    // Docs changed so they no longer plan (the list is gone): failed, and the connector on disk no longer covers the vendor.
    writeFileSync(path.join(dir, 'spec.yaml'), SPLIT_SPEC.replace('    get:\n      summary: List users', '    head:\n      summary: List users'));
    const broken = JSON.parse((await run(file)).stdout) as CoverageSummary;
    expect(broken.vendors[0]).toMatchObject({ outcome: 'failed', covered: false, exit_code: EXIT.noIdentities });
    const waiting = JSON.parse((await run(file)).stdout) as CoverageSummary;
    expect(waiting.vendors[0]).toMatchObject({ outcome: 'waiting', covered: false });
    expect(waiting.totals.covered).toBe(0);
  });

  it('stops counting a vendor that waits for a retry as covered once a file its docs are read from changes, and never hangs on a $ref to a pipe', async () => {
    const dir = path.join(root, 'waiting-docs');
    mkdirSync(path.join(dir, '.shared'), { recursive: true });
    writeFileSync(path.join(dir, 'spec.yaml'), SPLIT_SPEC);
    writeFileSync(path.join(dir, '.shared', 'components.yaml'), SPLIT_COMPONENTS);
    const file = catalogue([{ vendor: 'waits', docs: 'waiting-docs/spec.yaml', owner: '@acme/identity' }]);
    // The connector is made and proved, then its pull request fails (the repository refuses every commit).
    const { repo } = connectorsRepo({ prefix: 'fetchwright-expand-hook-' });
    writeFileSync(path.join(repo, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const failed = JSON.parse((await run(file, '--pr', '--repo', repo)).stdout) as CoverageSummary;
    expect(failed.vendors[0]).toMatchObject({ outcome: 'failed', covered: true });
    const waiting = JSON.parse((await run(file, '--pr', '--repo', repo)).stdout) as CoverageSummary;
    expect(waiting.vendors[0]).toMatchObject({ outcome: 'waiting', covered: true });
    // The $ref'd file changes (the key, over the spec's bytes, does not): still waiting, no longer covered.
    writeFileSync(path.join(dir, '.shared', 'components.yaml'), SPLIT_COMPONENTS.replace('name:', 'full_name:'));
    const stale = JSON.parse((await run(file, '--pr', '--repo', repo)).stdout) as CoverageSummary;
    expect(stale.vendors[0]).toMatchObject({ outcome: 'waiting', covered: false });
    // A $ref'd file that is a pipe: refused by name, never read (a read would block for ever).
    rmSync(path.join(dir, '.shared', 'components.yaml'));
    execFileSync('mkfifo', [path.join(dir, '.shared', 'components.yaml')]);
    const pipe = JSON.parse((await run(file, '--retry-failed')).stdout) as CoverageSummary;
    expect(pipe.vendors[0]).toMatchObject({ outcome: 'failed', covered: false, exit_code: EXIT.unresolvableRef });
    expect(pipe.vendors[0]!.cause).toMatch(/not a regular file/);
  });

  it('sees a $ref\'d file that was missing appear, and a catalogue entry moved to other docs with the same spec bytes', async () => {
    const dir = path.join(root, 'dangling');
    mkdirSync(path.join(dir, 'a'), { recursive: true });
    const spec = SPLIT_SPEC.replace("'./.shared/components.yaml#/User'", "'./users.yaml#/User'") + `  /users/{id}/grants:
    get:
      summary: List the grants of a user
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        '200':
          description: the user's grants
          content:
            application/json:
              schema: { type: array, items: { $ref: './later.yaml#/Grant' } }
`;
    writeFileSync(path.join(dir, 'a', 'spec.yaml'), spec);
    writeFileSync(path.join(dir, 'a', 'users.yaml'), SPLIT_COMPONENTS);
    const file = catalogue([{ vendor: 'dangling', docs: 'dangling/a/spec.yaml', owner: '@acme/identity' }]);
    expect((JSON.parse((await run(file)).stdout) as CoverageSummary).vendors[0]!.outcome).toBe('generated');
    expect((JSON.parse((await run(file)).stdout) as CoverageSummary).vendors[0]!.outcome).toBe('skipped');
    writeFileSync(path.join(dir, 'a', 'later.yaml'), 'Grant:\n  type: object\n  required: [id]\n  properties:\n    id: { type: string }\n    scopes: { type: array, items: { type: string } }\n    client_id: { type: string }\n');
    expect((JSON.parse((await run(file)).stdout) as CoverageSummary).vendors[0]!.outcome).not.toBe('skipped');
    // The same spec bytes in another folder, whose users.yaml differs: other docs, never skipped.
    mkdirSync(path.join(dir, 'b'));
    writeFileSync(path.join(dir, 'b', 'spec.yaml'), spec);
    writeFileSync(path.join(dir, 'b', 'users.yaml'), SPLIT_COMPONENTS.replace('email:', 'mail:'));
    writeFileSync(path.join(dir, 'b', 'later.yaml'), readFileSync(path.join(dir, 'a', 'later.yaml')));
    expect((JSON.parse((await run(catalogue([{ vendor: 'dangling', docs: 'dangling/b/spec.yaml', owner: '@acme/identity' }]))).stdout) as CoverageSummary).vendors[0]!.outcome).not.toBe('skipped');
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
