import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffDocs } from '../../agent/drift/docs-diff.ts';
import type { DriftReport } from '../../agent/drift/drift-report.ts';
import { planChanges } from '../../agent/drift/plan-changes.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { vendorDoc } from '../helpers/vendor-docs.ts';
import { connectorSide, nextSide, rawDoc, tempRoot, writeVariant } from './docs-variants.ts';

/**
 * What the docs decide beyond the streams' operations, through the new docs' plan
 * (agent/drift/plan-changes.ts): a credential prefix changed only in prose, scopes renamed in the
 * spec and a scopes page, a new base-URL placeholder, tenant variables, credentials added.
 */

let root: string;
beforeAll(() => {
  root = tempRoot();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ids = (r: DriftReport, level?: string) => r.findings.filter((f) => !level || f.level === level).map((f) => `${f.id} ${f.stream ?? '-'}`);

describe('a folder of docs (spec, prose pages, scopes page) changed outside the schemas', () => {
  let connector: { plan: ConnectorPlan; model: ApiModel };
  beforeAll(async () => {
    connector = await connectorSide(vendorDoc('jupyterhub'));
  }, 60_000);
  /** A copy of the folder with `edit` applied to the named files' text. */
  const variant = (label: string, edits: Record<string, (text: string) => string>) => {
    const dir = path.join(root, label);
    cpSync(vendorDoc('jupyterhub'), dir, { recursive: true });
    for (const [file, edit] of Object.entries(edits)) {
      const before = readFileSync(path.join(dir, file), 'utf8');
      const after = edit(before);
      expect(after, `${file} changed`).not.toBe(before);
      writeFileSync(path.join(dir, file), after);
    }
    return dir;
  };

  it('the same docs: no finding', async () => {
    const r = diffDocs(connector, await nextSide(variant('same', {})));
    expect(r.findings).toEqual([]);
  });

  it('the credential prefix changed only in the prose: auth-prefix-changed, breaking, citing the new prose', async () => {
    const prefix = connector.plan.auth.credentials[0]!.prefix;
    expect(prefix).toBe('token ');
    const r = diffDocs(connector, await nextSide(variant('prefix', { 'jupyterhub-3.0.0-rest.md': (t) => t.replaceAll('token {token}', 'Bearer {token}') })));
    expect(ids(r)).toEqual(['auth-prefix-changed -']);
    const f = r.findings[0]!;
    expect(f).toMatchObject({ level: 'breaking', operation: '*', args: { scheme: connector.plan.auth.credentials[0]!.scheme, was: 'token ', now: 'Bearer ' } });
    expect(f.source.new?.file).toBe('jupyterhub-3.0.0-rest.md');
    expect(f.source.old?.file).toBe('jupyterhub-3.0.0-rest.md');
    expect(r.findings[0]!.text).toContain('Bearer');
  });

  it('scopes renamed in the spec and the scopes page: scope-changed, breaking, naming the old and the new scopes', async () => {
    const users = connector.plan.streams.find((s) => s.name === 'users')!;
    expect(users.required_scopes).toContain('list:users');
    const rename = (t: string) => t.replaceAll('list:users', 'enumerate:users').replaceAll('read:users:activity', 'read:users:lastseen');
    const next = await nextSide(variant('scopes', { 'jupyterhub-3.0.0-rest-api.yml': rename, 'jupyterhub-3.0.0-scopes.md': rename }));
    const r = diffDocs(connector, next);
    expect(ids(r, 'breaking')).toEqual(['scope-changed users']);
    const now = next.plan!.streams.find((s) => s.path === users.path)!.required_scopes;
    expect(r.findings[0]!.args).toMatchObject({ was: [...users.required_scopes].sort(), now: [...now].sort() });
    expect(r.findings[0]!.args.added).toContain('enumerate:users');
    expect(r.findings[0]!.args.removed).toContain('list:users');
    expect(r.findings[0]!.source.new?.file).toMatch(/^jupyterhub-3\.0\.0-/);
  });
});

describe('the base URL and the credentials, as the new docs\' plan decides them', () => {
  let connector: { plan: ConnectorPlan; model: ApiModel };
  beforeAll(async () => {
    connector = await connectorSide(vendorDoc('okta.yaml'));
  }, 60_000);

  it('a new placeholder in the server URL: base-url-variable-added, breaking (a value a human must fill in)', async () => {
    const raw = rawDoc('okta.yaml');
    raw.servers[0].url = 'https://{yourOktaDomain}.{region}';
    raw.servers[0].variables.region = { default: 'eu', description: 'The region your org is in.' };
    const r = diffDocs(connector, await nextSide(writeVariant(root, 'okta-region', 'okta.yaml', raw)));
    expect(ids(r, 'breaking')).toEqual(['server-changed -', 'base-url-variable-added -']);
    expect(r.findings.find((f) => f.id === 'base-url-variable-added')!.args).toMatchObject({ name: 'region' });
  });

  const nextPlan = (change: (p: ConnectorPlan) => void) => {
    const p = structuredClone(connector.plan);
    change(p);
    return p;
  };
  const changes = (change: (p: ConnectorPlan) => void) => planChanges(connector.plan, connector.model, { model: connector.model, plan: nextPlan(change) }, []).map((f) => `${f.level} ${f.id}`);

  it('the same plan: nothing; no plan of the new docs: nothing', () => {
    expect(changes(() => undefined)).toEqual([]);
    expect(planChanges(connector.plan, connector.model, { model: connector.model }, [])).toEqual([]);
  });

  it('the credential moved to another header, or a second credential needed: breaking; one fewer: info', () => {
    expect(changes((p) => (p.auth.credentials[0]!.name = 'X-Api-Token'))).toEqual(['breaking auth-placement-changed']);
    expect(changes((p) => (p.auth.credentials[0]!.in = 'query'))).toEqual(['breaking auth-placement-changed']);
    const scheme = connector.plan.auth.credentials[0]!.scheme;
    expect(changes((p) => p.auth.credentials.push({ name: 'X-Org-Key', in: 'header', prefix: '', scheme }))).toEqual(['breaking auth-credential-added']);
    const other = connector.model.security_schemes.find((x) => x.key !== scheme)!.key;
    const two = structuredClone(connector.plan);
    two.auth.credentials.push({ name: 'X-Org-Key', in: 'header', prefix: '', scheme: other });
    expect(planChanges(two, connector.model, { model: connector.model, plan: connector.plan }, []).map((f) => `${f.level} ${f.id}`)).toEqual(['info auth-credential-removed']);
  });

  it('the client credentials\' token URL moved: token-url-changed, breaking', () => {
    const scheme = connector.plan.auth.credentials[0]!.scheme;
    const was = structuredClone(connector.plan);
    was.auth.client_credentials = { scheme, token_url: '/oauth2/v1/token', scopes: [] };
    const now = structuredClone(was);
    const diff = () => planChanges(was, connector.model, { model: connector.model, plan: now }, []).map((f) => `${f.level} ${f.id} ${String(f.args.now)}`);
    expect(diff()).toEqual([]);
    now.auth.client_credentials!.token_url = '/oauth2/v2/token';
    expect(diff()).toEqual(['breaking token-url-changed /oauth2/v2/token']);
  });

  it('the type the credential is read as, alone: auth-type-changed, breaking', () => {
    expect(connector.plan.auth.type).not.toBe('basic');
    expect(changes((p) => (p.auth.type = 'basic'))).toEqual(['breaking auth-type-changed']);
  });

  it('a tenant variable a matched stream sends is breaking; one only a stream the connector lacks sends is not news here; one gone is info', () => {
    const users = connector.plan.streams.find((s) => s.name === 'users')!;
    expect(changes((p) => {
      p.tenant_variables = { ...p.tenant_variables, team_id: 'The team.' };
      p.streams.find((s) => s.name === users.name)!.query_variables = ['team_id'];
    })).toEqual(['breaking tenant-variable-added']);
    expect(changes((p) => (p.tenant_variables = { ...p.tenant_variables, team_id: 'The team.' }))).toEqual([]);
    const was = structuredClone(connector.plan);
    was.tenant_variables = { org: 'The org.' };
    expect(planChanges(was, connector.model, { model: connector.model, plan: connector.plan }, []).map((f) => `${f.level} ${f.id}`)).toEqual(['info tenant-variable-removed']);
  });

  it('a stream\'s scopes, compared only for streams of one path template and the same scheme', () => {
    const users = connector.plan.streams.find((s) => s.name === 'users')!;
    expect(changes((p) => (p.streams.find((s) => s.name === users.name)!.required_scopes = ['okta.users.manage']))).toEqual(['breaking scope-changed']);
    // Another path: not the same stream.
    expect(changes((p) => {
      const s = p.streams.find((x) => x.name === users.name)!;
      s.path = `${s.path}/v2`;
      s.required_scopes = ['okta.users.manage'];
    })).toEqual([]);
    // Another scheme altogether: its scopes are not the connector credential's.
    expect(changes((p) => {
      p.auth.credentials = [{ name: 'Authorization', in: 'header', prefix: 'Bearer ', scheme: 'another' }];
      p.streams.find((s) => s.name === users.name)!.required_scopes = ['okta.users.manage'];
    })).toEqual([]);
  });
});
