import { z } from 'zod';
import { IdentityKind, Relation } from '../canonical.ts';
import { MappingSlot } from './mapping.ts';
import { Paginator } from './pagination.ts';
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
});
export type ParentSlot = z.infer<typeof ParentSlot>;

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
  empty: z.object({ no_content: z.boolean(), null_items: z.boolean() }).default({ no_content: false, null_items: false }),
  pagination: Paginator,
  mapping: MappingSlot,
  parent: ParentSlot.nullable(),
}).superRefine((s, ctx) => {
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
  for (const name of s.query_variables) {
    const r = policy.fixedValue('query', name, 'x');
    if (r?.rule === 'method-override' || r?.rule === 'credential-flow') ctx.addIssue({ code: 'custom', path: ['query_variables'], message: r.reason });
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
      if (s.parent && !s.path.includes(`{${s.parent.param}}`)) ctx.addIssue({ code: 'custom', path: ['streams', i, 'parent', 'param'], message: `path ${s.path} has no {${s.parent.param}}` });
      if (s.map_key_field && s.items_container !== 'map') ctx.addIssue({ code: 'custom', path: ['streams', i, 'map_key_field'], message: 'a map key field belongs to records that are the values of a map (items_container "map")' });
      if (s.pagination.style === 'cursor' && (s.pagination.cursor_path === undefined) === (s.pagination.cursor_header === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['streams', i, 'pagination'], message: 'a cursor comes from exactly one place: cursor_path (the body) or cursor_header' });
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
