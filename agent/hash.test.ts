import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashJson } from './hash.ts';

/** What hashJson promised before it streamed: sha256 of the canonical JSON string. */
function viaString(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** JSON-ish values with what JSON.stringify treats specially: integer-like and prototype keys, undefined, functions, bigints, non-finite numbers, dates, wrappers. */
const tricky: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }),
    fc.constantFrom(undefined, NaN, Infinity, -0, 10n, () => 1, Symbol('s'), new Date(0), new Number(3), new String('s'), new Boolean(false)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(fc.tuple(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('10', '2', '__proto__', 'constructor', 'toJSON', '-1', '01', '4294967294', '4294967295', '99999999999')), tie('value')), { maxLength: 5 })
      .map((entries) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of entries) Object.defineProperty(o, k, { value: k === 'toJSON' ? 'not a function' : v, enumerable: true, writable: true, configurable: true });
        return o;
      }),
  ),
})).value;

describe('hashJson', () => {
  it('hashes exactly the bytes canonicalJson writes (the hashes in plans and change records stay the same)', () => {
    fc.assert(
      fc.property(tricky, (value) => {
        if (canonicalJson(value) === undefined) return;
        expect(hashJson(value)).toBe(viaString(value));
      }),
      { seed: 42, numRuns: 2_000 },
    );
  });

  it('hashes a value whose JSON is longer than any one string can be (over 512 MB), without building it', () => {
    const mb = 'x'.repeat(1024 * 1024);
    const big = { parts: Array.from({ length: 560 }, () => mb) };
    expect(() => canonicalJson(big)).toThrow(/Invalid string length/);
    expect(hashJson(big)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses data that contains itself, as JSON.stringify does', () => {
    const a: Record<string, unknown> = {};
    a.self = { a };
    expect(() => hashJson(a)).toThrow(TypeError);
  });
});
