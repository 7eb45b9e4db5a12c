import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingest } from '../agent/ingest/ingest.ts';
import { planHeuristically } from '../agent/plan/heuristic-planner.ts';
import { figuresOf, readLabels, scoreSpec, type Figures, type SpecScore } from './planner-score.ts';
import { judgeRow, judgeTarget, TARGETS, type TargetJudgement } from './targets.ts';

/**
 * The heuristic planner scored against the hand-checked labels (bench/planner-score.ts): each
 * labelled description is ingested and planned in this process, its streams scored, and the figures
 * printed per spec and pooled, the pooled row judged against issue 11's three targets
 * (bench/targets.ts). Run alone (`node bench/planner-score-run.ts [--misses]`) or from `npm run bench`.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
export const LABELS_DIR = path.resolve(here, '../test/plan/labels');

export interface PlannerScores {
  scores: SpecScore[];
  /** Specs whose ingest or plan threw: every required list counts as not found. */
  failed: { spec: string; error: string }[];
  /** Labelled specs whose docs are not there: left out of the figures. */
  missing: string[];
  pooled: Figures;
}

/** Scores the heuristic planner on every labelled description under `docsRoot`. */
export async function scorePlanner(docsRoot: string, labelsDir = LABELS_DIR): Promise<PlannerScores> {
  const scores: SpecScore[] = [];
  const failed: PlannerScores['failed'] = [];
  const missing: string[] = [];
  for (const labels of readLabels(labelsDir)) {
    const p = path.join(docsRoot, labels.spec);
    if (!existsSync(p)) {
      missing.push(labels.spec);
      continue;
    }
    try {
      const plan = planHeuristically(await ingest(p));
      scores.push(scoreSpec(labels, plan.streams));
    } catch (e) {
      failed.push({ spec: labels.spec, error: (e as Error).message.split('\n')[0]!.slice(0, 200) });
      scores.push(scoreSpec(labels, []));
    }
  }
  return { scores, failed, missing, pooled: figuresOf(scores) };
}

const shown = (n: number | null) => (n === null ? '—' : `${n} %`);

/**
 * Prints the per-spec figures, the pooled row and its three judgements; with `misses`, every miss and
 * unlabelled stream. Returns the three target judgements, for the bench's closing list.
 */
export function printPlannerScores(r: PlannerScores, opts: { misses?: boolean } = {}): TargetJudgement[] {
  const rows = [['docs', 'required', 'found', 'paged', 'streams', 'not labelled', 'found %', 'paged %', 'identity streams %', 'kind agrees']];
  for (const s of r.scores) {
    const f = figuresOf([s]);
    rows.push([s.spec, String(s.required), String(s.found), String(s.paged), String(s.streams), String(s.unlabelled.length), shown(f.found_pct), shown(f.paged_pct), shown(f.identity_pct), `${s.kind_agrees}/${s.kinded}`]);
  }
  const sum = (k: 'required' | 'found' | 'paged' | 'streams') => String(r.scores.reduce((a, s) => a + s[k], 0));
  const p = r.pooled;
  rows.push(['all, pooled', sum('required'), sum('found'), sum('paged'), sum('streams'), String(r.scores.reduce((a, s) => a + s.unlabelled.length, 0)), shown(p.found_pct), shown(p.paged_pct), shown(p.identity_pct), `${r.scores.reduce((a, s) => a + s.kind_agrees, 0)}/${r.scores.reduce((a, s) => a + s.kinded, 0)}`]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((x) => x[i]!.length)));
  for (const x of rows) console.log(x.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  for (const f of r.failed) console.log(`  ${f.spec}: ingest or plan failed (${f.error}): its lists count as not found`);
  if (opts.misses) {
    for (const s of r.scores) {
      for (const m of s.misses) console.log(`  ${s.spec}  ${m.what.padEnd(12)} ${m.op}${m.detail ? `  — ${m.detail}` : ''}`);
      for (const u of s.unlabelled) console.log(`  ${s.spec}  not-labelled ${u}`);
    }
  }
  const row = `all labelled specs, pooled (${r.scores.length})`;
  const unmeasured = r.missing;
  return [
    judgeTarget(TARGETS.plannerFound, [judgeRow(TARGETS.plannerFound, row, [p.found_pct ?? 0])], unmeasured),
    judgeTarget(TARGETS.plannerPaged, [judgeRow(TARGETS.plannerPaged, row, [p.paged_pct ?? 0])], unmeasured),
    judgeTarget(TARGETS.plannerPrecision, [judgeRow(TARGETS.plannerPrecision, row, [p.identity_pct ?? 0])], unmeasured),
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const docsRoot = process.env.FETCHWRIGHT_VENDOR_DOCS ?? path.resolve(here, '../../shared/vendor-docs');
  const verdicts = printPlannerScores(await scorePlanner(docsRoot), { misses: process.argv.includes('--misses') });
  for (const v of verdicts) console.log(v.line);
}
