import { fitLines } from './fit-lines.ts';
import { hintLines, summaryLines } from '../validate/findings-text.ts';
import type { Scorecard } from '../validate/scorecard.ts';
import { authShort } from '../validate/auth-verdict.ts';

/** One screen: the verdict, why, and a row per stream. */
export function renderScorecard(card: Scorecard, dir?: string): string {
  const rows = [['stream', 'kind', 'seeded', 'fetched', 'missing', 'dup', 'mapped wrong', 'pages', 'retries', 'run said complete'], ...card.streams.map((s) => [s.name, s.kind, s.seeded, s.fetched, s.missing, s.duplicates, s.mismatched + s.schema_failures, s.pages, s.retries, s.complete ? 'yes' : 'NO'].map(String))];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const summary = summaryLines(card);
  const lines = [
    `${card.vendor}: ${card.verdict === 'pass' ? 'PASS' : 'FAIL'} — sandbox proof against a synthetic mock (seed ${card.hashes.seed})`,
    ...summary.slice(0, 12).map((r) => `  · ${r}`),
    ...(summary.length > 12 ? [`  · … and ${summary.length - 12} more (see scorecard.json)`] : []),
    ...hintLines(card).map((h) => `  what to do: ${h}`),
    '',
    ...rows.map((r) => `  ${r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`),
    '',
    `  calls ${card.calls.total}, outside the plan ${card.calls.unplanned.length}, writes ${card.calls.writes}, ${authShort(card)}, 429s ${card.retries_exercised.rate_limited}, 503s ${card.retries_exercised.unavailable}, secrets in code ${card.secrets_in_code.length}`,
  ];
  if (dir) lines.push(`  written to ${dir}`);
  return fitLines(`${lines.join('\n')}\n`);
}
