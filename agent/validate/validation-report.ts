import type { Attempt } from '../generate/generate-connector.ts';
import { hintLines, renderFinding, summaryLines } from './findings-text.ts';
import { unplannedCount, violationCount, type Scorecard } from './scorecard.ts';
import { authSentence } from './auth-verdict.ts';
import { mdCode, mdText } from '../markdown-text.ts';

/** VALIDATION.md: the scorecard for a person reviewing the pull request. */

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function streamTable(card: Scorecard): string[] {
  return [
    row(['stream', 'kind', 'seeded', 'fetched', 'missing', 'duplicates', 'schema failures', 'mismatched', 'pages', 'retries', 'run said complete']),
    row(Array(11).fill('---')),
    ...card.streams.map((s) => row([mdText(s.name, 80), s.kind, s.seeded, s.fetched, s.missing, s.duplicates, s.schema_failures, s.mismatched, s.pages, s.retries, s.complete ? 'yes' : 'NO'])),
  ];
}

export function renderValidation(card: Scorecard, attempts: Attempt[]): string {
  const lines = [
    `# Validation: ${card.vendor} — ${card.verdict === 'pass' ? 'PASS' : 'FAIL'}`,
    '',
    'Proved in an isolated-vm sandbox against a mock of the vendor API seeded with synthetic identities',
    '(no production credential or customer data was used). The mock reads the docs with its own code,',
    'never the planner\'s: it serves only the pagination mechanisms and auth the docs declare, refuses a',
    'page past a documented end and a page size above the documented maximum, and serves a 429, a',
    'transient 503, missing and null attributes, undocumented extra fields, several date-time forms,',
    'Unicode names and a record repeated across a page boundary.',
    '',
    ...summaryLines(card).map((r) => `- ${mdText(r)}`),
    ...(hintLines(card).length ? ['', '**What to do:**', '', ...hintLines(card).map((h) => `- ${mdText(h)}`)] : []),
    '',
    ...streamTable(card),
    '',
    '## Calls and safety',
    '',
    `- calls: ${card.calls.total}; outside the plan: ${unplannedCount(card)}; write calls: ${card.calls.writes}; refused by auth: ${card.calls.unauthorised}`,
    `- ${authSentence(card)}`,
    `- faults exercised: ${card.retries_exercised.rate_limited} × 429, ${card.retries_exercised.unavailable} × 503; retries: ${card.retries_exercised.retried}`,
    `- secrets found in the code: ${card.secrets_in_code.length}`,
    `- sandbox: ${card.sandbox.ok ? 'ok' : `${card.sandbox.failure?.kind}: ${mdText(card.sandbox.failure?.message ?? '')}`}; gate violations: ${violationCount(card)}; ${card.sandbox.requests} requests in ${card.sandbox.wall_ms} ms`,
    '',
    '## Coverage of mapped fields',
    '',
    row(['stream', 'field', 'from', 'seeded with a value', 'fetched with a value']),
    row(Array(5).fill('---')),
    ...card.streams.flatMap((s) => Object.entries(s.coverage).map(([f, c]) => row([mdText(s.name, 80), mdText(f, 80), mdCode(String(c!.path), true), c!.seeded_with_value, c!.fetched_with_value]))),
    '',
    '## Attempts',
    '',
    ...attempts.map((a) => `- attempt ${a.attempt}${a.changes.length ? ` (${mdText(a.changes.join('; '))})` : ''}: ${a.verdict}${a.findings[0] ? ` — ${mdText(renderFinding(a.findings[0]))}` : ''}`),
    '',
    '## Hashes',
    '',
    `- seed: ${card.hashes.seed}`,
    `- mock data sha256: ${card.hashes.mock_data_sha256}`,
    `- fetcher.ts sha256: ${card.hashes.fetcher_sha256}`,
    `- plan sha256: ${card.hashes.plan_sha256}`,
    `- scorecard sha256: ${card.hashes.scorecard_sha256}`,
  ];
  return `${lines.join('\n')}\n`;
}
