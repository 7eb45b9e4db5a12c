import type { IdentityRecord, LinkEnd, LinkSlot, RelationshipRecord, StreamSlot } from './contract.ts';
import { applyTransform, recordMapper, type MapContext, type RecordMapper } from './map-record.ts';
import { valueAt } from './json-path.ts';
import { sha256Hex } from './sha256.ts';

/**
 * template fetchwright/link-records@4 — a link stream's records are relationships between
 * identities (a membership: "user member_of squad"; a role binding: each subject `has_role` the
 * bound role), emitted as relationship records, never as identities. A documented field may set
 * each record's relation (a list owner's membership, `role: owner`, `owns` the list). The slot says where each end
 * is: a field of the record (`user.id`, `group_id`), each element of an array (`subjects[].name`,
 * one relationship per element), the record itself (a bare id), or the parent record a child read is under. Ids are read as the
 * `string` transform reads an identity's id, so both sides of a relationship compare as text. An
 * end the docs leave optional and a record leaves out states no relationship (counted as drift).
 */

/**
 * The id at `path` of a record: a string, `null` when the docs' optional field is absent or null (the
 * record names nothing there), undefined when it holds something that is not an id (an object, a list).
 */
function idAt(record: unknown, path: string): string | null | undefined {
  const value = valueAt(record, path);
  if (value === undefined || value === null) return null;
  const text = applyTransform({ path, transform: 'string' }, record);
  return typeof text === 'string' && text !== '' ? text : undefined;
}

/**
 * The ids at one end of a link record: one for a field or the parent, one per element for an array
 * (elements that name no one are skipped). `null` when the end names no one (an optional field absent
 * or null, no array): the record states no relationship. Undefined when the end cannot be read (a
 * value that is not an id, an array that is not one) — a finding, never a guess.
 */
export function endIds(record: unknown, end: LinkEnd, parentId: string | undefined): string[] | null | undefined {
  if (end.from === 'parent') return parentId === undefined ? undefined : [parentId];
  if (end.from === 'field') {
    const id = idAt(record, end.path);
    return id === null || id === undefined ? id : [id];
  }
  // A bare id is the whole record: a null in a list of ids is no field left out but a record that names no one, unreadable as an empty string is.
  if (end.from === 'record') {
    const id = idAt(record, '');
    return id ? [id] : undefined;
  }
  const list = valueAt(record, end.path);
  if (list === undefined || list === null) return null;
  if (!Array.isArray(list)) return undefined;
  const ids: string[] = [];
  for (const element of list) {
    const id = idAt(element, end.field);
    if (id === undefined) return undefined;
    if (id !== null) ids.push(id);
  }
  return ids;
}

/**
 * Every relationship one link record states (each pair once, in record order): `[]` when an end
 * names no one; undefined when an end cannot be read, so the record is unusable.
 */
export function linkRelationships(stream: Pick<StreamSlot, 'name' | 'operation_id'>, link: LinkSlot, record: unknown, parentId?: string): RelationshipRecord[] | undefined {
  const from = endIds(record, link.from, parentId);
  const to = endIds(record, link.to, parentId);
  if (from === undefined || to === undefined) return undefined;
  const relation = relationOf(link, record);
  const out: RelationshipRecord[] = [];
  const seen = new Set<string>();
  for (const f of from ?? []) {
    for (const t of to ?? []) {
      const key = `${f.length}:${f}${t}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ type: 'relationship', from_id: f, to_id: t, relation, source: { stream: stream.name, operation: stream.operation_id } });
    }
  }
  return out;
}

/** A record's relation: the one its documented field's value is listed for (`role: owner` → `owns`), else the link's. */
function relationOf(link: LinkSlot, record: unknown): LinkSlot['relation'] {
  if (!link.relation_from) return link.relation;
  const value = valueAt(record, link.relation_from.path);
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return link.relation;
  return Object.hasOwn(link.relation_from.values, String(value)) ? link.relation_from.values[String(value)]! : link.relation;
}

/** The key a relationship is emitted once under. */
export function relationshipKey(r: RelationshipRecord): string {
  return `${r.relation}|${r.from_id.length}:${r.from_id}|${r.to_id}`;
}

/** How an end reads, for a finding: `user.id`, `subjects[].name`, `(parent)`. */
function endPath(end: LinkEnd): string {
  return end.from === 'parent' ? '(parent)' : end.from === 'record' ? '(record)' : end.from === 'each' ? `${end.path}[].${end.field}` : end.path;
}

/**
 * A mapper for the list reader (`read-stream`): the record's key is its own id when the mapping has
 * one, else the relationships it states; what it returns stands in for an identity only so a record
 * repeated across pages is read once and a different record under a repeated key is a finding (its
 * relationships are fingerprinted) — it is never emitted. A record whose ends cannot be read has no
 * key: it counts as a record without an id at the ends' paths (`idPath`).
 */
export function linkMapper(slot: StreamSlot, link: LinkSlot, parentId?: string): RecordMapper & { idPath: string } {
  const own = slot.mapping.id?.path ? recordMapper({ id: slot.mapping.id }) : undefined;
  const read = (record: unknown): { id: string; ends: string } | undefined => {
    const rels = linkRelationships(slot, link, record, parentId);
    if (!rels) return undefined;
    const ends = rels.length ? JSON.stringify(rels.map(relationshipKey)) : '';
    // A record that states nothing and has no id of its own is known by its whole text.
    const id = own?.idOf(record) ?? (rels.length ? `links:${ends}` : `record:${sha256Hex(JSON.stringify(record, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))}`);
    return { id, ends };
  };
  const map = (record: unknown, ctx: MapContext): IdentityRecord | undefined => {
    const r = read(record);
    if (!r) return undefined;
    // An end that names no one (an optional field absent) states no relationship: counted, as drift is.
    if (!r.ends) ctx.drift.link_end = (ctx.drift.link_end ?? 0) + 1;
    return {
      type: 'identity', id: r.id, kind: ctx.kind, vendor: ctx.vendor, display_name: r.ends, email: null, status: 'unknown', owner_id: null,
      scopes: null, created_at: null, last_used_at: null, expires_at: null, source: { stream: ctx.stream, operation: ctx.operation, raw_id: r.id },
    };
  };
  const idOf = (record: unknown) => read(record)?.id;
  return Object.assign(map, { idOf, canThrow: own?.canThrow ?? false, idPath: [link.from, link.to].filter((e) => e.from !== 'parent').map(endPath).join(' / ') });
}
