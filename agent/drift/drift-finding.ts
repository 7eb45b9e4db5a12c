import { z } from 'zod';
import { Source } from '../ingest/api-model.ts';
import { arg, FindingArg, type FindingArgs } from '../validate/finding.ts';

/**
 * A drift finding, as data (oasdiff's model of API changes, and the proof's findings in
 * agent/validate/finding.ts): a stable kebab-case `id` declared next to the comparison that emits
 * it, a `level`, the operation (`GET /users`) and the stream it is about, where it is in the
 * connector's recorded docs (`source.old`) and in the new docs (`source.new`), and its arguments —
 * names, types and dates, never a value from a live response. Text is rendered from the id at the
 * edge (agent/drift/drift-report.ts); code that reacts to a finding reads ids and levels.
 *
 * Levels, as oasdiff's ERR/WARN/INFO read for a connector:
 * - `breaking`: the connector, as generated, can no longer read what it read (a list gone, a
 *   mapped field renamed, a pagination parameter renamed, an auth scheme changed);
 * - `additive`: the API offers more that a wider connector could read (a new identity list);
 * - `info`: worth a reviewer's eye, nothing the connector reads changed (a deprecation, a new field).
 */

export const DriftLevel = z.enum(['breaking', 'additive', 'info']);
export type DriftLevel = z.infer<typeof DriftLevel>;

/** Where a finding is, in the connector's recorded slice (`old`) and in the new docs (`new`). */
export const DriftSource = z.object({ old: Source.optional(), new: Source.optional() });
export type DriftSource = z.infer<typeof DriftSource>;

export const DriftFinding = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a finding id is kebab-case'),
  level: DriftLevel,
  /** `GET /users/{id}/groups`: the method and the docs' path template. */
  operation: z.string(),
  stream: z.string().optional(),
  source: DriftSource,
  args: z.record(z.string(), FindingArg),
});
export type DriftFinding = z.infer<typeof DriftFinding>;

/** How one drift finding reads and how serious it is. */
export interface DriftFindingDefinition {
  /** The level every finding of this id has, unless the emitter carries one it was given (a run's drift entry). */
  level: DriftLevel;
  text: (args: FindingArgs) => string;
}

/** Declares a comparison's findings (their ids are the keys). */
export function defineDriftFindings<const T extends Record<string, DriftFindingDefinition>>(definitions: T): T {
  return definitions;
}

/** A finding of a declared kind; `level` overrides the definition's only where the input already classified it. */
export function driftFindingOf<T extends Record<string, DriftFindingDefinition>>(
  definitions: T,
  id: keyof T & string,
  at: { operation: string; stream?: string | undefined; old?: Source | undefined; new?: Source | undefined; level?: DriftLevel },
  args: FindingArgs = {},
): DriftFinding {
  const source: DriftSource = {};
  if (at.old) source.old = { file: at.old.file, pointer: at.old.pointer };
  if (at.new) source.new = { file: at.new.file, pointer: at.new.pointer };
  return { id, level: at.level ?? definitions[id]!.level, operation: at.operation, ...(at.stream !== undefined ? { stream: at.stream } : {}), source, args };
}

export { arg };

/** `` `name` `` in a sentence: the code-span marks stay plain text in every rendering (each escapes its own way). */
export const named = (args: FindingArgs, key: string): string => `\`${arg(args, key)}\``;
