import type { MockCall } from '../../../synthetic-data/mock-api/mock-vendor.ts';
import type { ConnectorPlan } from '../../plan/connector-plan.ts';
import { arg, counted, defineFindings, findingOf, type Finding } from '../finding.ts';
import type { Scorecard } from '../scorecard.ts';

/** What the mock saw: calls outside the plan, writes, refused credentials, undocumented parameters, requests past the documented end. */

export const CALL_FINDINGS = defineFindings({
  'calls-unplanned': { level: 'error', text: (a) => `${counted(a, 'call')} outside the plan, e.g. ${arg(a, 'method')} ${arg(a, 'path')} (${arg(a, 'why')})` },
  'write-attempted': { level: 'error', text: (a) => `${counted(a, 'write call')} attempted: connectors are read-only` },
  'credential-rejected': {
    level: 'error',
    text: (a) =>
      a.plan_auth === 'none'
        ? `the plan sends no credential, but the API refused ${counted(a, 'call')} (${arg(a, 'status')}): the docs require one`
        : `${counted(a, 'call')} ${arg(a, 'count') === '1' ? 'was' : 'were'} refused by the API's authentication (${arg(a, 'status')}): the credential is not sent the way the docs say`,
    hint: 'Compare the plan\'s auth (`fetchwright plan`) with the docs\' security schemes and their samples (header name, prefix such as `Bearer ` or `SSWS `); docs that describe auth only in prose need a hand-checked plan.',
  },
  'undocumented-parameter': { level: 'error', text: (a) => `${arg(a, 'path')} was called with ${(Array.isArray(a.params) ? a.params : []).map((p) => `"${p}"`).join(', ')}, which the docs do not describe` },
  'request-past-end': { level: 'error', text: (a) => `${counted(a, 'request')} asked for a page past the end of the list (${arg(a, 'example')}) although the responses said where it ends`, hint: 'The plan\'s stop condition ignores the end signal the docs give (a total, a page count, a has-more flag): see the stream\'s pagination in `fetchwright plan`.' },
  'page-size-too-large': { level: 'error', text: (a) => `asked for more records per page than the docs allow (${arg(a, 'example')})` },
  'bad-page-request': { level: 'error', text: (a) => `the API refused a page request: ${arg(a, 'example')}` },
  'auth-never-verified': { level: 'error', text: () => 'authentication was never verified: no call succeeded' },
});

const UNPLANNED: MockCall['outcome'][] = ['unknown-path', 'not-a-list', 'no-such-parent'];

export function checkCalls(plan: ConnectorPlan, calls: MockCall[], refusedWrites: number): { findings: Finding[]; summary: Scorecard['calls'] } {
  const findings: Finding[] = [];
  const streamOf = new Map(plan.streams.map((s) => [s.operation_id, s.name]));
  const planned = new Set(plan.streams.map((s) => s.operation_id));
  const unplanned = calls
    .filter((c) => UNPLANNED.includes(c.outcome) || (c.operation_id !== null && !planned.has(c.operation_id)))
    .map((c) => ({ method: c.method, path: c.path, why: c.outcome === 'ok' ? `not in the plan (${c.operation_id})` : c.outcome }));
  if (unplanned.length) findings.push(findingOf(CALL_FINDINGS, 'calls-unplanned', { count: unplanned.length, method: unplanned[0]!.method, path: unplanned[0]!.path, why: unplanned[0]!.why }));
  const writes = calls.filter((c) => c.outcome === 'write').length + refusedWrites;
  if (writes) findings.push(findingOf(CALL_FINDINGS, 'write-attempted', { count: writes }));
  const rejected = calls.filter((c) => c.outcome === 'unauthorised');
  if (rejected.length) findings.push(findingOf(CALL_FINDINGS, 'credential-rejected', { count: rejected.length, status: rejected[0]!.status, plan_auth: plan.auth.type }));
  const undocumented = new Map<string, { params: Set<string>; stream: string | undefined }>();
  for (const c of calls) {
    if (!c.undocumented.length) continue;
    const entry = undocumented.get(c.path) ?? { params: new Set<string>(), stream: c.operation_id ? streamOf.get(c.operation_id) : undefined };
    for (const p of c.undocumented) entry.params.add(p);
    undocumented.set(c.path, entry);
  }
  const undocumentedList = [...undocumented].map(([path, e]) => ({ path, params: [...e.params] }));
  for (const [path, e] of undocumented) findings.push(findingOf(CALL_FINDINGS, 'undocumented-parameter', { path, params: [...e.params] }, e.stream ? { stream: e.stream } : {}));
  const byStream = (outcome: MockCall['outcome'], id: 'request-past-end' | 'page-size-too-large' | 'bad-page-request') => {
    const hits = new Map<string, MockCall[]>();
    for (const c of calls.filter((x) => x.outcome === outcome)) hits.set(c.operation_id ?? c.path, [...(hits.get(c.operation_id ?? c.path) ?? []), c]);
    for (const [key, list] of hits) {
      const c = list[0]!;
      const example = `${c.path}?${new URLSearchParams(c.query).toString()}`;
      const stream = streamOf.get(key);
      findings.push(findingOf(CALL_FINDINGS, id, { count: list.length, example }, stream ? { stream } : {}));
    }
  };
  byStream('past-end', 'request-past-end');
  byStream('page-size-too-large', 'page-size-too-large');
  byStream('bad-request', 'bad-page-request');
  const authVerified = authenticated(calls);
  if (!authVerified && !rejected.length) findings.push(findingOf(CALL_FINDINGS, 'auth-never-verified', {}));
  return { findings, summary: { total: calls.length, unplanned, writes, unauthorised: rejected.length, undocumented_params: undocumentedList } };
}

/** Outcomes the mock gives only after a request passed its credential check. */
const PAST_AUTH: MockCall['outcome'][] = ['ok', 'bad-request', 'past-end', 'page-size-too-large', 'fault-429', 'fault-503', 'no-such-parent', 'not-a-list'];

/** True when no call was refused by the API's authentication and at least one passed it. */
export function authenticated(calls: MockCall[]): boolean {
  return !calls.some((c) => c.outcome === 'unauthorised') && calls.some((c) => PAST_AUTH.includes(c.outcome));
}
