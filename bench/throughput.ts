import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingest } from '../agent/ingest/ingest.ts';
import { hashJson } from '../agent/hash.ts';
import { planHeuristically } from '../agent/plan/heuristic-planner.ts';
import { renderFetcher } from '../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../agent/render/slots-from-plan.ts';
import { firstError } from '../agent/validate/findings-text.ts';
import { validateConnector } from '../agent/validate/run-validation.ts';
import type { RunStats } from '../sandbox/result.ts';

/**
 * Records per second through the whole proof: a generated JupyterHub connector (its `users` stream)
 * paging through a mock seeded with 10,000 identities (the mock serves up to 500 a page; the connector
 * asks for the plan's 100) — fetch over the bridge, egress gate, the mock answering, record
 * selection, mapping, emit, host-side record checks.
 *
 * The judged figure is the run's own rate: records over the run's wall time with the sandbox
 * process's start-up (a fixed cost per run, printed on its own) left out, as sandbox-bench.ts does.
 * The mock's synthetic data is generated before the run starts (run-validation.ts), so it is not
 * counted either — each record's JSON included, made with the data (mock-api/json-text.ts), so the
 * mock serves a page by joining its records' bytes; the rate with start-up included is printed beside it.
 */
/** The figure the throughput target judges (bench/targets.ts: at least 50,000). */
export const THROUGHPUT_FIGURE = 'mapped records/s (run wall, process start-up excluded)';

export async function benchThroughput(count = 10_000): Promise<Record<string, number | string>> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const model = await ingest(path.join(here, '../examples/jupyterhub'));
  const full = planHeuristically(model);
  const plan = { ...full, streams: full.streams.filter((s) => s.name === 'users') };
  const fetcher = renderFetcher(slotsFromPlan(plan), { vendor: plan.vendor, plan_sha256: hashJson(plan), docs_sha256: plan.docs_sha256, api_model_sha256: plan.api_model_sha256 }).source;
  const t0 = performance.now();
  let stats: RunStats | undefined;
  const card = await validateConnector({ model, plan, fetcherSource: fetcher, seed: 1, mock: { pageSize: 500, rootCount: count }, onRunStats: (s) => (stats = s) });
  const total = performance.now() - t0;
  const users = card.streams[0]!;
  if (card.verdict !== 'pass') throw new Error(`throughput bench: the proof failed: ${firstError(card)}`);
  if (!stats) throw new Error('throughput bench: the proof reported no run figures');
  const runMs = Math.max(1, stats.wallMs - stats.startupMs);
  return {
    'identities fetched and mapped': users.fetched,
    'requests': stats.requests,
    'sandbox wall ms (process start-up included)': stats.wallMs,
    'sandbox process start-up ms': stats.startupMs,
    'isolate CPU ms': Math.round(stats.cpuMs),
    [THROUGHPUT_FIGURE]: Math.round((users.fetched / runMs) * 1000),
    'mapped records/s (sandbox wall, start-up included)': Math.round((users.fetched / stats.wallMs) * 1000),
    'whole proof ms (incl. synthetic data and scoring)': Math.round(total),
    'peak RSS MB (host)': Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (import.meta.main) {
  for (const [k, v] of Object.entries(await benchThroughput())) console.log(`${k}: ${v}`);
}
