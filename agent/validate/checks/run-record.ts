import type { RunRecord } from '../../../templates/canonical.ts';
import { RUNTIME_FINDINGS } from '../../../templates/runtime/findings.ts';
import { arg, defineFindings, findingOf, type Finding, type FindingArgs } from '../finding.ts';

/**
 * What the fetcher's own run record says: each stream's runtime findings (fail-closed shape checks,
 * HTTP failures, pagination guards — ids declared in `templates/runtime/findings.ts`) become
 * error-level findings of the proof under the same id, with the URL they happened at.
 */

export const RUN_FINDINGS = defineFindings({
  'run-record-missing': { level: 'error', text: () => 'the fetcher ended without its run record: completeness unknown' },
  'records-not-output': { level: 'error', text: (a) => `${arg(a, 'count')} emitted records are not canonical records at all` },
  'findings-truncated': { level: 'info', text: (a) => `${arg(a, 'more')} more runtime findings on this stream are not listed` },
});

/** Every runtime finding id, as an error-level definition: how the proof reads what the fetcher found. */
export const LIFTED_RUNTIME_FINDINGS = defineFindings(
  Object.fromEntries(
    Object.entries(RUNTIME_FINDINGS).map(([id, text]) => [id, { level: 'error' as const, text: (a: FindingArgs) => `${text(a as never)}${a.url ? ` (${arg(a, 'url')})` : ''}` }]),
  ) as Record<keyof typeof RUNTIME_FINDINGS, { level: 'error'; text: (a: FindingArgs) => string }>,
);

export function checkRunRecord(run: RunRecord | undefined, sandboxOk: boolean, notOutput: number): Finding[] {
  const findings: Finding[] = [];
  if (!run && sandboxOk) findings.push(findingOf(RUN_FINDINGS, 'run-record-missing', {}));
  if (notOutput) findings.push(findingOf(RUN_FINDINGS, 'records-not-output', { count: notOutput }));
  for (const outcome of run?.streams ?? []) {
    for (const f of outcome.findings) findings.push(findingOf(LIFTED_RUNTIME_FINDINGS, f.id, { ...f.args, url: f.url }, { stream: outcome.name }));
    if (outcome.findings_total > outcome.findings.length) findings.push(findingOf(RUN_FINDINGS, 'findings-truncated', { more: outcome.findings_total - outcome.findings.length }, { stream: outcome.name }));
  }
  return findings;
}
