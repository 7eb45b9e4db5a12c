import type { RunResult } from '../../../sandbox/result.ts';
import { arg, defineFindings, findingOf, type Finding } from '../finding.ts';

/** The sandbox's own verdict on the run: a limit hit, a contract breach, an egress violation; and secrets in the code. */

export const SANDBOX_FINDINGS = defineFindings({
  'sandbox-failed': { level: 'error', text: (a) => `sandbox: ${arg(a, 'kind')} — ${arg(a, 'message')}` },
  'record-flood': {
    level: 'error',
    text: (a) => `the fetcher flooded the host with records (${arg(a, 'records')} accepted, ${arg(a, 'bytes')} bytes) and the run was ended: ${arg(a, 'message')}`,
    hint: 'An honest connector emits each seeded identity once: a flood is a fetcher that loops, repeats pages or pads its records. The proof allows twice the seeded records plus a thousand, at 16 KB each.',
  },
  'egress-violation': { level: 'error', text: (a) => `egress gate: ${arg(a, 'kind')} — ${arg(a, 'message')}` },
  'violations-not-listed': { level: 'info', text: (a) => `${arg(a, 'more')} more egress violations are counted but not listed (${arg(a, 'kinds')})` },
  'secret-in-code': { level: 'error', text: (a) => `secret in code: line ${arg(a, 'line')} (${arg(a, 'kind')})` },
});

/** Violations listed as findings, each; the scorecard's `sandbox.violations` lists all the gate kept. */
export const MAX_VIOLATION_FINDINGS = 20;

/**
 * One finding for a failure, one per violation up to MAX_VIOLATION_FINDINGS (messages already cut
 * short by the gate) and one counting the rest by kind, and one per secret: bounded however much the
 * fetcher tried.
 */
export function checkSandbox(result: RunResult, secrets: { line: number; kind: string }[]): Finding[] {
  const findings: Finding[] = [];
  if (!result.ok && result.failure.kind === 'record-flood') {
    findings.push(findingOf(SANDBOX_FINDINGS, 'record-flood', { message: result.failure.message, records: result.stats.records, bytes: result.stats.recordBytes }));
  } else if (!result.ok) findings.push(findingOf(SANDBOX_FINDINGS, 'sandbox-failed', { kind: result.failure.kind, message: result.failure.message }));
  const listed = result.violations.slice(0, MAX_VIOLATION_FINDINGS);
  for (const v of listed) findings.push(findingOf(SANDBOX_FINDINGS, 'egress-violation', { kind: v.kind, message: v.message }));
  const more = Math.max(result.stats.violations, result.violations.length) - listed.length;
  if (more > 0) {
    const kinds = Object.entries(result.stats.violationCounts)
      .map(([kind, n]) => `${kind} × ${n}`)
      .join(', ');
    findings.push(findingOf(SANDBOX_FINDINGS, 'violations-not-listed', { more, kinds }));
  }
  for (const s of secrets) findings.push(findingOf(SANDBOX_FINDINGS, 'secret-in-code', { line: s.line, kind: s.kind }));
  return findings;
}
