import type { ConnectorPlan } from '../plan/connector-plan.ts';
import type { Scorecard } from '../validate/scorecard.ts';

/**
 * After a failed proof, the planner's next-best reading: for every stream whose findings say its
 * paging went wrong (records lost, repeated or unseeded, a page past the end, a stop field or a
 * mechanism the docs do not have), the next pagination alternative the docs support. Reads finding
 * ids, never their text. Undefined when no such stream has an alternative left.
 */

/** Finding ids that a different pagination reading can cure. */
export const PAGINATION_FINDINGS = new Set([
  'records-missing',
  'records-unexpected',
  'records-duplicated',
  'pagination-loop',
  'page-cap',
  'stop-signal-missing',
  'pagination-value-invalid',
  'pagination-mechanism-undeclared',
  'pagination-ignored',
  'more-pages-unread',
  'request-past-end',
  'page-size-too-large',
  'bad-page-request',
  'undocumented-parameter',
]);

/** Finding ids that say the credential, not the paging, is wrong: no other pagination reading can cure them. */
const AUTH_FINDINGS = new Set(['auth-refused', 'credential-rejected', 'auth-never-verified']);

export function nextHypothesis(plan: ConnectorPlan, card: Scorecard): { plan: ConnectorPlan; changes: string[] } | undefined {
  if (card.findings.some((f) => f.level === 'error' && AUTH_FINDINGS.has(f.id))) return undefined;
  const failing = new Set(card.findings.filter((f) => f.level === 'error' && f.stream !== undefined && PAGINATION_FINDINGS.has(f.id)).map((f) => f.stream!));
  const changes: string[] = [];
  const streams = plan.streams.map((s) => {
    if (!failing.has(s.name) || !s.pagination_alternatives.length) return s;
    const [next, ...rest] = s.pagination_alternatives;
    changes.push(`${s.name}: pagination ${s.pagination.style} → ${next!.style}`);
    return { ...s, pagination: next!, pagination_alternatives: rest };
  });
  return changes.length ? { plan: { ...plan, streams }, changes } : undefined;
}
