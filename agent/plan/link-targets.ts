import type { ApiModel, Operation } from '../ingest/api-model.ts';
import type { SchemaView } from '../docs-view/schema-view.ts';
import type { LinkEnd } from '../../templates/slots/connector.ts';
import type { IdentityKind } from './connector-plan.ts';
import { excerpt, quoted } from './evidence.ts';
import { collectionNoun } from './identity-kinds.ts';
import type { LinkCandidate } from './link-streams.ts';
import { candidateAs, isTenantParam, streamName, type Candidate, type Rejection } from './select-streams.ts';
import { READ_ONLY_REQUEST_POLICY, type RequestPolicy } from '../../policy/request-policy.ts';

/**
 * The identities a relationship's ends name, where no stream lists them yet. A link stream whose end
 * is a top-level field of its records (`list_id`, `email`) points at records of another collection;
 * where the docs read one record of a collection by that very field (`GET /lists/{list_id}`,
 * `GET /addresses/{email}`) and list the collection (`GET /lists`), its records are what the
 * relationships join: the container end's are groups, the member end's are people, the role end's
 * roles — whatever their noun says on its own (a mailing list is a group of its members; an address is
 * who is subscribed). Each is read keyed by that field (`id ← list_id`), so every relationship names
 * an identity record the run emits. Without this the relationships would name ids no record carries.
 */
export interface LinkTargets {
  streams: (Candidate & { name: string })[];
  /** `excluded` less the lists taken here. */
  excluded: Rejection[];
}

/** The kind of what a link's end names: member_of joins a member to a group; has_role a holder to a role. */
function endKind(relation: LinkCandidate['link']['relation'], which: 'from' | 'to'): IdentityKind | undefined {
  if (relation === 'member_of') return which === 'from' ? 'human' : 'group';
  if (relation === 'has_role') return which === 'to' ? 'role' : undefined;
  return undefined;
}

/**
 * `links`: the plan's link streams; `taken`: every operation a stream already reads; `excluded`: the
 * GETs left out; `names`: stream names in use (added to). Returns the identity lists the links' ends
 * point at (see the type's comment), each with the evidence that names it.
 */
export function linkTargetStreams(model: ApiModel, view: SchemaView, links: readonly LinkCandidate[], taken: ReadonlySet<Operation>, excluded: Rejection[], names: Set<string>, policy: RequestPolicy = READ_ONLY_REQUEST_POLICY): LinkTargets {
  const streams: (Candidate & { name: string })[] = [];
  const gets = model.operations.filter((o) => o.method === 'get' && !o.deprecated);
  const left = new Set(excluded.map((r) => r.operation_id));
  for (const l of links) {
    for (const which of ['from', 'to'] as const) {
      const end: LinkEnd = l.link[which];
      if (end.from !== 'field' || end.path.includes('.')) continue;
      const kind = endKind(l.link.relation, which);
      if (!kind) continue;
      const field = end.path;
      // One record read by the end's field: `/lists/{list_id}`, its collection `/lists`.
      for (const one of gets.filter((o) => o.path.endsWith(`/{${field}}`))) {
        const listPath = one.path.slice(0, -`/{${field}}`.length);
        const list = gets.find((o) => o.path === listPath);
        if (!list || taken.has(list) || streams.some((s) => s.op === list) || !left.has(list.id)) continue;
        const c = candidateAs(list, view, kind, field, policy);
        if (!c || c.bareIds || c.queryKeys.length || c.queryVariables.length || !c.pathParams.every((p) => isTenantParam(list.path, p)) || !c.fieldNames.includes(field)) continue;
        const noun = collectionNoun(list.path) ?? c.noun;
        let name = streamName(noun);
        for (let i = 2; names.has(name); i++) name = `${streamName(noun)}_${i}`;
        names.add(name);
        const param = one.parameters.find((p) => p.in === 'path' && p.name === field);
        const why = `GET ${one.path} reads one of GET ${list.path}'s records by ${field}, the field the ${l.name} records' ${which} end holds: its records are the ${kind === 'human' ? 'people' : `${kind}s`} the relationships name`;
        streams.push({
          ...c,
          kind,
          name,
          evidence: [...c.evidence, param?.description?.trim() ? quoted(param.source, excerpt(param.description), why) : quoted(one.source, excerpt(one.summary ?? one.description ?? one.path), why)],
        });
      }
    }
  }
  const now = new Set(streams.map((s) => s.op.id));
  return { streams, excluded: excluded.filter((r) => !now.has(r.operation_id)) };
}
