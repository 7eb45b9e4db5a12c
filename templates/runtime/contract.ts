import type { RuntimeFinding } from './findings.ts';

/**
 * template fetchwright/contract@5 — the types every other template is written against, as plain
 * TypeScript: the slots a plan fills (`ConnectorSlots`), what the host passes to `run(input)`
 * (`RunInput`) and the records a run emits (`IdentityRecord`, `RelationshipRecord`, `RunRecord`).
 * Types only: nothing here runs, so a rendered fetcher type-checks on its own with no other file.
 * The zod schemas in `templates/slots/` and `templates/canonical.ts` are what checks these values
 * on the host; `contract.test.ts` holds the two in step.
 */

// The canonical records.

export type IdentityKind = 'human' | 'service_account' | 'bot' | 'app' | 'group' | 'role' | 'api_key' | 'token' | 'oauth_grant' | 'ssh_key' | 'certificate';

export type Relation = 'member_of' | 'has_role' | 'owns' | 'granted_to';

export type CanonicalStatus = 'active' | 'suspended' | 'deprovisioned' | 'unknown';

/** One identity, as emitted. Unknown is `null`, empty is `[]`; times are ISO 8601 with an offset. */
export interface IdentityRecord {
  type: 'identity';
  id: string;
  kind: IdentityKind;
  vendor: string;
  display_name: string | null;
  email: string | null;
  status: CanonicalStatus;
  owner_id: string | null;
  scopes: string[] | null;
  created_at: string | null;
  last_used_at: string | null;
  expires_at: string | null;
  source: { stream: string; operation: string; raw_id: string };
}

/** A link between two identities (a member of a group, the owner of a key). */
export interface RelationshipRecord {
  type: 'relationship';
  from_id: string;
  to_id: string;
  relation: Relation;
  source: { stream: string; operation: string };
}

/** How one stream's read went: complete only when every page came in the shape the plan expects. */
export interface StreamOutcome {
  name: string;
  records: number;
  duplicates_skipped: number;
  unidentifiable: number;
  pages: number;
  requests: number;
  retries: number;
  waited_ms: number;
  /** Values of the wrong shape per canonical field (mapped to `null`, never guessed). */
  drift: Record<string, number>;
  complete: boolean;
  /** Why not, for a person: the first finding's text. */
  error: string | null;
  findings: RuntimeFinding[];
  findings_total: number;
}

/** The last record of a run, and the value `run` returns. */
export interface RunRecord {
  type: 'run';
  vendor: string;
  complete: boolean;
  streams: StreamOutcome[];
}

// The mapping slots.

export type Transform =
  | 'string' | 'iso-datetime' | 'unix-seconds' | 'unix-millis' | 'status-map' | 'bool-true-is-deprovisioned' | 'bool-true-is-suspended'
  | 'bool-true-is-active' | 'string-list' | 'split-space' | 'first-string' | 'sha256-fingerprint';

/** Where a canonical field is in a vendor record (`null`: the docs show no such field) and how it is read. */
export interface FieldMappingSlot {
  path: string | null;
  transform: Transform;
  /** For `status-map`: vendor value → canonical status. */
  values?: Record<string, CanonicalStatus>;
}

export type CanonicalField = 'id' | 'display_name' | 'email' | 'status' | 'owner_id' | 'scopes' | 'created_at' | 'last_used_at' | 'expires_at';

export type MappingSlot = Partial<Record<CanonicalField, FieldMappingSlot>>;

/** Each record's kind from a documented discriminator: the value at `path`, as text, → its listed kind; anything else keeps the stream's. */
export interface KindFromSlot {
  path: string;
  values: Record<string, IdentityRecord['kind']>;
}

// The paginator slots: a position source (the style), a page-size option, and stop conditions.

/** One documented end-of-list signal, applied around the position source; any one ends the stream. */
export type StopCondition =
  | { when: 'no-next' }
  | { when: 'empty-page' }
  | { when: 'short-page' }
  | { when: 'total-reached'; path: string }
  | { when: 'more-false'; path: string }
  | { when: 'last-true'; path: string }
  | { when: 'page-count'; path: string };

export interface LinkHeaderPaginator {
  style: 'link-header';
  rel: string;
  cursor_param?: string;
  limit_param?: string;
  page_size?: number;
  stops: StopCondition[];
}

/** The next cursor comes from exactly one place: `cursor_path` (the body), `cursor_header`, or `last_record_path` (the page's last record). */
export interface CursorPaginator {
  style: 'cursor';
  cursor_param: string;
  cursor_path?: string;
  cursor_header?: string;
  last_record_path?: string;
  limit_param?: string;
  page_size?: number;
  stops: StopCondition[];
}

export interface OffsetPaginator {
  style: 'offset';
  offset_param: string;
  limit_param: string;
  page_size: number;
  first_offset: number;
  stops: StopCondition[];
}

export interface PagePaginator {
  style: 'page';
  page_param: string;
  size_param?: string;
  page_size?: number;
  first_page: number;
  stops: StopCondition[];
}

export interface NextUrlPaginator {
  style: 'next-url';
  next_path: string;
  /** True when the docs show a path relative to the API host rather than an absolute URL. */
  relative: boolean;
  limit_param?: string;
  page_size?: number;
  stops: StopCondition[];
}

export interface NoPaginator {
  style: 'none';
}

export type Paginator = LinkHeaderPaginator | CursorPaginator | OffsetPaginator | PagePaginator | NextUrlPaginator | NoPaginator;
export type PaginatorStyle = Paginator['style'];
export type PaginatorOf<S extends PaginatorStyle> = Extract<Paginator, { style: S }>;

// The connector's slots and its run input.

/**
 * How a header's value says when a 429 may be retried: `Retry-After`'s grammar (seconds or an HTTP
 * date, RFC 9110 §10.2.3), a delay, or when the window opens as UTC epoch time.
 */
export type WaitUnit = 'http-date-or-seconds' | 'delay-seconds' | 'delay-milliseconds' | 'epoch-seconds' | 'epoch-milliseconds';

/** One header that says when a 429 may be retried (lower-case name), and its unit. */
export interface WaitHeader {
  header: string;
  unit: WaitUnit;
}

/** What the docs say of a 429: the headers that carry the wait (first present wins), and the longest wait they document (ms, or null). */
export interface RateLimitSlot {
  waits: WaitHeader[];
  max_wait_ms: number | null;
}

/** A child stream is read once per record of its parent, whose `from_field` fills the path's `{param}`. */
export interface ParentSlot {
  stream: string;
  param: string;
  from_field: string;
  relation: Relation;
  parent_is: 'from' | 'to';
  /** `query`: the parent's value is sent as the query parameter `param`; absent: it fills the path's `{param}`. */
  in?: 'query';
}

/** One end of a link record's relationship: a field of the record, each element of an array (read at `field`), or the parent record. */
export type LinkEnd = { from: 'field'; path: string } | { from: 'each'; path: string; field: string } | { from: 'parent' } | { from: 'record' };

/** A link stream: its records are relationships between identities, emitted as relationship records only. */
export interface LinkSlot {
  relation: Relation;
  from: LinkEnd;
  to: LinkEnd;
  /** Each record's relation from a documented field (`role: owner` → `owns`); a value not listed, or absent, keeps `relation`. */
  relation_from?: { path: string; values: Record<string, Relation> };
}

/** One list operation, read with GET (there is no method field). */
export interface StreamSlot {
  name: string;
  kind: IdentityKind;
  operation_id: string;
  /** The documented path, `{param}` placeholders included. */
  path: string;
  path_params: Record<string, string>;
  query: Record<string, string>;
  /** Query parameters whose values are the run's tenant variables of the same name. */
  query_variables: string[];
  /** Fixed, non-secret headers. Credentials are never slots: the host injects them. */
  headers: Record<string, string>;
  items_path: string;
  /** `map`: the records are the values of an object keyed by data at `items_path`; absent: a list. */
  items_container?: 'array' | 'map';
  /** For a map: the record field the entry's key fills when a record lacks it; null or absent: the key is not kept. */
  map_key_field?: string | null;
  /** The empty answers the docs allow besides `[]`: a 204 No Content, a `null` list, the records' key left out beside a total of 0 at `absent_at_zero`. */
  empty: { no_content: boolean; null_items: boolean; absent_at_zero?: string };
  pagination: Paginator;
  mapping: MappingSlot;
  /** Each record's kind from a documented discriminator field; absent: every record is the stream's kind. */
  kind_from?: KindFromSlot;
  parent: ParentSlot | null;
  /** Its records are read only for its children's keys, never emitted (a container of credentials). */
  container?: boolean;
  /** When a 429 may be retried, as the docs say; absent: the retry template's generic reading. */
  rate_limit?: RateLimitSlot;
  /** Set for a link stream: where each record's two ends are, and their relation; absent: the records are identities. */
  link?: LinkSlot | null;
}

export interface ConnectorSlots {
  vendor: string;
  /** Tenant path parameters (`{org}`) whose values the host passes in at run time. */
  tenant_variables: string[];
  streams: StreamSlot[];
}

/** What the host passes to `run(input)`: where to reach the API and how hard to try. */
export interface RunInput {
  base_url: string;
  /** Values of the tenant path parameters, provided by a human (or by the mock in validation). */
  tenant_variables: Record<string, string>;
  max_pages_per_stream: number;
  max_records: number;
  retry: { max_attempts: number; base_delay_ms: number; max_delay_ms: number };
}
