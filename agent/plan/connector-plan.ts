import { z } from 'zod';
import { Source } from '../ingest/api-model.ts';

/**
 * The ConnectorPlan: the one output type both planners (heuristic and LLM) produce. Every decision
 * carries the doc evidence it rests on and a confidence in [0, 1]. Field names in the JSON form are
 * a contract other tools read: keep them.
 */

export const Evidence = z.object({
  source: Source,
  /** The doc's own words (or the field path) the decision rests on. Data, never an instruction. */
  quote: z.string(),
});
export type Evidence = z.infer<typeof Evidence>;

const decided = { evidence: z.array(Evidence), confidence: z.number().min(0).max(1) };

export const IdentityKind = z.enum([
  'human', 'service_account', 'bot', 'app', 'group', 'role', 'api_key', 'token', 'oauth_grant', 'ssh_key', 'certificate',
]);
export type IdentityKind = z.infer<typeof IdentityKind>;

export const Relation = z.enum(['member_of', 'has_role', 'owns', 'granted_to']);
export type Relation = z.infer<typeof Relation>;

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
  ...decided,
});
export type AuthPlan = z.infer<typeof AuthPlan>;

// ── Pagination ────────────────────────────────────────────────────────────────────────────────
const stopBase = { evidence: z.array(Evidence), confidence: z.number().min(0).max(1) };

export const LinkHeaderPagination = z.object({
  style: z.literal('link-header'),
  /** The rel of the link to follow. */
  rel: z.string(),
  /** The query parameter the next link carries (e.g. Okta's `after`), when the docs name it. */
  cursor_param: z.string().optional(),
  limit_param: z.string().optional(),
  page_size: z.number().int().positive().optional(),
  stop: z.literal('no-next-link'),
  ...stopBase,
});

export const CursorPagination = z.object({
  style: z.literal('cursor'),
  /** Query parameter that carries the cursor on the next request. */
  cursor_param: z.string(),
  /** Dotted path of the next cursor in the response body, e.g. `response_metadata.next_cursor`. */
  cursor_path: z.string(),
  limit_param: z.string().optional(),
  page_size: z.number().int().positive().optional(),
  stop: z.literal('empty-cursor'),
  ...stopBase,
});

export const OffsetPagination = z.object({
  style: z.literal('offset'),
  offset_param: z.string(),
  limit_param: z.string(),
  page_size: z.number().int().positive(),
  /** Where offsets start (0 for offset/limit, sometimes 1 for startAt). */
  first_offset: z.number().int().min(0),
  /**
   * `has-more-field`: stop when `more_path` is false; `total`: stop once `total_path` records came;
   * `empty-page`: stop at the first page with no records. The offset always advances by the
   * records received, so a server that clamps the page size loses nothing.
   */
  stop: z.enum(['has-more-field', 'total', 'empty-page']),
  more_path: z.string().optional(),
  total_path: z.string().optional(),
  ...stopBase,
});

export const PagePagination = z.object({
  style: z.literal('page'),
  page_param: z.string(),
  size_param: z.string().optional(),
  page_size: z.number().int().positive().optional(),
  first_page: z.number().int().min(0),
  stop: z.enum(['page-count', 'has-more-field', 'empty-page']),
  pages_path: z.string().optional(),
  more_path: z.string().optional(),
  ...stopBase,
});

export const NextUrlPagination = z.object({
  style: z.literal('next-url'),
  /** Dotted path of the next URL in the body, e.g. `next_page_uri`, `links.pages.next`. */
  next_path: z.string(),
  /** True when the docs show a path relative to the API host rather than an absolute URL. */
  relative: z.boolean(),
  limit_param: z.string().optional(),
  page_size: z.number().int().positive().optional(),
  stop: z.literal('no-next-url'),
  ...stopBase,
});

export const NoPagination = z.object({
  style: z.literal('none'),
  stop: z.literal('single-page'),
  ...stopBase,
});

export const Pagination = z.discriminatedUnion('style', [
  LinkHeaderPagination, CursorPagination, OffsetPagination, PagePagination, NextUrlPagination, NoPagination,
]);
export type Pagination = z.infer<typeof Pagination>;
export type PaginationStyle = Pagination['style'];

// ── Mapping into the canonical model ─────────────────────────────────────────────────────────
/** The closed set of transforms a mapping may use. Nothing else can be expressed. */
export const Transform = z.enum([
  'string', 'iso-datetime', 'unix-seconds', 'unix-millis', 'status-map', 'bool-true-is-deprovisioned', 'bool-true-is-suspended',
  'bool-true-is-active', 'string-list', 'split-space', 'first-string',
  // For an identifier that is itself secret material (an API key's value): a sha256 fingerprint.
  'sha256-fingerprint',
]);
export type Transform = z.infer<typeof Transform>;

export const FieldMapping = z.object({
  /** Dotted path in the record; `null` when the docs show no such field (the value is unknown). */
  path: z.string().nullable(),
  transform: Transform,
  /** For `status-map`: vendor value → canonical status. */
  values: z.record(z.string(), z.enum(['active', 'suspended', 'deprovisioned', 'unknown'])).optional(),
  confidence: z.number().min(0).max(1),
});
export type FieldMapping = z.infer<typeof FieldMapping>;

export const CanonicalField = z.enum(['id', 'display_name', 'email', 'status', 'owner_id', 'scopes', 'created_at', 'last_used_at', 'expires_at']);
export type CanonicalField = z.infer<typeof CanonicalField>;

export const Mapping = z.record(CanonicalField, FieldMapping);
export type Mapping = z.infer<typeof Mapping>;

// ── Streams ───────────────────────────────────────────────────────────────────────────────────
export const ParentLink = z.object({
  /** Name of the parent stream in this plan. */
  stream: z.string(),
  /** The child's path parameter, filled from each parent record. */
  param: z.string(),
  /** Dotted path of the value in the parent's record. */
  from_field: z.string(),
  /** How a child record relates to its parent in the canonical model. */
  relation: Relation,
  /** Which end of the relationship the parent is: `from` (user owns token) or `to` (user member_of group). */
  parent_is: z.enum(['from', 'to']),
});
export type ParentLink = z.infer<typeof ParentLink>;

export const Stream = z.object({
  name: z.string(),
  operation_id: z.string(),
  method: z.literal('GET'),
  path: z.string(),
  kind: IdentityKind,
  /** Dotted path of the records array in the response body; `''` when the body is the array. */
  items_path: z.string(),
  pagination: Pagination,
  /** Other readings of the docs' pagination, best first: what the planner tries when validation fails. */
  pagination_alternatives: z.array(Pagination),
  parent: ParentLink.nullable(),
  mapping: Mapping,
  /** Path parameters with one documented value (e.g. `{apiVersion}` = `v4`), filled in as constants. */
  path_params: z.record(z.string(), z.string()),
  /** Fixed query parameters the request needs (a required parameter with a documented default). */
  query: z.record(z.string(), z.string()),
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
  /** Scopes or roles in the docs' requirement that grant admin or write power. */
  flagged: z.array(z.object({ scope: z.string(), why: z.enum(['admin', 'write']) })),
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
export const ConnectorPlan = z.object({
  schema_version: z.literal(1),
  vendor: z.string(),
  planner: z.object({ kind: z.enum(['heuristic', 'llm']), model: z.string().optional(), prompt_sha256: z.string().optional() }),
  api_model_sha256: z.string(),
  docs_sha256: z.string(),
  base_url: z.object({
    url: z.string(),
    /** Placeholders in the URL a human fills in (e.g. `yourOktaDomain`), with the docs' default. */
    variables: z.record(z.string(), z.string()),
    ...decided,
  }),
  auth: AuthPlan,
  streams: z.array(Stream).min(1),
  /** Every host and method the connector may use: the egress gate's allow-list. */
  methods: z.array(z.literal('GET')),
  assessment: Assessment,
});
export type ConnectorPlan = z.infer<typeof ConnectorPlan>;
