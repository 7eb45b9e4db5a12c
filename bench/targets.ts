/**
 * The bench's targets and how a figure is judged against one: every row that has a figure with a
 * target says `met` or `not met`, and each target gets one summary line that judges all its rows —
 * "met" only when every row met it.
 */

export interface Limit {
  /** What is measured, for the summary: "total ms". */
  what: string;
  /** `below`: the figure must be under `limit`; `at-least`: at or above it. */
  kind: 'below' | 'at-least';
  limit: number;
  unit: string;
}

export interface Target {
  /** The target's name in the summary: "ingest + plan, per spec". */
  name: string;
  /** Every limit a row must keep to meet the target. */
  limits: Limit[];
}

export const TARGETS = {
  plan: { name: 'ingest + plan, per spec', limits: [{ what: 'total', kind: 'below', limit: 2000, unit: 'ms' }, { what: 'peak RSS', kind: 'below', limit: 300, unit: 'MB' }] },
  /** Issue 11: the largest description's ingest + plan, timed in its process after start-up (what a `plan` of it costs beyond loading fetchwright). */
  planLargest: { name: 'ingest + plan of the largest spec, in-process', limits: [{ what: 'total', kind: 'below', limit: 500, unit: 'ms' }] },
  generate: { name: 'generate (plan + render + sandbox proof + write), per spec', limits: [{ what: 'wall', kind: 'below', limit: 10_000, unit: 'ms' }] },
  throughput: { name: 'sandbox throughput, mapped records/s', limits: [{ what: 'mapped records/s', kind: 'at-least', limit: 50_000, unit: 'records/s' }] },
  /**
   * Issue 9's "flat memory": a live run whose fetcher emits ~200,000 records peaks under 1.5 × the
   * resident memory of one that emits ~20,000. A host that kept or queued the records would grow with
   * them (the larger run's records are ~100 MB as JSON lines, several times that as objects); one that
   * streams them grows only by what garbage collection lets pile up between collections.
   */
  /**
   * Issue 11's "Done when", measured against the hand-checked labels in test/plan/labels/
   * (bench/planner-score.ts): of the identity lists an engineer would want, the share the plan takes
   * as streams; of those, the share paged as the docs say; of the plan's streams, the share that are
   * labelled identity lists (at least 90 %: no more than one stream in ten that is not one).
   */
  plannerFound: { name: 'planner: identity lists found, of the labelled ones', limits: [{ what: 'found', kind: 'at-least', limit: 90, unit: '%' }] },
  plannerPaged: { name: 'planner: found lists paged as the docs say', limits: [{ what: 'paged', kind: 'at-least', limit: 90, unit: '%' }] },
  plannerPrecision: { name: 'planner: streams that are identity lists', limits: [{ what: 'identity streams', kind: 'at-least', limit: 90, unit: '%' }] },
  /** Issue 12: a second `expand` over an unchanged catalogue of every description (each vendor skipped), as a process. */
  expandSecondRun: { name: 'expand: second run over an unchanged catalogue (nothing to do)', limits: [{ what: 'wall', kind: 'below', limit: 2000, unit: 'ms' }] },
  /** Issue 13: the tool-driven model loop's prompt tokens for the largest description (a scripted capable model, bench/llm-tokens.ts). */
  llmLargest: { name: 'model planner: prompt tokens for the largest spec (tool-driven loop)', limits: [{ what: 'prompt tokens', kind: 'below', limit: 20_000, unit: 'tokens' }] },
  liveMemory: { name: 'live run host memory, flat in the number of records', limits: [{ what: 'peak RSS, 200k records ÷ 20k records', kind: 'below', limit: 1.5, unit: '×' }] },
} as const satisfies Record<string, Target>;

/** `met` or `not met`: the words every judged row and summary line uses. */
export type Verdict = 'met' | 'not met';

/** One row's judgement: its verdict and, when not met, which limits it broke ("2310 ms ≥ 2000 ms"). */
export interface RowJudgement {
  row: string;
  verdict: Verdict;
  broken: string[];
}

const figure = (n: number) => n.toLocaleString('en-US');

/** "< 2,000 ms and < 300 MB", "≥ 50,000 records/s". */
export function describeLimits(target: Target): string {
  return target.limits.map((l) => `${l.kind === 'below' ? '<' : '≥'} ${figure(l.limit)} ${l.unit}`).join(' and ');
}

/** Judges one row's figures (one per limit, in the target's order). Throws when the count differs: a row is never half-judged. */
export function judgeRow(target: Target, row: string, values: number[]): RowJudgement {
  if (values.length !== target.limits.length) throw new Error(`bench: ${row} has ${values.length} figures for ${target.limits.length} limits of "${target.name}"`);
  const broken = target.limits.flatMap((l, i) => {
    const v = values[i]!;
    const ok = l.kind === 'below' ? v < l.limit : v >= l.limit;
    return ok ? [] : [`${l.what} ${figure(v)} ${l.unit} ${l.kind === 'below' ? '≥' : '<'} ${figure(l.limit)} ${l.unit}`];
  });
  return { row, verdict: broken.length ? 'not met' : 'met', broken };
}

/** A target judged over all its rows. */
export interface TargetJudgement {
  target: string;
  verdict: Verdict;
  /** One line for the bench's output. */
  line: string;
}

/**
 * The target's judgement over every row, and one line saying it: `met by all 12 rows` only when
 * each row met it, else `not met — 2 of 12 rows miss it: okta.yaml (total 2,310 ms ≥ 2,000 ms); …`.
 * Rows with no figure (docs missing) are named as not measured; a target with no measured row is
 * not met.
 */
export function judgeTarget(target: Target, judged: RowJudgement[], unmeasured: string[] = []): TargetJudgement {
  const head = `target ${target.name} ${describeLimits(target)}:`;
  const missed = judged.filter((j) => j.verdict === 'not met');
  const notMeasured = unmeasured.length ? `; not measured: ${unmeasured.join(', ')}` : '';
  if (judged.length === 0) return { target: target.name, verdict: 'not met', line: `${head} not met — nothing was measured${notMeasured}` };
  if (missed.length === 0) return { target: target.name, verdict: 'met', line: `${head} met by ${judged.length === 1 ? 'the one row' : `all ${judged.length} rows`}${notMeasured}` };
  const rows = `${missed.length} of ${judged.length} row${judged.length === 1 ? '' : 's'} miss${missed.length === 1 ? 'es' : ''} it`;
  return { target: target.name, verdict: 'not met', line: `${head} not met — ${rows}: ${missed.map((m) => `${m.row} (${m.broken.join(', ')})`).join('; ')}${notMeasured}` };
}
