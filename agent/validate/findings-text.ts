import { CALL_FINDINGS } from './checks/calls.ts';
import { EVIDENCE_FINDINGS } from './checks/evidence.ts';
import { LINK_FINDINGS } from './checks/link-ends.ts';
import { MECHANISM_FINDINGS } from './checks/mechanisms.ts';
import { LIFTED_RUNTIME_FINDINGS, RUN_FINDINGS } from './checks/run-record.ts';
import { SANDBOX_FINDINGS } from './checks/sandbox.ts';
import { SINCE_PROOF_FINDINGS } from './checks/since-proof.ts';
import { RECORD_FINDINGS } from './checks/stream-records.ts';
import type { Finding, FindingDefinition } from './finding.ts';
import { terminalSafe } from '../cli/text-layout.ts';

/**
 * Every finding the proof can emit, by id, and the one place a finding becomes text — for
 * VALIDATION.md, the PR body and the CLI alike.
 */

export const ALL_FINDINGS: Record<string, FindingDefinition> = {
  ...LIFTED_RUNTIME_FINDINGS,
  ...RUN_FINDINGS,
  ...RECORD_FINDINGS,
  ...CALL_FINDINGS,
  ...MECHANISM_FINDINGS,
  ...SANDBOX_FINDINGS,
  ...EVIDENCE_FINDINGS,
  ...LINK_FINDINGS,
  ...SINCE_PROOF_FINDINGS,
};

/**
 * One line for a person: `stream: what was found`. An id this build does not know is shown as data.
 * A finding's arguments carry docs-derived values (a URL with a server variable's default, a query
 * enum value): the line is flattened (`terminalSafe`), so no value can print a line of its own.
 */
export function renderFinding(f: Finding): string {
  const definition = ALL_FINDINGS[f.id];
  const text = definition ? definition.text(f.args) : `${f.id} ${JSON.stringify(f.args)}`;
  return terminalSafe(f.stream ? `${f.stream}: ${text}` : text);
}

/** The lines a person reads first: errors, then warnings (info is left to scorecard.json). */
export function renderFindings(findings: Finding[]): string[] {
  return [...findings.filter((f) => f.level === 'error'), ...findings.filter((f) => f.level === 'warning')].map((f) => (f.level === 'warning' ? `(warning) ${renderFinding(f)}` : renderFinding(f)));
}

/** The first error-level finding as text, or undefined when there is none. */
export function firstError(card: { findings: Finding[] }): string | undefined {
  const f = card.findings.find((x) => x.level === 'error');
  return f ? renderFinding(f) : undefined;
}

/** The verdict in words, then the findings behind it: the one summary VALIDATION.md, the PR body and the CLI show. */
export function summaryLines(card: { verdict: 'pass' | 'fail'; findings: Finding[]; streams: unknown[] }): string[] {
  const n = card.streams.length;
  const head = card.verdict === 'pass' ? [`every seeded identity of ${n} stream${n === 1 ? '' : 's'} came back exactly once and correctly mapped, every stream complete in the shape the docs give`] : [];
  return [...head, ...renderFindings(card.findings)];
}

/** What to do about a scorecard's error-level findings: each distinct hint once. */
export function hintLines(card: { findings: Finding[] }): string[] {
  const hints = card.findings.filter((f) => f.level === 'error').map((f) => ALL_FINDINGS[f.id]?.hint).filter((h): h is string => !!h);
  return [...new Set(hints)];
}
