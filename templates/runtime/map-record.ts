import type { CanonicalField, FieldMappingSlot, IdentityRecord, MappingSlot } from './contract.ts';
import { valueAt } from './json-path.ts';
import { sha256Hex } from './sha256.ts';

/**
 * template fetchwright/map-record@3 — maps a vendor record into the canonical identity with the
 * closed set of transforms. Unknown stays `null`, empty stays `[]`. A value of the wrong shape is
 * counted as drift and becomes `null`, never a guess.
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

function isoFrom(v: unknown, unit: 'iso' | 's' | 'ms'): string | null {
  if (v === null || v === undefined || v === '') return null;
  let ms: number;
  if (unit === 'iso') ms = typeof v === 'string' ? Date.parse(v) : NaN;
  else {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    ms = unit === 's' ? n * 1000 : n;
  }
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function stringList(v: unknown): string[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) {
    return v.map((x) => asText(x) ?? asText((x as Record<string, unknown> | null)?.name) ?? asText((x as Record<string, unknown> | null)?.id)).filter((x): x is string => x !== null);
  }
  const text = asText(v);
  return text === null ? null : [text];
}

export function applyTransform(m: FieldMappingSlot, record: unknown): unknown {
  const v = m.path === null ? undefined : valueAt(record, m.path);
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

function field(mapping: MappingSlot, name: CanonicalField, record: unknown, ctx: MapContext): unknown {
  const m = mapping[name];
  if (!m || m.path === null) return name === 'status' ? 'unknown' : null;
  const raw = valueAt(record, m.path);
  const value = applyTransform(m, record);
  if (raw !== undefined && raw !== null && (value === null || value === 'unknown')) ctx.drift[name] = (ctx.drift[name] ?? 0) + 1;
  return value;
}

/** The canonical identity for a record, or undefined when the record carries no identifier. */
export function mapRecord(record: unknown, mapping: MappingSlot, ctx: MapContext): IdentityRecord | undefined {
  const id = field(mapping, 'id', record, ctx);
  if (typeof id !== 'string' || id === '') return undefined;
  const email = field(mapping, 'email', record, ctx);
  const validEmail = typeof email === 'string' && EMAIL_PATTERN.test(email) ? email : null;
  if (typeof email === 'string' && !validEmail) ctx.drift.email = (ctx.drift.email ?? 0) + 1;
  const rawIdPath = mapping.id?.path ?? '';
  return {
    type: 'identity',
    id,
    kind: ctx.kind,
    vendor: ctx.vendor,
    display_name: field(mapping, 'display_name', record, ctx) as string | null,
    email: validEmail,
    status: field(mapping, 'status', record, ctx) as IdentityRecord['status'],
    owner_id: field(mapping, 'owner_id', record, ctx) as string | null,
    scopes: field(mapping, 'scopes', record, ctx) as string[] | null,
    created_at: field(mapping, 'created_at', record, ctx) as string | null,
    last_used_at: field(mapping, 'last_used_at', record, ctx) as string | null,
    expires_at: field(mapping, 'expires_at', record, ctx) as string | null,
    source: { stream: ctx.stream, operation: ctx.operation, raw_id: mapping.id?.transform === 'sha256-fingerprint' ? id : (asText(valueAt(record, rawIdPath)) ?? id) },
  };
}
