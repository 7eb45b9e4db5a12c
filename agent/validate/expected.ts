import type { IdentityRecord } from '../../templates/canonical.ts';
import { childIdentity, relationship } from '../../templates/runtime/connector.ts';
import { linkRelationships } from '../../templates/runtime/link-records.ts';
import { valueAt } from '../../templates/runtime/json-path.ts';
import { mapRecord } from '../../templates/runtime/map-record.ts';
import type { ApiModel } from '../ingest/api-model.ts';
import type { ConnectorPlan, Stream } from '../plan/connector-plan.ts';
import type { MockVendor } from '../../synthetic-data/mock-api/mock-vendor.ts';
import type { Row } from '../../synthetic-data/mock-api/datasets.ts';

/**
 * What a correct connector returns for each stream: the mock's seeded records, mapped on the host
 * by the approved templates' own functions (`mapRecord`, and the connector template's
 * `childIdentity` and `relationship`, and for a link stream `link-records`' `linkRelationships`) with the plan's mapping. The fetcher's own (possibly edited)
 * code plays no part in it, and nothing here re-implements a template.
 */

export interface ExpectedStream {
  stream: Stream;
  /** Canonical identities by id. */
  identities: Map<string, IdentityRecord>;
  /** For a child stream: `from|to|relation` of every parent–child pair; for a link stream, of every relationship its records state. */
  pairs: Set<string>;
  /** Seeded raw records (for coverage). */
  raw: Row[];
  /** Seeded records whose id field maps to nothing, or to an id another record already has. */
  unidentifiable: number;
  collisions: number;
  /** Why nothing could be expected (the docs do not describe this operation as a list). */
  problem: string | null;
}

export function pairKey(from: string, to: string, relation: string): string {
  return `${from}|${to}|${relation}`;
}

const mapContext = (stream: Stream, vendor: string) => ({ vendor, kind: stream.kind, stream: stream.name, operation: stream.operation_id, drift: {} });

/** A link stream's relationships from its seeded records: each record's pairs, or unidentifiable when an end cannot be read. */
function linkAll(stream: Stream, rows: Row[], into: ExpectedStream, parentId?: string): void {
  for (const raw of rows) {
    const rels = stream.link && linkRelationships(stream, stream.link, raw, parentId);
    if (!rels) {
      into.unidentifiable++;
      continue;
    }
    into.raw.push(raw);
    for (const rel of rels) into.pairs.add(pairKey(rel.from_id, rel.to_id, rel.relation));
  }
}

/** A link stream whose ends read nothing from any seeded record reads the wrong fields: nothing can be expected of it. */
function noEnds(entry: ExpectedStream): void {
  if (entry.stream.link && entry.raw.length && !entry.pairs.size) entry.problem = `the link ends the plan reads name no one in any of the ${entry.raw.length} seeded records: the wrong fields`;
}

function mapAll(stream: Stream, vendor: string, rows: Row[], into: ExpectedStream, parentId?: string): IdentityRecord[] {
  const out: IdentityRecord[] = [];
  for (const raw of rows) {
    const identity = mapRecord(raw, stream.mapping, mapContext(stream, vendor), stream.kind_from);
    if (!identity) {
      into.unidentifiable++;
      continue;
    }
    const finalIdentity = parentId !== undefined && stream.parent ? childIdentity(identity, stream.parent, parentId) : identity;
    if (parentId === undefined && into.identities.has(finalIdentity.id)) into.collisions++;
    if (!into.identities.has(finalIdentity.id)) into.identities.set(finalIdentity.id, finalIdentity);
    into.raw.push(raw);
    out.push(finalIdentity);
  }
  return out;
}

/** The path values a stream's request carries: its fixed ones and the tenant variables in its path. */
function pathValues(stream: Stream, variables: Record<string, string>): Record<string, string> {
  const all = { ...stream.path_params, ...variables };
  return Object.fromEntries([...stream.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).filter((p) => p in all).map((p) => [p, all[p]!]));
}

export function expectedStreams(plan: ConnectorPlan, model: ApiModel, mock: MockVendor, variables: Record<string, string> = {}): Map<string, ExpectedStream> {
  const out = new Map<string, ExpectedStream>();
  for (const stream of plan.streams) {
    const entry: ExpectedStream = { stream, identities: new Map(), pairs: new Set(), raw: [], unidentifiable: 0, collisions: 0, problem: null };
    out.set(stream.name, entry);
    const op = model.operations.find((o) => o.id === stream.operation_id && o.method === 'get');
    const reading = op && mock.readingOf(op);
    if (!reading) {
      entry.problem = `the docs do not describe ${stream.operation_id} as a GET list operation`;
      continue;
    }
    if (!stream.parent) {
      // A container of credentials emits none of its records: nothing is expected of it.
      if (stream.container) continue;
      const dataset = mock.datasets.get(reading, pathValues(stream, variables));
      if (!dataset) {
        entry.problem = `the mock serves no list for ${stream.path}`;
        continue;
      }
      if (stream.link) linkAll(stream, dataset.unique, entry);
      else mapAll(stream, plan.vendor, dataset.unique, entry);
      noEnds(entry);
      continue;
    }
    const link = stream.parent;
    const parentStream = plan.streams.find((s) => s.name === link.stream);
    const outer = Object.fromEntries(Object.entries(pathValues(stream, variables)).filter(([k]) => k !== link.param));
    for (const { parent, dataset } of mock.datasets.childrenOf(reading, outer, link.param)) {
      const parentIdentity = parentStream && mapRecord(parent, parentStream.mapping, mapContext(parentStream, plan.vendor), parentStream.kind_from);
      if (!parentIdentity) continue;
      if (stream.link) {
        linkAll(stream, dataset.unique, entry, parentIdentity.id);
        continue;
      }
      for (const child of mapAll(stream, plan.vendor, dataset.unique, entry, parentIdentity.id)) {
        const rel = relationship(stream, link, parentIdentity.id, child);
        entry.pairs.add(pairKey(rel.from_id, rel.to_id, rel.relation));
      }
    }
    noEnds(entry);
  }
  return out;
}

/** Seeded records whose mapped field holds a value the mapping cannot use (the wrong field, or the wrong transform). */
export function unusable(expected: ExpectedStream, field: keyof Stream['mapping']): { present: number; usable: number } {
  const m = expected.stream.mapping[field];
  if (!m?.path) return { present: 0, usable: 0 };
  let present = 0;
  let usable = 0;
  for (const raw of expected.raw) {
    const v = valueAt(raw, m.path);
    if (v === undefined || v === null) continue;
    present++;
    const identity = mapRecord(raw, expected.stream.mapping, { vendor: 'x', kind: expected.stream.kind, stream: '', operation: '', drift: {} });
    const mapped = identity?.[field];
    if (mapped !== null && mapped !== undefined && mapped !== 'unknown') usable++;
  }
  return { present, usable };
}
