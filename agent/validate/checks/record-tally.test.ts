import { describe, expect, it } from 'vitest';
import type { IdentityRecord } from '../../../templates/canonical.ts';
import { canonicalJson } from '../../hash.ts';
import type { ExpectedStream } from '../expected.ts';
import { MAX_TRACKED_UNEXPECTED, RecordTally, recordBudget, sameJson } from './record-tally.ts';

/** The proof scores records as they stream: only ids, counters and a few examples are kept. */

const identity = (id: string, more: Partial<IdentityRecord> = {}): IdentityRecord => ({
  type: 'identity',
  id,
  kind: 'human',
  vendor: 'v',
  display_name: `user ${id}`,
  email: null,
  status: 'active',
  owner_id: null,
  scopes: null,
  created_at: null,
  last_used_at: null,
  expires_at: null,
  source: { stream: 'users', operation: 'listUsers', raw_id: id },
  ...more,
});

function expected(ids: string[]): Map<string, ExpectedStream> {
  const stream = { name: 'users', kind: 'human', operation_id: 'listUsers', mapping: { id: { path: 'id' }, display_name: { path: 'name' } } } as unknown as ExpectedStream['stream'];
  return new Map([['users', { stream, identities: new Map(ids.map((id) => [id, identity(id)])), pairs: new Set<string>(), raw: [], unidentifiable: 0, collisions: 0, problem: null }]]);
}

describe('record tally', () => {
  it('sameJson agrees with comparing canonical JSON', () => {
    const pairs: [unknown, unknown][] = [
      [{ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }],
      [{ a: 1, b: undefined }, { a: 1 }],
      [{ a: 1 }, { a: 1, b: null }],
      [[1, undefined], [1, null]],
      [{ a: [1, 2] }, { a: [2, 1] }],
      [{ a: '1' }, { a: 1 }],
      [{ a: {} }, { a: [] }],
      [null, {}],
      [identity('u1'), identity('u1')],
      [identity('u1'), identity('u1', { scopes: ['read'] })],
      [identity('u1'), { ...identity('u1'), extra: true }],
    ];
    for (const [a, b] of pairs) expect(sameJson(a, b), JSON.stringify([a, b])).toBe(canonicalJson(a) === canonicalJson(b));
  });

  it('counts seeded, repeated, mismatched and unseeded identities, and a schema failure against its stream', () => {
    const tally = new RecordTally(expected(['u1', 'u2', 'u3']));
    for (const r of [identity('u1'), identity('u1'), identity('u2', { display_name: 'other' }), identity('x9'), identity('x9'), { ...identity('u3'), email: 'not an email' }, { type: 'nonsense' }]) tally.add(r as never);
    const users = tally.streams.get('users')!;
    expect({ identities: users.identities, seeded: users.seededIds.size, unseeded: users.unseededIds.count, mismatched: users.mismatched, schema: users.schemaFailures }).toEqual({ identities: 5, seeded: 2, unseeded: 1, mismatched: 1, schema: 1 });
    expect(users.mismatchExamples).toEqual(['u2: display_name is "other", expected "user u2"']);
    expect(users.fetchedWithValue).toEqual({ id: 3, display_name: 3 });
    expect(tally.notOutput).toBe(1);
  });

  it('unseeded ids are told apart up to a cap, then each counts as new; examples stay few and short', () => {
    const tally = new RecordTally(expected(['u1']));
    const long = 'z'.repeat(5_000);
    for (let i = 0; i < MAX_TRACKED_UNEXPECTED + 500; i++) tally.add(identity(`${long}${i}`) as never);
    tally.add(identity(`${long}0`) as never);
    const users = tally.streams.get('users')!;
    expect(users.unseededIds.count).toBe(MAX_TRACKED_UNEXPECTED + 500);
    expect(users.unseededIds.examples).toHaveLength(5);
    expect(Math.max(...users.unseededIds.examples.map((e) => e.length))).toBeLessThanOrEqual(121);
  });

  it('the record budget is twice the seeded records plus a thousand, at 16 KB each, under the ceiling', () => {
    expect(recordBudget(expected(['a', 'b', 'c']), 200_000)).toEqual({ maxRecords: 1_006, maxTotalRecordBytes: 1_006 * 16 * 1024 });
    expect(recordBudget(expected(['a', 'b', 'c']), 500).maxRecords).toBe(500);
  });
});
