import type { ConnectorPlan, Stream } from '../plan/connector-plan.ts';
import type { Transform } from '../../templates/slots/mapping.ts';

/**
 * Everything a plan stream depends on in its operation, read from every place a plan names a field
 * or a parameter (agent/plan/connector-plan.ts, templates/slots/*.ts): the record fields its mapping,
 * `kind_from`, link ends, children (parent keys) and keyset paging read; the body fields and headers
 * its paginator reads; and the query, path and header parameters its requests send.
 */

/** A field of each record the connector reads. */
export interface RecordRead {
  /** Dotted path in the record (`profile.email`). */
  path: string;
  /** For a link end read from each element of a list at `path`: the field in each element. */
  element?: string;
  /** What reads it, for a person: `email, display_name`, `the kind of each record`, `{appId} of app_jwks`. */
  why: string;
  /** The mapping transforms that read it (a type change is breaking only when one of them cannot read the new type). */
  transforms: Transform[];
  /** The record's identity or a child's key: any type change loses it. */
  key: boolean;
}

/** A parameter a request of the stream sends. */
export interface SentParameter {
  name: string;
  in: 'query' | 'path' | 'header';
  /** Where its value comes from, for a person. */
  why: string;
  /** A pagination parameter (cursor, limit, offset, page, size). */
  pagination: boolean;
}

export interface StreamDependencies {
  records: RecordRead[];
  /** Body fields the paginator reads (`response_metadata.next_cursor`, a `has_more`), dotted from the body's root. */
  paginationFields: { path: string; why: string }[];
  /** Response headers the paginator reads (`Link`, a cursor header). */
  paginationHeaders: { name: string; why: string }[];
  parameters: SentParameter[];
}

/** What `stream` of `plan` depends on. Never throws. */
export function streamDependencies(plan: ConnectorPlan, stream: Stream): StreamDependencies {
  const records = new Map<string, RecordRead>();
  const read = (path: string, why: string, extra: { transform?: Transform; key?: boolean; element?: string } = {}) => {
    const at = extra.element ? `${path}[].${extra.element}` : path;
    const r = records.get(at) ?? { path, ...(extra.element ? { element: extra.element } : {}), why: '', transforms: [], key: false };
    r.why = r.why ? `${r.why}, ${why}` : why;
    if (extra.transform && !r.transforms.includes(extra.transform)) r.transforms.push(extra.transform);
    r.key ||= extra.key === true;
    records.set(at, r);
  };
  for (const [field, m] of Object.entries(stream.mapping)) if (m?.path) read(m.path, field, { transform: m.transform, key: field === 'id' });
  if (stream.kind_from) read(stream.kind_from.path, 'the kind of each record');
  for (const end of stream.link ? [stream.link.from, stream.link.to] : []) {
    if (end.from === 'field') read(end.path, `a ${stream.link!.relation} end`, { key: true });
    if (end.from === 'each') read(end.path, `a ${stream.link!.relation} end`, { key: true, element: end.field });
  }
  for (const child of plan.streams) if (child.parent?.stream === stream.name) read(child.parent.from_field, `{${child.parent.param}} of ${child.name}`, { key: true });

  const p = stream.pagination;
  const paginationFields: StreamDependencies['paginationFields'] = [];
  const paginationHeaders: StreamDependencies['paginationHeaders'] = [];
  const parameters: SentParameter[] = [];
  const send = (name: string | undefined, why: string, pagination = true, where: SentParameter['in'] = 'query') => {
    if (name && !parameters.some((x) => x.name === name && x.in === where)) parameters.push({ name, in: where, why, pagination });
  };
  if (p.style !== 'none') {
    for (const stop of p.stops) if ('path' in stop) paginationFields.push({ path: stop.path, why: `the ${stop.when} stop` });
  }
  switch (p.style) {
    case 'link-header':
      paginationHeaders.push({ name: 'Link', why: `the rel="${p.rel}" link to the next page` });
      send(p.cursor_param, 'the cursor the next link carries');
      send(p.limit_param, 'the page size');
      break;
    case 'cursor':
      send(p.cursor_param, 'the cursor');
      send(p.limit_param, 'the page size');
      if (p.cursor_path) paginationFields.push({ path: p.cursor_path, why: 'the next cursor' });
      if (p.cursor_header) paginationHeaders.push({ name: p.cursor_header, why: 'the next cursor' });
      if (p.last_record_path) read(p.last_record_path, 'the next page\'s cursor (keyset paging)', { key: true });
      break;
    case 'offset':
      send(p.offset_param, 'the offset');
      send(p.limit_param, 'the page size');
      break;
    case 'page':
      send(p.page_param, 'the page number');
      send(p.size_param, 'the page size');
      break;
    case 'next-url':
      send(p.limit_param, 'the page size');
      paginationFields.push({ path: p.next_path, why: 'the next page\'s URL' });
      break;
    case 'none':
      break;
  }
  for (const name of Object.keys(stream.query)) send(name, 'a fixed value', false);
  for (const name of stream.query_variables) send(name, 'a tenant variable', false);
  if (stream.parent?.in === 'query') send(stream.parent.param, `each ${stream.parent.stream} record's ${stream.parent.from_field}`, false);
  for (const name of [...stream.path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!)) {
    const why = stream.parent && stream.parent.in !== 'query' && stream.parent.param === name ? `each ${stream.parent.stream} record's ${stream.parent.from_field}` : Object.hasOwn(stream.path_params, name) ? 'a fixed value' : 'a tenant variable';
    send(name, why, false, 'path');
  }
  for (const name of Object.keys(stream.headers)) send(name, 'a fixed header', false, 'header');
  return { records: [...records.values()], paginationFields, paginationHeaders, parameters };
}
