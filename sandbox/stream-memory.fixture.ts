import { runFetcher } from './run-fetcher.ts';

/**
 * Run as a script (`node sandbox/stream-memory.fixture.ts COUNT BYTES keep|drop [slowMs] [memoryMb]`):
 * one run of a fetcher that emits COUNT records of about BYTES bytes each, with an `onRecord` that
 * discards them, and prints the outcome and this process's memory as JSON (MB). A process of its own,
 * so the figures are the run's. `slowMs`: the host busy-waits that long on the first record, as a
 * host that falls behind would; `memoryMb`: the isolate's cap (the sandbox process's memory watchdog
 * follows it).
 */

const [count = 1000, bytes = 2000] = process.argv.slice(2, 4).map(Number);
const keepRecords = process.argv[4] !== 'drop';
const slowMs = Number(process.argv[5] ?? 0);
const memoryMb = Number(process.argv[6] ?? 64);
const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;

const source = `async function run(input) {
  const pad = 'x'.repeat(input.bytes);
  for (let i = 0; i < input.count; i++) emit({ id: 'u' + i, kind: 'human', display_name: 'user ' + i, note: pad });
}`;
const before = process.memoryUsage.rss();
let peakHeap = 0;
let seen = 0;
const result = await runFetcher({
  source,
  input: { count, bytes },
  keepRecords,
  limits: { maxRecords: count, cpuMs: 600_000, wallMs: 600_000, memoryMb },
  egress: { allowedOrigins: [] },
  onRecord: (record, index) => {
    if (index === 0 && slowMs > 0) for (const until = Date.now() + slowMs; Date.now() < until; );
    if (index % 10_000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    if (typeof record.id === 'string') seen++;
  },
});
console.log(
  JSON.stringify({
    ok: result.ok,
    failure: result.ok ? null : result.failure,
    count: result.stats.records,
    kept: result.records.length,
    seen,
    rss_before_mb: mb(before),
    peak_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
    peak_heap_used_mb: mb(peakHeap),
  }),
);
