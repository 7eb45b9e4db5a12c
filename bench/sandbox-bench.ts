import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runFetcher } from '../sandbox/run-fetcher.ts';

/**
 * Sandbox figures, not pass/fail: isolate start-up, the cost of one fetch through the bridge and the
 * gate, record throughput, and memory. `npx node --no-node-snapshot bench/sandbox-bench.ts` prints
 * them; `bench/run.ts` includes them.
 *
 * Isolate start-up is timed in a child process started with --no-node-snapshot (isolated-vm needs
 * it, and this process may not have it); everything else goes through `runFetcher`, sandbox process
 * and IPC included, against a fake API so no network is involved.
 */

const STARTUP_SAMPLES = 20;
const COLD_RUNS = 7;
const FETCH_CALLS = 2_000;
const RECORDS = 10_000;

const HOST = 'api.bench.test';
const egress = (maxRequests = 100) => ({
  allowedOrigins: [`https://${HOST}`],
  maxRequests,
  injectAuth: () => ({ authorization: 'Bearer bench' }),
  fetchImpl: async () => new Response('{"items":[{"id":"u1"}],"next":null}', { headers: { 'content-type': 'application/json' } }),
});

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

export async function benchSandbox(): Promise<Record<string, number | string>> {
  const startup = JSON.parse(
    execFileSync(process.execPath, ['--no-node-snapshot', fileURLToPath(import.meta.url), '--isolate-startup'], { env: {} }).toString(),
  ) as { median_ms: number; rss_mb: number };

  const trivial = 'async function run() { emit({ id: "u1" }); }';
  const cold: number[] = [];
  const spawn: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const t0 = performance.now();
    const result = await runFetcher({ source: trivial, egress: egress() });
    if (!result.ok) throw new Error(`bench: trivial fetcher failed: ${result.failure.message}`);
    cold.push(performance.now() - t0);
    spawn.push(result.stats.startupMs);
  }

  const fetches = await runFetcher({
    source: `async function run(input) {
      const t0 = Date.now();
      for (let i = 0; i < input.n; i++) { const r = await fetch('https://${HOST}/users?page=' + i); if (r.status !== 200) throw new Error('status ' + r.status); }
      emit({ ms: Date.now() - t0 });
    }`,
    input: { n: FETCH_CALLS },
    limits: { cpuMs: 30_000, wallMs: 120_000 },
    egress: egress(FETCH_CALLS),
  });
  if (!fetches.ok) throw new Error(`bench: fetch loop failed: ${fetches.failure.message}`);
  const fetchLoopMs = Number(fetches.records[0]!.ms);

  const emitted = await runFetcher({
    source: `async function run(input) { for (let i = 0; i < input.n; i++) emit({ id: 'u' + i, kind: 'human', status: 'active', email: 'user' + i + '@example.test' }); }`,
    input: { n: RECORDS },
    limits: { cpuMs: 30_000, wallMs: 120_000, maxRecords: RECORDS },
    egress: egress(),
  });
  if (!emitted.ok || emitted.records.length !== RECORDS) throw new Error('bench: record run failed');
  // The run's own time, the sandbox process start-up left out (subtracting another run's time could go negative under load).
  const emitMs = Math.max(1, emitted.stats.wallMs - emitted.stats.startupMs);

  return {
    isolate_startup_ms_median: round(startup.median_ms, 2),
    sandbox_process_startup_ms_median: round(median(spawn)),
    trivial_run_end_to_end_ms_median: round(median(cold)),
    fetch_bridge_us_per_call: round((fetchLoopMs * 1000) / FETCH_CALLS),
    records_per_s: Math.round(RECORDS / (emitMs / 1000)),
    host_peak_rss_mb: round(process.resourceUsage().maxRSS / 1024),
    sandbox_process_rss_mb: startup.rss_mb,
    node: process.version,
  };
}

/** Runs in the child: create an isolate, a context, the prelude and a compiled trivial fetcher, N times. */
async function timeIsolateStartup(): Promise<{ median_ms: number; rss_mb: number }> {
  const { default: ivm } = await import('isolated-vm');
  const { PRELUDE_SOURCE } = await import('../sandbox/isolate-prelude.ts');
  const limits = { maxRecords: 10, maxRecordBytes: 1024, maxLogLines: 10, maxMessageChars: 200, maxDepth: 32, filename: 'fetcher.js' };
  const samples: number[] = [];
  for (let i = 0; i < STARTUP_SAMPLES; i++) {
    const t0 = performance.now();
    const isolate = new ivm.Isolate({ memoryLimit: 64 });
    const context = await isolate.createContext();
    const noop = new ivm.Callback(() => {});
    await context.evalClosure(PRELUDE_SOURCE, [noop, noop, noop, noop, noop, new ivm.ExternalCopy(limits).copyInto()], { result: { reference: true } });
    const script = await isolate.compileScript('async function run() { emit({ id: "u1" }); }', { filename: 'fetcher.js' });
    await script.run(context);
    samples.push(performance.now() - t0);
    isolate.dispose();
  }
  return { median_ms: median(samples), rss_mb: round(process.resourceUsage().maxRSS / 1024) };
}

if (import.meta.main) {
  if (process.argv.includes('--isolate-startup')) {
    console.log(JSON.stringify(await timeIsolateStartup()));
  } else {
    for (const [k, v] of Object.entries(await benchSandbox())) console.log(`${k}: ${v}`);
  }
}
