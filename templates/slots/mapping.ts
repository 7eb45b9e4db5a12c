import { z } from 'zod';

/**
 * How a record maps into the canonical identity: per canonical field, a dotted path in the record
 * and one transform from a closed set. Nothing else can be expressed, so a mapping cannot carry
 * code.
 */

export const Transform = z.enum([
  'string', 'iso-datetime', 'unix-seconds', 'unix-millis', 'status-map', 'bool-true-is-deprovisioned', 'bool-true-is-suspended',
  'bool-true-is-active', 'string-list', 'split-space', 'first-string',
  // For an identifier that is itself secret material (an API key's value): a sha256 fingerprint.
  'sha256-fingerprint',
]);
export type Transform = z.infer<typeof Transform>;

export const CanonicalStatus = z.enum(['active', 'suspended', 'deprovisioned', 'unknown']);
export type CanonicalStatus = z.infer<typeof CanonicalStatus>;

export const FieldMappingSlot = z.object({
  /** Dotted path in the record; `null` when the docs show no such field (the value is unknown). */
  path: z.string().nullable(),
  transform: Transform,
  /** For `status-map`: vendor value → canonical status. */
  values: z.record(z.string(), CanonicalStatus).optional(),
});
export type FieldMappingSlot = z.infer<typeof FieldMappingSlot>;

export const CanonicalField = z.enum(['id', 'display_name', 'email', 'status', 'owner_id', 'scopes', 'created_at', 'last_used_at', 'expires_at']);
export type CanonicalField = z.infer<typeof CanonicalField>;

export const MappingSlot = z.partialRecord(CanonicalField, FieldMappingSlot);
export type MappingSlot = z.infer<typeof MappingSlot>;
