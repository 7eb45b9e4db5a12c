import { describe, expect, it } from 'vitest';
import { checkRecord } from './record-check.ts';

describe('checkRecord', () => {
  it('accepts a plain JSON object', () => {
    expect(checkRecord('{"id":"u1","scopes":[],"owner_id":null}', 1_000, 32)).toEqual({ ok: true, record: { id: 'u1', scopes: [], owner_id: null } });
  });

  it('measures size in UTF-8 bytes, not characters', () => {
    const json = JSON.stringify({ name: '€'.repeat(40) });
    expect(json.length).toBeLessThan(100);
    expect(checkRecord(json, 100, 32)).toMatchObject({ ok: false, message: expect.stringContaining('bytes') });
  });

  it.each([
    ['not JSON', '{id:1}'],
    ['an array', '[1]'],
    ['a string', '"x"'],
    ['null', 'null'],
    ['too deep', `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`],
    ['a __proto__ key', '{"__proto__":{"admin":true}}'],
  ])('rejects %s', (_, json) => {
    expect(checkRecord(json, 10_000, 32).ok).toBe(false);
  });

  it('survives nesting far deeper than any stack', () => {
    const json = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(checkRecord(`{"a":${json}}`, 1_000_000, 32).ok).toBe(false);
  });
});
