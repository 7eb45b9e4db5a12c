import { createHash } from 'node:crypto';
import type { FetchedRecord } from '../../../sandbox/result.ts';
import { OutputRecord, type IdentityRecord, type RelationshipRecord, type RunRecord } from '../../../templates/canonical.ts';
import { CanonicalField } from '../../../templates/slots/mapping.ts';
import { canonicalJson } from '../../hash.ts';
import { pairKey, type ExpectedStream } from '../expected.ts';

/**
 * What the proof keeps of the records a fetcher emits: it scores them as they stream out of the
 * sandbox, one at a time, and keeps only what the scorecard needs — per stream, the seeded ids (or
 * parent–child pairs) that came back, counters, the coverage of each mapped field and the first few
 * examples of each finding. Memory is bounded by the seeded data plus fixed caps, whatever the fetcher
 * emits: an id nobody seeded is remembered by a fingerprint, and only the first
 * MAX_TRACKED_UNEXPECTED of them per stream (later ones are counted, each as new). The run itself is
 * bounded by `recordBudget`: past it, the sandbox ends the run (`record-flood`).
 */

/** Examples of each kind kept per stream. */
export const MAX_EXAMPLES = 5;
/** Unseeded ids (or pairs) per stream told apart; past this many, each further one counts as new. */
export const MAX_TRACKED_UNEXPECTED = 10_000;
/** Longest value an example quotes from a record. */
const EXAMPLE_CHARS = 120;
/** Keys at most this long are remembered as they are; longer ones by their SHA-256. */
const PLAIN_KEY_CHARS = 64;

/** The records and bytes an honest fetcher could emit for these streams, with room to spare. */
export interface RecordBudget {
  maxRecords: number;
  maxTotalRecordBytes: number;
}

/** Records allowed per record the proof expects (a child stream's identity and its relationship are two). */
const RECORDS_PER_EXPECTED = 2;
/** Records allowed beyond those, whatever the seeded data (the run record, a stream's leftovers). */
const EXTRA_RECORDS = 1_000;
/** Bytes allowed per allowed record: canonical records are a few hundred bytes; 16 KB is far past any honest one. */
const BYTES_PER_RECORD = 16 * 1024;

/**
 * How many records, and bytes of them, a proof lets the fetcher emit: twice what the mock seeded plus
 * a thousand, at 16 KB each, never more than `ceiling` records. An honest fetcher emits each seeded
 * identity once (and, for a child stream, its relationship); one that emits past this is flooding
 * the host, and the run ends as `record-flood`.
 */
export function recordBudget(expected: Map<string, ExpectedStream>, ceiling: number): RecordBudget {
  let seeded = 0;
  for (const exp of expected.values()) seeded += exp.identities.size + exp.pairs.size;
  const maxRecords = Math.min(ceiling, RECORDS_PER_EXPECTED * seeded + EXTRA_RECORDS);
  return { maxRecords, maxTotalRecordBytes: maxRecords * BYTES_PER_RECORD };
}

function clip(text: string): string {
  return text.length > EXAMPLE_CHARS ? `${text.slice(0, EXAMPLE_CHARS)}…` : text;
}

/** Distinct keys nobody seeded: told apart up to MAX_TRACKED_UNEXPECTED (by fingerprint), then only counted. */
class UnseededKeys {
  readonly #prints = new Set<string>();
  #untracked = 0;
  /** The first few, cut short, for a person. */
  readonly examples: string[] = [];

  /** True when `key` is new (as far as the cap lets it tell). */
  add(key: string): boolean {
    const print = key.length <= PLAIN_KEY_CHARS ? `k:${key}` : `h:${createHash('sha256').update(key).digest('base64')}`;
    if (this.#prints.has(print)) return false;
    if (this.#prints.size < MAX_TRACKED_UNEXPECTED) this.#prints.add(print);
    else this.#untracked++;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(clip(key));
    return true;
  }

  get count(): number {
    return this.#prints.size + this.#untracked;
  }
}

/** One stream's records, as far as the scorecard needs them. */
export class StreamTally {
  readonly expected: ExpectedStream;
  /** Identity records of this stream that passed the canonical schema. */
  identities = 0;
  /** Identity records of this stream that fail the canonical schema. */
  schemaFailures = 0;
  /** Seeded ids that came back (each the seeded identity's id). */
  readonly seededIds = new Set<string>();
  readonly unseededIds = new UnseededKeys();
  mismatched = 0;
  /** `id: field is X, expected Y` for the first mismatched identities. */
  readonly mismatchExamples: string[] = [];
  /** Per mapped field: distinct identities whose canonical value is known. */
  readonly fetchedWithValue: Partial<Record<CanonicalField, number>> = {};
  relationships = 0;
  readonly seededPairs = new Set<string>();
  readonly unseededPairs = new UnseededKeys();
  readonly #mappedFields: CanonicalField[];

  constructor(expected: ExpectedStream) {
    this.expected = expected;
    this.#mappedFields = CanonicalField.options.filter((f) => !!expected.stream.mapping[f]?.path);
  }

  /** Distinct identities fetched: seeded ones and unseeded ones. */
  get distinctIds(): number {
    return this.seededIds.size + this.unseededIds.count;
  }

  /** Distinct parent–child pairs fetched. */
  get distinctPairs(): number {
    return this.seededPairs.size + this.unseededPairs.count;
  }

  addIdentity(record: IdentityRecord): void {
    this.identities++;
    const want = this.expected.identities.get(record.id);
    if (want) {
      if (this.seededIds.has(record.id)) return;
      this.seededIds.add(want.id);
    } else if (!this.unseededIds.add(record.id)) return;
    // The first record of each id is the one scored, as a consumer would keep it.
    for (const field of this.#mappedFields) {
      const v = record[field];
      if (v !== null && v !== 'unknown') this.fetchedWithValue[field] = (this.fetchedWithValue[field] ?? 0) + 1;
    }
    if (want && !sameJson(record, want)) {
      this.mismatched++;
      if (this.mismatchExamples.length < MAX_EXAMPLES) {
        const diff = (Object.keys(want) as (keyof IdentityRecord)[]).filter((k) => canonicalJson(want[k]) !== canonicalJson(record[k]));
        this.mismatchExamples.push(`${want.id}: ${diff.map((k) => `${k} is ${clip(JSON.stringify(record[k]) ?? 'undefined')}, expected ${clip(JSON.stringify(want[k]) ?? 'undefined')}`).join('; ')}`);
      }
    }
  }

  addRelationship(record: RelationshipRecord): void {
    this.relationships++;
    const key = pairKey(record.from_id, record.to_id, record.relation);
    if (this.expected.pairs.has(key)) this.seededPairs.add(key);
    else this.unseededPairs.add(key);
  }
}

/**
 * Every record of a run, scored as it arrives (`add`, given to `runFetcher` as `onRecord`). Records
 * of a stream the plan does not have are counted nowhere, as before; records that are not canonical
 * at all are counted (`notOutput`), an identity of a planned stream that fails the schema is that
 * stream's schema failure. The last run record wins.
 */
export class RecordTally {
  readonly streams = new Map<string, StreamTally>();
  run: RunRecord | undefined;
  notOutput = 0;

  constructor(expected: Map<string, ExpectedStream>) {
    for (const [name, exp] of expected) this.streams.set(name, new StreamTally(exp));
  }

  add(raw: FetchedRecord): void {
    const parsed = OutputRecord.safeParse(raw);
    if (!parsed.success) {
      const tally = raw.type === 'identity' ? this.streams.get(streamOf(raw) ?? '') : undefined;
      if (tally) tally.schemaFailures++;
      else this.notOutput++;
      return;
    }
    const record = parsed.data;
    if (record.type === 'run') {
      this.run = record;
      return;
    }
    const tally = this.streams.get(record.source.stream);
    if (!tally) return;
    if (record.type === 'identity') tally.addIdentity(record);
    else tally.addRelationship(record);
  }
}

/**
 * Whether two JSON values are equal as `canonicalJson` would write them (object keys in any order,
 * a property holding `undefined` the same as none), without writing them: this runs once per
 * identity while the records stream, where a string per record was a fifth of the run's time.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const key in x) {
    if (!Object.hasOwn(x, key) || x[key] === undefined) continue;
    defined++;
    if (!Object.hasOwn(y, key) || !sameJson(x[key], y[key])) return false;
  }
  for (const key in y) if (Object.hasOwn(y, key) && y[key] !== undefined) defined--;
  return defined === 0;
}

/** `source.stream` of a record that failed the schema, when it is a string. */
function streamOf(raw: FetchedRecord): string | undefined {
  const source = raw.source;
  if (source === null || typeof source !== 'object' || Array.isArray(source)) return undefined;
  const stream = (source as Record<string, unknown>).stream;
  return typeof stream === 'string' ? stream : undefined;
}
