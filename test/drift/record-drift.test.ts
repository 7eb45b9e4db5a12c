import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffDocs } from '../../agent/drift/docs-diff.ts';
import type { DriftReport } from '../../agent/drift/drift-report.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { vendorDoc } from '../helpers/vendor-docs.ts';
import { atPointer, connectorSide, nextSide, rawDoc, tempRoot, writeVariant, type Raw } from './docs-variants.ts';

/**
 * The record a stream reads: a mapped field retyped so its transform can no longer read it, and
 * the id field no longer in every record (optional now, or missing from a `oneOf` branch) — a
 * record without an id fails the run, so both are breaking.
 */

let root: string;
beforeAll(() => {
  root = tempRoot();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const of = (r: DriftReport, stream: string) => r.findings.filter((f) => f.stream === stream).map((f) => `${f.level} ${f.id} ${String(f.args.field)}`);

describe('a mapped field\'s type, read through its transform (pagerduty, allOf records)', () => {
  let original: Raw;
  let connector: { plan: ConnectorPlan; model: ApiModel };
  beforeAll(async () => {
    original = rawDoc('pagerduty.json');
    connector = await connectorSide(vendorDoc('pagerduty.json'));
  }, 60_000);
  const driftOf = async (label: string, change: (raw: Raw) => void, side = connector) => {
    const raw = structuredClone(original);
    change(raw);
    return diffDocs(side, await nextSide(writeVariant(root, `pd-${label}`, 'pagerduty.json', raw)));
  };
  const user = (raw: Raw) => atPointer(raw, '/components/schemas/User').allOf[1].properties;
  const reference = (raw: Raw) => atPointer(raw, '/components/schemas/Tag/allOf/0');

  it('string → list for email and for the display name (the `string` transform reads neither a list nor an object): breaking', async () => {
    const users = connector.plan.streams.find((s) => s.name === 'users')!;
    expect([users.mapping.email, users.mapping.display_name].map((m) => [m!.path, m!.transform])).toEqual([['email', 'string'], ['summary', 'string']]);
    const r = await driftOf('lists', (raw) => {
      user(raw).email = { type: 'array', items: { type: 'string' } };
      reference(raw).properties.summary = { type: 'array', items: { type: 'string' } };
    });
    expect(of(r, 'users').filter((x) => !x.includes('response-field-added')).sort()).toEqual(['breaking mapped-field-type-changed email', 'breaking mapped-field-type-changed summary']);
  });

  it('string → object for the display name: breaking', async () => {
    const r = await driftOf('object', (raw) => (reference(raw).properties.summary = { type: 'object', properties: { text: { type: 'string' } } }));
    expect(of(r, 'users').filter((x) => x.includes(' summary'))).toEqual(['breaking mapped-field-type-changed summary']);
  });

  it('integer → string under `unix-seconds` (which reads both): informational', async () => {
    // A connector whose plan reads a field as epoch seconds: the transform decides what it can still read.
    const users = connector.plan.streams.find((s) => s.name === 'users')!;
    const plan = structuredClone(connector.plan);
    plan.streams.find((s) => s.name === users.name)!.mapping.created_at = { path: 'created_epoch', transform: 'unix-seconds', confidence: 1, evidence: [] };
    const withEpoch = (raw: Raw, type: object) => (user(raw).created_epoch = type);
    const before = structuredClone(original);
    withEpoch(before, { type: 'integer' });
    const side = { plan, model: (await connectorSide(writeVariant(root, 'pd-epoch-before', 'pagerduty.json', before))).model };
    const asString = await driftOf('epoch-string', (raw) => withEpoch(raw, { type: 'string' }), side);
    expect(of(asString, 'users').filter((x) => x.includes('created_epoch'))).toEqual(['info mapped-field-retyped created_epoch']);
    const asObject = await driftOf('epoch-object', (raw) => withEpoch(raw, { type: 'object', properties: { s: { type: 'integer' } } }), side);
    expect(of(asObject, 'users').filter((x) => x.includes('created_epoch'))).toEqual(['breaking mapped-field-type-changed created_epoch']);
  });

  it('a `oneOf` branch of the records without the id field: id-field-not-guaranteed, breaking', async () => {
    const users = connector.plan.streams.find((s) => s.name === 'users')!;
    expect(users.mapping.id!.path).toBe('id');
    const r = await driftOf('oneof', (raw) => {
      raw.components.schemas.Invitee = { type: 'object', properties: { email: { type: 'string' }, summary: { type: 'string' } } };
      const list = raw.paths['/users'].get.responses['200'].content['application/json'].schema.allOf[1].properties.users;
      list.items = { oneOf: [{ $ref: '#/components/schemas/User' }, { $ref: '#/components/schemas/Invitee' }] };
    });
    const f = r.findings.find((x) => x.id === 'id-field-not-guaranteed' && x.stream === 'users');
    expect(f).toMatchObject({ level: 'breaking', args: { field: 'id', was: 'optional', now: 'missing from a variant of the record schema' } });
    // A branch that has the id too changes nothing about it.
    const both = await driftOf('oneof-both', (raw) => {
      raw.components.schemas.Invitee = { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' } } };
      const list = raw.paths['/users'].get.responses['200'].content['application/json'].schema.allOf[1].properties.users;
      list.items = { oneOf: [{ $ref: '#/components/schemas/User' }, { $ref: '#/components/schemas/Invitee' }] };
    });
    expect(both.findings.filter((x) => x.id === 'id-field-not-guaranteed')).toEqual([]);
  });

  it('the id field required before and optional now: id-field-not-guaranteed, breaking', async () => {
    const required = structuredClone(original);
    reference(required).required = ['id'];
    const side = await connectorSide(writeVariant(root, 'pd-required', 'pagerduty.json', required));
    const same = diffDocs(side, await nextSide(writeVariant(root, 'pd-required-same', 'pagerduty.json', required)));
    expect(same.findings).toEqual([]);
    const r = await driftOf('optional', () => undefined, side);
    const f = r.findings.filter((x) => x.id === 'id-field-not-guaranteed').map((x) => `${x.level} ${x.stream} ${String(x.args.was)} → ${String(x.args.now)}`);
    expect(f).toContain('breaking users required in every record → optional');
  });
});
