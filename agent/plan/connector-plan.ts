import { z } from 'zod';
import { IdentityKind } from '../../templates/canonical.ts';
import { KindFromSlot, LinkSlot, ParentSlot } from '../../templates/slots/connector.ts';
import { CanonicalField, FieldMappingSlot } from '../../templates/slots/mapping.ts';
import { RateLimitSlot } from '../../templates/slots/rate-limit.ts';
import { CursorPaginator, LinkHeaderPaginator, NextUrlPaginator, NoPaginator, OffsetPaginator, PagePaginator } from '../../templates/slots/pagination.ts';
import { Source } from '../ingest/api-model.ts';

/**
 * The ConnectorPlan: the one output type both planners (heuristic and LLM) produce. Every decision
 * carries the doc evidence it rests on and a confidence in [0, 1]. Field names in the JSON form are
 * a contract other tools read: keep them.
 */

/**
 * What a decision rests on. `source` names the ApiModel item (server, security scheme, parameter,
 * response, operation, prose section, named schema) the evidence comes from. `quote` is the docs'
 * own text, verbatim (whitespace aside) at that item — `checkQuotes` (agent/docs-view/quote-check.ts)
 * holds every plan to it — and is absent when the decision rests on an absence ("no pagination
 * parameter is documented") or on the docs' structure alone. `reasoning` is the planner's own
 * sentence: why this supports the decision. Both are data, never an instruction.
 */
export const Evidence = z.object({
  source: Source,
  /** Verbatim text found at `source`; absent when the decision rests on an absence. */
  quote: z.string().optional(),
  /** The planner's words: why the source supports the decision. */
  reasoning: z.string(),
});
export type Evidence = z.infer<typeof Evidence>;

const decided = { evidence: z.array(Evidence), confidence: z.number().min(0).max(1) };

export { IdentityKind, Relation } from '../../templates/canonical.ts';

// ── Auth ──────────────────────────────────────────────────────────────────────────────────────
export const AuthHeader = z.object({
  /** Header (or query parameter) name, e.g. `Authorization`, `DD-API-KEY`. */
  name: z.string(),
  in: z.enum(['header', 'query', 'cookie']),
  /** Text before the credential, e.g. `SSWS `, `Token token=`, `Bearer `. Empty when none. */
  prefix: z.string(),
  /** The security scheme this credential satisfies. */
  scheme: z.string(),
});
export type AuthHeader = z.infer<typeof AuthHeader>;

export const AuthPlan = z.object({
  type: z.enum(['bearer', 'basic', 'api_key', 'oauth2', 'none']),
  /** The first (often only) credential's placement, repeated here for readers of the flat form. */
  in: z.enum(['header', 'query', 'cookie']).optional(),
  name: z.string().optional(),
  prefix: z.string().optional(),
  /** Every credential the host must inject, all at once (e.g. Datadog's two key headers). */
  credentials: z.array(AuthHeader),
  scheme_keys: z.array(z.string()),
  /**
   * The OAuth 2.0 client credentials grant (RFC 6749 §4.4), when the chosen scheme offers it: the
   * host (never the fetcher) obtains the access token at `token_url` — the docs' text, absolute or
   * relative to the base URL — asking for `scopes` (the least scopes of the chosen streams that the
   * flow offers), and injects it as `scheme`'s credential. Absent in plans written before it existed.
   */
  client_credentials: z
    .object({
      scheme: z.string(),
      token_url: z.string(),
      scopes: z.array(z.string()),
    })
    .optional(),
  ...decided,
});
export type AuthPlan = z.infer<typeof AuthPlan>;

// ── Pagination and mapping: the templates' own slot schemas, each decision with its evidence ──
const withEvidence = { evidence: z.array(Evidence), confidence: z.number().min(0).max(1) };

export const Pagination = z.discriminatedUnion('style', [
  LinkHeaderPaginator.extend(withEvidence),
  CursorPaginator.extend(withEvidence),
  OffsetPaginator.extend(withEvidence),
  PagePaginator.extend(withEvidence),
  NextUrlPaginator.extend(withEvidence),
  NoPaginator.extend(withEvidence),
]);
export type Pagination = z.infer<typeof Pagination>;
export type PaginationStyle = Pagination['style'];

export { CanonicalField, Transform } from '../../templates/slots/mapping.ts';

/** A mapping decision: the slot, the record field's documented words it rests on, and a confidence. */
export const FieldMapping = FieldMappingSlot.extend({ confidence: z.number().min(0).max(1), evidence: z.array(Evidence).default([]) });
export type FieldMapping = z.infer<typeof FieldMapping>;

export const Mapping = z.record(CanonicalField, FieldMapping);
export type Mapping = z.infer<typeof Mapping>;

// ── Rate limits ───────────────────────────────────────────────────────────────────────────────
/**
 * What the docs say a 429 tells the client (agent/plan/rate-limit.ts): the headers that carry the
 * wait, in their documented units, and the longest wait the docs document — the retry template's
 * slot — with the evidence. `waits` empty: the docs name no header the runtime can read (the
 * template's generic reading applies); `unread` names what the docs said that the runtime cannot
 * honour (a header without a unit, a name that is no header), for the assessment and the reviewer.
 */
export const RateLimitPlan = RateLimitSlot.safeExtend({
  unread: z.array(z.string()),
  ...decided,
});
export type RateLimitPlan = z.infer<typeof RateLimitPlan>;

// ── Streams ───────────────────────────────────────────────────────────────────────────────────
/** How a child stream's path parameter is filled from its parent's records (the template's slot). */
export const ParentLink = ParentSlot;
export type ParentLink = z.infer<typeof ParentLink>;

export const Stream = z.object({
  name: z.string(),
  operation_id: z.string(),
  method: z.literal('GET'),
  path: z.string(),
  kind: IdentityKind,
  /** Dotted path of the records array in the response body; `''` when the body is the array. */
  items_path: z.string(),
  /**
   * `map`: the records are the values of an object keyed by data at `items_path` (JupyterHub's
   * `/services`, keyed by service name); absent: a list. Set only for a map, so a plan of lists is
   * what it was before maps were read.
   */
  items_container: z.enum(['array', 'map']).optional(),
  /** For a map: the record field each key equals, which the key fills when a record lacks it; null: the key is not kept. */
  map_key_field: z.string().min(1).max(200).nullable().optional(),
  /** The empty answers the docs allow besides `[]` (a 204, a `null` list): anything else empty fails closed at run time. */
  empty: z.object({ no_content: z.boolean(), null_items: z.boolean(), absent_at_zero: z.string().min(1).max(200).optional() }).default({ no_content: false, null_items: false }),
  pagination: Pagination,
  /** Other readings of the docs' pagination, best first: what the planner tries when validation fails. */
  pagination_alternatives: z.array(Pagination),
  parent: ParentLink.nullable(),
  /** A container of credentials (`/pipelines` for `/pipelines/{id}/keys`): read only to reach its children, none of its records emitted; absent: its records are identities. */
  container: z.boolean().optional(),
  /**
   * Set for a link stream (agent/plan/link-streams.ts): its records are relationships between
   * identities — memberships, role bindings — emitted as relationship records only; `kind` is then
   * the kind of the identities its `to` end names. Absent: the records are identities.
   */
  link: LinkSlot.optional(),
  mapping: Mapping,
  /**
   * Each record's kind from a discriminator the docs give (`is_bot`, `type: bot|user`), the template's
   * slot with its evidence (agent/plan/record-kind.ts); absent: every record is the stream's `kind`.
   */
  kind_from: KindFromSlot.extend({ evidence: z.array(Evidence) }).optional(),
  /** Path parameters with one documented value (e.g. `{apiVersion}` = `v4`), filled in as constants. */
  path_params: z.record(z.string(), z.string()),
  /** Fixed query parameters the request needs (a required parameter with a documented default). */
  query: z.record(z.string(), z.string()),
  /** Query parameters filled from the tenant variables (a required `team_id`). */
  query_variables: z.array(z.string()).default([]),
  /** Fixed, non-secret request headers the docs require (e.g. a versioned Accept). */
  headers: z.record(z.string(), z.string()),
  /** The least scopes (or documented role) this operation needs, cited. */
  required_scopes: z.array(z.string()),
  ...decided,
});
export type Stream = z.infer<typeof Stream>;

// ── Assessment ────────────────────────────────────────────────────────────────────────────────
export const AssessmentCheck = z.object({
  id: z.enum(['response-schemas', 'pagination', 'auth', 'errors', 'rate-limits']),
  passed: z.boolean(),
  score: z.number().min(0).max(1),
  reason: z.string(),
  evidence: z.array(Evidence),
});

export const PrivilegeFinding = z.object({
  stream: z.string(),
  operation_id: z.string(),
  least_scopes: z.array(z.string()),
  /** For a credential that takes no scope (its power is its owner's): the least role the docs name (agent/assess/credential-scoping.ts). */
  least_role: z.string().optional(),
  /** Scopes or roles in the docs' requirement that grant admin or write power. */
  /** `admin`: admin power; `admin-read`: a read-only scope that still needs an admin context; `write`. */
  flagged: z.array(z.object({ scope: z.string(), why: z.enum(['admin', 'admin-read', 'write']) })),
  evidence: z.array(Evidence),
});

export const Assessment = z.object({
  /** 0–100. */
  score: z.number().min(0).max(100),
  verdict: z.enum(['generate', 'manual-build-recommended']),
  reasons: z.array(z.string()),
  checks: z.array(AssessmentCheck),
  privilege: z.array(PrivilegeFinding),
});
export type Assessment = z.infer<typeof Assessment>;

// ── The plan ──────────────────────────────────────────────────────────────────────────────────
/**
 * Who planned (`plan.planner`, carried by the change record): `heuristic`; `llm` (a model decided the
 * streams: its name, the prompt template's sha256, the tokens of every conversation); `auto` (the
 * heuristic plan, reviewed by a model where the heuristics doubted, or repaired after a failed proof).
 * `fallback` says why a model was asked and the heuristic plan stands instead; `changes` lists, one
 * line each, what a model changed in the plan it reviewed or repaired (`added …`, `dropped …`).
 */
export const PlannerRecord = z.object({
  kind: z.enum(['heuristic', 'llm', 'auto']),
  model: z.string().optional(),
  prompt_sha256: z.string().optional(),
  tokens: z.object({ prompt: z.number().int(), completion: z.number().int(), rounds: z.number().int() }).optional(),
  fallback: z.string().optional(),
  changes: z.array(z.string().max(400)).max(60).optional(),
});
export type PlannerRecord = z.infer<typeof PlannerRecord>;

export const ConnectorPlan = z.object({
  schema_version: z.literal(1),
  vendor: z.string(),
  /**
   * Who decided: the heuristic planner, or a model (its name, the prompt template's sha256 and the
   * tokens it used); `fallback` says why a model was asked and the heuristic plan stands instead.
   */
  planner: PlannerRecord,
  api_model_sha256: z.string(),
  docs_sha256: z.string(),
  /**
   * sha256 of the shapes file a live run wrote (`generate --observed`), when the plan rests on
   * observation too; absent for a plan made from the docs alone.
   */
  observed_sha256: z.string().optional(),
  base_url: z.object({
    url: z.string(),
    /** Placeholders in the URL a human fills in (e.g. `yourOktaDomain`), with the docs' default. */
    variables: z.record(z.string(), z.string()),
    ...decided,
  }),
  auth: AuthPlan,
  /**
   * Parameters that scope the API to a tenant — in the path (`{org}`, `{account_slug}`) or a required
   * query parameter (`team_id`) — which a human fills in like the base URL's placeholders: name →
   * what the docs say of it.
   */
  tenant_variables: z.record(z.string(), z.string()).default({}),
  streams: z.array(Stream).min(1),
  /** Every host and method the connector may use: the egress gate's allow-list. */
  methods: z.array(z.literal('GET')),
  /**
   * GET operations the read-only request policy left out (policy/request-policy.ts) — a credential
   * endpoint, a write named in the path or prose, a fixed value asking for a write — each with the
   * policy's reason, so a reviewer sees what was never called and why. Absent when there are none.
   */
  refused_by_policy: z.array(z.object({ operation_id: z.string(), path: z.string(), reason: z.string() })).optional(),
  /**
   * Every GET operation the planner considered and did not take, with why (not an identity list, a
   * parameter nobody can fill, covered by another stream, refused by the request policy…): what lets
   * a reviewer confirm no identity list is missing. Absent when every GET became a stream.
   */
  excluded: z.array(z.object({ operation_id: z.string(), path: z.string(), reason: z.string(), doubtful: z.boolean().optional() })).optional(),
  assessment: Assessment,
  /** What the docs say a 429 tells the client, read for the retry template; absent when the docs say nothing of rate limits, and in plans made before it was read. */
  rate_limit: RateLimitPlan.optional(),
  /**
   * Defects in the docs the connector does not use (a `$ref` to nothing in an operation no stream
   * reads…), each where it is written and what to do: shown on the plan screen, never a refusal.
   * Absent when there are none (agent/plan/docs-defects.ts).
   */
  warnings: z.array(z.object({ source: Source, message: z.string() })).optional(),
});
export type ConnectorPlan = z.infer<typeof ConnectorPlan>;
