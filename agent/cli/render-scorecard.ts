import { fitLines } from './fit-lines.ts';
import { hintLines, summaryLines } from '../validate/findings-text.ts';
import { unplannedCount, type Scorecard } from '../validate/scorecard.ts';
import { authShort } from '../validate/auth-verdict.ts';

/** One screen: the verdict, why, and a row per stream. */
export function renderScorecard(card: Scorecard, dir?: string): string {
  const rows = [['stream', 'kind', 'seeded', 'fetched', 'missing', 'dup', 'wrong', 'pages', 'retries', 'complete'], ...card.streams.map((s) => [s.name, s.kind, s.seeded, s.fetched, s.missing, s.duplicates, s.mismatched + s.schema_failures, s.pages, s.retries, s.complete ? 'yes' : 'NO'].map(String))];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const summary = summaryLines(card);
  // Prose is wrapped to the screen; the table keeps its columns (a wrapped row would lose them).
  const prose = fitLines(
    [
      `${card.vendor}: ${card.verdict === 'pass' ? 'PASS' : 'FAIL'} — sandbox proof against a synthetic mock (seed ${card.hashes.seed})`,
      ...summary.slice(0, 12).map((r) => `  · ${r}`),
      ...(summary.length > 12 ? [`  · … and ${summary.length - 12} more (see scorecard.json)`] : []),
      ...hintLines(card).map((h) => `  what to do: ${h}`),
    ].join('\n'),
  );
  const table = rows.map((r) => `  ${r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd());
  const footer = fitLines(
    [
      `  calls ${card.calls.total}, outside the plan ${unplannedCount(card)}, writes ${card.calls.writes}, ${authShort(card)}, 429s ${card.retries_exercised.rate_limited}, 503s ${card.retries_exercised.unavailable}, secrets in code ${card.secrets_in_code.length}`,
      '  columns: wrong = mapped differently from the plan or failing the canonical schema; complete = the run said it saw the whole list',
      ...(dir ? [`  written to ${dir}`] : []),
    ].join('\n'),
  );
  return `${prose}\n\n${table.join('\n')}\n\n${footer}\n`;
}
