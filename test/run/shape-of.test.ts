import { describe, expect, it } from 'vitest';
import { MAX_SHAPE_DEPTH, MAX_SHAPE_PROPERTIES, ObservedSchema } from '../../agent/observed/observed-shapes.ts';
import { FIELD_NAME, MAX_SHAPE_NODES, mergeInto, mergeShapes, ShapeAccumulator, ShapeBudget, shapeOf, type DeclaredShape } from '../../agent/run/shape-of.ts';

/**
 * The shape of a JSON value, no value kept (issue 9, "Learn shapes, never data"): types, field
 * names, formats from the text's form, merged list items, `required`, nullability; a map keyed by
 * data becomes `additionalProperties` (keys dropped) with `x-map-key` when a field equals its key.
 */

/** A declaration as the docs would give it: a list of records, or an object with these names. */
const list = (items?: DeclaredShape): DeclaredShape => ({ kind: 'list', names: new Set(), child: (s) => (s === '[]' ? items : undefined) });
const object = (names: string[]): DeclaredShape => ({ kind: 'object', names: new Set(names), child: () => undefined });
/** The shape of several bodies of one place (pages of a stream), merged. */
function shapeOfAll(values: unknown[], declared?: DeclaredShape, hidden?: (name: string) => boolean) {
  const acc = new ShapeAccumulator();
  for (const v of values) acc.add(v, declared);
  return acc.shape(hidden);
}

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

  it('list items merge into one shape: required = fields in every record, null seen = a type array, integer and number = number; a name in one record only is folded', () => {
    const shape = shapeOf([
      { name: 'a', last: null, n: 1, when: '2024-01-01T00:00:00Z', only_here: true },
      { name: 'b', last: '2024-01-02T00:00:00Z', n: 1.5, when: 'yesterday' },
    ]);
    expect(shape).toEqual({
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, last: { type: ['string', 'null'], format: 'date-time' }, n: { type: 'number' }, when: { type: 'string' } },
        required: ['last', 'n', 'name', 'when'],
        // Seen in one record of two: kept only as a shape, its name dropped.
        additionalProperties: { type: 'boolean' },
      },
    });
    // An empty list: nothing seen of its items.
    expect(shapeOf([])).toEqual({ type: 'array', items: {} });
  });

  it('a map whose records carry their key (JupyterHub 3.0 /services): additionalProperties and x-map-key, the keys dropped — one entry is enough, its field names kept when the docs declare them', () => {
    const services = { [SEEDED[2]!]: { name: SEEDED[2], admin: false, roles: ['zq-role-71'] }, 'zq-svc-culler-71': { name: 'zq-svc-culler-71', admin: true, roles: [] } };
    const shape = shapeOf(services);
    expect(shape).toEqual({
      type: 'object',
      additionalProperties: { type: 'object', properties: { name: { type: 'string' }, admin: { type: 'boolean' }, roles: { type: 'array', items: { type: 'string' } } }, required: ['admin', 'name', 'roles'] },
      'x-map-key': 'name',
    });
    expect(JSON.stringify(shape)).not.toMatch(/zq-/);
    expect(shapeOf({ 'zq-only-71': { name: 'zq-only-71', admin: false } }, list(object(['name', 'admin'])))).toMatchObject({ additionalProperties: { type: 'object', properties: { name: {}, admin: {} } }, 'x-map-key': 'name' });
    // Without docs, one record's names are not kept (a name must recur), and so neither is the key field.
    expect(shapeOf({ 'zq-only-71': { name: 'zq-only-71', admin: false } })).toEqual({ type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: ['boolean', 'string'] } } });
  });

  it('a map without a key field: several entries of one shape whose keys the docs do not declare; a map where the docs expect a list, even of one entry', () => {
    const byId = { 'zq-k1': { admin: false, roles: [] }, 'zq-k2': { admin: true, roles: ['x'] } };
    expect(shapeOf(byId, object(['services', 'total']))).toMatchObject({ type: 'object', additionalProperties: { type: 'object' } });
    expect(shapeOf(byId, object(['services', 'total']))['x-map-key']).toBeUndefined();
    expect(shapeOf(byId)).toMatchObject({ additionalProperties: { type: 'object' } });
    expect(shapeOf({ 'zq-k1': { admin: false, pid: 3 } }, list(object(['admin', 'pid'])))).toMatchObject({ additionalProperties: { required: ['admin', 'pid'] } });
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
    const page1 = shapeOf({ 'zq-a': { name: 'zq-a', admin: true }, 'zq-a2': { name: 'zq-a2', admin: false } });
    const page2 = shapeOf({ 'zq-b': { name: 'zq-b', admin: false }, 'zq-b2': { name: 'zq-b2', admin: true } });
    expect(mergeShapes(page1, page2)['x-map-key']).toBe('name');
    const other = shapeOf({ 'zq-c': { slug: 'zq-c', admin: false }, 'zq-c2': { slug: 'zq-c2', admin: false } });
    expect(mergeShapes(page1, other)['x-map-key']).toBeUndefined();
    // An empty map merges into a map.
    expect(mergeShapes(shapeOf({}), page1)).toEqual(page1);
    // A page whose one entry was not told apart (no key field, no docs) joins the map: its key is dropped.
    const told = mergeShapes(page1, shapeOf({ zq_lonely_71: { admin: false, pid: 2 } }));
    expect(told.properties).toBeUndefined();
    expect(told.additionalProperties).toMatchObject({ properties: { name: {}, admin: {}, pid: {} }, required: ['admin'] });
    expect(JSON.stringify(told)).not.toContain('zq');
  });

  it('a field named as a property of Object.prototype is a field like any other', () => {
    const a = shapeOf({ id: 'a', constructor: 'x' });
    const merged = mergeShapes(a, shapeOf({ id: 'b', toString: 'y', constructor: 1 }));
    expect(Object.keys(merged.properties!).sort()).toEqual(['constructor', 'id', 'toString']);
    expect(merged.properties!.constructor).toEqual({ type: ['integer', 'string'] });
    // Into a shape whose properties are a plain object (as JSON.parse or a caller makes them).
    const plain: ObservedSchema = JSON.parse('{"type":"object","properties":{"id":{"type":"string"}}}') as ObservedSchema;
    mergeInto(plain, shapeOf({ id: 'c', constructor: 'x', hasOwnProperty: 2 }));
    expect(Object.hasOwn(plain.properties!, 'constructor') && Object.hasOwn(plain.properties!, 'hasOwnProperty')).toBe(true);
    expect((Object as unknown as Record<string, unknown>).type).toBeUndefined();
    expect((Object.prototype.hasOwnProperty as unknown as Record<string, unknown>).type).toBeUndefined();
  });
});

describe('ShapeAccumulator: names kept by recurrence, never data (issue 9)', () => {
  const users = (extra: (i: number) => Record<string, unknown>) => Array.from({ length: 3 }, (_, i) => ({ name: `zq-user-${i}`, admin: false, ...extra(i) }));

  it('below the top level a name is kept only when 2 of the objects merged there had it: one-entry maps, maps of scalars, maps of differing values lose their keys', () => {
    const shape = shapeOfAll([
      users((i) => ({
        servers: { [`zq-secret-gpu-project-${i}`]: { ready: true, url: '/user/x/' } },
        quota: { [`zq-u-${4711 + i}`]: 1 },
        labels: { [`zq-patient-${i}`]: { since: 1 }, [`zq-diagnosis-${i}`]: { since: 2, extra: 'x', other: 1 } },
        [`zq_custom_${i}`]: 'v',
      })),
    ]);
    const text = JSON.stringify(shape);
    expect(text).not.toContain('zq');
    const records = shape.items!;
    expect(Object.keys(records.properties!).sort()).toEqual(['admin', 'labels', 'name', 'quota', 'servers']);
    expect(records.additionalProperties).toEqual({ type: 'string' });
    // The servers' records recur (every entry has ready and url): their names are kept, the keys are not.
    expect(records.properties!.servers).toEqual({ type: 'object', additionalProperties: { type: 'object', properties: { ready: { type: 'boolean' }, url: { type: 'string' } }, required: ['ready', 'url'] } });
    expect(records.properties!.quota).toEqual({ type: 'object', additionalProperties: { type: 'integer' } });
  });

  it('a key repeated in every record is kept only in the form of an identifier: shared maps keyed by ids, emails, labels lose their keys', () => {
    const shared = { quota: { 'zq-u-4711': 1, 'zq-u-4712': 2 }, auth_state: { 'zq-alice.smith_example_com': 'x', 'ZQ-SSN-078-05-1120': true }, labels: { 'zq-patient:john-doe': { since: 1 } }, 'zq-x.y': 1 };
    const shape = shapeOfAll([users(() => shared)]);
    expect(JSON.stringify(shape)).not.toContain('zq');
    expect(JSON.stringify(shape)).not.toContain('ZQ');
    expect(shape.items!.properties!.quota).toEqual({ type: 'object', additionalProperties: { type: 'integer' } });
  });

  it('the count runs across bodies: one record per page, its fields kept once two pages had them', () => {
    const page = (i: number) => ({ api_tokens: [{ id: `zq-t-${i}`, scopes: ['zq-scope'], created: '2024-01-01T00:00:00Z', [`zq-k-${i}`]: 1 }] });
    expect(shapeOfAll([page(1)]).properties!.api_tokens!.items).toEqual({ type: 'object', additionalProperties: { type: ['integer', 'string', 'array'], items: { type: 'string' } } });
    const two = shapeOfAll([page(1), page(2)]);
    expect(Object.keys(two.properties!.api_tokens!.items!.properties!).sort()).toEqual(['created', 'id', 'scopes']);
    expect(two.properties!.api_tokens!.items!.required).toEqual(['created', 'id', 'scopes']);
    expect(JSON.stringify(two)).not.toContain('zq');
  });

  it('at the top level and in wrappers, undocumented names are kept only in the form of an identifier', () => {
    const body = { items: [], _pagination: { next_cursor: null, 'zq-cursor.abc': 1 }, 'zq-jane.doe': 1, total$: 2, 'zq:x': { a: 1 } };
    const shape = shapeOf(body);
    expect(Object.keys(shape.properties!).sort()).toEqual(['_pagination', 'items', 'total$']);
    expect(Object.keys(shape.properties!._pagination!.properties!)).toEqual(['next_cursor']);
    expect(JSON.stringify(shape)).not.toContain('zq');
    expect(FIELD_NAME.test('api_tokens') && FIELD_NAME.test('@odata') && !FIELD_NAME.test('a-b') && !FIELD_NAME.test('x'.repeat(65))).toBe(true);
    // A name the docs declare is kept, whatever its form and however often it was seen.
    expect(Object.keys(shapeOf({ 'odd-name': 1, 'zq-x': 2 }, object(['odd-name'])).properties!)).toEqual(['odd-name']);
    expect(Object.keys(shapeOf([{ 'full-name': 'a', 'zq-y': 1 }], list(object(['full-name']))).items!.properties!)).toEqual(['full-name']);
  });

  it('a list the docs give bare and the API wraps: the docs declare its records, one record is enough', () => {
    const shape = shapeOf({ api_tokens: [{ id: 'zq-1', scopes: [], zq_other: 1 }] }, list(object(['id', 'scopes'])));
    expect(Object.keys(shape.properties!.api_tokens!.items!.properties!).sort()).toEqual(['id', 'scopes']);
  });

  it('names holding a secret (any case) are folded: fields, the map key field', () => {
    const hidden = (name: string) => name.toLowerCase().includes('zqsecret');
    const shape = shapeOfAll([[{ ZQSECRET1: 1, name: 'a' }, { zqsecret1: 2, name: 'b' }]], undefined, hidden);
    expect(Object.keys(shape.items!.properties!)).toEqual(['name']);
    const keyed = shapeOfAll([{ a: { zqsecretkey: 'a', n: 1 }, b: { zqsecretkey: 'b', n: 2 } }], undefined, hidden);
    expect(keyed['x-map-key']).toBeUndefined();
    expect(Object.keys(keyed.additionalProperties!.properties!)).toEqual(['n']);
    expect(JSON.stringify([shape, keyed]).toLowerCase()).not.toContain('zqsecret');
  });

  it('names of Object.prototype on a later page are kept; __proto__ is folded and breaks nothing', () => {
    const acc = new ShapeAccumulator();
    acc.add(JSON.parse('[{"id":"a","name":"x"},{"id":"b","name":"y"}]'));
    acc.add(JSON.parse('[{"id":"c","constructor":"y","toString":"z","hasOwnProperty":1},{"id":"d","constructor":"y","toString":"z","hasOwnProperty":2}]'));
    acc.add(JSON.parse('[{"id":"e","__proto__":{"type":1}},{"id":"f","__proto__":"str","type":5,"items":6}]'));
    const shape = acc.shape();
    expect(Object.keys(shape.items!.properties!).sort()).toEqual(['constructor', 'hasOwnProperty', 'id', 'name', 'toString']);
    expect(shape.items!.properties!.toString).toEqual({ type: 'string' });
    expect(Object.getPrototypeOf(shape.items!.properties)).toBeNull();
    expect(ObservedSchema.safeParse(JSON.parse(JSON.stringify(shape))).success).toBe(true);
    for (const f of [Object, Object.prototype.toString, Object.prototype.hasOwnProperty]) expect((f as unknown as Record<string, unknown>).type).toBeUndefined();
  });

  it('bounded: distinct names per place and places per accumulator, a shared budget across accumulators', () => {
    let seq = 0;
    const page = () => ({ data: Array.from({ length: 50 }, (_, i) => Object.fromEntries([['id', `u${i}`], ...Array.from({ length: 300 }, () => [`f${seq++}`, { [`g${seq++}`]: [{ [`h${seq++}`]: 1 }] }])])) });
    // A run's budget, smaller than one accumulator's: the first fills it, the second then adds no name.
    const run = new ShapeBudget(MAX_SHAPE_NODES / 4);
    const own = new ShapeBudget(MAX_SHAPE_NODES, run);
    const a = new ShapeAccumulator(own);
    for (let i = 0; i < 3; i++) a.add(page());
    expect(own.nodes).toBeLessThanOrEqual(2 * run.limit);
    const shape = a.shape();
    expect(Object.keys(shape.properties!.data!.items!.properties!)).toEqual(['id']);
    expect(JSON.stringify(shape).length).toBeLessThan(2_000);
    const b = new ShapeAccumulator(new ShapeBudget(MAX_SHAPE_NODES, run));
    b.add({ data: [{ id: 'a' }, { id: 'b' }] });
    expect(run.nodes).toBeLessThanOrEqual(2 * run.limit);
    // No name left to spend: `data` and `id` folded, their shapes kept.
    expect(b.shape()).toEqual({ type: 'object', additionalProperties: { type: 'array', items: { type: 'object', additionalProperties: { type: 'string' } } } });
  });
});
