import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { judgeRow, judgeTarget, TARGETS, type RowJudgement, type TargetJudgement } from './targets.ts';
import { fitLines } from '../agent/cli/fit-lines.ts';

/**
 * `npm run bench`: figures against targets (bench/targets.ts), judged on every row. Ingest + plan
 * wall time and peak memory per real vendor description (each in a fresh process): under 2 s and
 * 300 MB each; generate per description: under 10 s each; sandbox throughput: at least 50,000
 * mapped records/s; a live run's host memory: flat in the number of records (200,000 against
 * 20,000, bench/live-run-bench.ts), with the live run's throughput as a figure; expand over a catalogue
 * of every description (bench/expand-bench.ts): the first run's wall time at --concurrency 1 and 2, and
 * a second run over the unchanged catalogue under 2 s; the same catalogue on the queue (bench/queue-bench.ts:
 * expand --queue … --wait with 1 and 2 worker processes on redis-server) as figures. Each judged row says
 * `met` or `not met`, each target gets a summary line over all its rows, and the run ends with the
 * list of targets. It exits 0 either way: figures to read.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const docsRoot = process.env.FETCHWRIGHT_VENDOR_DOCS ?? path.resolve(here, '../../shared/vendor-docs');
const SPECS = ['jupyterhub', 'snowflake.yaml', 'split/snowflake', 'netlify.yaml', 'okta.yaml', 'slack.json', 'pagerduty.json', 'linode.yaml', 'twilio.json', 'kubernetes.json', 'datadog.yaml', 'digitalocean.yaml'];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function sizeOf(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.size;
  return Number(execFileSync('du', ['-sb', p]).toString().split(/\s/)[0]);
}

interface Figures {
  ingest_ms: number;
  plan_ms: number;
  total_ms: number;
  peak_rss_mb: number;
  operations: number;
  considered: number;
  excluded: number;
  streams: number;
}

/** Prints a table: the first column left-aligned, the others right-aligned. */
function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

/** Every target's summary, for the closing list. */
const verdicts: TargetJudgement[] = [];

const rows: string[][] = [['docs', 'size', 'ops', 'GETs considered', 'excluded', 'streams', 'ingest ms', 'plan ms', 'total ms (median)', 'peak RSS MB', 'target']];
const planJudged: RowJudgement[] = [];
const planMissing: string[] = [];
const measured: { name: string; size: number; total_ms: number }[] = [];
for (const name of SPECS) {
  const p = path.join(docsRoot, name);
  if (!existsSync(p)) {
    rows.push([name, 'missing', '', '', '', '', '', '', '', '', '—']);
    planMissing.push(name);
    continue;
  }
  const runs: Figures[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(JSON.parse(execFileSync(process.execPath, [path.join(here, 'plan-one.ts'), p], { maxBuffer: 1 << 20 }).toString()));
  }
  runs.sort((a, b) => a.total_ms - b.total_ms);
  const median = runs[Math.floor(runs.length / 2)]!;
  const peak = Math.max(...runs.map((r) => r.peak_rss_mb));
  const size = sizeOf(p);
  const judged = judgeRow(TARGETS.plan, name, [median.total_ms, peak]);
  planJudged.push(judged);
  measured.push({ name, size, total_ms: median.total_ms });
  rows.push([name, `${(size / 1048576).toFixed(1)} MB`, String(median.operations), String(median.considered), String(median.excluded), String(median.streams), String(median.ingest_ms), String(median.plan_ms), String(median.total_ms), String(peak), judged.verdict]);
}

console.log(`ingest + plan, heuristic planner, ${RUNS} runs each, Node ${process.version}\n`);
printTable(rows);
const planVerdict = judgeTarget(TARGETS.plan, planJudged, planMissing);
verdicts.push(planVerdict);
console.log(`\n${fitLines(planVerdict.line, 120)}`);
// The largest description by bytes: its in-process ingest + plan (median of the runs above).
const largest = measured.sort((a, b) => b.size - a.size)[0];
const largestJudged = largest ? [judgeRow(TARGETS.planLargest, largest.name, [largest.total_ms])] : [];
if (largest) console.log(`largest spec: ${largest.name} (${(largest.size / 1048576).toFixed(1)} MB), ingest + plan ${largest.total_ms} ms — ${largestJudged[0]!.verdict}`);
const largestVerdict = judgeTarget(TARGETS.planLargest, largestJudged, largest ? [] : ['every spec']);
verdicts.push(largestVerdict);
console.log(fitLines(largestVerdict.line, 120));

// Issue 11's targets: the plans scored against the hand-checked labels (test/plan/labels/, bench/planner-score.ts).
const { scorePlanner, printPlannerScores } = await import('./planner-score-run.ts');
console.log('\nplanner against hand-checked labels (identity lists found, paged as the docs say, streams that are identity lists)');
for (const v of printPlannerScores(await scorePlanner(docsRoot))) {
  verdicts.push(v);
  console.log(fitLines(v.line, 120));
}

// The whole job per spec: plan, render, prove in the sandbox, write.
console.log('\ngenerate (plan + render + sandbox proof + write), one run each');
const genRows: string[][] = [['docs', 'wall ms', 'verdict', 'streams', 'target']];
const genJudged: RowJudgement[] = [];
const genMissing: string[] = [];
const { mkdtempSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const outDir = mkdtempSync(path.join(tmpdir(), 'fetchwright-bench-'));
for (const name of SPECS) {
  const p = path.join(docsRoot, name);
  if (!existsSync(p)) {
    genMissing.push(name);
    continue;
  }
  const t0 = performance.now();
  let verdict = 'error';
  let streams = '';
  try {
    const out = execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', path.join(here, '../bin/fetchwright.js'), 'generate', p, '--out', outDir, '--json'], {
      maxBuffer: 64 << 20,
      env: { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(outDir, 'state') },
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    const result = JSON.parse(out) as { verdict: string; scorecard: { streams: unknown[] } };
    verdict = result.verdict;
    streams = String(result.scorecard.streams.length);
  } catch {
    // a failing proof exits 9: still a figure
  }
  const ms = Math.round(performance.now() - t0);
  const judged = judgeRow(TARGETS.generate, name, [ms]);
  genJudged.push(judged);
  genRows.push([name, String(ms), verdict, streams, judged.verdict]);
}
const { rmSync } = await import('node:fs');
rmSync(outDir, { recursive: true, force: true });
printTable(genRows);
const genVerdict = judgeTarget(TARGETS.generate, genJudged, genMissing);
verdicts.push(genVerdict);
console.log(`\n${fitLines(genVerdict.line, 120)}`);

// Issue 12: expand over a catalogue of every description, first and second run, at concurrency 1 and 2.
const { benchExpand } = await import('./expand-bench.ts');
console.log('\nexpand: a catalogue of every description, first run (generate all) and second run (nothing changed), as a process');
const expandRows: string[][] = [['concurrency', 'vendors', 'first run ms', 'first run outcomes', 'second run ms', 'second run outcomes', 'target (second run)']];
const expandJudged: RowJudgement[] = [];
const outcomes = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${v} ${k}`).join(', ');
const expandFigures = benchExpand(SPECS.map((name) => ({ vendor: name.replace(/\.[a-z]+$/, '').replace(/\//g, '-'), docs: path.join(docsRoot, name) })));
for (const f of expandFigures) {
  const judged = judgeRow(TARGETS.expandSecondRun, `--concurrency ${f.concurrency}`, [f.second_ms]);
  expandJudged.push(judged);
  expandRows.push([String(f.concurrency), String(f.vendors), String(f.first_ms), outcomes(f.first_outcomes), String(f.second_ms), outcomes(f.second_outcomes), judged.verdict]);
}
printTable(expandRows);
const expandVerdict = judgeTarget(TARGETS.expandSecondRun, expandJudged);
verdicts.push(expandVerdict);
console.log(`\n${fitLines(expandVerdict.line, 120)}`);

// Issue 15: the same catalogue on the queue (BullMQ on Debian's redis-server), 1 and 2 worker processes (figures only).
const { benchQueue } = await import('./queue-bench.ts');
console.log('\nexpand on the queue: the same catalogue, expand --queue … --wait with 1 and 2 `fetchwright worker --concurrency 1` processes on redis-server at 127.0.0.1 (figures only: no target)');
try {
  const queued = await benchQueue(SPECS.map((name) => ({ vendor: name.replace(/\.[a-z]+$/, '').replace(/\//g, '-'), docs: path.join(docsRoot, name) })));
  if ('skipped' in queued) console.log(`  not measured: ${queued.skipped}`);
  else {
    const queueRows: string[][] = [['workers', 'vendors', 'wall ms', 'vendors/min', 'outcomes', 'workers in summary', 'local --concurrency N first run ms']];
    for (const f of queued.figures) {
      const local = expandFigures.find((e) => e.concurrency === f.workers);
      queueRows.push([String(f.workers), String(f.vendors), String(f.wall_ms), String(f.vendors_per_min), outcomes(f.outcomes), f.worker_names.join(' ') || '—', local ? String(local.first_ms) : '—']);
    }
    printTable(queueRows);
    for (const f of queued.figures) {
      const notes = [...(f.stopped ? [`stopped by the bench: ${f.stopped}`] : []), ...f.failures.map((v) => `failed: ${v}`), ...f.workers_exited_early.map((w) => `worker ended early: ${w}`), ...Object.entries(f.started_twice).map(([v, n]) => `${v} started ${n} times`), ...f.worker_problems];
      for (const n of notes) console.log(`  ${f.workers} worker${f.workers === 1 ? '' : 's'}: ${fitLines(n, 110)}`);
    }
  }
} catch (e) {
  console.log(`  not measured: ${(e as Error).message.split('\n')[0]}`);
}

// Issue 13: tokens the tool-driven model loop sends per vendor (a scripted capable model through the real SDK, against msw).
const { benchLlmTokens } = await import('./llm-tokens.ts');
console.log('\nmodel planner: tokens per vendor for the tool-driven loop (scripted model; estimated as characters / 4 of what is sent)');
const llmRows: string[][] = [['docs', 'rounds', 'accepted', 'prompt tokens', 'completion tokens']];
const llmFigures = await benchLlmTokens(SPECS.filter((name) => existsSync(path.join(docsRoot, name))).map((name) => ({ name, path: path.join(docsRoot, name) })));
for (const f of llmFigures) llmRows.push([f.vendor, String(f.rounds), f.accepted ? 'yes' : `no: ${f.reason ?? ''}`.slice(0, 60), String(f.prompt_tokens), String(f.completion_tokens)]);
printTable(llmRows);
const largestLlm = largest ? llmFigures.find((f) => f.vendor === largest.name) : undefined;
const llmJudged = largestLlm ? [judgeRow(TARGETS.llmLargest, `${largestLlm.vendor} (largest)`, [largestLlm.accepted ? largestLlm.prompt_tokens : Number.POSITIVE_INFINITY])] : [];
const llmVerdict = judgeTarget(TARGETS.llmLargest, llmJudged, largestLlm ? [] : ['the largest spec']);
verdicts.push(llmVerdict);
console.log(`\n${fitLines(llmVerdict.line, 120)}`);

// Issue 14: web-page docs — the browser's start-up and, per page, render and extraction time (figures only).
const { benchPages } = await import('./pages-bench.ts');
const pageFigures = await benchPages();
if (!pageFigures) console.log('\nweb pages: skipped (needs mailman3-doc and Debian\'s chromium: sudo apt-get install -y chromium mailman3-doc)');
else {
  console.log(`\nweb pages: Mailman 3's REST reference (mailman3-doc) served from 127.0.0.1, rendered in Chromium (figures only: no target)\n  browser start-up ms: ${pageFigures.browser_startup_ms}`);
  const rows: string[][] = [['page', 'KB', 'render ms', 'extract ms', 'requests shown']];
  for (const p of pageFigures.pages) rows.push([p.page, String(p.kb), String(p.render_ms), String(p.extract_ms), String(p.requests)]);
  printTable(rows);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  console.log(`  median per page: render ${median(pageFigures.pages.map((p) => p.render_ms))} ms, extract ${median(pageFigures.pages.map((p) => p.extract_ms))} ms`);
  console.log(`  crawl from rest.html (as plan <URL> runs it): ${pageFigures.crawl.pages} pages in ${pageFigures.crawl.ms} ms (${Math.round(pageFigures.crawl.ms / Math.max(1, pageFigures.crawl.pages))} ms a page, its browser start-up included); the pages made one ApiModel in ${pageFigures.crawl.model_ms} ms (${pageFigures.crawl.operations} operations)`);
}

const { benchSandbox } = await import('./sandbox-bench.ts');
console.log('\nsandbox (figures only: no target)');
for (const [k, v] of Object.entries(await benchSandbox())) console.log(`  ${k}: ${v}`);

const { benchThroughput, THROUGHPUT_FIGURE } = await import('./throughput.ts');
console.log('\nthroughput: a generated connector against a 10,000-identity mock');
const throughput = await benchThroughput();
const perSecond = throughput[THROUGHPUT_FIGURE];
if (typeof perSecond !== 'number') throw new Error(`bench: the throughput bench gave no "${THROUGHPUT_FIGURE}"`);
const throughputJudged = judgeRow(TARGETS.throughput, 'jupyterhub users, 10,000 identities', [perSecond]);
for (const [k, v] of Object.entries(throughput)) console.log(`  ${k}: ${v}${k === THROUGHPUT_FIGURE ? ` — ${throughputJudged.verdict}` : ''}`);
const throughputVerdict = judgeTarget(TARGETS.throughput, [throughputJudged]);
verdicts.push(throughputVerdict);
console.log(`\n${fitLines(throughputVerdict.line, 120)}`);

const { benchLiveRun } = await import('./live-run-bench.ts');
console.log('\nlive run: runLive (fetchwright run) against a JupyterHub-like server on 127.0.0.1, each run in a process of its own');
const live = await benchLiveRun();
const lt = live.throughput;
console.log(`  throughput (figure only: no target), ${lt.identities.toLocaleString('en-US')} identities (${lt.records_by_kind.human} users with a token each, groups, services):`);
console.log(`    records written: ${lt.records} (identities and owns relationships), wall ms: ${lt.wall_ms} (sandbox start-up and every request included)`);
console.log(`    records/s: ${lt.records_per_s}, identities/s: ${lt.identities_per_s}, host peak RSS MB: ${lt.peak_rss_mb}`);
const { small, large } = live.memory;
const memoryJudged = judgeRow(TARGETS.liveMemory, `${large.records.toLocaleString('en-US')} against ${small.records.toLocaleString('en-US')} records`, [live.memory.ratio]);
console.log(`  host memory, ${small.records.toLocaleString('en-US')} records: peak RSS ${small.peak_rss_mb} MB (${small.rss_before_mb} MB before the run), peak heap ${small.peak_heap_used_mb} MB, left after GC ${small.heap_after_gc_mb ?? '?'} MB`);
console.log(`  host memory, ${large.records.toLocaleString('en-US')} records (${live.memory.records_mb} MB of JSON lines): peak RSS ${large.peak_rss_mb} MB (${large.rss_before_mb} MB before the run), peak heap ${large.peak_heap_used_mb} MB, left after GC ${large.heap_after_gc_mb ?? '?'} MB`);
console.log(`  peak RSS ratio ${live.memory.ratio} × — ${memoryJudged.verdict}`);
const memoryVerdict = judgeTarget(TARGETS.liveMemory, [memoryJudged]);
verdicts.push(memoryVerdict);
console.log(`\n${fitLines(memoryVerdict.line, 120)}`);

const missed = verdicts.filter((v) => v.verdict === 'not met').length;
console.log(`\ntargets: ${verdicts.length - missed} of ${verdicts.length} met${missed ? `, ${missed} not met` : ''}`);
for (const v of verdicts) console.log(`  ${v.verdict.padEnd(7)}  ${v.target}`);
