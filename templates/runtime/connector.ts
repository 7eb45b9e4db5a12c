import type { ConnectorSlots, IdentityRecord, ParentSlot, RelationshipRecord, RunInput, RunRecord, StreamSlot } from './contract.ts';
import { FetcherError } from './errors.ts';
import { host } from './host.ts';
import { valueAt } from './json-path.ts';
import { linkMapper, linkRelationships, relationshipKey } from './link-records.ts';
import { addFinding, findingOf, newOutcome, readStream } from './read-stream.ts';

/**
 * template fetchwright/connector@7 — runs the streams in order (parents before children), emits
 * identities and relationships as they come (a link stream's records as relationships only, each once), and ends with a `run` record saying, per stream,
 * whether every page was fetched in the shape the plan expects, and if not, the findings why. A
 * child read that fails for one parent is a finding; the other parents are still read. A refused
 * credential stops the whole run: every stream after it is `not-run`, and the run record — the
 * last thing emitted, and the value returned — says so; the host decides the exit code from it.
 * A container stream (`container`: pipelines holding keys) emits none of its records: they are read
 * only for its children's keys. A child's parent value fills the path's `{param}`, or the query
 * parameter `param` when the parent slot says `in: 'query'`.
 */

interface ParentKey {
  value: string;
  id: string;
}

/** The relationship a child record has with the parent record it was read under. */
export function relationship(stream: Pick<StreamSlot, 'name' | 'operation_id'>, link: ParentSlot, parentId: string, child: IdentityRecord): RelationshipRecord {
  const [from_id, to_id] = link.parent_is === 'from' ? [parentId, child.id] : [child.id, parentId];
  return { type: 'relationship', from_id, to_id, relation: link.relation, source: { stream: stream.name, operation: stream.operation_id } };
}

/** A child record as emitted: a credential read under its owner, with no owner of its own, is owned by that parent. */
export function childIdentity(identity: IdentityRecord, link: ParentSlot, parentId: string): IdentityRecord {
  return identity.owner_id === null && link.relation === 'owns' ? { ...identity, owner_id: parentId } : identity;
}

/**
 * Whether a parent's text key can fill a child's path: not empty, and no part of it, split at `/` or
 * `\`, is a dot segment (`.`, `..`, RFC 3986 §5.2.4). The key is percent-encoded into one segment, but
 * a server or proxy that decodes `%2F` before routing (as request-policy's path check assumes some do)
 * would read `../admin` as a dot segment, and the child read would be of another list.
 */
export function usableKey(value: string): boolean {
  return value !== '' && !value.split(/[/\\]/).some((part) => part === '.' || part === '..');
}

export async function runConnector(slots: ConnectorSlots, input: RunInput): Promise<RunRecord> {
  const emit = (record: unknown) => host().emit(record);
  const missing = (slots.tenant_variables ?? []).filter((name) => typeof input.tenant_variables?.[name] !== 'string' || input.tenant_variables[name] === '');
  if (missing.length) throw new FetcherError('missing-tenant-variable', null, { name: missing.join(', ') });
  const keyFields = new Map<string, Set<string>>();
  for (const s of slots.streams) if (s.parent) keyFields.set(s.parent.stream, (keyFields.get(s.parent.stream) ?? new Set()).add(s.parent.from_field));
  const keys = new Map<string, ParentKey[]>();
  // Parent records with no usable key for a child's path parameter, per `stream.field`: their children cannot be read.
  const keyless = new Map<string, number>();
  const outcomes = [];
  let fatal: FetcherError | undefined;
  for (const slot of slots.streams) {
    const outcome = newOutcome(slot.name);
    outcomes.push(outcome);
    // A link stream states relationships: each is emitted once, whichever record (or parent) states it again.
    const linkSlot = slot.link ?? undefined;
    const emitted = new Set<string>();
    const emitLinks = (raw: unknown, parentId?: string) => {
      for (const rel of (linkSlot && linkRelationships(slot, linkSlot, raw, parentId)) || []) {
        const key = relationshipKey(rel);
        if (emitted.has(key)) continue;
        emitted.add(key);
        emit(rel);
      }
    };
    if (fatal) {
      addFinding(outcome, { id: 'not-run', url: null, args: { why: 'an earlier stream failed authentication' } });
      continue;
    }
    if (!slot.parent) {
      const wanted = keyFields.get(slot.name);
      try {
        await readStream(slot, input, slots.vendor, {}, outcome, (raw, identity) => {
          if (linkSlot) return emitLinks(raw);
          // A container's records (pipelines holding keys) are not identities: read only for its children's keys.
          if (!slot.container) emit(identity);
          if (!wanted) return;
          for (const field of wanted) {
            const value = valueAt(raw, field);
            if ((typeof value === 'string' && usableKey(value)) || (typeof value === 'number' && Number.isFinite(value))) {
              const list = keys.get(`${slot.name}.${field}`) ?? [];
              list.push({ value: String(value), id: identity.id });
              keys.set(`${slot.name}.${field}`, list);
            } else keyless.set(`${slot.name}.${field}`, (keyless.get(`${slot.name}.${field}`) ?? 0) + 1);
          }
        }, linkSlot && linkMapper(slot, linkSlot));
      } catch (e) {
        addFinding(outcome, findingOf(e, null));
        if (e instanceof FetcherError && e.fatal) fatal = e;
      }
      continue;
    }
    const link = slot.parent;
    // A child stream is only as complete as the parent list its reads come from.
    const parentOutcome = outcomes.find((o) => o.name === link.stream);
    if (parentOutcome && !parentOutcome.complete) addFinding(outcome, { id: 'parent-incomplete', url: null, args: { parent: link.stream } });
    const noKey = keyless.get(`${link.stream}.${link.from_field}`);
    if (noKey) addFinding(outcome, { id: 'parent-key-missing', url: null, args: { count: noKey, parent: link.stream, field: link.from_field } });
    for (const parent of keys.get(`${link.stream}.${link.from_field}`) ?? []) {
      try {
        await readStream(slot, input, slots.vendor, { [link.param]: parent.value }, outcome, (raw, identity) => {
          if (linkSlot) return emitLinks(raw, parent.id);
          emit(childIdentity(identity, link, parent.id));
          emit(relationship(slot, link, parent.id, identity));
        }, linkSlot && linkMapper(slot, linkSlot, parent.id));
      } catch (e) {
        addFinding(outcome, findingOf(e, null));
        if (e instanceof FetcherError && e.fatal) {
          fatal = e;
          break;
        }
      }
    }
  }
  const run: RunRecord = { type: 'run', vendor: slots.vendor, complete: outcomes.every((o) => o.complete), streams: outcomes };
  emit(run);
  return run;
}
