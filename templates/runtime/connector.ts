import type { IdentityRecord, RelationshipRecord, RunRecord } from '../canonical.ts';
import type { ConnectorSlots, RunInput, StreamSlot } from '../slots/connector.ts';
import { FetcherError } from './errors.ts';
import { host } from './host.ts';
import { valueAt } from './json-path.ts';
import { newOutcome, readStream } from './read-stream.ts';

/**
 * template fetchwright/connector@1 — runs the streams in order (parents before children), emits
 * identities and relationships as they come, and ends with a `run` record saying whether every
 * page of every stream was fetched. A refused credential stops the whole run, loudly.
 */

interface ParentKey {
  value: string;
  id: string;
}

function relationship(slot: StreamSlot, parentId: string, child: IdentityRecord): RelationshipRecord {
  const link = slot.parent!;
  const [from_id, to_id] = link.parent_is === 'from' ? [parentId, child.id] : [child.id, parentId];
  return { type: 'relationship', from_id, to_id, relation: link.relation, source: { stream: slot.name, operation: slot.operation_id } };
}

export async function runConnector(slots: ConnectorSlots, input: RunInput): Promise<RunRecord> {
  const emit = (record: unknown) => host().emit(record);
  const missing = (slots.tenant_variables ?? []).filter((name) => typeof input.tenant_variables?.[name] !== 'string' || input.tenant_variables[name] === '');
  if (missing.length) throw new FetcherError('config', `no value for ${missing.map((n) => `{${n}}`).join(', ')}: give the tenant's ${missing.join(', ')} in the run's tenant_variables`);
  const keyFields = new Map<string, Set<string>>();
  for (const s of slots.streams) if (s.parent) keyFields.set(s.parent.stream, (keyFields.get(s.parent.stream) ?? new Set()).add(s.parent.from_field));
  const keys = new Map<string, ParentKey[]>();
  const outcomes = [];
  let fatal: FetcherError | undefined;

  for (const slot of slots.streams) {
    const outcome = newOutcome(slot.name);
    outcomes.push(outcome);
    if (fatal) {
      outcome.complete = false;
      outcome.error = 'not run: an earlier stream failed authentication';
      continue;
    }
    try {
      if (!slot.parent) {
        const wanted = keyFields.get(slot.name);
        await readStream(slot, input, slots.vendor, {}, outcome, (raw, identity) => {
          emit(identity);
          if (!wanted) return;
          for (const field of wanted) {
            const value = valueAt(raw, field);
            if (typeof value === 'string' || typeof value === 'number') {
              const list = keys.get(`${slot.name}.${field}`) ?? [];
              list.push({ value: String(value), id: identity.id });
              keys.set(`${slot.name}.${field}`, list);
            }
          }
        });
      } else {
        const link = slot.parent;
        for (const parent of keys.get(`${link.stream}.${link.from_field}`) ?? []) {
          await readStream(slot, input, slots.vendor, { [link.param]: parent.value }, outcome, (_raw, identity) => {
            emit(identity.owner_id === null && link.relation === 'owns' ? { ...identity, owner_id: parent.id } : identity);
            emit(relationship(slot, parent.id, identity));
          });
        }
      }
    } catch (e) {
      outcome.complete = false;
      outcome.error = e instanceof Error ? e.message : String(e);
      if (e instanceof FetcherError && e.kind === 'auth') fatal = e;
    }
  }
  const run: RunRecord = { type: 'run', vendor: slots.vendor, complete: outcomes.every((o) => o.complete), streams: outcomes };
  emit(run);
  if (fatal) throw fatal;
  return run;
}
