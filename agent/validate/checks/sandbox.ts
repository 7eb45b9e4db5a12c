import type { RunResult } from '../../../sandbox/result.ts';
import { arg, defineFindings, findingOf, type Finding } from '../finding.ts';

/** The sandbox's own verdict on the run: a limit hit, a contract breach, an egress violation; and secrets in the code. */

export const SANDBOX_FINDINGS = defineFindings({
  'sandbox-failed': { level: 'error', text: (a) => `sandbox: ${arg(a, 'kind')} — ${arg(a, 'message')}` },
  'egress-violation': { level: 'error', text: (a) => `egress gate: ${arg(a, 'kind')} — ${arg(a, 'message')}` },
  'secret-in-code': { level: 'error', text: (a) => `secret in code: line ${arg(a, 'line')} (${arg(a, 'kind')})` },
});

export function checkSandbox(result: RunResult, secrets: { line: number; kind: string }[]): Finding[] {
  const findings: Finding[] = [];
  if (!result.ok) findings.push(findingOf(SANDBOX_FINDINGS, 'sandbox-failed', { kind: result.failure.kind, message: result.failure.message }));
  for (const v of result.violations) findings.push(findingOf(SANDBOX_FINDINGS, 'egress-violation', { kind: v.kind, message: v.message }));
  for (const s of secrets) findings.push(findingOf(SANDBOX_FINDINGS, 'secret-in-code', { line: s.line, kind: s.kind }));
  return findings;
}
