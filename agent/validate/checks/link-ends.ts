import type { IdentityKind, Relation } from '../../../templates/canonical.ts';
import type { LinkEnd } from '../../../templates/slots/connector.ts';
import type { ApiModel } from '../../ingest/api-model.ts';
import type { ConnectorPlan } from '../../plan/connector-plan.ts';
import type { MockVendor } from '../../../synthetic-data/mock-api/mock-vendor.ts';
import { arg, defineFindings, findingOf, type Finding } from '../finding.ts';

/**
 * A link stream's two ends against the mock's own reading of the records' references
 * (`synthetic-data/mock-api/read-references.ts`): where the mock seeded an end with a record of
 * another list (a membership's `user` is a seeded person), or the end is the parent record, the
 * identities at that end are of that list's kind — and a relation holds only between the kinds the
 * canonical model gives it: `member_of` ends at a group, `has_role` at a role, neither starts at
 * what it ends at. A plan that reads the two ends the wrong way round fails here.
 */

export const LINK_FINDINGS = defineFindings({
  'link-direction': {
    level: 'error',
    text: (a) => `the plan reads "${arg(a, 'from')} ${arg(a, 'relation')} ${arg(a, 'to')}", but its ${arg(a, 'end')} end holds ${arg(a, 'kind')} identities (${arg(a, 'list')}), which a ${arg(a, 'relation')} relationship cannot ${arg(a, 'end') === 'to' ? 'end' : 'start'} at`,
    hint: 'The relationship\'s ends are the wrong way round, or an end reads the wrong field: check the link stream\'s from and to in plan.json.',
  },
});

const PRINCIPALS: IdentityKind[] = ['human', 'service_account', 'bot', 'app', 'group'];
/** Which kinds each relation's ends may hold (canonical.ts: a member is in a group, a principal has a role). */
const ENDS: Partial<Record<Relation, { from: IdentityKind[]; to: IdentityKind[] }>> = {
  member_of: { from: PRINCIPALS, to: ['group'] },
  has_role: { from: PRINCIPALS, to: ['role'] },
};

function endText(end: LinkEnd): string {
  return end.from === 'parent' ? '(the parent record)' : end.from === 'record' ? '(each record, a bare id)' : end.from === 'each' ? `${end.path}[].${end.field}` : end.path;
}

export function checkLinkEnds(plan: ConnectorPlan, model: ApiModel, mock: MockVendor): Finding[] {
  const findings: Finding[] = [];
  for (const stream of plan.streams) {
    const link = stream.link;
    const allowed = link && ENDS[link.relation];
    if (!link || !allowed) continue;
    const op = model.operations.find((o) => o.id === stream.operation_id && o.method === 'get');
    const reading = op && mock.readingOf(op);
    if (!reading) continue;
    const refs = mock.datasets.referencesOf(reading);
    // The kind of the identities at an end, and the list they come from, when the mock's reading says.
    const kindAt = (end: LinkEnd): { kind: IdentityKind; list: string } | undefined => {
      if (end.from === 'parent') {
        const parent = plan.streams.find((s) => s.name === stream.parent?.stream);
        return parent && { kind: parent.kind, list: `the parent GET ${parent.path}` };
      }
      // A bare id names a record of no list the mock's reading can tell: its end is not judged (the parent's is).
      if (end.from === 'record') return undefined;
      const ref = refs.find((r) => end.path === r.field || end.path.startsWith(`${r.field}.`));
      const target = ref && plan.streams.find((s) => !s.link && s.operation_id === ref.target.op.id);
      return target && { kind: target.kind, list: `GET ${target.path}` };
    };
    for (const which of ['from', 'to'] as const) {
      const at = kindAt(link[which]);
      if (at && !allowed[which].includes(at.kind)) {
        findings.push(findingOf(LINK_FINDINGS, 'link-direction', { from: endText(link.from), to: endText(link.to), relation: link.relation, end: which, kind: at.kind, list: at.list }, { stream: stream.name }));
      }
    }
  }
  return findings;
}
