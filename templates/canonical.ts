import { z } from 'zod';
import { MAX_FINDINGS_PER_STREAM, RUNTIME_FINDINGS, type RuntimeFindingId } from './runtime/findings.ts';
import { EMAIL_PATTERN } from './runtime/map-record.ts';
import { CanonicalStatus } from './slots/mapping.ts';

/**
 * The canonical identity model: the contract every fetcher emits, one record per line. Unknown is
 * `null`, empty is `[]`. A run ends with a `run` record saying whether it was complete: a consumer
 * may treat a missing identity as deprovisioned only after a complete run.
 */

export const CANONICAL_SCHEMA_VERSION = 1;

export const IdentityKind = z.enum([
  'human', 'service_account', 'bot', 'app', 'group', 'role', 'api_key', 'token', 'oauth_grant', 'ssh_key', 'certificate',
]);
export type IdentityKind = z.infer<typeof IdentityKind>;

export const Relation = z.enum(['member_of', 'has_role', 'owns', 'granted_to']);
export type Relation = z.infer<typeof Relation>;

const isoDateTime = z.iso.datetime({ offset: true }).nullable();

export const IdentityRecord = z.strictObject({
  type: z.literal('identity'),
  id: z.string().min(1),
  kind: IdentityKind,
  vendor: z.string().min(1),
  display_name: z.string().nullable(),
  email: z.string().regex(EMAIL_PATTERN, 'not an email address').nullable(),
  status: CanonicalStatus,
  owner_id: z.string().nullable(),
  scopes: z.array(z.string()).nullable(),
  created_at: isoDateTime,
  last_used_at: isoDateTime,
  expires_at: isoDateTime,
  source: z.strictObject({ stream: z.string(), operation: z.string(), raw_id: z.string() }),
});
export type IdentityRecord = z.infer<typeof IdentityRecord>;

export const RelationshipRecord = z.strictObject({
  type: z.literal('relationship'),
  from_id: z.string().min(1),
  to_id: z.string().min(1),
  relation: Relation,
  source: z.strictObject({ stream: z.string(), operation: z.string() }),
});
export type RelationshipRecord = z.infer<typeof RelationshipRecord>;

/** What made a stream incomplete, as data (ids and texts: `runtime/findings.ts`). */
export const RuntimeFinding = z.strictObject({
  id: z.enum(Object.keys(RUNTIME_FINDINGS) as [RuntimeFindingId, ...RuntimeFindingId[]]),
  url: z.string().nullable(),
  args: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type RuntimeFinding = z.infer<typeof RuntimeFinding>;

export const StreamOutcome = z.strictObject({
  name: z.string(),
  records: z.number().int().min(0),
  duplicates_skipped: z.number().int().min(0),
  unidentifiable: z.number().int().min(0),
  pages: z.number().int().min(0),
  requests: z.number().int().min(0),
  retries: z.number().int().min(0),
  waited_ms: z.number().min(0),
  /** Values of the wrong shape per canonical field (mapped to `null`, never guessed). */
  drift: z.record(z.string(), z.number().int()),
  /** True only when every page was fetched and every response had the shape the plan expects. */
  complete: z.boolean(),
  /** Why not, for a person: the first finding's text. */
  error: z.string().nullable(),
  findings: z.array(RuntimeFinding).max(MAX_FINDINGS_PER_STREAM),
  findings_total: z.number().int().min(0),
});
export type StreamOutcome = z.infer<typeof StreamOutcome>;

export const RunRecord = z.strictObject({
  type: z.literal('run'),
  vendor: z.string(),
  complete: z.boolean(),
  streams: z.array(StreamOutcome),
});
export type RunRecord = z.infer<typeof RunRecord>;

export const OutputRecord = z.discriminatedUnion('type', [IdentityRecord, RelationshipRecord, RunRecord]);
export type OutputRecord = z.infer<typeof OutputRecord>;
