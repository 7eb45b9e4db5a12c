import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffDocs } from '../../agent/drift/docs-diff.ts';
import type { DriftReport } from '../../agent/drift/drift-report.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { sliceModel } from '../../agent/validate/model-slice.ts';
import { vendorDoc } from '../helpers/vendor-docs.ts';
import { atPointer, connectorSide, fieldDeclaration, nextSide, rawDoc, renameProperty, tempRoot, writeVariant, type Raw } from './docs-variants.ts';

/**
 * `diffDocs` on copies of Okta's description, each with one change, against the connector the
 * original gives (its plan and api-model.json slice): each change classified as oasdiff would,
 * breaking only where the connector can no longer read what it read.
 */

let root: string;
let original: Raw;
let connector: { plan: ConnectorPlan; model: ApiModel; full: ApiModel };

beforeAll(async () => {
  root = tempRoot();
  original = rawDoc('okta.yaml');
  connector = await connectorSide(vendorDoc('okta.yaml'));
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The drift of a copy of Okta changed by `change`. */
async function driftOf(label: string, change: (raw: Raw) => void): Promise<DriftReport> {
  const raw = structuredClone(original);
  change(raw);
  return diffDocs(connector, await nextSide(writeVariant(root, label, 'okta.yaml', raw)));
}

const ids = (r: DriftReport, level?: string) => r.findings.filter((f) => !level || f.level === level).map((f) => `${f.id} ${f.stream ?? '-'}`);
const stream = (name: string) => connector.plan.streams.find((s) => s.name === name)!;

describe('okta: docs drift', () => {
  it('the same docs: no finding', async () => {
    const r = await driftOf('same', () => undefined);
    expect(r.findings).toEqual([]);
    expect(r.breaking).toBe(false);
  });

  it('a stream the catalogue left out on purpose (skip_streams) is not a new identity list of the same docs', async () => {
    const skippedName = connector.plan.streams.find((s) => !s.parent && !s.link && s.kind !== 'human')!.name;
    const skippedPlan = planHeuristically(connector.full, { skip: new Set([skippedName]) });
    const withSkip = { plan: skippedPlan, model: sliceModel(connector.full, skippedPlan) };
    const same = await nextSide(writeVariant(root, 'skip', 'okta.yaml', structuredClone(original)));
    expect(diffDocs(withSkip, same).findings.filter((f) => f.id === 'identity-list-added').map((f) => [f.args.stream, skippedName])).toEqual([]);
    // Without the skip recorded in its plan, the same stream would be news.
    const unrecorded = { ...withSkip, plan: { ...skippedPlan, excluded: (skippedPlan.excluded ?? []).filter((x) => !x.reason.includes(skippedName)) } };
    expect(diffDocs(unrecorded, same).findings.map((f) => f.id)).toContain('identity-list-added');
  });

  it('a mapped User field renamed is breaking, naming the streams that read it and the likely new name', async () => {
    const users = stream('users');
    const field = users.mapping.email!.path!;
    const { pointer, name } = fieldDeclaration(connector.model, users, field);
    const r = await driftOf('renamed', (raw) => renameProperty(raw, pointer, name, `${name}Address`));
    expect(r.breaking).toBe(true);
    const removed = r.findings.filter((f) => f.id === 'mapped-field-removed');
    const renamedTo = field.replace(/[^.]+$/, `${name}Address`);
    expect(removed.find((f) => f.stream === 'users')).toMatchObject({ level: 'breaking', operation: `GET ${users.path}`, args: { field, candidate: renamedTo } });
    expect(removed.find((f) => f.stream === 'users')!.args.reads).toContain('email');
    expect(removed.find((f) => f.stream === 'users')!.source.old!.pointer).toBe(pointer);
    // Every stream whose records are Users reads it: each is named; none other.
    expect(removed.every((f) => f.args.field === field)).toBe(true);
    expect(ids(r, 'breaking').every((x) => x.startsWith('mapped-field-removed'))).toBe(true);
    expect(r.findings.find((f) => f.stream === 'users')!.text).toContain(renamedTo);
    // The new name is the rename's hint, not news a second time as an added field.
    expect(ids(r, 'info')).toEqual([]);
  });

  it('a new unrelated GET endpoint: additive, nothing breaking, nothing about the existing streams', async () => {
    const r = await driftOf('unrelated', (raw) => {
      raw.paths['/api/v1/widgets/report'] = {
        get: { operationId: 'getWidgetReport', summary: 'Widget report', responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object', properties: { total: { type: 'integer' } } } } } } } },
      };
    });
    expect(r.breaking).toBe(false);
    expect(r.findings.filter((f) => f.stream !== undefined)).toEqual([]);
    expect(ids(r)).toEqual(['operation-added -']);
    expect(r.findings[0]).toMatchObject({ level: 'additive', operation: 'GET /api/v1/widgets/report', source: { new: { file: 'okta.yaml', pointer: '/paths/~1api~1v1~1widgets~1report/get' } } });
  });

  it('a new identity list is additive: identity-list-added', async () => {
    const r = await driftOf('identity-list', (raw) => {
      raw.paths['/api/v1/admins'] = structuredClone(raw.paths['/api/v1/users']);
      const get = raw.paths['/api/v1/admins'].get;
      get.operationId = 'listAdmins';
      get.summary = 'List all admins';
      delete raw.paths['/api/v1/admins'].post;
    });
    expect(r.breaking).toBe(false);
    const added = r.findings.filter((f) => f.id === 'identity-list-added');
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ level: 'additive', operation: 'GET /api/v1/admins' });
    expect(r.findings.filter((f) => f.stream !== undefined)).toEqual([]);
  });

  it('a list operation removed is breaking', async () => {
    const r = await driftOf('removed', (raw) => delete raw.paths['/api/v1/groups'].get);
    expect(ids(r, 'breaking')).toEqual(['list-operation-removed groups']);
    expect(r.findings[0]!.source.old).toMatchObject({ file: 'okta.yaml', pointer: '/paths/~1api~1v1~1groups/get' });
  });

  it('a moved path keeps its operationId: operation-path-changed, breaking', async () => {
    const r = await driftOf('moved', (raw) => {
      raw.paths['/api/v2/groups'] = raw.paths['/api/v1/groups'];
      delete raw.paths['/api/v1/groups'];
    });
    expect(ids(r, 'breaking')).toEqual(['operation-path-changed groups']);
    expect(r.findings[0]!.args).toMatchObject({ was: '/api/v1/groups', now: '/api/v2/groups' });
    // The moved list is the stream's own, not a new one.
    expect(ids(r).filter((x) => !x.startsWith('operation-path-changed'))).toEqual([]);
  });

  it('a path parameter renamed: the same request, informational', async () => {
    const child = connector.plan.streams.find((s) => s.parent && s.parent.in !== 'query' && s.path.endsWith(`{${s.parent.param}}/groups`))!;
    const param = child.parent!.param;
    const renamed = child.path.replace(`{${param}}`, `{${param}Renamed}`);
    const r = await driftOf('path-param', (raw) => {
      const item = raw.paths[child.path];
      item.parameters = (item.parameters ?? []).map((p: Raw) => {
        const inline = p.$ref ? structuredClone(atPointer(raw, p.$ref.slice(1))) : p;
        return inline.name === param && inline.in === 'path' ? { ...inline, name: `${param}Renamed` } : p;
      });
      raw.paths[renamed] = item;
      delete raw.paths[child.path];
    });
    expect(r.breaking).toBe(false);
    expect(ids(r)).toEqual([`path-parameter-renamed ${child.name}`]);
    expect(r.findings[0]!.args).toEqual({ from: param, to: `${param}Renamed` });
  });

  it('a pagination parameter renamed is breaking, with its new name', async () => {
    const users = stream('users');
    expect(users.pagination.style).toBe('link-header');
    const limit = (users.pagination as { limit_param: string }).limit_param;
    const r = await driftOf('paging', (raw) => {
      const get = raw.paths['/api/v1/users'].get;
      get.parameters = get.parameters.map((p: Raw) => {
        const inline = p.$ref ? structuredClone(atPointer(raw, p.$ref.slice(1))) : p;
        return inline.name === limit ? { ...inline, name: 'pageSize' } : p;
      });
    });
    expect(ids(r, 'breaking')).toEqual(['pagination-parameter-renamed users']);
    expect(r.findings[0]!.args).toMatchObject({ in: 'query', from: limit, to: 'pageSize' });
  });

  it('the auth scheme changed is breaking', async () => {
    const key = connector.plan.auth.credentials[0]!.scheme;
    const r = await driftOf('auth', (raw) => {
      raw.components.securitySchemes[key] = { type: 'http', scheme: 'bearer' };
    });
    expect(ids(r, 'breaking')).toEqual(['auth-scheme-changed -']);
    expect(r.findings[0]).toMatchObject({ operation: '*', args: { scheme: key, now: 'HTTP bearer' } });
  });

  it('the auth scheme removed is breaking', async () => {
    const key = connector.plan.auth.credentials[0]!.scheme;
    const r = await driftOf('auth-removed', (raw) => delete raw.components.securitySchemes[key]);
    expect(ids(r, 'breaking')).toContain('auth-scheme-removed -');
  });

  it('the connector\'s credential no longer accepted by an operation: security-requirement-changed, breaking', async () => {
    const r = await driftOf('security', (raw) => (raw.paths['/api/v1/users'].get.security = [{ oauth2: ['okta.users.read'] }]));
    expect(ids(r, 'breaking')).toEqual(['security-requirement-changed users']);
    expect(r.findings[0]!.args).toMatchObject({ now: 'oauth2' });
  });

  it('the docs\' server moved: server-changed, breaking', async () => {
    const r = await driftOf('server', (raw) => (raw.servers[0].url = 'https://{yourOktaDomain}/v2'));
    expect(ids(r, 'breaking')).toEqual(['server-changed -']);
    expect(r.findings[0]!.args).toEqual({ was: connector.plan.base_url.url, now: 'https://{yourOktaDomain}/v2' });
  });

  it('a fixed query value the parameter no longer allows, and the parameter gone: breaking', async () => {
    const apps = stream('apps');
    const [name, value] = Object.entries(apps.query)[0]!;
    const param = (raw: Raw) => raw.paths[apps.path].get.parameters.find((p: Raw) => p.name === name);
    const narrowed = await driftOf('fixed-value', (raw) => (param(raw).schema = { type: 'string', enum: ['never'] }));
    expect(ids(narrowed, 'breaking')).toEqual(['fixed-value-not-allowed apps']);
    expect(narrowed.findings[0]!.args).toMatchObject({ name, value, allowed: ['never'] });
    const removed = await driftOf('fixed-removed', (raw) => (raw.paths[apps.path].get.parameters = raw.paths[apps.path].get.parameters.filter((p: Raw) => p.name !== name)));
    expect(ids(removed, 'breaking')).toEqual(['parameter-removed apps']);
  });

  it('an operation a stream reads marked deprecated: operation-deprecated, informational', async () => {
    const r = await driftOf('deprecated', (raw) => (raw.paths['/api/v1/users'].get.deprecated = true));
    expect(r.breaking).toBe(false);
    expect(ids(r)).toEqual(['operation-deprecated users']);
    expect(r.findings[0]!.level).toBe('info');
  });
});
