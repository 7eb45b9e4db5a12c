import { count } from '../english.ts';
import { z } from 'zod';
import { Source } from '../ingest/api-model.ts';

/**
 * A finding of the proof, as data (oasdiff's model): a stable kebab-case `id` declared next to the
 * check that emits it, a `level`, the stream it is about, its arguments, and where in the docs it
 * points. The verdict is "no error-level finding"; text is rendered from the id in one place
 * (`findings-text.ts`) for VALIDATION.md, the PR body and the CLI. Code that reacts to a finding —
 * the next hypothesis, the tests — reads ids, never English.
 */

export const FindingLevel = z.enum(['error', 'warning', 'info']);
export type FindingLevel = z.infer<typeof FindingLevel>;

export const FindingArg = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);
export type FindingArgs = Record<string, z.infer<typeof FindingArg>>;

export const Finding = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a finding id is kebab-case'),
  level: FindingLevel,
  stream: z.string().optional(),
  args: z.record(z.string(), FindingArg),
  source: Source.optional(),
});
export type Finding = z.infer<typeof Finding>;

/** How one finding reads, how serious it is, and what a person can do about it. */
export interface FindingDefinition {
  level: FindingLevel;
  text: (args: FindingArgs) => string;
  /** What to do, when there is something to say beyond the text. */
  hint?: string;
}

/** Declares a check's findings (their ids are the keys). */
export function defineFindings<const T extends Record<string, FindingDefinition>>(definitions: T): T {
  return definitions;
}

/** A finding of a declared kind. */
export function findingOf<T extends Record<string, FindingDefinition>>(definitions: T, id: keyof T & string, args: FindingArgs, extra: { stream?: string; source?: Finding['source'] } = {}): Finding {
  return { id, level: definitions[id]!.level, args, ...(extra.stream !== undefined ? { stream: extra.stream } : {}), ...(extra.source ? { source: extra.source } : {}) };
}

/** An argument as text for a sentence (`?` when absent). */
export function arg(args: FindingArgs, key: string): string {
  const v = args[key];
  if (v === undefined || v === null) return '?';
  return Array.isArray(v) ? v.join(', ') : String(v);
}

/** True when the verdict of these findings is "pass". */
export function passes(findings: Finding[]): boolean {
  return !findings.some((f) => f.level === 'error');
}

/** The finding's `count` argument with its noun, singular for one: `counted({count: 1}, 'call')` → "1 call". */
export function counted(args: FindingArgs, noun: string): string {
  const n = Number(arg(args, 'count'));
  return Number.isFinite(n) ? count(n, noun) : `${arg(args, 'count')} ${noun}s`;
}
