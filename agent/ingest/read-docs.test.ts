import { describe, expect, it } from 'vitest';
import { FetchwrightError } from '../errors.ts';
import { checkNesting, MAX_NESTING, nestingProblem, parseStructured } from './read-docs.ts';

/** `depth` nested arrays, built without recursion. */
function nested(depth: number): unknown {
  const root: unknown[] = [];
  let at = root;
  for (let i = 1; i < depth; i++) {
    const next: unknown[] = [];
    at.push(next);
    at = next;
  }
  return root;
}

function thrown(f: () => unknown): FetchwrightError {
  try {
    f();
  } catch (e) {
    if (e instanceof FetchwrightError) return e;
    throw e;
  }
  throw new Error('expected a FetchwrightError');
}

describe('nesting a document may have', () => {
  it('allows exactly MAX_NESTING levels and refuses one more, with the path to it', () => {
    expect(nestingProblem(nested(MAX_NESTING), MAX_NESTING)).toBeUndefined();
    const problem = nestingProblem({ a: { 'x-deep': nested(MAX_NESTING) } }, MAX_NESTING);
    expect(problem?.kind).toBe('too-deep');
    expect(problem?.path.slice(0, 3)).toEqual(['a', 'x-deep', '0']);
  });

  it('walks a 1,000,000-deep value without recursion', () => {
    expect(nestingProblem(nested(1_000_000), MAX_NESTING)?.kind).toBe('too-deep');
  });

  it('measures a value shared by aliases once, counting the depth at which it is reused', () => {
    const shared = nested(MAX_NESTING - 2);
    expect(nestingProblem({ a: shared, b: shared }, MAX_NESTING)).toBeUndefined();
    expect(nestingProblem({ a: shared, b: { c: { d: shared } } }, MAX_NESTING)?.kind).toBe('too-deep');
  });

  it('finds a value that contains itself', () => {
    const a: unknown[] = [1];
    a.push({ again: a });
    expect(nestingProblem({ a }, MAX_NESTING)).toEqual({ kind: 'cycle', path: ['a', '1', 'again'] });
  });

  it('checkNesting refuses with unreadable-docs naming the file and where the nesting is', () => {
    const e = thrown(() => checkNesting({ openapi: '3.0.0', 'x-deep': nested(MAX_NESTING + 5) }, 'api.json'));
    expect(e.code).toBe('unreadable-docs');
    expect(e.exitCode).toBe(4);
    expect(e.message).toMatch(/^api\.json is nested too deep to read/);
    expect(e.details).toMatchObject({ file: 'api.json', at: '/x-deep/0/0/0' });
  });

  it('parseStructured refuses deep JSON and YAML, and a YAML alias that contains itself', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(thrown(() => parseStructured(`{"x-deep": ${deep}}`, 'a.json')).message).toMatch(/a\.json is nested too deep to read/);
    expect(thrown(() => parseStructured(`x-deep: ${deep}\n`, 'a.yaml')).message).toMatch(/a\.yaml is nested too deep to read/);
    expect(thrown(() => parseStructured('a: &x [1, *x]\n', 'a.yaml')).message).toMatch(/a\.yaml contains itself through a YAML alias/);
  });
});
