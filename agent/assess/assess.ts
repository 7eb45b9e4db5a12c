import type { ApiModel, Operation } from '../ingest/api-model.ts';
import type { Assessment, AuthPlan, Evidence, Stream } from '../plan/connector-plan.ts';
import { privilegeOf } from './privilege.ts';

/**
 * Are the docs good enough to generate from, and how much privilege does the connector need? Five
 * checks, weighted into a 0–100 score; below the threshold, or when an operation can only be read
 * with admin power, the verdict is "manual build recommended".
 */

export const GENERATE_THRESHOLD = 60;
const WEIGHTS = { 'response-schemas': 30, pagination: 25, auth: 25, errors: 10, 'rate-limits': 10 } as const;

type Check = Assessment['checks'][number];

export interface AssessInput {
  model: ApiModel;
  streams: (Pick<Stream, 'name' | 'pagination'> & { op: Operation; documented: boolean })[];
  auth: AuthPlan;
}

function check(id: Check['id'], score: number, reason: string, evidence: Evidence[]): Check {
  return { id, score: Math.round(score * 100) / 100, passed: score >= 0.5, reason, evidence: evidence.slice(0, 5) };
}

export function assess({ model, streams, auth }: AssessInput): Assessment {
  const n = Math.max(1, streams.length);
  const ops = streams.map((s) => s.op);

  const documented = streams.filter((s) => s.documented);
  const schemas = check(
    'response-schemas',
    documented.length / n,
    `${documented.length} of ${streams.length} identity operations document their response schema${documented.length < streams.length ? '; the rest are known only from examples' : ''}`,
    documented.map((s) => ({ source: s.op.source, quote: `${s.name}: response schema documented` })),
  );

  const paged = streams.map((s) => (s.pagination.style === 'none' ? s.pagination.confidence * 0.8 : s.pagination.confidence));
  const pagination = check(
    'pagination',
    paged.reduce((a, b) => a + b, 0) / n,
    streams.map((s) => `${s.name}: ${s.pagination.style} (${Math.round(s.pagination.confidence * 100)}%)`).join(', '),
    streams.flatMap((s) => s.pagination.evidence.slice(0, 1)),
  );

  const authCheck = check(
    'auth',
    auth.type === 'none' ? 0 : auth.confidence,
    auth.type === 'none' ? 'the docs document no usable authentication scheme' : `${auth.type} via ${auth.credentials.map((c) => `${c.in} ${c.name}${c.prefix ? ` "${c.prefix}"` : ''}`).join(' + ')}`,
    auth.evidence,
  );

  const withErrors = ops.filter((op) => op.responses.some((r) => /^[45]|default/i.test(r.status)));
  const errorProse = model.prose.filter((p) => p.topics.includes('errors'));
  const errors = check(
    'errors',
    Math.min(1, withErrors.length / n + (errorProse.length ? 0.5 : 0)),
    `${withErrors.length} of ${streams.length} operations document error responses${errorProse.length ? '; the docs describe errors in prose' : ''}`,
    [...withErrors.slice(0, 3).map((op) => ({ source: op.source, quote: `${op.id}: ${op.responses.filter((r) => /^[45]|default/i.test(r.status)).map((r) => r.status).join(', ')}` })), ...errorProse.slice(0, 2).map((p) => ({ source: p.source, quote: p.text.slice(0, 200) }))],
  );

  const rateOps = model.operations.filter((op) => op.responses.some((r) => r.status === '429' || r.headers.some((h) => /ratelimit|rate-limit|retry-after/i.test(h.name))));
  const rateProse = model.prose.filter((p) => p.topics.includes('rate_limit'));
  const rate = check(
    'rate-limits',
    rateOps.length || rateProse.length ? 1 : 0,
    rateOps.length || rateProse.length ? `rate limiting is documented (${rateOps.length} operations with 429 or rate-limit headers${rateProse.length ? ', and in prose' : ''})` : 'the docs say nothing about rate limits; the connector falls back to generic 429 handling',
    [...rateOps.slice(0, 2).map((op) => ({ source: op.source, quote: `${op.id}: documents 429 or rate-limit headers` })), ...rateProse.slice(0, 2).map((p) => ({ source: p.source, quote: p.text.slice(0, 200) }))],
  );

  const checks = [schemas, pagination, authCheck, errors, rate];
  const score = Math.round(checks.reduce((sum, c) => sum + c.score * WEIGHTS[c.id], 0));
  const privilege = streams.map((s) => privilegeOf({ name: s.name, op: s.op }, model));
  const adminOnly = privilege.filter((p) => p.least_scopes.length > 0 && p.least_scopes.every((s) => p.flagged.some((f) => f.scope === s && f.why === 'admin')));

  const reasons: string[] = [];
  for (const c of checks) if (!c.passed) reasons.push(`${c.id}: ${c.reason}`);
  if (auth.type === 'none') reasons.push('no authentication scheme: a connector cannot be proven against the real vendor');
  for (const p of adminOnly) reasons.push(`${p.stream} can only be read with admin scopes (${p.least_scopes.join(', ')})`);
  const manual = score < GENERATE_THRESHOLD || auth.type === 'none' || adminOnly.length > 0;
  if (!reasons.length) reasons.push('response schemas, pagination, auth, errors and rate limits are documented');
  return { score, verdict: manual ? 'manual-build-recommended' : 'generate', reasons, checks, privilege };
}
