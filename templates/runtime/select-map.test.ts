import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../canonical.ts';
import { ConnectorSlots as ConnectorSlotsSchema, type ConnectorSlots, type RunInput, type StreamSlot } from '../slots/connector.ts';
import { runConnector } from './connector.ts';
import { idOf, installFakeHost, page, strict } from './fake-host.fixture.ts';
import { selectRecords } from './select-records.ts';

/**
 * A list that is a map keyed by data (JupyterHub's `/services`: `{"svc-a": {…}}`): the records are
 * the map's values, in key order, a record without the key field gets its key there; a list where a
 * map is planned, a value that is not a record, and a map where a list is planned are findings.
 */

let fake: ReturnType<typeof installFakeHost> | undefined;
afterEach(() => fake?.restore());

const findingOf = (fn: () => unknown) => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as { finding?: { id: string; args: Record<string, unknown> } }).finding;
  }
};

describe('select-records: records that are the values of a map', () => {
  it('reads the values in key order, and fills the key field where a record lacks it', () => {
    const body = { zed: { name: 'zed', pid: 1 }, 'svc-b': { pid: 2 }, 'svc-a': { name: 'svc-a', pid: 3 }, nulled: { name: null } };
    expect(selectRecords(page(body), '', strict, 'u', 'map', 'name')).toEqual([{ name: 'nulled' }, { name: 'svc-a', pid: 3 }, { name: 'svc-b', pid: 2 }, { name: 'zed', pid: 1 }]);
    // Without a key field, the keys are not kept; a record's own value is never overwritten by its key.
    expect(selectRecords(page({ b: { pid: 2 }, a: { pid: 1 } }), '', strict, 'u', 'map', null)).toEqual([{ pid: 1 }, { pid: 2 }]);
    // An entry whose key field is not its key could hide another record under one id: not trusted.
    const aliased = findingOf(() => selectRecords(page({ 'svc-a': { name: 'svc-b' }, 'svc-b': { name: 'svc-b' } }), '', strict, 'u', 'map', 'name'));
    expect(aliased?.id).toBe('items-path-not-a-map');
    expect(JSON.stringify(aliased)).not.toContain('svc-');
    expect(selectRecords(page({ '12': { name: 12 } }), '', strict, 'u', 'map', 'name')).toEqual([{ name: 12 }]);
    // A map under a field of the body, and an empty map.
    expect(selectRecords(page({ services: { a: { name: 'a' } } }), 'services', strict, 'u', 'map', 'name')).toEqual([{ name: 'a' }]);
    expect(selectRecords(page({}), '', strict, 'u', 'map', 'name')).toEqual([]);
  });

  it('a key never reaches the prototype: `__proto__` is an ordinary key', () => {
    const body = JSON.parse('{"__proto__": {"pid": 1}}') as unknown;
    const [record] = selectRecords(page(body), '', strict, 'u', 'map', 'name') as Record<string, unknown>[];
    expect(Object.hasOwn(record!, 'name') && record!.name).toBe('__proto__');
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
  });

  it('fails closed when a list comes where a map is planned, or a value is not a record — and names no key', () => {
    expect(idOf(() => selectRecords(page([{ name: 'a' }]), '', strict, 'u', 'map', 'name'))).toBe('items-path-not-a-map');
    const bad = findingOf(() => selectRecords(page({ 'secret-key-name': 'just a string' }), '', strict, 'u', 'map', 'name'));
    expect(bad?.id).toBe('items-path-not-a-map');
    expect(JSON.stringify(bad)).not.toContain('secret-key-name');
    expect(idOf(() => selectRecords(page({ data: { a: { name: 'a' } } }), 'services', strict, 'u', 'map', 'name'))).toBe('items-path-missing');
    expect(idOf(() => selectRecords(page({ services: null }), 'services', strict, 'u', 'map', 'name'))).toBe('items-path-missing');
    expect(selectRecords(page({ services: null }), 'services', { no_content: false, null_items: true }, 'u', 'map', 'name')).toEqual([]);
    // An empty map beside a list of records is not an empty page.
    expect(idOf(() => selectRecords(page({ services: {}, data: [{ name: 'a' }] }), 'services', strict, 'u', 'map', 'name'))).toBe('records-elsewhere');
  });

  it('and a map where a list is planned is still a finding', () => {
    expect(idOf(() => selectRecords(page({ a: { name: 'a' } }), '', strict, 'u'))).toBe('items-path-not-a-list');
    expect(idOf(() => selectRecords(page({ a: { name: 'a' } }), '', strict, 'u', 'array', null))).toBe('items-path-not-a-list');
  });
});

describe('runConnector: a map-shaped stream end to end', () => {
  const input: RunInput = { base_url: 'https://hub.test', tenant_variables: {}, max_pages_per_stream: 20, max_records: 1000, retry: { max_attempts: 2, base_delay_ms: 0, max_delay_ms: 0 } };
  const services: StreamSlot = {
    name: 'services', kind: 'service_account', operation_id: 'listServices', path: '/services', path_params: {}, query: {}, query_variables: [], headers: {}, items_path: '',
    items_container: 'map', map_key_field: 'name',
    empty: { no_content: false, null_items: false }, pagination: { style: 'none' }, mapping: { id: { path: 'name', transform: 'string' }, display_name: { path: 'name', transform: 'string' } }, parent: null,
  };
  const slots: ConnectorSlots = { vendor: 'hub', tenant_variables: [], streams: [services] };

  it('emits every value of the map once, its id from the key where the record lacks it', async () => {
    fake = installFakeHost(() => ({ json: { 'svc-b': { kind: 'service' }, 'svc-a': { name: 'svc-a', kind: 'service' } } }));
    await runConnector(slots, input);
    const identities = fake.emitted.filter((r) => (r as { type: string }).type === 'identity') as { id: string }[];
    expect(identities.map((i) => i.id)).toEqual(['svc-a', 'svc-b']);
    expect((fake.emitted.at(-1) as RunRecord).complete).toBe(true);
  });

  it('is incomplete, naming the shape, when the list comes as an array', async () => {
    fake = installFakeHost(() => ({ json: [{ name: 'svc-a' }] }));
    await runConnector(slots, input);
    const run = fake.emitted.at(-1) as RunRecord;
    expect(run.complete).toBe(false);
    expect(run.streams[0]!.findings[0]).toMatchObject({ id: 'items-path-not-a-map', args: { found: 'a list of 1', key_field: 'name' } });
    expect(run.streams[0]!.error).toContain('instead of a map of records keyed by their "name"');
  });

  it('the slot schema takes a key field only for a map', () => {
    expect(ConnectorSlotsSchema.safeParse(slots).success).toBe(true);
    const listWithKey = ConnectorSlotsSchema.safeParse({ ...slots, streams: [{ ...services, items_container: undefined }] });
    expect(listWithKey.success).toBe(false);
    expect(listWithKey.error?.issues[0]?.path).toEqual(['streams', 0, 'map_key_field']);
    expect(ConnectorSlotsSchema.safeParse({ ...slots, streams: [{ ...services, items_container: 'set' }] }).success).toBe(false);
  });
});
