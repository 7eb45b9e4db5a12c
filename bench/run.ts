import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: figures, not pass/fail. Ingest + plan wall time and peak memory per real vendor
 * description (each in a fresh process), against the target: under 2 s and 300 MB for the largest.
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
  streams: number;
}

const rows: string[][] = [['docs', 'size', 'ops', 'streams', 'ingest ms', 'plan ms', 'total ms (median)', 'peak RSS MB']];
let largest: { name: string; size: number; ms: number; mb: number } | undefined;
for (const name of SPECS) {
  const p = path.join(docsRoot, name);
  if (!existsSync(p)) {
    rows.push([name, 'missing', '', '', '', '', '', '']);
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
  rows.push([name, `${(size / 1048576).toFixed(1)} MB`, String(median.operations), String(median.streams), String(median.ingest_ms), String(median.plan_ms), String(median.total_ms), String(peak)]);
  if (!largest || size > largest.size) largest = { name, size, ms: median.total_ms, mb: peak };
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(`ingest + plan, heuristic planner, ${RUNS} runs each, Node ${process.version}\n`);
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
if (largest) {
  const ok = largest.ms < 2000 && largest.mb < 300;
  console.log(`\nlargest (${largest.name}): ${largest.ms} ms, ${largest.mb} MB peak — target < 2000 ms and < 300 MB: ${ok ? 'met' : 'NOT met'}`);
}

// The whole job per spec: plan, render, prove in the sandbox, write (target: under 10 s each).
console.log('\ngenerate (plan + render + sandbox proof + write), one run each');
const genRows: string[][] = [['docs', 'wall ms', 'verdict', 'streams']];
const { mkdtempSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const outDir = mkdtempSync(path.join(tmpdir(), 'fetchwright-bench-'));
for (const name of SPECS) {
  const p = path.join(docsRoot, name);
  if (!existsSync(p)) continue;
  const t0 = performance.now();
  let verdict = 'error';
  let streams = '';
  try {
    const out = execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', path.join(here, '../bin/fetchwright.ts'), 'generate', p, '--out', outDir, '--json'], {
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
  genRows.push([name, String(ms), verdict, streams]);
}
const { rmSync } = await import('node:fs');
rmSync(outDir, { recursive: true, force: true });
const gw = genRows[0]!.map((_, i) => Math.max(...genRows.map((r) => r[i]!.length)));
for (const r of genRows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(gw[i]!) : c.padStart(gw[i]!))).join('  '));

const { benchSandbox } = await import('./sandbox-bench.ts');
console.log('\nsandbox');
for (const [k, v] of Object.entries(await benchSandbox())) console.log(`  ${k}: ${v}`);

const { benchThroughput } = await import('./throughput.ts');
console.log('\nthroughput: a generated connector against a 10,000-identity mock');
for (const [k, v] of Object.entries(await benchThroughput())) console.log(`  ${k}: ${v}`);
