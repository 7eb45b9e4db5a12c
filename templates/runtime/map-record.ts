import type { CanonicalField, FieldMappingSlot, IdentityRecord, KindFromSlot, MappingSlot } from './contract.ts';
import { valueAt } from './json-path.ts';
import { sha256Hex } from './sha256.ts';

/**
 * template fetchwright/map-record@5 — maps a vendor record into the canonical identity with the
 * closed set of transforms. Unknown stays `null`, empty stays `[]`. A value of the wrong shape is
 * counted as drift and becomes `null`, never a guess. A stream maps every record with one mapper
 * (`recordMapper`): the mapping's paths are split once, not per record. A record's kind is the
 * stream's, or, with a `kind_from` slot, the kind listed for the value of the docs' discriminator
 * field; a value not listed keeps the stream's kind and counts as drift `kind`.
 */

export interface MapContext {
  vendor: string;
  kind: IdentityRecord['kind'];
  stream: string;
  operation: string;
  /** Counts values of the wrong shape, per canonical field. */
  drift: Record<string, number>;
}

/** An email, internationalised addresses included (RFC 6531); the canonical schema uses the same pattern. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function asText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return null;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The first and last instants of the years 0000 to 9999, in ms since the epoch: what `isoString` writes itself. */
const FOUR_DIGIT_YEARS = [-62_167_219_200_000, 253_402_300_799_999] as const;

/**
 * `new Date(ms).toISOString()` — the same text, made with arithmetic for the years 0000 to 9999 (the
 * proleptic Gregorian calendar, days to a civil date after H. Hinnant's `civil_from_days`), since a
 * Date per record is a large part of mapping one. Anything else, the RangeError of a time beyond
 * ±8.64e15 included, is Date's own.
 */
export function isoString(ms: number): string {
  const t = Math.trunc(ms); // as Date's TimeClip: toward zero
  if (!(t >= FOUR_DIGIT_YEARS[0] && t <= FOUR_DIGIT_YEARS[1])) return new Date(ms).toISOString();
  const days = Math.floor(t / 86_400_000);
  const inDay = t - days * 86_400_000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(inDay / 3_600_000);
  const m = Math.floor((inDay % 3_600_000) / 60_000);
  const sec = Math.floor((inDay % 60_000) / 1_000);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(h, 2)}:${pad(m, 2)}:${pad(sec, 2)}.${pad(inDay % 1_000, 3)}Z`;
}

function isoFrom(v: unknown, unit: 'iso' | 's' | 'ms'): string | null {
  if (v === null || v === undefined || v === '') return null;
  let ms: number;
  if (unit === 'iso') ms = typeof v === 'string' ? Date.parse(v) : NaN;
  else {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    ms = unit === 's' ? n * 1000 : n;
  }
  return Number.isFinite(ms) ? isoString(ms) : null;
}

function stringList(v: unknown): string[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) {
    return v.map((x) => asText(x) ?? asText((x as Record<string, unknown> | null)?.name) ?? asText((x as Record<string, unknown> | null)?.id)).filter((x): x is string => x !== null);
  }
  const text = asText(v);
  return text === null ? null : [text];
}

/** The transform of one field applied to a record (`m.path` read from it). */
export function applyTransform(m: FieldMappingSlot, record: unknown): unknown {
  return transformValue(m, m.path === null ? undefined : valueAt(record, m.path));
}

/** The transform of one field applied to the value read at its path (`undefined`: absent). */
function transformValue(m: FieldMappingSlot, v: unknown): unknown {
  switch (m.transform) {
    case 'string':
      return asText(v);
    case 'iso-datetime':
      return isoFrom(v, 'iso');
    case 'unix-seconds':
      return isoFrom(v, 's');
    case 'unix-millis':
      return isoFrom(v, 'ms');
    case 'status-map': {
      const text = asText(v);
      return text !== null && m.values && Object.prototype.hasOwnProperty.call(m.values, text) ? m.values[text] : 'unknown';
    }
    case 'bool-true-is-deprovisioned':
      return v === true ? 'deprovisioned' : v === false ? 'active' : 'unknown';
    case 'bool-true-is-suspended':
      return v === true ? 'suspended' : v === false ? 'active' : 'unknown';
    case 'bool-true-is-active':
      return v === true ? 'active' : v === false ? 'suspended' : 'unknown';
    case 'string-list':
      return stringList(v);
    case 'split-space':
      return typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : stringList(v);
    case 'first-string': {
      if (!Array.isArray(v)) return asText(v);
      // A list of strings, or of `{ value, primary }` objects (SCIM's emails): the primary, else the first.
      const entry = (x: unknown): string | null => asText(x) ?? (x && typeof x === 'object' ? (asText((x as Record<string, unknown>).value) ?? asText((x as Record<string, unknown>).email) ?? asText((x as Record<string, unknown>).address)) : null);
      const primary = v.find((x) => x && typeof x === 'object' && (x as Record<string, unknown>).primary === true);
      return (primary !== undefined ? entry(primary) : null) ?? v.map(entry).find((x) => x !== null) ?? null;
    }
    case 'sha256-fingerprint': {
      const text = asText(v);
      return text === null ? null : `sha256:${sha256Hex(text)}`;
    }
  }
}

/** `valueAt` with the dotted path already split (`[]`: the value itself). */
function valueAtKeys(value: unknown, keys: readonly string[]): unknown {
  let current: unknown = value;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** One canonical field of a mapping, ready to read many records: its path split once; `m` undefined when unmapped. */
interface FieldReader {
  name: CanonicalField;
  m: FieldMappingSlot | undefined;
  keys: string[];
}

function readerOf(mapping: MappingSlot, name: CanonicalField): FieldReader {
  const m = mapping[name];
  return { name, m: m && m.path !== null ? m : undefined, keys: m && m.path ? m.path.split('.') : [] };
}

/** The value read at the field's path, or `undefined` (absent, or the field is unmapped). */
function rawOf(f: FieldReader, record: unknown): unknown {
  return f.m === undefined ? undefined : valueAtKeys(record, f.keys);
}

/** The canonical value of a field from its raw value; a present value the transform refuses counts as drift. */
function valueOf(f: FieldReader, raw: unknown, ctx: MapContext): unknown {
  if (f.m === undefined) return f.name === 'status' ? 'unknown' : null;
  const value = transformValue(f.m, raw);
  if (raw !== undefined && raw !== null && (value === null || value === 'unknown')) ctx.drift[f.name] = (ctx.drift[f.name] ?? 0) + 1;
  return value;
}

function field(f: FieldReader, record: unknown, ctx: MapContext): unknown {
  return valueOf(f, rawOf(f, record), ctx);
}

/** Maps records with one mapping (`recordMapper`). */
export interface RecordMapper {
  /** The canonical identity for a record, or undefined when the record carries no identifier. */
  (record: unknown, ctx: MapContext): IdentityRecord | undefined;
  /** The id the mapper gives a record (undefined: it has none), drift not counted. */
  idOf(record: unknown): string | undefined;
  /** Whether mapping a record can throw: a time in seconds or milliseconds beyond what a Date holds (±8.64e15 ms) is a RangeError. */
  canThrow: boolean;
}

/** The transforms that can throw (`isoString` of a time a Date cannot hold); every other one gives `null` for what it cannot read. */
const THROWING_TRANSFORMS: ReadonlySet<FieldMappingSlot['transform']> = new Set(['unix-seconds', 'unix-millis']);

/** A mapper for `mapping` (and each record's kind from `kindFrom`, when given), which are read once, here. */
export function recordMapper(mapping: MappingSlot, kindFrom?: KindFromSlot | null): RecordMapper {
  const kindKeys = kindFrom ? kindFrom.path.split('.') : [];
  /** The record's kind: the one listed for its discriminator's value, else the stream's. */
  const kindOf = (record: unknown, ctx: MapContext): IdentityRecord['kind'] => {
    if (!kindFrom) return ctx.kind;
    const raw = valueAtKeys(record, kindKeys);
    const text = asText(raw);
    if (text !== null && Object.prototype.hasOwnProperty.call(kindFrom.values, text)) return kindFrom.values[text]!;
    if (raw !== undefined && raw !== null) ctx.drift.kind = (ctx.drift.kind ?? 0) + 1;
    return ctx.kind;
  };
  const id = readerOf(mapping, 'id');
  const email = readerOf(mapping, 'email');
  const displayName = readerOf(mapping, 'display_name');
  const status = readerOf(mapping, 'status');
  const ownerId = readerOf(mapping, 'owner_id');
  const scopes = readerOf(mapping, 'scopes');
  const createdAt = readerOf(mapping, 'created_at');
  const lastUsedAt = readerOf(mapping, 'last_used_at');
  const expiresAt = readerOf(mapping, 'expires_at');
  const fingerprintedId = mapping.id?.transform === 'sha256-fingerprint';
  const map = (record: unknown, ctx: MapContext): IdentityRecord | undefined => {
    const rawId = rawOf(id, record);
    const value = valueOf(id, rawId, ctx);
    if (typeof value !== 'string' || value === '') return undefined;
    const mail = field(email, record, ctx);
    const validEmail = typeof mail === 'string' && EMAIL_PATTERN.test(mail) ? mail : null;
    if (typeof mail === 'string' && !validEmail) ctx.drift.email = (ctx.drift.email ?? 0) + 1;
    return {
      type: 'identity',
      id: value,
      kind: kindOf(record, ctx),
      vendor: ctx.vendor,
      display_name: field(displayName, record, ctx) as string | null,
      email: validEmail,
      status: field(status, record, ctx) as IdentityRecord['status'],
      owner_id: field(ownerId, record, ctx) as string | null,
      scopes: field(scopes, record, ctx) as string[] | null,
      created_at: field(createdAt, record, ctx) as string | null,
      last_used_at: field(lastUsedAt, record, ctx) as string | null,
      expires_at: field(expiresAt, record, ctx) as string | null,
      source: { stream: ctx.stream, operation: ctx.operation, raw_id: fingerprintedId ? value : (asText(rawId) ?? value) },
    };
  };
  const idOf = (record: unknown): string | undefined => {
    if (id.m === undefined) return undefined;
    const value = transformValue(id.m, rawOf(id, record));
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const canThrow = Object.values(mapping).some((m) => m !== undefined && m.path !== null && THROWING_TRANSFORMS.has(m.transform));
  return Object.assign(map, { idOf, canThrow });
}

/** The canonical identity for a record, or undefined when the record carries no identifier. */
export function mapRecord(record: unknown, mapping: MappingSlot, ctx: MapContext, kindFrom?: KindFromSlot | null): IdentityRecord | undefined {
  return recordMapper(mapping, kindFrom)(record, ctx);
}
