import { ingest } from '../agent/ingest/ingest.ts';
import { planHeuristically } from '../agent/plan/heuristic-planner.ts';

/** Ingest + plan of one description, in its own process so peak memory is this spec's alone. */
const docs = process.argv[2];
if (!docs) throw new Error('usage: plan-one.ts <docs>');
const t0 = performance.now();
const model = await ingest(docs);
const t1 = performance.now();
const plan = planHeuristically(model);
const t2 = performance.now();
process.stdout.write(
  JSON.stringify({
    ingest_ms: Math.round(t1 - t0),
    plan_ms: Math.round(t2 - t1),
    total_ms: Math.round(t2 - t0),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    operations: model.operations.length,
    /** GET operations the planner considered: each is a stream or in the plan's list of what it left out, with why. */
    considered: model.operations.filter((o) => o.method === 'get').length,
    excluded: plan.excluded?.length ?? 0,
    streams: plan.streams.length,
  }),
);
