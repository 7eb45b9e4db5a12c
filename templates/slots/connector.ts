import { z } from 'zod';
import { IdentityKind, Relation } from '../canonical.ts';
import { MappingSlot } from './mapping.ts';
import { Paginator } from './pagination.ts';
import { RateLimitSlot } from './rate-limit.ts';
import { READ_ONLY_REQUEST_POLICY } from '../../policy/request-policy.ts';

/**
 * What a rendered connector is made of: streams with one interface (baton-sdk's resource syncers
 * are the model). There is no method field: every request a template makes is a GET.
 */

const Name = z.string().regex(/^[a-z0-9_]{1,64}$/, 'a stream name is lower-case letters, digits and _');
const ParamName = z.string().min(1).max(200);

export const ParentSlot = z.object({
  stream: Name,
  param: ParamName,
  from_field: z.string().min(1),
  relation: Relation,
  parent_is: z.enum(['from', 'to']),
  /** `query`: the parent's value goes in the query parameter `param` (`?squad=…`); absent: it fills the path's `{param}`. */
  in: z.literal('query').optional(),
});
export type ParentSlot = z.infer<typeof ParentSlot>;

/**
 * One end of the relationship a link record states: the value at a field path of the record
 * (`user_id`, `user.id`, `role_ref`); each element of an array at `path`, read at `field`, one
 * relationship per element (a role binding's `subjects`); or the parent record a child read is under.
 */
export const LinkEnd = z.discriminatedUnion('from', [
  z.object({ from: z.literal('field'), path: z.string().min(1).max(200) }),
  z.object({ from: z.literal('each'), path: z.string().min(1).max(200), field: z.string().min(1).max(200) }),
  z.object({ from: z.literal('parent') }),
  /** The record itself: a list of bare ids (`{"people": ["U1", "U2"]}`), each naming an identity. */
  z.object({ from: z.literal('record') }),
]);
export type LinkEnd = z.infer<typeof LinkEnd>;

/** A link stream: its records are relationships between identities (memberships, role bindings), emitted as relationship records only. */
export const LinkSlot = z.object({
  relation: Relation,
  from: LinkEnd,
  to: LinkEnd,
  /**
   * Each record's relation from a field the docs give (a membership's `role: owner`): the value at
   * `path` (as text) → the relation listed for it. A closed set: a value not listed, or absent, keeps
   * `relation`.
   */
  relation_from: z.object({
    path: z.string().min(1).max(200),
    values: z.record(z.string().max(200), Relation).refine((v) => Object.keys(v).length > 0 && Object.keys(v).length <= 20, 'one to 20 listed values'),
  }).optional(),
});
export type LinkSlot = z.infer<typeof LinkSlot>;

/**
 * Each record's kind from a discriminator the docs give (`is_bot: boolean`, `type: bot|user`,
 * `account_type: service|human`): the value at `path` (as text: `true`, `bot`) → the kind listed for
 * it. A closed set: a value not listed, or absent, keeps the stream's kind (counted as drift `kind`
 * when present) — never a guess. Rendered by the map-record template.
 */
export const KindFromSlot = z.object({
  path: z.string().min(1).max(200),
  values: z.record(z.string().max(200), IdentityKind).refine((v) => Object.keys(v).length > 0 && Object.keys(v).length <= 100, 'one to 100 listed values'),
});
export type KindFromSlot = z.infer<typeof KindFromSlot>;

export const StreamSlot = z.object({
  name: Name,
  kind: IdentityKind,
  operation_id: z.string().min(1).max(500),
  /** The documented path, `{param}` placeholders included; must start with `/`. */
  path: z.string().regex(/^\/[^\s?#]*$/, 'a path starts with / and has no query or fragment'),
  path_params: z.record(ParamName, z.string()),
  query: z.record(ParamName, z.string()),
  /** Query parameters whose values are the run's tenant variables of the same name. */
  query_variables: z.array(ParamName).default([]),
  /** Fixed, non-secret headers. Credentials are never slots: the host injects them. */
  headers: z.record(
    z.string().regex(/^[A-Za-z0-9-]+$/).refine((h) => !/^(authorization|cookie|proxy-authorization)$/i.test(h), 'credential headers are injected by the host, never set by a connector'),
    z.string(),
  ),
  items_path: z.string(),
  /** `map`: the records are the values of an object keyed by data at `items_path` (JupyterHub's `/services`); absent: a list. */
  items_container: z.enum(['array', 'map']).optional(),
  /** For a map: the record field the entry's key fills when a record lacks it (`name`); null or absent: the key is not kept. */
  map_key_field: z.string().min(1).max(200).nullable().optional(),
  /** The empty answers the docs allow besides `[]`: a 204 No Content, a `null` list. Anything else empty is a finding. */
  empty: z.object({
    no_content: z.boolean(),
    null_items: z.boolean(),
    /** The body field holding the list's total, where the docs show an empty answer with the records' key left out and that total 0 (`{"start": 0, "total_size": 0}`): such an answer is the empty list. */
    absent_at_zero: z.string().min(1).max(200).optional(),
  }).default({ no_content: false, null_items: false }),
  pagination: Paginator,
  mapping: MappingSlot,
  /** Each record's kind from a documented discriminator field; absent: every record is the stream's kind. */
  kind_from: KindFromSlot.optional(),
  parent: ParentSlot.nullable(),
  /** A container of credentials (`/pipelines` for `/pipelines/{id}/keys`): its records are read only for its children's keys, never emitted. */
  container: z.boolean().optional(),
  /** When a 429 may be retried, as the docs say (templates/slots/rate-limit.ts); absent: the retry template's generic reading. */
  rate_limit: RateLimitSlot.optional(),
  /** Set for a link stream: where each record's two ends are, and their relation; absent: the records are identities. */
  link: LinkSlot.nullable().optional(),
}).superRefine((s, ctx) => {
  if (s.link) {
    const ends = [s.link.from, s.link.to];
    if (ends.some((e) => e.from === 'parent') && !s.parent) ctx.addIssue({ code: 'custom', path: ['link'], message: 'a link end read from the parent record needs a parent stream' });
    if (ends.filter((e) => e.from === 'parent').length > 1 || ends.filter((e) => e.from === 'each').length > 1 || ends.filter((e) => e.from === 'record').length > 1) ctx.addIssue({ code: 'custom', path: ['link'], message: 'a link record has two different ends: at most one is the parent, at most one is an array' });
  }
  // No template can express a write: every fixed value and the path itself pass the request policy (policy/request-policy.ts).
  const policy = READ_ONLY_REQUEST_POLICY;
  const op = policy.operation({ path: s.path });
  if (op) ctx.addIssue({ code: 'custom', path: ['path'], message: op.reason });
  for (const [name, value] of Object.entries(s.path_params)) {
    const r = policy.fixedValue('path', name, value);
    if (r) ctx.addIssue({ code: 'custom', path: ['path_params', name], message: r.reason });
  }
  for (const [name, value] of Object.entries(s.query)) {
    const r = policy.fixedValue('query', name, value);
    if (r) ctx.addIssue({ code: 'custom', path: ['query', name], message: r.reason });
  }
  // A query parameter filled at run time (a tenant variable, a parent's record) is never one that asks for a write or a credential flow.
  for (const [name, at] of [...s.query_variables.map((n) => [n, ['query_variables']] as const), ...(s.parent?.in === 'query' ? [[s.parent.param, ['parent', 'param']] as const] : [])]) {
    const r = policy.fixedValue('query', name, 'x');
    if (r?.rule === 'method-override' || r?.rule === 'credential-flow') ctx.addIssue({ code: 'custom', path: [...at], message: r.reason });
  }
  for (const [name, value] of Object.entries(s.headers)) {
    const r = policy.header(name, value) ?? policy.fixedValue('header', name, value);
    if (r) ctx.addIssue({ code: 'custom', path: ['headers', name], message: r.reason });
  }
});
export type StreamSlot = z.infer<typeof StreamSlot>;

export const ConnectorSlots = z
  .object({
    vendor: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    /** Tenant path parameters (`{org}`) whose values the host passes in at run time. */
    tenant_variables: z.array(ParamName).default([]),
    streams: z.array(StreamSlot).min(1),
  })
  .superRefine((c, ctx) => {
    const names = new Set<string>();
    c.streams.forEach((s, i) => {
      if (names.has(s.name)) ctx.addIssue({ code: 'custom', path: ['streams', i, 'name'], message: `stream name ${s.name} is used twice` });
      if (s.parent && !names.has(s.parent.stream)) ctx.addIssue({ code: 'custom', path: ['streams', i, 'parent'], message: `parent ${s.parent.stream} must come before ${s.name}` });
      // The runtime keeps keys only from a top-level list of records (runtime/connector.ts): under any other parent, a child would read nothing and call itself complete.
      const parentSlot = s.parent && c.streams.find((p) => p.name === s.parent!.stream);
      if (parentSlot && (parentSlot.parent || parentSlot.link)) ctx.addIssue({ code: 'custom', path: ['streams', i, 'parent'], message: `parent ${parentSlot.name} is ${parentSlot.parent ? 'itself read under a parent' : 'a link stream'}: its records give ${s.name} no keys` });
      if (s.parent && s.parent.in !== 'query' && !s.path.includes(`{${s.parent.param}}`)) ctx.addIssue({ code: 'custom', path: ['streams', i, 'parent', 'param'], message: `path ${s.path} has no {${s.parent.param}}` });
      if (s.map_key_field && s.items_container !== 'map') ctx.addIssue({ code: 'custom', path: ['streams', i, 'map_key_field'], message: 'a map key field belongs to records that are the values of a map (items_container "map")' });
      if (s.pagination.style === 'cursor' && [s.pagination.cursor_path, s.pagination.cursor_header, s.pagination.last_record_path].filter((x) => x !== undefined).length !== 1) {
        ctx.addIssue({ code: 'custom', path: ['streams', i, 'pagination'], message: 'a cursor comes from exactly one place: cursor_path (the body), cursor_header, or last_record_path (the page\'s last record)' });
      }
      names.add(s.name);
    });
  });
export type ConnectorSlots = z.infer<typeof ConnectorSlots>;

/** What the host passes to `run(input)`: where to reach the API and how hard to try. */
export const RunInput = z.object({
  base_url: z.url({ protocol: /^https?$/ }),
  /** Values of the tenant path parameters, provided by a human (or by the mock in validation). */
  tenant_variables: z.record(ParamName, z.string()).default({}),
  max_pages_per_stream: z.number().int().positive(),
  max_records: z.number().int().positive(),
  retry: z.object({ max_attempts: z.number().int().min(1).max(10), base_delay_ms: z.number().min(0), max_delay_ms: z.number().min(0) }),
});
export type RunInput = z.infer<typeof RunInput>;
