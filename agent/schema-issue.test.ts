import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssue, valueAt } from './schema-issue.ts';

/** A damaged file's problem in plain words, never zod's own ("Invalid input: expected number, received undefined"). */
describe('describeIssue', () => {
  const S = z.object({ n: z.number(), style: z.discriminatedUnion('kind', [z.object({ kind: z.literal('cursor') }), z.object({ kind: z.literal('offset') })]), verdict: z.enum(['pass', 'fail']) });
  const words = (data: unknown) => {
    const r = S.safeParse(data);
    if (r.success) throw new Error('expected a failure');
    return r.error.issues.map((i) => describeIssue(i, valueAt(data, i.path)));
  };

  it('says what is there and what belongs there', () => {
    expect(words({ n: 'x', style: { kind: 'sideways' }, verdict: 'maybe' })).toEqual([
      'n is "x", where a number belongs',
      'style.kind is "sideways", not one of "cursor", "offset"',
      'verdict is "maybe", not one of "pass", "fail"',
    ]);
    expect(words({ style: { kind: 'cursor' }, verdict: 'pass' })).toEqual(['n is missing (it must be a number)']);
    for (const w of words({ n: 'x', style: {}, verdict: 1 })) expect(w).not.toMatch(/Invalid|received|expected/);
  });
});
