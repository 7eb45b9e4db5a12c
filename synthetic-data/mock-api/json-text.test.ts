import { describe, expect, it } from 'vitest';
import type { Row } from './datasets.ts';
import { jsonText, pageBytes, recordBytes } from './json-text.ts';

/**
 * A page is served as its records' own bytes joined into the envelope: byte for byte what writing the
 * whole body would give, whatever the shape — a bare list, a map keyed by data, records deep in an
 * envelope, 64-bit integers, bare-id records, text that is not ASCII.
 */

const records: Row[] = [{ id: 1, name: 'Zoë', tags: ['a', 'ß'] }, { id: 12345678901234567890n, name: 'x"y\\z', nested: { n: null } }, { id: 3, name: '🔑', ok: true }];
const same = (body: unknown, recs: Row[] | Record<string, Row>, itemsPath: string) => expect(pageBytes(body, recs, itemsPath).toString('utf8')).toBe(jsonText(body));

describe('pageBytes', () => {
  it('a bare list, and an empty one', () => {
    same(records, records, '');
    same([], [], '');
  });

  it('a map keyed by data, keys that look like numbers included', () => {
    const map: Record<string, Row> = { b: records[0]!, '10': records[1]!, '2': records[2]! };
    same(map, map, '');
    same({}, {}, '');
  });

  it('records deep in an envelope, with fields on either side', () => {
    const body = { ok: true, data: { total: 3, users: records, next: 'https://api.test/?after=3' }, meta: { count: 3 } };
    same(body, records, 'data.users');
    const list = { users: records };
    same(list, records, 'users');
  });

  it('an envelope that itself holds the mark the records are spliced at is written whole', () => {
    const body = { note: '\u0000fw-records\u0000', users: records };
    same(body, records, 'users');
  });

  it('bare-id records, and 64-bit integers written exactly', () => {
    const ids: Row[] = ['u1', 42, 9007199254740993n];
    same(ids, ids, '');
    expect(recordBytes(records[1]!).toString('utf8')).toContain('"id":12345678901234567890');
  });

  it("keeps a record's bytes: the same record is written once", () => {
    const record = { id: 'r1', name: 'n' };
    expect(recordBytes(record)).toBe(recordBytes(record));
  });
});
