import { z } from 'zod';
import { CanonicalField } from '../../templates/slots/mapping.ts';
import { Finding } from './finding.ts';

/**
 * The scorecard: what the sandbox proof showed, per stream and for the run, as findings (data with
 * stable ids; `findings-text.ts` renders them). A connector passes only when no finding is at the
 * error level: every seeded identity came back exactly once and correctly mapped, every stream
 * complete in the shape the docs give, no unplanned or write call, nothing the plan relies on that
 * the docs do not declare, no secret in its code and authentication verified. It is hashed over
 * the seed, the mock's data and the fetcher code, so nothing can edit its way to a pass.
 */

export const FieldCoverage = z.object({
  path: z.string().nullable(),
  /** Seeded records whose field held a value. */
  seeded_with_value: z.number().int(),
  /** Fetched records whose canonical field is non-null. */
  fetched_with_value: z.number().int(),
});

export const StreamScore = z.object({
  name: z.string(),
  kind: z.string(),
  operation_id: z.string(),
  /** Identities (for a child stream: parent–child pairs) the mock seeded. */
  seeded: z.number().int(),
  fetched: z.number().int(),
  missing: z.number().int(),
  unexpected: z.number().int(),
  duplicates: z.number().int(),
  schema_failures: z.number().int(),
  mismatched: z.number().int(),
  coverage: z.partialRecord(CanonicalField, FieldCoverage),
  pages: z.number().int(),
  requests: z.number().int(),
  retries: z.number().int(),
  /** The fetcher's run record said this stream was complete. */
  complete: z.boolean(),
  /** Examples of what went wrong, for a person: ids missing, fields that differ. */
  examples: z.array(z.string()),
});
export type StreamScore = z.infer<typeof StreamScore>;

export const Scorecard = z.object({
  schema_version: z.literal(2),
  vendor: z.string(),
  /** `pass` exactly when no finding is at the error level. */
  verdict: z.enum(['pass', 'fail']),
  findings: z.array(Finding),
  streams: z.array(StreamScore),
  calls: z.object({
    total: z.number().int(),
    /** The first calls outside the plan (`checks/calls.ts` lists at most MAX_LISTED_CALLS). */
    unplanned: z.array(z.object({ method: z.string(), path: z.string(), why: z.string() })),
    /** Every call outside the plan, when there were more than `unplanned` lists. */
    unplanned_total: z.number().int().optional(),
    writes: z.number().int(),
    unauthorised: z.number().int(),
    undocumented_params: z.array(z.object({ path: z.string(), params: z.array(z.string()) })),
  }),
  retries_exercised: z.object({ rate_limited: z.number().int(), unavailable: z.number().int(), retried: z.number().int() }),
  /** True when no call was refused by the API's authentication and at least one got past it; for a plan with auth `none` this says nothing (see auth-verdict.ts). */
  auth_verified: z.boolean(),
  /** The plan's auth type, so a report never calls auth `none` "verified"; absent in scorecards written before it was added. */
  auth_type: z.enum(['bearer', 'basic', 'api_key', 'oauth2', 'none']).optional(),
  secrets_in_code: z.array(z.object({ line: z.number().int(), kind: z.string() })),
  sandbox: z.object({
    ok: z.boolean(),
    failure: z.object({ kind: z.string(), message: z.string() }).nullable(),
    /** The first violations the gate kept (MAX_KEPT_ENTRIES). */
    violations: z.array(z.object({ kind: z.string(), message: z.string() })),
    /** Every violation, when there were more than `violations` lists (absent in scorecards written before it was added). */
    violations_total: z.number().int().optional(),
    wall_ms: z.number(),
    requests: z.number().int(),
  }),
  hashes: z.object({
    seed: z.number().int(),
    mock_data_sha256: z.string(),
    fetcher_sha256: z.string(),
    plan_sha256: z.string(),
    /** The docs the proof read: the connector's slice of the ApiModel (its api-model.json). */
    api_model_sha256: z.string(),
    scorecard_sha256: z.string(),
  }),
});
export type Scorecard = z.infer<typeof Scorecard>;

/** Calls outside the plan, listed or only counted. */
export function unplannedCount(card: Scorecard): number {
  return card.calls.unplanned_total ?? card.calls.unplanned.length;
}

/** Gate violations, listed or only counted. */
export function violationCount(card: Scorecard): number {
  return card.sandbox.violations_total ?? card.sandbox.violations.length;
}
