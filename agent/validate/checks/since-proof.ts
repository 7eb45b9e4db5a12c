import { arg, defineFindings, findingOf, type Finding } from '../finding.ts';
import type { Scorecard } from '../scorecard.ts';

/**
 * Re-proving a connector directory: what changed since the proof its scorecard records. The docs
 * slice is the judge's input — a proof against an edited `api-model.json` is no proof of the
 * vendor's docs — so a change there fails; a changed `fetcher.ts` is re-proved as it is, and said.
 */

export const SINCE_PROOF_FINDINGS = defineFindings({
  'docs-changed-since-proof': {
    level: 'error',
    text: (a) => `api-model.json is not the docs the recorded proof read (sha256 ${arg(a, 'now')}, the scorecard recorded ${arg(a, 'recorded')}): a proof against edited docs proves nothing about the vendor's`,
    hint: 'Regenerate from the vendor\'s docs (`fetchwright generate`); `fetchwright verify` checks every file against a signed change record.',
  },
  'fetcher-changed-since-proof': {
    level: 'warning',
    text: (a) => `fetcher.ts is not the code the recorded proof ran (sha256 ${arg(a, 'now')}, recorded ${arg(a, 'recorded')}): this run re-proves it as it is now`,
  },
});

export function checkSinceProof(recorded: Pick<Scorecard['hashes'], 'fetcher_sha256' | 'api_model_sha256'>, now: Pick<Scorecard['hashes'], 'fetcher_sha256' | 'api_model_sha256'>): Finding[] {
  const findings: Finding[] = [];
  if (recorded.api_model_sha256 !== now.api_model_sha256) findings.push(findingOf(SINCE_PROOF_FINDINGS, 'docs-changed-since-proof', { now: now.api_model_sha256.slice(0, 12), recorded: recorded.api_model_sha256.slice(0, 12) }));
  if (recorded.fetcher_sha256 !== now.fetcher_sha256) findings.push(findingOf(SINCE_PROOF_FINDINGS, 'fetcher-changed-since-proof', { now: now.fetcher_sha256.slice(0, 12), recorded: recorded.fetcher_sha256.slice(0, 12) }));
  return findings;
}
