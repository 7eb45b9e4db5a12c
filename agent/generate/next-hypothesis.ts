import type { ConnectorPlan } from '../plan/connector-plan.ts';
import type { Scorecard } from '../validate/scorecard.ts';

/**
 * After a failed proof, the planner's next-best reading: for every stream that lost or repeated
 * records, or did not finish, the next pagination alternative the docs support. Undefined when no
 * failing stream has one left.
 */
export function nextHypothesis(plan: ConnectorPlan, card: Scorecard): { plan: ConnectorPlan; changes: string[] } | undefined {
  const failing = new Set(card.streams.filter((s) => s.missing || s.unexpected || s.duplicates || !s.complete).map((s) => s.name));
  const changes: string[] = [];
  const streams = plan.streams.map((s) => {
    if (!failing.has(s.name) || !s.pagination_alternatives.length) return s;
    const [next, ...rest] = s.pagination_alternatives;
    changes.push(`${s.name}: pagination ${s.pagination.style} → ${next!.style}`);
    return { ...s, pagination: next!, pagination_alternatives: rest };
  });
  return changes.length ? { plan: { ...plan, streams }, changes } : undefined;
}
