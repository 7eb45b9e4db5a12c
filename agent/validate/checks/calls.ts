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
  'calls-not-listed': { level: 'info', text: (a) => `${arg(a, 'more')} more ${arg(a, 'what')} are counted but not listed` },
});

const UNPLANNED: MockCall['outcome'][] = ['unknown-path', 'not-a-list', 'no-such-parent'];

/**
 * Calls, paths and parameters listed in the scorecard, each: the rest are counted. A fetcher can make
 * 20,000 calls to 16 KB paths; listing them all made a scorecard too long to write.
 */
export const MAX_LISTED_CALLS = 50;
/** Longest path, parameter name or example a listing quotes. */
const LISTED_CHARS = 300;

function clip(text: string): string {
  return text.length > LISTED_CHARS ? `${text.slice(0, LISTED_CHARS)}…` : text;
}

/**
 * The mock's calls against the plan. Its output is bounded whatever the number of calls: the first
 * MAX_LISTED_CALLS unplanned calls and paths with undocumented parameters are listed (texts cut to a
 * few hundred characters), every one is counted.
 */
export function checkCalls(plan: ConnectorPlan, calls: MockCall[], refusedWrites: number): { findings: Finding[]; summary: Scorecard['calls'] } {
  const findings: Finding[] = [];
  const streamOf = new Map(plan.streams.map((s) => [s.operation_id, s.name]));
  const planned = new Set(plan.streams.map((s) => s.operation_id));
  const unplanned: Scorecard['calls']['unplanned'] = [];
  let unplannedTotal = 0;
  let writes = refusedWrites;
  let rejected = 0;
  let rejectedStatus: number | undefined;
  const undocumented = new Map<string, { params: Set<string>; stream: string | undefined }>();
  let undocumentedPaths = 0;
  const hits = new Map<MockCall['outcome'], Map<string, { count: number; first: MockCall }>>();
  for (const c of calls) {
    if (UNPLANNED.includes(c.outcome) || (c.operation_id !== null && !planned.has(c.operation_id))) {
      unplannedTotal++;
      if (unplanned.length < MAX_LISTED_CALLS) unplanned.push({ method: clip(c.method), path: clip(c.path), why: c.outcome === 'ok' ? `not in the plan (${clip(c.operation_id ?? '')})` : c.outcome });
    }
    if (c.outcome === 'write') writes++;
    if (c.outcome === 'unauthorised') {
      rejected++;
      rejectedStatus ??= c.status;
    }
    if (c.undocumented.length) {
      let entry = undocumented.get(c.path);
      if (!entry) {
        undocumentedPaths++;
        if (undocumented.size < MAX_LISTED_CALLS) undocumented.set(c.path, (entry = { params: new Set<string>(), stream: c.operation_id ? streamOf.get(c.operation_id) : undefined }));
      }
      for (const p of c.undocumented) if (entry && entry.params.size < MAX_LISTED_CALLS) entry.params.add(clip(p));
    }
    if (c.outcome === 'past-end' || c.outcome === 'page-size-too-large' || c.outcome === 'bad-request') {
      const byKey = hits.get(c.outcome) ?? new Map<string, { count: number; first: MockCall }>();
      hits.set(c.outcome, byKey);
      const key = c.operation_id ?? c.path;
      const hit = byKey.get(key);
      if (hit) hit.count++;
      else if (byKey.size < MAX_LISTED_CALLS) byKey.set(key, { count: 1, first: c });
    }
  }
  if (unplannedTotal) findings.push(findingOf(CALL_FINDINGS, 'calls-unplanned', { count: unplannedTotal, method: unplanned[0]!.method, path: unplanned[0]!.path, why: unplanned[0]!.why }));
  if (writes) findings.push(findingOf(CALL_FINDINGS, 'write-attempted', { count: writes }));
  if (rejected) findings.push(findingOf(CALL_FINDINGS, 'credential-rejected', { count: rejected, status: rejectedStatus ?? null, plan_auth: plan.auth.type }));
  const undocumentedList = [...undocumented].map(([path, e]) => ({ path: clip(path), params: [...e.params] }));
  for (const [path, e] of undocumented) findings.push(findingOf(CALL_FINDINGS, 'undocumented-parameter', { path: clip(path), params: [...e.params] }, e.stream ? { stream: e.stream } : {}));
  if (undocumentedPaths > undocumented.size) findings.push(findingOf(CALL_FINDINGS, 'calls-not-listed', { more: undocumentedPaths - undocumented.size, what: 'paths called with undocumented parameters' }));
  const byStream = (outcome: MockCall['outcome'], id: 'request-past-end' | 'page-size-too-large' | 'bad-page-request') => {
    for (const [key, { count, first: c }] of hits.get(outcome) ?? []) {
      const example = clip(`${c.path}?${new URLSearchParams(c.query).toString()}`);
      const stream = streamOf.get(key);
      findings.push(findingOf(CALL_FINDINGS, id, { count, example }, stream ? { stream } : {}));
    }
  };
  byStream('past-end', 'request-past-end');
  byStream('page-size-too-large', 'page-size-too-large');
  byStream('bad-request', 'bad-page-request');
  const authVerified = authenticated(calls);
  if (!authVerified && !rejected) findings.push(findingOf(CALL_FINDINGS, 'auth-never-verified', {}));
  return {
    findings,
    summary: { total: calls.length, unplanned, ...(unplannedTotal > unplanned.length ? { unplanned_total: unplannedTotal } : {}), writes, unauthorised: rejected, undocumented_params: undocumentedList },
  };
}

/** Outcomes the mock gives only after a request passed its credential check. */
const PAST_AUTH: MockCall['outcome'][] = ['ok', 'bad-request', 'past-end', 'page-size-too-large', 'fault-429', 'fault-503', 'no-such-parent', 'not-a-list'];

/** True when no call was refused by the API's authentication and at least one passed it. */
export function authenticated(calls: MockCall[]): boolean {
  return !calls.some((c) => c.outcome === 'unauthorised') && calls.some((c) => PAST_AUTH.includes(c.outcome));
}
