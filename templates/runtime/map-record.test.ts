import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdentityRecord } from '../canonical.ts';
import { applyTransform, isoString, mapRecord, type MapContext } from './map-record.ts';

const ctx = (): MapContext => ({ vendor: 'acme', kind: 'human', stream: 'users', operation: 'listUsers', drift: {} });

describe('template map-record', () => {
  it('maps a record into a canonical identity that passes the canonical schema', () => {
    const record = { id: 7, profile: { email: 'zoë@example.test', name: 'Zoë Ångström' }, status: 'DEPROVISIONED', created: '2024-01-02T03:04:05Z', scopes: 'read write' };
    const out = mapRecord(
      record,
      {
        id: { path: 'id', transform: 'string' },
        email: { path: 'profile.email', transform: 'string' },
        display_name: { path: 'profile.name', transform: 'string' },
        status: { path: 'status', transform: 'status-map', values: { DEPROVISIONED: 'deprovisioned' } },
        created_at: { path: 'created', transform: 'iso-datetime' },
        scopes: { path: 'scopes', transform: 'split-space' },
        owner_id: { path: null, transform: 'string' },
      },
      ctx(),
    )!;
    expect(IdentityRecord.parse(out)).toEqual(out);
    expect(out).toMatchObject({ id: '7', status: 'deprovisioned', created_at: '2024-01-02T03:04:05.000Z', scopes: ['read', 'write'], owner_id: null, last_used_at: null });
  });

  it('keeps unknown (null) apart from empty ([])', () => {
    expect(applyTransform({ path: 'scopes', transform: 'string-list' }, { scopes: [] })).toEqual([]);
    expect(applyTransform({ path: 'scopes', transform: 'string-list' }, {})).toBeNull();
  });

  it('converts unix seconds and millis, and booleans to statuses', () => {
    expect(applyTransform({ path: 't', transform: 'unix-seconds' }, { t: 1700000000 })).toBe('2023-11-14T22:13:20.000Z');
    expect(applyTransform({ path: 't', transform: 'unix-millis' }, { t: 1700000000000 })).toBe('2023-11-14T22:13:20.000Z');
    expect(applyTransform({ path: 'deleted', transform: 'bool-true-is-deprovisioned' }, { deleted: true })).toBe('deprovisioned');
    expect(applyTransform({ path: 'disabled', transform: 'bool-true-is-suspended' }, { disabled: false })).toBe('active');
  });

  it('writes times exactly as Date.toISOString does, whatever the instant', () => {
    const edges = [0, -0, 1.9, -1.9, 951_782_400_000, -2_203_891_200_000, 13_574_563_200_000, -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000, 8.64e15, -8.64e15];
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const random = Array.from({ length: 20_000 }, () => Math.round((next() * 2 - 1) * 260_000_000_000_000) / (next() < 0.1 ? 7 : 1));
    for (const ms of [...edges, ...random]) expect(isoString(ms), String(ms)).toBe(new Date(ms).toISOString());
    expect(() => isoString(8.64e15 + 1)).toThrow(RangeError);
  });

  it('fingerprints a secret-valued identifier instead of copying it', () => {
    const out = mapRecord({ key: 'sk_live_SECRET' }, { id: { path: 'key', transform: 'sha256-fingerprint' } }, ctx())!;
    expect(out.id).toBe(`sha256:${createHash('sha256').update('sk_live_SECRET').digest('hex')}`);
    expect(JSON.stringify(out)).not.toContain('sk_live_SECRET');
  });

  it('counts a value of the wrong shape as drift instead of guessing', () => {
    const c = ctx();
    const out = mapRecord({ id: 'u1', email: 'not-an-email', created: { nested: true } }, { id: { path: 'id', transform: 'string' }, email: { path: 'email', transform: 'string' }, created_at: { path: 'created', transform: 'iso-datetime' } }, c)!;
    expect(out.email).toBeNull();
    expect(out.created_at).toBeNull();
    expect(c.drift).toEqual({ email: 1, created_at: 1 });
  });

  it('returns nothing for a record without an identifier', () => {
    expect(mapRecord({ name: 'x' }, { id: { path: 'id', transform: 'string' } }, ctx())).toBeUndefined();
  });

  it('sets each record\'s kind from the docs\' discriminator: listed values to their kind, anything else the stream\'s (counted as drift)', () => {
    const mapping = { id: { path: 'id', transform: 'string' as const } };
    const flag = { path: 'is_bot', values: { true: 'bot' as const, false: 'human' as const } };
    expect(mapRecord({ id: 'a', is_bot: true }, mapping, ctx(), flag)!.kind).toBe('bot');
    expect(mapRecord({ id: 'b', is_bot: false }, mapping, ctx(), flag)!.kind).toBe('human');
    const typed = { path: 'profile.type', values: { service: 'service_account' as const } };
    const c = ctx();
    expect(mapRecord({ id: 'c', profile: { type: 'service' } }, mapping, c, typed)!.kind).toBe('service_account');
    expect(c.drift).toEqual({});
    // Not listed, or of another shape: the stream's kind, never a guess; a present value counts as drift.
    expect(mapRecord({ id: 'd', profile: { type: 'robot' } }, mapping, c, typed)!.kind).toBe('human');
    expect(mapRecord({ id: 'e', profile: { type: { nested: 'service' } } }, mapping, c, typed)!.kind).toBe('human');
    expect(c.drift).toEqual({ kind: 2 });
    expect(mapRecord({ id: 'f' }, mapping, c, typed)!.kind).toBe('human');
    expect(c.drift).toEqual({ kind: 2 });
    // An inherited property is no listed value.
    expect(mapRecord({ id: 'g', profile: { type: 'toString' } }, mapping, ctx(), typed)!.kind).toBe('human');
    // Without the slot, every record is the stream's kind.
    expect(mapRecord({ id: 'h', is_bot: true }, mapping, ctx())!.kind).toBe('human');
  });
});
