import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { Manifest } from '../../agent/render/manifest.ts';
import { jupyterhubMissing, SEEDED, startJupyterHub, type RealJupyterHub } from '../helpers/jupyterhub.ts';
import { vendorDoc } from '../helpers/vendor-docs.ts';

/**
 * A connector generated from JupyterHub's own docs, run against a real JupyterHub 3.0 (Debian's
 * package, test/helpers/jupyterhub.ts) with a token holding exactly the scopes its manifest asks
 * for: the least-privilege check end to end. Every list is accepted, only GET is sent, the token is
 * written nowhere, users and groups come back whole and once, and the run says it is incomplete
 * (the real `/services` is a map where the docs show an array) — never complete with records missing.
 */

const missing = jupyterhubMissing();
// Said once, where a person running the tests sees it: a skipped file is otherwise only a count.
if (missing) console.warn(`test/run/jupyterhub-live.test.ts is skipped: ${missing}`);
const VAR = 'FW_JUPYTERHUB_TOKEN';

interface Report {
  complete: boolean;
  auth_refused: boolean;
  streams: { name: string; complete: boolean; records: number; error: string | null; findings: { id: string }[] }[];
  drift?: { stream?: string; severity?: string; class?: string }[];
}
interface RecordLine {
  type: string;
  id?: string;
  kind?: string;
  owner_id?: string | null;
  scopes?: string[] | null;
  created_at?: string | null;
  last_used_at?: string | null;
  source?: { stream: string };
}

describe.skipIf(!!missing)(missing ? `a real JupyterHub (skipped: ${missing})` : 'a connector from the docs against a real JupyterHub, with exactly the manifest\'s scopes', () => {
  let hub: RealJupyterHub;
  let root: string;
  let connector: string;
  let manifest: Manifest;
  const env = () => ({ ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state') });

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-realhub-'));
    const started = startJupyterHub();
    const io = captureIo();
    const code = await main(['generate', vendorDoc('jupyterhub'), '--out', path.join(root, 'connectors')], io, env());
    hub = await started;
    if (code !== 0) throw new Error(`generate failed (${code}): ${io.err()}`);
    connector = path.join(root, 'connectors', 'jupyterhub');
    manifest = Manifest.parse(JSON.parse(readFileSync(path.join(connector, 'manifest.json'), 'utf8')));
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
  });

  async function run(token: string, name: string, dir = connector, extra: string[] = []) {
    const out = path.join(root, `${name}.jsonl`);
    const report = path.join(root, `${name}-report.json`);
    const io = captureIo();
    const mark = hub.logMark();
    const code = await main(['run', dir, '--base-url', hub.apiUrl, '--credential-env', VAR, '--out', out, '--report', report, ...extra], io, { ...env(), [VAR]: token });
    const requests = await hub.requests(mark);
    const read = (file: string) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return '';
      }
    };
    return { code, stdout: io.out(), stderr: io.err(), requests, records: read(out), reportText: read(report), audit: read(path.join(root, 'state', 'audit.jsonl')) };
  }

  const scopesOf = (m: Manifest) => [...new Set(m.credentials.flatMap((c) => c.least_scopes))];

  it('the manifest asks for the listing scopes and no admin or write power', () => {
    const scopes = scopesOf(manifest);
    expect(scopes).toEqual(expect.arrayContaining(['list:users', 'list:groups', 'list:services', 'read:tokens']));
    expect(scopes.filter((s) => /^admin|^(users|groups|servers|tokens)$|^delete:/.test(s))).toEqual([]);
  });

  it('with a token holding exactly those scopes: every list accepted, only GETs, users and groups whole and once, the token nowhere, and the run not complete', async () => {
    const minted = await hub.mintToken(scopesOf(manifest));
    expect([...minted.scopes].sort()).toEqual(scopesOf(manifest).sort());
    const r = await run(minted.token, 'exact');

    // Least privilege: the hub accepted every request the connector made with the manifest's scopes.
    expect(r.requests.length).toBeGreaterThan(0);
    expect(r.requests.filter((q) => q.status !== 200), r.stdout + r.stderr).toEqual([]);
    for (const list of ['/hub/api/users', '/hub/api/groups', '/hub/api/services']) expect(r.requests.some((q) => q.uri.split('?')[0] === list)).toBe(true);
    expect(new Set(r.requests.map((q) => q.method))).toEqual(new Set(['GET']));
    expect(new Set(r.requests.map((q) => q.who))).toEqual(new Set(['admin']));

    // Not complete, and saying why: the real /services is a map where the docs show an array.
    expect(r.code, r.stdout + r.stderr).toBe(30);
    const report = JSON.parse(r.reportText) as Report;
    expect(report).toMatchObject({ complete: false, auth_refused: false });
    const services = report.streams.find((s) => s.name === 'services')!;
    expect(services.complete).toBe(false);
    expect(services.findings.map((f) => f.id)).toContain('items-path-not-a-list');
    expect(report.drift?.filter((d) => d.severity === 'breaking').map((d) => `${d.stream} ${d.class}`)).toEqual(expect.arrayContaining(['services list-shape-changed']));

    // Users and groups: every one the hub holds, exactly once.
    const records = r.records.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as RecordLine);
    const ids = (stream: string) => records.filter((x) => x.type === 'identity' && x.source?.stream === stream).map((x) => x.id);
    const users = await hub.asAdmin<{ name: string; last_activity: string | null }[]>('/users');
    const groups = await hub.asAdmin<{ name: string }[]>('/groups');
    expect(users.map((u) => u.name).sort()).toEqual(['admin', 'alice', 'bob', 'carol', 'dave']);
    expect(ids('users').sort()).toEqual(users.map((u) => u.name).sort());
    expect(ids('groups').sort()).toEqual(groups.map((g) => g.name).sort());
    for (const s of ['users', 'groups']) expect(report.streams.find((x) => x.name === s)).toMatchObject({ complete: true });
    // The mapped fields are visible with these scopes: a user active on the hub has a last-used time.
    for (const u of users.filter((x) => x.last_activity)) expect(records.find((x) => x.id === u.name && x.source?.stream === 'users')?.last_used_at).toBeTruthy();

    // The credential, and the users' own tokens, are on the wire only.
    for (const secret of [minted.token, ...hub.userTokenValues]) {
      for (const [what, text] of Object.entries({ stdout: r.stdout, stderr: r.stderr, records: r.records, report: r.reportText, audit: r.audit })) {
        expect(text.includes(secret), `${what} holds a token`).toBe(false);
      }
    }
  }, 60_000);

  it('a token without list:users is refused on the users list: exit 29, auth refused', async () => {
    const minted = await hub.mintToken(scopesOf(manifest).filter((s) => s !== 'list:users'));
    const r = await run(minted.token, 'no-list-users');
    expect(r.code, r.stdout + r.stderr).toBe(29);
    expect(JSON.parse(r.reportText)).toMatchObject({ complete: false, auth_refused: true });
    expect(r.requests.find((q) => q.uri.startsWith('/hub/api/users'))?.status).toBe(403);
    expect(new Set(r.requests.map((q) => q.method))).toEqual(new Set(['GET']));
    expect(r.stdout + r.stderr + r.reportText + r.audit).not.toContain(minted.token);
  }, 60_000);

  it('the learn-shapes loop: run --observe, generate --observed, run again with exactly the new manifest\'s scopes: every user, group, service and token once, correctly mapped', async () => {
    // 1. A human observes with a read-only token that sees whole user models (the first manifest's
    //    scopes plus read:users), so the shapes hold every field a user record really has.
    const observer = await hub.mintToken([...scopesOf(manifest), 'read:users']);
    const shapesFile = path.join(root, 'shapes.json');
    const first = await run(observer.token, 'observe', connector, ['--observe', shapesFile]);
    expect(first.code, first.stdout + first.stderr).toBe(30);
    expect(first.stdout).toContain('--observed');
    const shapesText = readFileSync(shapesFile, 'utf8');
    // Shapes, never data: no name, note, id or token of the hub's is in them.
    const hubTokens = (await Promise.all(SEEDED.users.map((u) => hub.asAdmin<{ api_tokens: { id: string; note: string | null }[] }>(`/users/${u}/tokens`)))).flatMap((t) => t.api_tokens);
    // (`admin` is also a field name of the user model, so it is not a telling value.)
    const words = [...SEEDED.users.filter((u) => u.length > 3 && u !== 'admin'), ...Object.keys(SEEDED.groups), ...SEEDED.services, ...hubTokens.flatMap((t) => [t.note ?? '']).filter((n) => n.length > 3), observer.token, ...hub.userTokenValues];
    for (const w of words) expect(shapesText.includes(w), `shapes.json holds "${w}"`).toBe(false);

    // 2. Regenerate from the same docs with what the live API showed: the proof passes against a mock serving those shapes.
    const io = captureIo();
    const out2 = path.join(root, 'connectors-observed');
    const code = await main(['generate', vendorDoc('jupyterhub'), '--observed', shapesFile, '--out', out2], io, env());
    expect(code, io.err()).toBe(0);
    const connector2 = path.join(out2, 'jupyterhub');
    const manifest2 = Manifest.parse(JSON.parse(readFileSync(path.join(connector2, 'manifest.json'), 'utf8')));
    const plan2 = JSON.parse(readFileSync(path.join(connector2, 'plan.json'), 'utf8')) as { observed_sha256?: string; streams: { name: string; items_path: string; items_container?: string }[] };
    expect(plan2.observed_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(plan2.streams.find((x) => x.name === 'services')).toMatchObject({ items_container: 'map' });
    expect(plan2.streams.find((x) => x.name === 'user_tokens')).toMatchObject({ items_path: 'api_tokens' });
    expect(scopesOf(manifest2).filter((x) => /^admin|^(users|groups|servers|tokens)$|^delete:/.test(x))).toEqual([]);

    // 3. Run again with a token holding exactly the new manifest's scopes: complete, nothing missing, nothing twice.
    const minted = await hub.mintToken(scopesOf(manifest2));
    const r = await run(minted.token, 'second', connector2);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.reportText) as Report;
    expect(report.complete).toBe(true);
    expect(report.drift?.filter((d) => d.severity === 'breaking')).toEqual([]);
    expect(r.requests.filter((q) => q.status !== 200)).toEqual([]);
    expect(new Set(r.requests.map((q) => q.method))).toEqual(new Set(['GET']));

    const records = r.records.trim().split('\n').map((l) => JSON.parse(l) as RecordLine);
    const of = (stream: string) => records.filter((x) => x.type === 'identity' && x.source?.stream === stream);
    const once = (xs: RecordLine[]) => {
      const ids = xs.map((x) => x.id!);
      expect(new Set(ids).size, `repeated ids: ${ids}`).toBe(ids.length);
      return ids.sort();
    };
    const users = await hub.asAdmin<{ name: string; created: string }[]>('/users');
    const groups = await hub.asAdmin<{ name: string }[]>('/groups');
    const services = await hub.asAdmin<Record<string, { name: string }>>('/services');
    const tokens = (await Promise.all(users.map((u) => hub.asAdmin<{ api_tokens: { id: string; user: string; scopes: string[] }[] }>(`/users/${u.name}/tokens`)))).flatMap((t) => t.api_tokens);
    expect(once(of('users'))).toEqual(users.map((u) => u.name).sort());
    expect(once(of('groups'))).toEqual(groups.map((g) => g.name).sort());
    expect(once(of('services'))).toEqual(Object.keys(services).sort());
    expect(Object.keys(services).sort()).toEqual([...SEEDED.services].sort());
    expect(once(of('user_tokens'))).toEqual(tokens.map((t) => t.id).sort());
    // Correctly mapped: a user's created_at from `created` (observed, not in the docs); a token's scopes from `scopes`, not the deprecated `roles`.
    for (const u of users) expect(Date.parse(of('users').find((x) => x.id === u.name)!.created_at!)).toBe(Date.parse(u.created));
    for (const t of tokens) expect(of('user_tokens').find((x) => x.id === t.id)).toMatchObject({ scopes: t.scopes, owner_id: t.user });

    // No token of the hub's in any output; every step in the audit log.
    for (const secret of [minted.token, observer.token, ...hub.userTokenValues]) {
      for (const [what, text] of Object.entries({ stdout: r.stdout, stderr: r.stderr, records: r.records, report: r.reportText, audit: r.audit, shapes: shapesText })) {
        expect(text.includes(secret), `${what} holds a token`).toBe(false);
      }
    }
    const steps = r.audit.trim().split('\n').map((l) => JSON.parse(l) as { command?: string; event?: string }).map((x) => x.command);
    expect(steps).toEqual(expect.arrayContaining(['generate', 'run']));
  }, 120_000);
});
