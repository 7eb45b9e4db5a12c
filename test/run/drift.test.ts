import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaView } from '../../agent/docs-view/schema-view.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import type { ObservedOperation, ObservedResponse } from '../../agent/observed/observed-shapes.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { declaredShape, docsResponse, operationOf, responseSchema } from '../../agent/run/docs-response.ts';
import { classifyDrift, type DriftEntry } from '../../agent/run/drift.ts';
import { ShapeAccumulator, shapeOf } from '../../agent/run/shape-of.ts';
import { planOf, VENDOR_DOCS } from '../helpers/vendor-docs.ts';

/**
 * Drift (issue 9): what a live run observed against what the connector reads — the items path and
 * list container, the fields its mapping reads, the docs' response schema — each difference
 * classified, breaking (records or mapped data lost) or additive/info.
 */

const REAL = path.join(VENDOR_DOCS, '../real-responses/jupyterhub-3.0.0');
const real = (file: string) => JSON.parse(readFileSync(path.join(REAL, file), 'utf8')) as unknown;

let plan: ConnectorPlan;
let model: ApiModel;
beforeAll(async () => {
  ({ plan, model } = await planOf('jupyterhub'));
});

/** The observed operation of `streamPath` answering `body` (shaped as the live run shapes it, the docs guiding map detection). */
function observed(streamPath: string, body: unknown, more: Partial<ObservedResponse> = {}): ObservedOperation {
  return observedAll(streamPath, body === undefined ? [] : [body], more);
}

/** The same for several responses (pages, or one call per parent record), merged as the live run merges them. */
function observedAll(streamPath: string, bodies: unknown[], more: Partial<ObservedResponse> = {}): ObservedOperation {
  const stream = plan.streams.find((s) => s.path === streamPath)!;
  const status = more.status ?? 200;
  const schema = responseSchema(docsResponse(operationOf(model, stream), status));
  const acc = new ShapeAccumulator();
  for (const body of bodies) acc.add(body, declaredShape(new SchemaView(model), schema?.node));
  return { method: 'GET', path: streamPath, stream: stream.name, responses: [{ status, content_type: 'application/json', header_names: ['content-type'], count: Math.max(1, bodies.length), body: bodies.length ? acc.shape() : null, ...more }] };
}

const USER = { name: 'zq-alice', admin: false, roles: ['user'], groups: [], server: 'x', pending: 'spawn', last_activity: '2024-01-01T00:00:00Z', servers: [], auth_state: {} };
const TOKEN = { id: 'a1', user: 'zq-alice', scopes: ['read:users'], roles: [], note: 'ci', created: '2024-01-01T00:00:00Z', expires_at: '2025-01-01T00:00:00Z', last_activity: '2024-01-01T00:00:00Z' };
const classes = (entries: DriftEntry[], severity?: string) => entries.filter((e) => !severity || e.severity === severity).map((e) => `${e.class} ${e.stream} ${e.path}`);

describe('classifyDrift', () => {
  it('the responses as the docs give them: no drift', () => {
    const d = classifyDrift(plan, model, [observed('/users', [USER]), observed('/users/{name}/tokens', [TOKEN])]);
    expect(d.entries).toEqual([]);
  });

  it('real JupyterHub 3.0.0: /services as a map and tokens wrapped in api_tokens are breaking; extra fields additive; undocumented nulls info', () => {
    const d = classifyDrift(plan, model, [observed('/users', real('users.json')), observed('/services', real('services.json')), observedAll('/users/{name}/tokens', ['alice', 'bob', 'carol'].map((u) => real(`tokens-${u}.json`)))]);
    expect(classes(d.entries, 'breaking')).toEqual(['list-shape-changed services $', 'list-shape-changed user_tokens $']);
    const services = d.entries.find((e) => e.stream === 'services')!;
    expect(services).toMatchObject({ operation: 'GET /services', expected: 'a list', observed: 'a map of records keyed by their `name`' });
    expect(d.entries.find((e) => e.stream === 'user_tokens')!.observed).toBe('an object whose records are at `api_tokens`');
    expect(classes(d.entries, 'additive')).toContain('field-undocumented users $[*].created');
    expect(classes(d.entries, 'additive')).toContain('field-undocumented user_tokens $.api_tokens[*].oauth_client');
    expect(classes(d.entries, 'info')).toContain('nullable-undocumented users $[*].last_activity');
    expect(classes(d.entries, 'info')).toContain('field-type-changed users $[*].servers');
    // An integer where the docs say number is a number (the services' `pid`).
    expect(classes(d.entries)).not.toContain('field-type-changed services $.*.pid');
    // Shapes only: no value of the bodies is in any entry.
    const text = JSON.stringify(d);
    for (const v of ['svc-reporter', 'alice', 'ci-pipeline', 'identity-reader', '2026-11-30']) expect(text).not.toContain(v);
  });

  it('a plan that reads a map (items_container map) reads the real /services: no list drift; a list there is then drift', () => {
    const mapPlan: ConnectorPlan = { ...plan, streams: plan.streams.map((s) => (s.path === '/services' ? { ...s, items_container: 'map' as const, map_key_field: 'name' } : s)) };
    expect(classifyDrift(mapPlan, model, [observed('/services', real('services.json'))]).entries.filter((e) => e.severity === 'breaking')).toEqual([]);
    const asList = classifyDrift(mapPlan, model, [observed('/services', Object.values(real('services.json') as object))]);
    expect(classes(asList.entries, 'breaking')).toEqual(['list-shape-changed services $']);
  });

  it('a list on one page and a map on another: list-shape-changed', () => {
    const list = observed('/services', [{ name: 's', admin: false, roles: [] }]);
    const map = observed('/services', real('services.json'));
    const d = classifyDrift(plan, model, [{ ...list, responses: [list.responses[0]!, { ...map.responses[0]!, status: 206 }] }]);
    expect(d.entries.filter((e) => e.severity === 'breaking')).toEqual([expect.objectContaining({ class: 'list-shape-changed', observed: 'a list or a map of records keyed by their `name`' })]);
  });

  it('a field the mapping reads, never seen: breaking — and the parent field a child stream needs', () => {
    const { name: _, ...nameless } = USER;
    const d = classifyDrift(plan, model, [observed('/users', [nameless])]);
    expect(classes(d.entries, 'breaking')).toEqual(['mapped-field-missing users $[*].name', 'mapped-field-missing users $[*].name']);
    expect(d.entries[0]!.expected).toMatch(/read into id, display_name/);
    expect(d.entries[1]!.text).toMatch(/user_tokens needs for \{name\}/);
    // Seen in some records only: not missing.
    expect(classes(classifyDrift(plan, model, [observed('/users', [nameless, USER])]).entries, 'breaking')).toEqual([]);
  });

  it('a mapped field absent from the records is missing, whatever names were folded beside it (data keys, names seen once)', () => {
    const { created: _, last_activity: __, ...bare } = TOKEN;
    // Every record has a key that is data: folded into additionalProperties, which says nothing of `created`.
    const tokens = [0, 1, 2].map((i) => ({ ...bare, id: `a${i}`, [`zq key ${i}`]: 1, [`zq_once_${i}`]: 'x' }));
    const d = classifyDrift(plan, model, [observed('/users/{name}/tokens', tokens)]);
    expect(d.entries.find((e) => e.stream === 'user_tokens' && e.path === '$[*]' + '.created')).toMatchObject({ class: 'mapped-field-missing', severity: 'breaking' });
    expect(classes(d.entries, 'breaking')).toEqual(expect.arrayContaining(['mapped-field-missing user_tokens $[*].created']));
    expect(JSON.stringify(d)).not.toContain('zq');
    // A map stream's key field, absent from its records, is filled from the keys: not missing.
    const mapPlan: ConnectorPlan = { ...plan, streams: plan.streams.map((s) => (s.path === '/services' ? { ...s, items_container: 'map' as const, map_key_field: 'name' } : s)) };
    const services = Object.fromEntries(Object.entries(real('services.json') as Record<string, Record<string, unknown>>).map(([k, { name: _n, ...v }]) => [k, v]));
    expect(classes(classifyDrift(mapPlan, model, [observed('/services', services)]).entries, 'breaking')).toEqual([]);
    expect(classes(classifyDrift(plan, model, [observed('/services', Object.values(services))]).entries, 'breaking')).toContain('mapped-field-missing services $[*].name');
  });

  it('a mapped field named as a property of Object.prototype is looked up as the records\' own field', () => {
    const odd: ConnectorPlan = { ...plan, streams: plan.streams.map((s) => (s.path === '/users' ? { ...s, mapping: { ...s.mapping, display_name: { ...s.mapping.display_name!, path: 'constructor' } } } : s)) };
    // Shapes as a file holds them once parsed: properties in plain objects.
    const parsed = JSON.parse(JSON.stringify(observed('/users', [USER, { ...USER, name: 'zq-bob' }]))) as ObservedOperation;
    const d = classifyDrift(odd, model, [parsed]);
    expect(classes(d.entries, 'breaking')).toEqual(['mapped-field-missing users $[*].constructor']);
  });

  it('a type change is breaking when a mapped transform cannot read the new type, info otherwise; a null id is breaking, a null elsewhere info', () => {
    const d = classifyDrift(plan, model, [observed('/users/{name}/tokens', [{ ...TOKEN, created: 1_700_000_000, note: 42, expires_at: null }])]);
    const created = d.entries.find((e) => e.path === '$[*].created')!;
    expect(created).toMatchObject({ class: 'field-type-changed', severity: 'breaking', expected: 'string', observed: 'integer' });
    // `note` is read with `string`, which reads a number too.
    expect(d.entries.find((e) => e.path === '$[*].note')).toMatchObject({ class: 'field-type-changed', severity: 'info' });
    expect(d.entries.find((e) => e.path === '$[*].expires_at')).toMatchObject({ class: 'nullable-undocumented', severity: 'info' });
    const unmapped = classifyDrift(plan, model, [observed('/users', [{ ...USER, admin: 'yes' }])]);
    expect(unmapped.entries).toEqual([expect.objectContaining({ class: 'field-type-changed', severity: 'info', path: '$[*].admin' })]);
    const nullId = classifyDrift(plan, model, [observed('/users', [USER, { ...USER, name: null }])]);
    expect(nullId.entries.find((e) => e.path === '$[*].name')).toMatchObject({ class: 'nullable-undocumented', severity: 'breaking' });
  });

  it('an items path the body lacks: items-path-missing, naming where the records are', () => {
    const wrapped: ConnectorPlan = { ...plan, streams: plan.streams.map((s) => (s.path === '/groups' ? { ...s, items_path: 'items' } : s)) };
    const d = classifyDrift(wrapped, model, [observed('/groups', { groups: [{ name: 'g', users: [], roles: [] }], total: 1 })]);
    expect(d.entries.filter((e) => e.severity === 'breaking')).toEqual([expect.objectContaining({ class: 'items-path-missing', stream: 'groups', path: '$.items', observed: 'an object with fields groups, total at $; records at `groups`' })]);
  });

  it('the empty answer the docs print (no records\' key, a total of 0): no drift where the plan allows it; items-path-missing where it does not', () => {
    const withEmpty = (absent: string | undefined): ConnectorPlan => ({ ...plan, streams: plan.streams.map((s) => (s.path === '/groups' ? { ...s, items_path: 'entries', empty: { ...s.empty, ...(absent ? { absent_at_zero: absent } : {}) } } : s)) });
    const empty = observed('/groups', { start: 0, total_size: 0 });
    expect(classes(classifyDrift(withEmpty('total_size'), model, [empty]).entries, 'breaking')).toEqual([]);
    expect(classes(classifyDrift(withEmpty(undefined), model, [empty]).entries, 'breaking')).toEqual(['items-path-missing groups $.entries']);
    // A body with no total where the plan reads one is not the documented empty answer.
    expect(classes(classifyDrift(withEmpty('total_size'), model, [observed('/groups', { start: 0 })]).entries, 'breaking')).toEqual(['items-path-missing groups $.entries']);
  });

  it('statuses the docs do not give are info; a 2xx that is not JSON is a breaking content-type change', () => {
    const d = classifyDrift(plan, model, [
      { ...observed('/users', [USER]), responses: [...observed('/users', [USER]).responses, { status: 403, content_type: 'application/json', header_names: [], count: 2, body: shapeOf({ status: 403, message: 'no' }) }] },
      observed('/groups', undefined, { content_type: 'text/html' }),
    ]);
    expect(classes(d.entries)).toEqual(['content-type-changed groups $', 'status-undocumented users $']);
    expect(d.entries[0]).toMatchObject({ severity: 'breaking', expected: 'application/json', observed: 'text/html' });
    expect(d.entries[1]).toMatchObject({ severity: 'info', observed: 'status 403' });
  });
});
