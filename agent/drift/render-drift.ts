import { terminalSafe } from '../cli/text-layout.ts';
import { count } from '../english.ts';
import { mdCode, mdText } from '../markdown-text.ts';
import type { DriftLevel } from './drift-finding.ts';
import { driftTextIn, type DriftReport, type ReportedFinding, type TextMedium } from './drift-report.ts';
import { EVERY_OPERATION } from './auth-changes.ts';

/**
 * A drift report for people: Markdown (a table per level, for a pull request's body or a CI job
 * summary) and plain text for a terminal. Every string in a report may come from hostile docs or a
 * server — a field named `a|b`, backticks, `<script>`, a newline — so each is escaped for its medium:
 * Markdown prose and code spans through agent/markdown-text.ts (no HTML, no link, no table cell of
 * its own), terminal text through `terminalSafe` (no control sequence, one line).
 */

const LEVELS: { level: DriftLevel; title: string }[] = [
  { level: 'breaking', title: 'Breaking' },
  { level: 'additive', title: 'Additive' },
  { level: 'info', title: 'Informational' },
];

/** Findings listed per level in the terminal; the rest are counted. */
const TEXT_LINES = 30;

/** A finding's sentence in a Markdown table cell: values quoted as code spans, the rest as inert prose, `|` escaped. */
const MARKDOWN: TextMedium = {
  // A value holding `<`, `>` or `&` is written as escaped prose (entities), never in a code span: no HTML at all reaches the page.
  code: (v) => (/[<>&]/.test(v) ? mdText(v, 200) : mdCode(v, true, 200)),
  text: (v) => mdText(v, 200),
  // Our own words keep the spaces around the values (mdText trims).
  words: (t) => t.replace(/\S(?:[\s\S]*\S)?/, (m) => mdText(m)),
};

const where = (f: ReportedFinding) => (f.operation === EVERY_OPERATION ? 'every operation' : f.operation);

/** `file#pointer` of a finding's source (the new docs' when there is one). */
function pointerOf(f: ReportedFinding): string {
  const s = f.source.new ?? f.source.old;
  return s ? `${s.file}#${s.pointer}` : '';
}

/** The counts in words: `2 breaking, 1 additive, 0 informational`. */
function countsLine(r: DriftReport): string {
  return `${r.counts.breaking} breaking, ${r.counts.additive} additive, ${r.counts.info} informational`;
}

/**
 * The report as GitHub-flavoured Markdown: a heading, the counts, then one table per level that
 * has findings (operation, stream, change, finding id, docs pointer). Every cell escaped.
 */
export function renderDriftMarkdown(r: DriftReport): string {
  const out = [`### API drift: ${mdText(r.vendor, 100)}`, ''];
  out.push(`${r.breaking ? '**Breaking changes**' : 'No breaking change'}: ${countsLine(r)}.${r.omitted ? ` ${count(r.omitted, 'further finding')} left out.` : ''}`, '');
  for (const { level, title } of LEVELS) {
    const findings = r.findings.filter((f) => f.level === level);
    if (!findings.length) continue;
    out.push(`#### ${title} (${r.counts[level]})`, '', '| operation | stream | change | id | where in the docs |', '|---|---|---|---|---|');
    for (const f of findings) {
      const pointer = pointerOf(f);
      out.push(`| ${MARKDOWN.code(where(f))} | ${f.stream ? MARKDOWN.code(f.stream) : ''} | ${driftTextIn(f, MARKDOWN)} | ${MARKDOWN.code(f.id)} | ${pointer ? MARKDOWN.code(pointer) : ''} |`);
    }
    out.push('');
  }
  if (!r.findings.length) out.push('Nothing the connector depends on changed.', '');
  return `${out.join('\n')}\n`;
}

/** The report as lines for a terminal: a summary line, then each finding (breaking first), cut at a few dozen per level. */
export function renderDriftText(r: DriftReport): string {
  const head = r.breaking ? 'BREAKING' : r.counts.additive ? 'ADDITIVE' : 'NO BREAKING CHANGE';
  const lines = [terminalSafe(`${r.vendor}: ${head} — ${countsLine(r)}${r.connector ? ` (${r.connector})` : ''}`)];
  for (const { level, title } of LEVELS) {
    const findings = r.findings.filter((f) => f.level === level);
    if (!findings.length) continue;
    lines.push(`  ${title.toLowerCase()}:`);
    for (const f of findings.slice(0, TEXT_LINES)) lines.push(`    ${terminalSafe(`${where(f)}${f.stream ? ` [${f.stream}]` : ''}: ${f.text} (${f.id})`)}`);
    const more = r.counts[level] - Math.min(findings.length, TEXT_LINES);
    if (more > 0) lines.push(`    … and ${more} more (--json or --markdown lists ${findings.length > TEXT_LINES ? 'them' : 'the kept ones'})`);
  }
  if (!r.findings.length) lines.push('  nothing the connector depends on changed');
  return `${lines.join('\n')}\n`;
}
