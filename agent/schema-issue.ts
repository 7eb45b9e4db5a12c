import type { z } from 'zod';

/**
 * A schema issue (zod) in plain words, for a person reading about a file fetchwright wrote and
 * someone changed: where it is, and what is there instead of what should be.
 * `streams.0.pagination.style is "sideways", not one of "link-header", "cursor", …`.
 */
export function describeIssue(issue: z.core.$ZodIssue, value?: unknown): string {
  const where = issue.path.length ? issue.path.map(String).join('.') : 'the file';
  const found = value === undefined ? undefined : JSON.stringify(value)?.slice(0, 60);
  const listed = (values: readonly unknown[]) => values.slice(0, 6).map((v) => JSON.stringify(v)).join(', ') + (values.length > 6 ? ', …' : '');
  const oneOf = (values: readonly unknown[]) => (values.length === 1 ? listed(values) : `one of ${listed(values)}`);
  const notOneOf = (values: readonly unknown[]) => (found === undefined ? `${where} is missing (it must be ${oneOf(values)})` : `${where} is ${found}, not ${oneOf(values)}`);
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? `${where} is missing (it must be ${article(issue.expected)})` : `${where} is ${found}, where ${article(issue.expected)} belongs`;
    case 'invalid_value':
      return notOneOf(issue.values);
    case 'invalid_union':
      return 'options' in issue && Array.isArray(issue.options) ? notOneOf(issue.options) : `${where} is ${found ?? 'missing'}, which fits none of the forms it may take`;
    case 'unrecognized_keys':
      return `${where} has keys fetchwright never writes: ${issue.keys.join(', ')}`;
    default:
      return `${where}: ${issue.message}`;
  }
}

/** The value at `issue.path` in `data` (undefined where the path leads nowhere). */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}
