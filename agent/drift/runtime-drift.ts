import type { ApiModel, Source } from '../ingest/api-model.ts';
import type { DriftClass } from '../run/drift.ts';
import type { LiveRunReport } from '../run/live-run.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { defineDriftFindings, driftFindingOf, named, arg, type DriftFinding, type DriftFindingDefinition, type DriftLevel } from './drift-finding.ts';
import { operationName } from './operation-match.ts';

/**
 * Runtime drift: what a live run (`fetchwright run --report`) saw, as findings of the same model as
 * the docs diff — its drift entries (agent/run/drift.ts: the classes are the ids), calls outside
 * the plan, and `Sunset` (RFC 8594) / `Deprecation`
 * (RFC 9745) headers with their dates: a sunset date already past is breaking (the API may stop
 * answering any time), any other notice informational. Shapes and dates only, never a value.
 *
 * The report is untrusted (an edited file): an entry's level is never lower than the one
 * agent/run/drift.ts always gives its class ({@link RUN_DRIFT_FLOOR}), and, given the connector's
 * plan, an entry naming a stream the plan does not have is dropped, reported as
 * `report-entry-unknown-stream` (info), and one naming another operation than its stream's is read
 * as its stream's, reported as `report-entry-operation-mismatch` (info).
 */

const observed = (a: Parameters<DriftFindingDefinition['text']>[0]) => `at ${named(a, 'path')} the connector expects ${arg(a, 'expected')}; the API answered ${arg(a, 'observed')}`;

/** The run's drift classes: the level is the one the run gave each entry, never under {@link RUN_DRIFT_FLOOR}; these are the usual ones. */
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

/**
 * The least level of each class, as `classifyDrift` (agent/run/drift.ts) gives it: a class it
 * always pushes with one level has that level; one whose level depends on what was read
 * (`field-type-changed`, `nullable-undocumented` and `content-type-changed` are breaking or info)
 * has `info`, and the entry's own level is kept above it.
 */
export const RUN_DRIFT_FLOOR: Record<DriftClass, DriftLevel> = {
  'list-shape-changed': 'breaking',
  'items-path-missing': 'breaking',
  'mapped-field-missing': 'breaking',
  'field-undocumented': 'additive',
  'field-type-changed': 'info',
  'nullable-undocumented': 'info',
  'status-undocumented': 'info',
  'content-type-changed': 'info',
};

const RANK: Record<DriftLevel, number> = { breaking: 0, additive: 1, info: 2 };

/** The level of a run's entry: the one it carries, raised to its class's floor. */
export function runEntryLevel(cls: DriftClass, reported: DriftLevel): DriftLevel {
  const floor = RUN_DRIFT_FLOOR[cls];
  return RANK[reported] <= RANK[floor] ? reported : floor;
}

export const RUNTIME_FINDINGS = defineDriftFindings({
  ...RUN_DRIFT_FINDINGS,
  'report-entry-unknown-stream': { level: 'info', text: (a) => `the run report has a ${arg(a, 'entry')} entry for the stream ${named(a, 'stream')}, which the connector's plan does not have: left out` },
  'report-entry-operation-mismatch': { level: 'info', text: (a) => `the run report names the stream ${named(a, 'stream')} with the operation ${named(a, 'reported')}: read as the stream's own operation` },
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
 * pointer; `options.plan`: the connector's plan, each entry's stream and operation checked against
 * it (without it, they are taken as written). Never throws.
 */
export function runtimeFindings(report: RunReportDrift, options: { now?: Date; model?: Pick<ApiModel, 'operations'>; plan?: Pick<ConnectorPlan, 'streams'> } = {}): DriftFinding[] {
  const now = (options.now ?? new Date()).getTime();
  const sourceOf = (operation: string): Source | undefined => options.model?.operations.find((o) => operationName(o.method, o.path) === operation)?.source;
  const out: DriftFinding[] = [];
  /** The operation an entry of `stream` is about, or undefined (the entry dropped, a note pushed) when the plan has no such stream. */
  const checked = (entry: string, stream: string, operation: string): string | undefined => {
    if (!options.plan) return operation;
    const s = options.plan.streams.find((x) => x.name === stream);
    if (!s) {
      out.push(driftFindingOf(RUNTIME_FINDINGS, 'report-entry-unknown-stream', { operation }, { entry, stream }));
      return undefined;
    }
    const own = operationName(s.method, s.path);
    if (operation !== own) out.push(driftFindingOf(RUNTIME_FINDINGS, 'report-entry-operation-mismatch', { operation: own, stream, old: sourceOf(own) }, { stream, reported: operation }));
    return own;
  };
  for (const d of report.drift) {
    const operation = checked(d.class, d.stream, d.operation);
    if (operation === undefined) continue;
    out.push(driftFindingOf(RUNTIME_FINDINGS, d.class, { operation, stream: d.stream, old: sourceOf(operation), level: runEntryLevel(d.class, d.severity) }, { path: d.path, expected: d.expected, observed: d.observed }));
  }
  for (const c of report.calls_outside_plan.calls) out.push(driftFindingOf(RUNTIME_FINDINGS, 'call-outside-plan', { operation: `${c.method.toUpperCase()} ${c.path}` }, { count: c.count }));
  for (const d of report.deprecations) {
    const operation = checked(d.sunset !== null ? 'Sunset' : 'Deprecation', d.stream, d.operation);
    if (operation === undefined) continue;
    const at = { operation, stream: d.stream, old: sourceOf(operation) };
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
