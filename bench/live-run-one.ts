import { runLive } from '../agent/run/live-run.ts';

/**
 * One live run, in a process of its own so its figures are the run's alone:
 * `node bench/live-run-one.ts <connector-dir> <base-url> <records.jsonl>` with the credential in
 * HUB_API_TOKEN. Prints one JSON line: records written, whether the run was complete, wall time, this
 * process's resident memory before the run and at its peak (MB), and the peak of its JS heap as
 * sampled during the run.
 */

const [dir, baseUrl, outFile] = process.argv.slice(2);
if (!dir || !baseUrl || !outFile) throw new Error('usage: live-run-one.ts <connector-dir> <base-url> <records.jsonl>');
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

const rssBefore = process.memoryUsage.rss();
let peakHeap = process.memoryUsage().heapUsed;
const sampler = setInterval(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}, 50);
const t0 = performance.now();
const report = await runLive({ dir, baseUrl, credentials: { '*': process.env.HUB_API_TOKEN ?? '' }, tenant: {}, outFile });
const wallMs = Math.round(performance.now() - t0);
clearInterval(sampler);
// With --expose-gc: what the run left reachable, as opposed to garbage not yet collected.
(globalThis as { gc?: () => void }).gc?.();
const heapAfterGc = process.memoryUsage().heapUsed;
const records = Object.values(report.records_by_kind).reduce((a, b) => a + b, 0);
console.log(
  JSON.stringify({
    records,
    records_by_kind: report.records_by_kind,
    complete: report.complete,
    failure: report.failure,
    wall_ms: wallMs,
    rss_before_mb: mb(rssBefore),
    peak_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
    peak_heap_used_mb: mb(peakHeap),
    ...((globalThis as { gc?: () => void }).gc ? { heap_after_gc_mb: mb(heapAfterGc) } : {}),
  }),
);
