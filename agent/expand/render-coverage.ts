import { z } from 'zod';
import { mdCode, mdText } from '../markdown-text.ts';
import { describeIssue, valueAt } from '../schema-issue.ts';
import { displayWidth, MAX_WIDTH, padEnd, terminalSafe, truncate, wrap, wrapItems } from '../cli/text-layout.ts';
import { totalsOf, type CatalogueProblem, type CoverageSummary, type VendorOutcome, type VendorSummary } from './coverage-summary.ts';

/**
 * The coverage summary `fetchwright expand` ends with, in three media: a table for a terminal
 * ({@link renderCoverageTable}), Markdown for a CI job summary such as GitHub's
 * `$GITHUB_STEP_SUMMARY` ({@link renderCoverageMarkdown}), and the checked JSON contract
 * `fetchwright/coverage@1` ({@link coverageSummaryJson}). Every string in a summary may come from
 * hostile input (a catalogue, docs, an error's text): the terminal gets no control characters, the
 * Markdown no HTML, link, image, mention, heading or table cell it did not write itself.
 */

const OUTCOMES = ['generated', 'regenerated', 'kept', 'skipped', 'failed', 'waiting'] as const satisfies readonly VendorOutcome[];
const count = z.number().int().min(0);
/** RFC 3339 date-time (`2026-12-01T08:00:00Z`, `…+02:00`, fractions allowed). */
const rfc3339 = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, { message: 'is not an RFC 3339 date-time' });

const VendorSummarySchema = z.strictObject({
  vendor: z.string(),
  owner: z.string().nullable(),
  docs: z.string(),
  outcome: z.enum(OUTCOMES),
  covered: z.boolean(),
  connector_dir: z.string().nullable(),
  streams: count,
  identity_kinds: z.array(z.string()),
  skipped_streams: z.array(z.string()),
  drift: z.strictObject({ breaking: count, additive: count, info: count }).nullable(),
  pr: z.strictObject({ branch: z.string(), url: z.string().nullable() }).nullable(),
  cause: z.string().nullable(),
  exit_code: z.number().int().min(0).max(255).nullable(),
  retry_at: rfc3339.nullable(),
  elapsed_ms: z.number().min(0),
});

const CatalogueProblemSchema = z.strictObject({
  file: z.string(),
  entry: z.number().int().min(0).nullable(),
  vendor: z.string().nullable(),
  field: z.string().nullable(),
  message: z.string(),
});

/** The zod schema of {@link CoverageSummary} (`fetchwright/coverage@1`); the totals must be those of its vendors and problems. */
export const CoverageSummarySchema = z
  .strictObject({
    schema: z.literal('fetchwright/coverage@1'),
    catalogue: z.string(),
    started_at: rfc3339,
    finished_at: rfc3339,
    elapsed_ms: z.number().min(0),
    concurrency: z.number().int().min(1),
    queue: z.strictObject({ url: z.string(), workers: z.array(z.string()) }).optional(),
    totals: z.strictObject({
      vendors: count,
      covered: count,
      generated: count,
      regenerated: count,
      kept: count,
      skipped: count,
      failed: count,
      waiting: count,
      invalid_entries: count,
    }),
    vendors: z.array(VendorSummarySchema),
    invalid_entries: z.array(CatalogueProblemSchema),
  })
  .superRefine((s, ctx) => {
    const want = totalsOf(s.vendors as VendorSummary[], s.invalid_entries);
    for (const [key, value] of Object.entries(want)) {
      const got = s.totals[key as keyof typeof want];
      if (got !== value) ctx.addIssue({ code: 'custom', path: ['totals', key], message: `is ${got}, but the vendors and invalid entries count ${value}` });
    }
  });

// The schema and the TypeScript type describe the same shape (a compile error here when they drift apart).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<z.infer<typeof CoverageSummarySchema>, CoverageSummary> = true;
void sameShape;

/**
 * `value` checked against {@link CoverageSummarySchema} and returned typed (a copy, unknown keys
 * refused). Used before the JSON is written and to read it back.
 *
 * @throws Error naming every field that does not hold (a summary fetchwright built that fails is a bug).
 */
export function validateCoverageSummary(value: unknown): CoverageSummary {
  const parsed = CoverageSummarySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 10).map((issue) => describeIssue(issue, valueAt(value, issue.path)));
  throw new Error(`not a fetchwright/coverage@1 summary: ${problems.join('; ')}${parsed.error.issues.length > 10 ? '; …' : ''}`);
}

/** The summary as JSON (two-space indent, a final newline), checked first with {@link validateCoverageSummary}. */
export function coverageSummaryJson(summary: CoverageSummary): string {
  return `${JSON.stringify(validateCoverageSummary(summary), null, 2)}\n`;
}

/** A wall time for people: `850 ms`, `12.3 s`, `4 m 05 s`, `1 h 02 m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

/** `n word` or `n words`. */
function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}

/** The counts after "covered", in outcome order, leaving out the zeros. */
function outcomeCounts(t: CoverageSummary['totals']): string[] {
  return OUTCOMES.filter((o) => t[o] > 0).map((o) => `${t[o]} ${o}`);
}

/** Where a catalogue problem is: `vendors[3].docs`, `vendors[3]`, or the top-level field. */
function problemPlace(p: CatalogueProblem): string {
  if (p.entry === null) return p.field ?? '(the file)';
  return `vendors[${p.entry}]${p.field ? `.${p.field}` : ''}`;
}

/** The one-line cause of a vendor's row, with the retry time of a waiting one. */
function causeOf(v: VendorSummary): string {
  const exit = v.exit_code !== null && v.outcome === 'failed' ? ` (exit ${v.exit_code})` : '';
  const parts = [v.cause ? `${v.cause}${exit}` : exit.trim(), v.retry_at ? `retry after ${v.retry_at}` : ''];
  return parts.filter(Boolean).join('; ');
}

/** The drift counts as words: `2 breaking, 1 additive`; empty when none. */
function driftOf(v: VendorSummary): string {
  if (!v.drift) return '';
  const { breaking, additive, info } = v.drift;
  return [breaking && `${breaking} breaking`, additive && `${additive} additive`, info && `${info} info`].filter(Boolean).join(', ');
}

/** The longest a terminal cell's text is kept (the rest is cut with `…`). */
const MAX_CELL = 300;

/** Hostile text as one terminal-safe line of at most `max` columns. */
function cell(text: string, max = MAX_CELL): string {
  return truncate(terminalSafe(text), max);
}

/** Narrowest a wrapping column is made. */
const MIN_COLUMN = 10;
/** Narrowest the columns narrowed first are made before the others are narrowed too. */
const FIRST_FLOOR = 24;

/**
 * Rows (the first the header) as columns two spaces apart in at most `width` columns when that can
 * be done: the widest of the `first` columns is narrowed, one column at a time, down to 24, then
 * the widest of the `flexible` ones down to 10; their cells wrap at spaces (a word longer than the
 * column is broken, after a `/` by preference). Unlike agent/cli/text-layout.ts `table`, which breaks a cell anywhere (paths, URLs), prose
 * (a cause) wraps between words here. Lines may be wider than `width` only when the fixed columns
 * alone are.
 */
function columns(rows: string[][], width: number, first: readonly number[], flexible: readonly number[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ''))));
  let over = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1) - width;
  while (over > 0) {
    const firstOpen = first.filter((i) => widths[i]! > FIRST_FLOOR);
    const open = firstOpen.length ? firstOpen : flexible.filter((i) => widths[i]! > MIN_COLUMN);
    if (!open.length) break;
    const widest = open.reduce((a, b) => (widths[b]! > widths[a]! ? b : a));
    widths[widest]!--;
    over--;
  }
  const out: string[] = [];
  for (const row of rows) {
    const cells = row.map((c, i) => (flexible.includes(i) ? wrap(c, widths[i]!) : [c]));
    const height = Math.max(...cells.map((c) => c.length));
    for (let line = 0; line < height; line++) out.push(cells.map((c, i) => padEnd(c[line] ?? '', widths[i]!)).join('  ').trimEnd());
  }
  return out;
}

/**
 * The summary as text for a terminal of `width` columns (default 100, at most {@link MAX_WIDTH}):
 * one row per vendor (vendor, outcome, streams, identity kinds, pull request, cause), then the
 * invalid catalogue entries, then a totals line. No line is wider than `width` (from 20 columns up):
 * where the table cannot fit, each vendor gets a short block of wrapped lines instead. Hostile text
 * is made terminal-safe (control characters and bidi overrides shown as `�`). Ends with a newline.
 */
export function renderCoverageTable(summary: CoverageSummary, width = 100): string {
  const w = Math.max(20, Math.min(MAX_WIDTH, Math.floor(width)));
  const out: string[] = [];
  if (summary.vendors.length) {
    const rows = [
      ['vendor', 'outcome', 'streams', 'identity kinds', 'pull request', 'cause'],
      ...summary.vendors.map((v) => [
        cell(v.vendor, 64),
        v.outcome,
        String(v.streams),
        cell(v.identity_kinds.join(', ')),
        cell(v.pr ? (v.pr.url ?? v.pr.branch) : ''),
        cell([driftOf(v) && `drift: ${driftOf(v)}`, causeOf(v)].filter(Boolean).join('; ')),
      ]),
    ];
    // The cause and the kinds wrap first (down to 24 columns), then any of cause, kinds, pull request and vendor.
    const lines = columns(rows, w, [5, 3], [5, 4, 3, 0]);
    if (lines.every((l) => displayWidth(l) <= w)) out.push(...lines);
    else {
      for (const v of summary.vendors) {
        const facts = [v.outcome, plural(v.streams, 'stream'), v.identity_kinds.length ? v.identity_kinds.join(', ') : '', v.pr ? (v.pr.url ?? v.pr.branch) : '', driftOf(v) && `drift: ${driftOf(v)}`].filter(Boolean);
        out.push(...wrap(cell(`${v.vendor}: ${facts.join(' · ')}`), w, '    ', ''));
        const cause = causeOf(v);
        if (cause) out.push(...wrap(cell(cause), w, '    ', '    '));
      }
    }
  } else out.push('no vendors were run');
  if (summary.invalid_entries.length) {
    out.push('', ...wrap(`${plural(summary.invalid_entries.length, 'invalid catalogue entry', 'invalid catalogue entries')} to fix:`, w, '  ', ''));
    for (const p of summary.invalid_entries) {
      const who = p.vendor !== null ? ` (${cell(p.vendor, 64)})` : '';
      out.push(...wrap(`${cell(p.file, 120)}: ${cell(problemPlace(p), 120)}${who}: ${cell(p.message, 2000)}`, w, '    ', '  '));
    }
  }
  const t = summary.totals;
  const totals = [
    `${t.covered} of ${plural(t.vendors, 'vendor')} covered`,
    ...outcomeCounts(t),
    ...(t.invalid_entries ? [plural(t.invalid_entries, 'invalid entry', 'invalid entries')] : []),
    `${formatDuration(summary.elapsed_ms)} ${howRun(summary)}`,
  ];
  out.push('', ...wrapItems(totals, ' · ', w, '  ', ''));
  return `${out.join('\n')}\n`;
}

/** How the jobs ran: `at concurrency N` here, or `by N workers on the queue redis://…` (every string inert: a URL and names from Redis). */
function howRun(summary: CoverageSummary): string {
  if (!summary.queue) return `at concurrency ${summary.concurrency}`;
  const n = summary.queue.workers.length;
  const url = summary.queue.url.replace(/[^\x21-\x7e]/g, '?').slice(0, 200);
  return n ? `by ${n} worker${n === 1 ? '' : 's'} of the queue ${url}` : `with nothing for the queue ${url} to do`;
}

/** Most rows of each Markdown table or list (GitHub keeps at most 1 MiB of one step's summary). */
const MAX_MD_ROWS = 500;

/**
 * Hostile text as inert Markdown prose for a table cell or a list item: {@link mdText} (markup
 * openers escaped, HTML as entities, `@` mentions escaped, one line, at most `max` characters), and
 * GFM's extended autolinks (`https://…`, `www.…`) broken with a backslash escape so no link is made.
 */
export function mdInert(text: string, max = 500): string {
  return mdText(text, max)
    .replace(/:\/\//g, '\\://')
    .replace(/\b(www)\./gi, '$1\\.');
}

/** An https URL of the form a pull request's has, with nothing that could end a Markdown link destination. */
const SAFE_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~%!$&'*+,;=:@/-]*)?$/;

/** A pull request as Markdown: a link `#12` to its URL when the URL is a plain https one, else its branch as code. */
function mdPr(pr: VendorSummary['pr']): string {
  if (!pr) return '';
  if (pr.url && pr.url.length <= 500 && SAFE_URL.test(pr.url)) {
    const number = /\/pull\/(\d{1,9})$/.exec(pr.url)?.[1];
    return `[${number ? `#${number}` : 'pull request'}](${pr.url})`;
  }
  return mdCode(pr.branch, true, 200);
}

/** A Markdown table row: each cell already escaped. */
function mdRow(cells: string[]): string {
  return `| ${cells.map((c) => c || ' ').join(' | ')} |`;
}

/** A note under a cut list: how many rows are not shown and where they are. */
function mdMore(shown: number, total: number): string[] {
  return total > shown ? ['', `… and ${total - shown} more (see coverage.json).`] : [];
}

/**
 * The summary as GitHub-flavoured Markdown for a CI job summary (`$GITHUB_STEP_SUMMARY`): a heading
 * and the headline totals, a table with one row per vendor (outcome, streams, identity kinds,
 * drift, pull request, cause), the failed and waiting vendors with their causes, and the invalid
 * catalogue entries. Every string from the summary is escaped ({@link mdInert}, or a code span for
 * names and paths): no HTML, link, image, mention, heading, list or table cell of its own. A pull
 * request link is written only for a plain https URL. Each table and list holds at most 500 rows.
 * Ends with a newline.
 */
export function renderCoverageMarkdown(summary: CoverageSummary): string {
  const t = summary.totals;
  const out: string[] = ['## fetchwright expand: coverage', ''];
  const headline = [
    `**${t.covered} of ${plural(t.vendors, 'vendor')} covered**`,
    ...OUTCOMES.filter((o) => t[o] > 0).map((o) => (o === 'failed' ? `**${t[o]} failed**` : `${t[o]} ${o}`)),
    ...(t.invalid_entries ? [`**${plural(t.invalid_entries, 'invalid catalogue entry', 'invalid catalogue entries')}**`] : []),
  ];
  out.push(headline.join(' · '), '');
  out.push(`Catalogue ${mdCode(summary.catalogue, false, 200)} · started ${mdInert(summary.started_at, 40)} · ${formatDuration(summary.elapsed_ms)} ${howRun(summary)}`, '');
  if (summary.vendors.length) {
    out.push('| vendor | outcome | streams | identity kinds | drift | pull request | cause |', '|---|---|---:|---|---|---|---|');
    const rows = summary.vendors.slice(0, MAX_MD_ROWS);
    for (const v of rows) {
      out.push(
        mdRow([
          mdCode(v.vendor, true, 100),
          v.outcome,
          String(v.streams),
          mdInert(v.identity_kinds.join(', '), 300),
          mdInert(driftOf(v), 100),
          mdPr(v.pr),
          mdInert(causeOf(v), 300),
        ]),
      );
    }
    out.push(...mdMore(rows.length, summary.vendors.length), '');
  }
  const troubled = summary.vendors.filter((v) => v.outcome === 'failed' || v.outcome === 'waiting');
  if (troubled.length) {
    out.push('### Failed', '');
    const rows = troubled.slice(0, MAX_MD_ROWS);
    for (const v of rows) {
      const code = v.exit_code !== null ? ` (exit ${v.exit_code})` : '';
      const retry = v.retry_at ? `; retry after ${mdInert(v.retry_at, 40)}` : '';
      const owner = v.owner ? `; owner ${mdInert(v.owner, 200)}` : '';
      out.push(`- ${mdCode(v.vendor, false, 100)} ${v.outcome}${code}: ${mdInert(v.cause ?? 'no cause recorded', 500)}${retry}${owner}`);
    }
    out.push(...mdMore(rows.length, troubled.length), '');
  }
  if (summary.invalid_entries.length) {
    out.push('### Invalid catalogue entries', '', '| file | entry | vendor | problem |', '|---|---|---|---|');
    const rows = summary.invalid_entries.slice(0, MAX_MD_ROWS);
    for (const p of rows) {
      out.push(mdRow([mdCode(p.file, true, 200), mdCode(problemPlace(p), true, 120), p.vendor !== null ? mdCode(p.vendor, true, 100) : '', mdInert(p.message, 1000)]));
    }
    out.push(...mdMore(rows.length, summary.invalid_entries.length), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
