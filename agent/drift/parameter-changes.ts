import type { Operation, Parameter } from '../ingest/api-model.ts';
import type { ConnectorPlan, Stream } from '../plan/connector-plan.ts';
import { defineDriftFindings, driftFindingOf, named, arg, type DriftFinding } from './drift-finding.ts';
import { pathParameters } from './operation-match.ts';
import type { StreamDependencies } from './stream-dependencies.ts';

/**
 * What changed in the parameters a stream's requests send, as oasdiff classifies request
 * parameter changes: one the connector sends that the new docs no longer take (a pagination
 * parameter renamed: the one new parameter of the operation is named as the likely new name), a
 * parameter it does not send that became required, a fixed value the parameter no longer allows.
 */

export const PARAMETER_FINDINGS = defineDriftFindings({
  'pagination-parameter-renamed': { level: 'breaking', text: (a) => `the ${arg(a, 'in')} parameter ${named(a, 'from')}, which the connector sends for ${arg(a, 'reads')}, is gone; the operation now takes ${named(a, 'to')}` },
  'pagination-parameter-removed': { level: 'breaking', text: (a) => `the ${arg(a, 'in')} parameter ${named(a, 'name')}, which the connector sends for ${arg(a, 'reads')}, is gone` },
  'parameter-removed': { level: 'breaking', text: (a) => `the ${arg(a, 'in')} parameter ${named(a, 'name')}, which the connector sends (${arg(a, 'reads')}), is gone` },
  'parameter-became-required': { level: 'breaking', text: (a) => `the ${arg(a, 'in')} parameter ${named(a, 'name')} is now required (it was ${arg(a, 'was')}), and the connector does not send it` },
  'fixed-value-not-allowed': { level: 'breaking', text: (a) => `the connector sends ${named(a, 'name')}=${named(a, 'value')}, which the parameter no longer allows (${arg(a, 'allowed')})` },
  'path-parameter-renamed': { level: 'info', text: (a) => `the path parameter ${named(a, 'from')} is now named ${named(a, 'to')} (the request is the same)` },
});

const same = (p: Parameter, name: string, where: string) => p.in === where && (where === 'header' ? p.name.toLowerCase() === name.toLowerCase() : p.name === name);

/** The findings about the parameters `stream` sends, between its recorded operation `old` and the new docs' `next`. Never throws. */
export function parameterChanges(plan: ConnectorPlan, stream: Stream, deps: StreamDependencies, old: Operation, next: Operation, operation: string): DriftFinding[] {
  const out: DriftFinding[] = [];
  const push = (id: keyof typeof PARAMETER_FINDINGS, o: Parameter | Operation, n: Parameter | Operation, args: DriftFinding['args']) => out.push(driftFindingOf(PARAMETER_FINDINGS, id, { operation, stream: stream.name, old: o.source, new: n.source }, args));
  // Query parameters the new operation takes that the recorded one did not: a renamed parameter's likely new name.
  const fresh = next.parameters.filter((p) => p.in === 'query' && !old.parameters.some((o) => same(o, p.name, 'query')));
  for (const sent of deps.parameters) {
    if (sent.in === 'path') continue;
    const was = old.parameters.find((p) => same(p, sent.name, sent.in));
    // The recorded docs did not declare it (a cursor named only in prose): nothing to compare.
    if (!was) continue;
    const now = next.parameters.find((p) => same(p, sent.name, sent.in));
    if (!now) {
      if (sent.pagination && fresh.length === 1) push('pagination-parameter-renamed', was, next, { in: sent.in, from: sent.name, to: fresh[0]!.name, reads: sent.why });
      else push(sent.pagination ? 'pagination-parameter-removed' : 'parameter-removed', was, next, { in: sent.in, name: sent.name, reads: sent.why });
      continue;
    }
    const value = sent.in === 'query' ? stream.query[sent.name] : stream.headers[sent.name];
    const allowed = now.schema?.enum?.map(String);
    if (value !== undefined && Object.hasOwn(sent.in === 'query' ? stream.query : stream.headers, sent.name) && allowed?.length && !allowed.includes(value)) {
      push('fixed-value-not-allowed', was, now, { in: sent.in, name: sent.name, value, allowed: allowed.slice(0, 12) });
    }
  }
  // What the host adds (the credential's header or query parameter) is sent too.
  const credentials = plan.auth.credentials.map((c) => ({ name: c.name, in: c.in }));
  const sends = (p: Parameter) => deps.parameters.some((s) => same(p, s.name, s.in)) || credentials.some((c) => same(p, c.name, c.in));
  for (const p of next.parameters) {
    if (!p.required || (p.in !== 'query' && p.in !== 'header') || sends(p)) continue;
    const was = old.parameters.find((o) => same(o, p.name, p.in));
    if (was?.required) continue;
    push('parameter-became-required', was ?? old, p, { in: p.in, name: p.name, was: was ? 'optional' : 'not there' });
  }
  const before = pathParameters(stream.path);
  const after = pathParameters(next.path);
  before.forEach((name, i) => {
    const now = after[i];
    if (now !== undefined && now !== name) push('path-parameter-renamed', old, next, { from: name, to: now });
  });
  return out;
}
