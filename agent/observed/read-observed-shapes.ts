import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FetchwrightError } from '../errors.ts';
import { describeIssue, valueAt } from '../schema-issue.ts';
import { MAX_OBSERVED_PROPERTIES, MAX_SHAPE_DEPTH, MAX_SHAPE_PROPERTIES, OBSERVED_SHAPES_FORMAT, ObservedShapes, type ObservedSchema } from './observed-shapes.ts';

/**
 * Reads a shapes file a live run wrote (`fetchwright run --observe`) for `generate --observed`.
 * The file is untrusted input — a person may have edited it, or named the wrong file — so it is
 * bounded in size, nesting and property names before it is parsed, and parsed with the
 * `observed-shapes@1` schema, which admits no key it does not name. What it returns holds field
 * names in null-prototype objects (a field named `constructor` is a field, not `Object`'s).
 */

/** A shapes file larger than this is refused: shapes hold no values, so a real one is far smaller. */
export const MAX_SHAPES_BYTES = 8 * 1024 * 1024;
/** JSON nesting allowed: a shape level is two JSON levels (`properties` → name), plus the envelope. */
const MAX_JSON_NESTING = 2 * MAX_SHAPE_DEPTH + 16;

export interface ObservedInput {
  shapes: ObservedShapes;
  /** The file's base name: what an observed response's `source.file` names. */
  file: string;
  /** sha256 of the file's bytes. */
  sha256: string;
}

const HINT = 'Pass the file `fetchwright run --observe shapes.json` wrote, unedited.';

/**
 * How deep a parsed JSON value nests (arrays and objects), how many names its `properties` objects
 * hold in all, and the most one holds; counted without recursion, stopping past `limit` levels.
 */
function measure(value: unknown, limit: number): { depth: number; properties: number; widest: number } {
  let deepest = 0;
  let properties = 0;
  let widest = 0;
  const stack: [unknown, number, boolean][] = [[value, 1, false]];
  while (stack.length) {
    const [node, depth, isProperties] = stack.pop()!;
    if (!node || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) break;
    const keys = Object.keys(node);
    if (isProperties && !Array.isArray(node)) {
      properties += keys.length;
      widest = Math.max(widest, keys.length);
    }
    for (const k of keys) stack.push([(node as Record<string, unknown>)[k], depth + 1, !isProperties && !Array.isArray(node) && k === 'properties']);
  }
  return { depth: deepest, properties, widest };
}

/** Gives every `properties` of a parsed shape a null prototype (in place). */
function nullPrototypes(schema: ObservedSchema | null, depth = 0): void {
  if (!schema || depth > MAX_SHAPE_DEPTH + 2) return;
  if (schema.properties) {
    const names: Record<string, ObservedSchema> = Object.create(null) as Record<string, ObservedSchema>;
    for (const name of Object.keys(schema.properties)) {
      names[name] = schema.properties[name]!;
      nullPrototypes(names[name], depth + 1);
    }
    schema.properties = names;
  }
  if (schema.items) nullPrototypes(schema.items, depth + 1);
  if (schema.additionalProperties) nullPrototypes(schema.additionalProperties, depth + 1);
}

/**
 * The shapes file at `file`, parsed and checked: its format (`fetchwright/observed-shapes@1`),
 * every key and type, at most {@link MAX_SHAPES_BYTES} bytes.
 *
 * Throws FetchwrightError `input-not-found` (exit 3) when there is no such file (or it is a folder),
 * and `unreadable-docs` (exit 4) when it cannot be read, is too large or nested too deep, holds
 * more than {@link MAX_OBSERVED_PROPERTIES} property names in all or more than
 * {@link MAX_SHAPE_PROPERTIES} in one object (a live run never writes more), is not JSON, or is
 * not a shapes file — the first schema problem named in plain words (path, what is
 * there, what belongs).
 */
export function readObservedShapes(file: string): ObservedInput {
  let size: number;
  try {
    const info = statSync(file);
    if (!info.isFile()) throw new FetchwrightError('input-not-found', `${file} is not a file: --observed takes the shapes file a live run wrote`, { file, hint: HINT });
    size = info.size;
  } catch (e) {
    if (e instanceof FetchwrightError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FetchwrightError('input-not-found', `the shapes file ${file} does not exist`, { file, hint: HINT });
    throw new FetchwrightError('unreadable-docs', `the shapes file ${file} cannot be read (${code ?? (e as Error).message})`, { file, hint: HINT });
  }
  if (size > MAX_SHAPES_BYTES) {
    throw new FetchwrightError('unreadable-docs', `the shapes file ${file} is ${(size / 1048576).toFixed(1)} MB, over the ${MAX_SHAPES_BYTES / 1048576} MB limit`, { file, hint: HINT });
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new FetchwrightError('unreadable-docs', `the shapes file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file, hint: HINT });
  }
  // Read whole above; the size is checked again in case the file grew between stat and read.
  if (bytes.length > MAX_SHAPES_BYTES) throw new FetchwrightError('unreadable-docs', `the shapes file ${file} is over the ${MAX_SHAPES_BYTES / 1048576} MB limit`, { file, hint: HINT });
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new FetchwrightError('unreadable-docs', `the shapes file ${file} is not JSON: ${(e as Error).message}`, { file, hint: HINT });
  }
  const measured = measure(data, MAX_JSON_NESTING);
  if (measured.depth > MAX_JSON_NESTING) {
    throw new FetchwrightError('unreadable-docs', `the shapes file ${file} is nested more than ${MAX_JSON_NESTING} levels deep, deeper than any shape a live run writes`, { file, hint: HINT });
  }
  if (measured.properties > MAX_OBSERVED_PROPERTIES || measured.widest > MAX_SHAPE_PROPERTIES) {
    const what = measured.widest > MAX_SHAPE_PROPERTIES ? `an object with ${measured.widest} properties, over the ${MAX_SHAPE_PROPERTIES} limit` : `${measured.properties} property names, over the ${MAX_OBSERVED_PROPERTIES} limit`;
    throw new FetchwrightError('unreadable-docs', `the shapes file ${file} holds ${what}: more than any live run writes`, { file, hint: HINT });
  }
  const format = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>).format : undefined;
  if (format !== OBSERVED_SHAPES_FORMAT) {
    throw new FetchwrightError('unreadable-docs', `${file} is not a shapes file: its "format" is ${format === undefined ? 'missing' : JSON.stringify(format).slice(0, 60)}, not "${OBSERVED_SHAPES_FORMAT}"`, { file, hint: HINT });
  }
  const parsed = ObservedShapes.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem${parsed.error.issues.length === 2 ? '' : 's'})` : '';
    throw new FetchwrightError('unreadable-docs', `the shapes file ${file} is damaged: ${describeIssue(issue, valueAt(data, issue.path))}${more}`, {
      file,
      at: `/${issue.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
      hint: HINT,
    });
  }
  for (const op of parsed.data.operations) for (const r of op.responses) nullPrototypes(r.body);
  return { shapes: parsed.data, file: path.basename(file), sha256: createHash('sha256').update(bytes).digest('hex') };
}
