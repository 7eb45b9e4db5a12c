import { describe, expect, it } from 'vitest';
import { MAX_SHAPE_DEPTH, MAX_SHAPE_PROPERTIES, ObservedSchema } from '../../agent/observed/observed-shapes.ts';
import { mergeShapes, shapeOf, type DeclaredShape } from '../../agent/run/shape-of.ts';

/**
 * The shape of a JSON value, no value kept (issue 9, "Learn shapes, never data"): types, field
 * names, formats from the text's form, merged list items, `required`, nullability; a map keyed by
 * data becomes `additionalProperties` (keys dropped) with `x-map-key` when a field equals its key.
 */

/** A declaration as the docs would give it: a list of records, or an object with these names. */
const list = (items?: DeclaredShape): DeclaredShape => ({ kind: 'list', names: new Set(), child: (s) => (s === '[]' ? items : undefined) });
const object = (names: string[]): DeclaredShape => ({ kind: 'object', names: new Set(names), child: () => undefined });

const SEEDED: string[] = ['zq-secret-alice-71', 'zq71@secret.example', 'zq-svc-reporter-71', '7f3c2a10-9b1e-4c6d-8e2f-0a1b2c3d4e5f', 'https://zq-secret.example/alice', '2031-07-01T10:11:12.345678Z', '1971', 'zq-note-71'];

describe('shapeOf', () => {
  it('keeps types, field names and formats, and no value at all', () => {
    const record = { name: SEEDED[0], email: SEEDED[1], id: SEEDED[3], url: SEEDED[4], created: SEEDED[5], born: '1971-02-03', pid: 1971, ratio: 0.5, admin: true, note: SEEDED[7], nothing: null, tags: ['zq-tag-71'] };
    const shape = shapeOf(record);
    expect(shape).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string' },
        email: { type: 'string', format: 'email' },
        id: { type: 'string', format: 'uuid' },
        url: { type: 'string', format: 'uri' },
        created: { type: 'string', format: 'date-time' },
        born: { type: 'string', format: 'date' },
        pid: { type: 'integer' },
        ratio: { type: 'number' },
        admin: { type: 'boolean' },
        note: { type: 'string' },
        nothing: { type: 'null' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['admin', 'born', 'created', 'email', 'id', 'name', 'note', 'nothing', 'pid', 'ratio', 'tags', 'url'],
    });
    const text = JSON.stringify(shape);
    for (const v of [...SEEDED, 'zq-tag-71', '1971-02-03']) expect(text).not.toContain(v);
    expect(ObservedSchema.safeParse(shape).success).toBe(true);
  });

  it('list items merge into one shape: required = fields in every record, null seen = a type array, integer and number = number', () => {
    const shape = shapeOf([
      { name: 'a', last: null, n: 1, when: '2024-01-01T00:00:00Z', only_here: true },
      { name: 'b', last: '2024-01-02T00:00:00Z', n: 1.5, when: 'yesterday' },
    ]);
    expect(shape).toEqual({
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, last: { type: ['string', 'null'], format: 'date-time' }, n: { type: 'number' }, when: { type: 'string' }, only_here: { type: 'boolean' } },
        required: ['last', 'n', 'name', 'when'],
      },
    });
    // An empty list: nothing seen of its items.
    expect(shapeOf([])).toEqual({ type: 'array', items: {} });
  });

  it('a map whose records carry their key (JupyterHub 3.0 /services): additionalProperties and x-map-key, the keys dropped — one entry is enough', () => {
    const services = { [SEEDED[2]!]: { name: SEEDED[2], admin: false, roles: ['zq-role-71'] }, 'zq-svc-culler-71': { name: 'zq-svc-culler-71', admin: true, roles: [] } };
    const shape = shapeOf(services);
    expect(shape).toEqual({
      type: 'object',
      additionalProperties: { type: 'object', properties: { name: { type: 'string' }, admin: { type: 'boolean' }, roles: { type: 'array', items: { type: 'string' } } }, required: ['admin', 'name', 'roles'] },
      'x-map-key': 'name',
    });
    expect(JSON.stringify(shape)).not.toMatch(/zq-/);
    expect(shapeOf({ 'zq-only-71': { name: 'zq-only-71', admin: false } })).toMatchObject({ additionalProperties: { type: 'object' }, 'x-map-key': 'name' });
  });

  it('a map without a key field: several entries of one shape whose keys the docs do not declare; a map where the docs expect a list, even of one entry', () => {
    const byId = { 'zq-k1': { admin: false, roles: [] }, 'zq-k2': { admin: true, roles: ['x'] } };
    expect(shapeOf(byId, object(['services', 'total']))).toMatchObject({ type: 'object', additionalProperties: { type: 'object' } });
    expect(shapeOf(byId, object(['services', 'total']))['x-map-key']).toBeUndefined();
    expect(shapeOf(byId)).toMatchObject({ additionalProperties: { type: 'object' } });
    expect(shapeOf({ 'zq-k1': { admin: false, pid: 3 } }, list())).toMatchObject({ additionalProperties: { required: ['admin', 'pid'] } });
    expect(JSON.stringify(shapeOf(byId))).not.toContain('zq-k');
  });

  it('not a map: keys the docs declare, objects of different shapes, a wrapper of lists, a wrapper object where the docs expect a list', () => {
    const declared = { owner: { id: 'a', name: 'b' }, creator: { id: 'c', name: 'd' } };
    expect(shapeOf(declared, object(['owner', 'creator']))).toMatchObject({ properties: { owner: { type: 'object' }, creator: { type: 'object' } } });
    // One declared key among others: an object with some undeclared fields, not a map.
    expect(shapeOf({ owner: { id: 'a', name: 'b' }, backup: { id: 'c', name: 'd' } }, object(['owner']))).toMatchObject({ properties: { owner: {}, backup: {} } });
    // Even when a field happens to equal its key: the docs name the key, so it is a field.
    expect(shapeOf({ admin: { name: 'admin', n: 1 } }, object(['admin', 'staff']))).toMatchObject({ properties: { admin: { type: 'object' } } });
    expect(shapeOf({ user: { id: 'a', name: 'b' }, org: { plan: 'p', seats: 3, region: 'r' } })).toMatchObject({ properties: { user: {}, org: {} } });
    expect(shapeOf({ api_tokens: [{ id: 'a' }], oauth_tokens: [] }, list())).toMatchObject({ properties: { api_tokens: { type: 'array' }, oauth_tokens: { type: 'array', items: {} } } });
    expect(shapeOf({ data: { users: [{ id: 'a' }] } }, list())).toMatchObject({ properties: { data: { properties: { users: { type: 'array' } } } } });
    // One entry without a key field and no docs: an ordinary object.
    expect(shapeOf({ profile: { admin: false } })).toMatchObject({ properties: { profile: {} } });
  });

  it('a key that cannot be a field name (an email, a date, a number, a path) is dropped into additionalProperties', () => {
    const shape = shapeOf({ [SEEDED[1]!]: 'admin', '2031-07-01': 3, '1971': true, 'a/b': null, normal: 'x' });
    expect(shape).toEqual({ type: 'object', properties: { normal: { type: 'string' } }, required: ['normal'], additionalProperties: { type: ['boolean', 'integer', 'string', 'null'] } });
    expect(JSON.stringify(shape)).not.toMatch(/zq71|2031|1971|a\/b/);
  });

  it('bounded: depth past MAX_SHAPE_DEPTH is {}, fields past MAX_SHAPE_PROPERTIES fold into additionalProperties', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_SHAPE_DEPTH + 8; i++) deep = { next: deep };
    let s = shapeOf(deep);
    let levels = 0;
    while (s.properties?.next) {
      s = s.properties.next;
      levels++;
    }
    expect(levels).toBe(MAX_SHAPE_DEPTH);
    expect(s).toEqual({});
    const wide = Object.fromEntries(Array.from({ length: MAX_SHAPE_PROPERTIES + 50 }, (_, i) => [`f${i}`, i]));
    const w = shapeOf(wide);
    expect(Object.keys(w.properties!)).toHaveLength(MAX_SHAPE_PROPERTIES);
    expect(w.additionalProperties).toEqual({ type: 'integer' });
  });
});

describe('mergeShapes', () => {
  it('unites types, intersects required, keeps a format only when every string had it', () => {
    const a = shapeOf({ id: 'zq-1', when: '2024-01-01T00:00:00Z', extra: 1 });
    const b = shapeOf({ id: 'zq-2', when: 'soon', last: null });
    expect(mergeShapes(a, b)).toEqual({
      type: 'object',
      properties: { id: { type: 'string' }, when: { type: 'string' }, extra: { type: 'integer' }, last: { type: 'null' } },
      required: ['id', 'when'],
    });
    expect(mergeShapes(shapeOf('2024-01-01T00:00:00Z'), shapeOf(null))).toEqual({ type: ['string', 'null'], format: 'date-time' });
    // Neither input is changed.
    expect(a.required).toEqual(['extra', 'id', 'when']);
  });

  it('maps across pages: the key field kept when both pages agree, dropped when not; a one-entry object of records folds into the map', () => {
    const page1 = shapeOf({ 'zq-a': { name: 'zq-a', admin: true } });
    const page2 = shapeOf({ 'zq-b': { name: 'zq-b', admin: false } });
    expect(mergeShapes(page1, page2)['x-map-key']).toBe('name');
    const other = shapeOf({ 'zq-c': { slug: 'zq-c', admin: false } });
    expect(mergeShapes(page1, other)['x-map-key']).toBeUndefined();
    // An empty map merges into a map.
    expect(mergeShapes(shapeOf({}), page1)).toEqual(page1);
    // A page whose one entry was not told apart (no key field, no docs) joins the map: its key is dropped.
    const told = mergeShapes(page1, shapeOf({ 'zq-lonely-71': { admin: false, pid: 2 } }));
    expect(told.properties).toBeUndefined();
    expect(told.additionalProperties).toMatchObject({ properties: { name: {}, admin: {}, pid: {} }, required: ['admin'] });
    expect(JSON.stringify(told)).not.toContain('zq-');
  });
});
