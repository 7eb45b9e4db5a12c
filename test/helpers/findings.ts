import type { Finding } from '../../agent/validate/finding.ts';

/** The error-level findings of a scorecard (or attempt) as `id@stream` (`id` alone for a run-wide one): what tests compare. */
export function errorIds(card: { findings: Finding[] }): string[] {
  return card.findings.filter((f) => f.level === 'error').map((f) => (f.stream ? `${f.id}@${f.stream}` : f.id));
}

/** The ids alone of a scorecard's error-level findings, without duplicates. */
export function errorKinds(card: { findings: Finding[] }): string[] {
  return [...new Set(card.findings.filter((f) => f.level === 'error').map((f) => f.id))];
}
