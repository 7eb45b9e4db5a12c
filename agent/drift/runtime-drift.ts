import type { ApiModel, Source } from '../ingest/api-model.ts';
import type { DriftClass } from '../run/drift.ts';
import type { LiveRunReport } from '../run/live-run.ts';
import { defineDriftFindings, driftFindingOf, named, arg, type DriftFinding, type DriftFindingDefinition } from './drift-finding.ts';
import { operationName } from './operation-match.ts';

/**
 * Runtime drift: what a live run (`fetchwright run --report`) saw, as findings of the same model as
 * the docs diff — its drift entries (agent/run/drift.ts: the classes are the ids, each entry keeps
 * the level the run gave it), calls outside the plan, and `Sunset` (RFC 8594) / `Deprecation`
 * (RFC 9745) headers with their dates: a sunset date already past is breaking (the API may stop
 * answering any time), any other notice informational. Shapes and dates only, never a value.
 */

const observed = (a: Parameters<DriftFindingDefinition['text']>[0]) => `at ${named(a, 'path')} the connector expects ${arg(a, 'expected')}; the API answered ${arg(a, 'observed')}`;

/** The run's drift classes: the level is the one the run gave each entry; these are the usual ones. */
const RUN_DRIFT_FINDINGS: Record<DriftClass, DriftFindingDefinition> = {
  'list-shape-changed': { level: 'breaking', text: observed },
  'items-path-missing': { level: 'breaking', text: observed },
  'mapped-field-missing': { level: 'breaking', text: observed },
  'field-type-changed': { level: 'info', text: observed },
  'nullable-undocumented': { level: 'info', text: observed },
  'field-undocumented': { level: 'additive', text: observed },
  'status-undocumented': { level: 'info', text: observed },
  'content-type-changed': { level: 'info', text: observed },
};

export const RUNTIME_FINDINGS = defineDriftFindings({
  ...RUN_DRIFT_FINDINGS,
  'call-outside-plan': { level: 'info', text: (a) => `the live run called this ${arg(a, 'count')} time${a.count === 1 ? '' : 's'}, outside the connector's plan (a next link elsewhere on the API)` },
  'sunset-passed': { level: 'breaking', text: (a) => `the API answered with a Sunset date already past (${arg(a, 'date')}): it may stop answering at any time${a.notice ? `; notice: ${arg(a, 'notice')}` : ''}` },
  'sunset-announced': { level: 'info', text: (a) => `the API announces a Sunset on ${arg(a, 'date')}${a.notice ? `; notice: ${arg(a, 'notice')}` : ''}` },
  'deprecation-announced': { level: 'info', text: (a) => `the API answered with a Deprecation header${a.date ? ` (deprecated since ${arg(a, 'date')})` : ''}${a.notice ? `; notice: ${arg(a, 'notice')}` : ''}` },
});

/** What runtime drift reads of a run report (the file's checked form: agent/drift/run-report-file.ts). */
export type RunReportDrift = Pick<LiveRunReport, 'drift' | 'calls_outside_plan' | 'deprecations'>;

const isDate = (text: string) => /^\d{4}-\d{2}-\d{2}T/.test(text) && Number.isFinite(Date.parse(text));

/**
 * The findings of a live run's report. `options.now`: the time a Sunset date is compared with
 * (default: now); `options.model`: the connector's api-model.json, for each operation's source
 * pointer. Never throws.
 */
export function runtimeFindings(report: RunReportDrift, options: { now?: Date; model?: Pick<ApiModel, 'operations'> } = {}): DriftFinding[] {
  const now = (options.now ?? new Date()).getTime();
  const sourceOf = (operation: string): Source | undefined => options.model?.operations.find((o) => operationName(o.method, o.path) === operation)?.source;
  const out: DriftFinding[] = [];
  for (const d of report.drift) {
    out.push(driftFindingOf(RUNTIME_FINDINGS, d.class, { operation: d.operation, stream: d.stream, old: sourceOf(d.operation), level: d.severity }, { path: d.path, expected: d.expected, observed: d.observed }));
  }
  for (const c of report.calls_outside_plan.calls) out.push(driftFindingOf(RUNTIME_FINDINGS, 'call-outside-plan', { operation: `${c.method.toUpperCase()} ${c.path}` }, { count: c.count }));
  for (const d of report.deprecations) {
    const at = { operation: d.operation, stream: d.stream, old: sourceOf(d.operation) };
    const notice = (rel: 'sunset' | 'deprecation') => d.links.find((l) => l.rel === rel)?.url;
    if (d.sunset !== null) {
      const past = isDate(d.sunset) && Date.parse(d.sunset) <= now;
      const link = notice('sunset');
      out.push(driftFindingOf(RUNTIME_FINDINGS, past ? 'sunset-passed' : 'sunset-announced', at, { date: d.sunset, ...(link ? { notice: link } : {}) }));
    }
    if (d.deprecation !== null || notice('deprecation')) {
      const link = notice('deprecation');
      out.push(driftFindingOf(RUNTIME_FINDINGS, 'deprecation-announced', at, { date: d.deprecation === 'true' ? null : d.deprecation, ...(link ? { notice: link } : {}) }));
    }
  }
  return out;
}
