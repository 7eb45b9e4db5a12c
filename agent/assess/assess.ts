import type { ApiModel, Operation } from '../ingest/api-model.ts';
import type { Assessment, AuthPlan, Evidence, RateLimitPlan, Stream } from '../plan/connector-plan.ts';
import { excerpt, quoted, reasoned } from '../plan/evidence.ts';
import { readRateLimit } from '../plan/rate-limit.ts';
import { successResponse } from '../plan/response-body.ts';
import { privilegeOf, recordFieldsRead } from './privilege.ts';
import { count } from '../english.ts';

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
  /** `mapping` and `parent` say which record fields the connector reads: the least scopes follow from them. */
  streams: (Pick<Stream, 'name' | 'pagination'> & Partial<Pick<Stream, 'mapping' | 'parent'>> & { op: Operation; documented: boolean })[];
  auth: AuthPlan;
  /** The plan's reading of what a 429 tells the client (agent/plan/rate-limit.ts); read here when not given. */
  rateLimit?: RateLimitPlan | undefined;
}

function check(id: Check['id'], score: number, reason: string, evidence: Evidence[]): Check {
  return { id, score: Math.round(score * 100) / 100, passed: score >= 0.5, reason, evidence: evidence.slice(0, 5) };
}

const RATE_HEADER = /ratelimit|rate-limit|retry-after/i;
const RATE_WORDS = /rate[ -]?limit|throttl|\b429\b|too many requests|retry-after|x-ratelimit/i;
const ERROR_WORDS = /\berror (code|response|object|format|message)s?\b|\bstatus codes?\b|\b(4\d\d|5\d\d)\b/i;
const isError = (status: string) => /^[45]|default/i.test(status);

/** An operation's first error response: its description, else its status. */
function errorEvidence(op: Operation): Evidence {
  const statuses = op.responses.filter((r) => isError(r.status)).map((r) => r.status);
  const first = op.responses.find((r) => isError(r.status))!;
  return quoted(first.source, first.description ? excerpt(first.description) : first.status, `${op.id} documents its error responses (${statuses.join(', ')})`);
}

/** The rate-limit header an operation's response declares, else its 429 response. */
function rateEvidence(op: Operation): Evidence {
  for (const r of op.responses) {
    const header = r.headers.find((h) => RATE_HEADER.test(h.name));
    if (header) return quoted(r.source, header.name, `${op.id} declares the rate-limit header ${header.name}`);
  }
  const r = op.responses.find((x) => x.status === '429')!;
  return quoted(r.source, r.description ? excerpt(r.description) : r.status, `${op.id} documents a 429 (too many requests) response`);
}

const UNIT_WORDS: Record<RateLimitPlan['waits'][number]['unit'], string> = {
  'http-date-or-seconds': 'seconds or an HTTP date',
  'delay-seconds': 'seconds to wait',
  'delay-milliseconds': 'milliseconds to wait',
  'epoch-seconds': 'UTC epoch seconds',
  'epoch-milliseconds': 'UTC epoch milliseconds',
};

/**
 * The rate-limits check credits what the retry template can honour: full when the docs name a header
 * that says when a 429 may be retried, in a unit it reads (the plan's `rate_limit.waits`); half when
 * they name one it cannot read (no unit, not a header name) — the connector then guesses; three
 * quarters when they document rate limits but name no such header — it backs off exponentially,
 * honouring a `Retry-After` if one comes; nothing when the docs say nothing of rate limits.
 */
function rateCheck(reading: RateLimitPlan | undefined, ops: number, prose: number, cited: Evidence[]): Check {
  if (!reading && !ops && !prose) return check('rate-limits', 0, 'the docs say nothing about rate limits; the connector falls back to generic 429 handling', []);
  const documented = `${count(ops, 'operation')} with 429 or rate-limit headers${prose ? ', and in prose' : ''}`;
  const bound = reading?.max_wait_ms ? `, at most ${reading.max_wait_ms / 1000} s as the docs say` : '';
  const evidence = [...(reading?.evidence ?? []), ...cited];
  if (reading?.waits.length) {
    const unread = reading.unread.length ? `; not read: ${reading.unread.join('; ')}` : '';
    return check('rate-limits', 1, `the docs say when a 429 may be retried — ${reading.waits.map((w) => `${w.header} (${UNIT_WORDS[w.unit]})`).join(', else ')} — and the connector waits until then${bound}${unread}`, evidence);
  }
  if (reading?.unread.length) {
    return check('rate-limits', 0.5, `rate limiting is documented (${documented}), but what the docs say of when to retry is not something the runtime can honour (${reading.unread.join('; ')}): the connector falls back to generic backoff${bound}`, evidence);
  }
  return check('rate-limits', 0.75, `rate limiting is documented (${documented}), but the docs name no header that says when a 429 may be retried: the connector backs off exponentially, honouring a Retry-After if one is sent${bound}`, evidence);
}

/**
 * The assessment of the docs behind a plan's streams and auth: five checks (each with the evidence
 * it rests on, quoted from the docs where there are words to quote), a 0–100 score, the verdict and
 * its reasons, and the least privilege per stream. Never throws.
 */
export function assess({ model, streams, auth, rateLimit }: AssessInput): Assessment {
  const n = Math.max(1, streams.length);
  const ops = streams.map((s) => s.op);

  const documented = streams.filter((s) => s.documented);
  // Web-page docs print responses and declare no schema: example-only docs, credited for what the examples show (schemas are inferred from them).
  const exampleOnly = model.format === 'web-pages' ? streams.filter((s) => !s.documented && (successResponse(s.op)?.examples.length ?? 0) > 0) : [];
  const schemas = check(
    'response-schemas',
    (documented.length + 0.75 * exampleOnly.length) / n,
    exampleOnly.length
      ? `example-only docs: ${exampleOnly.length} of ${count(streams.length, 'identity operation')} known from the responses the pages print (their schemas inferred from those examples)${documented.length ? `, ${documented.length} documented` : ''}`
      : `${documented.length} of ${count(streams.length, 'identity operation')} ${documented.length === 1 ? 'documents' : 'document'} their response schema${documented.length < streams.length ? '; the rest are known only from examples' : ''}`,
    [...documented.map((s) => reasoned(successResponse(s.op)?.source ?? s.op.source, `${s.name}: the success response of GET ${s.op.path} documents its schema`)), ...exampleOnly.map((s) => reasoned(successResponse(s.op)!.source, `${s.name}: the page prints what GET ${s.op.path} answers`))],
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
    `${withErrors.length} of ${count(streams.length, 'operation')} ${withErrors.length === 1 ? 'documents' : 'document'} error responses${errorProse.length ? '; the docs describe errors in prose' : ''}`,
    [...withErrors.slice(0, 3).map(errorEvidence), ...errorProse.slice(0, 2).map((p) => quoted(p.source, excerpt(p.text, ERROR_WORDS), 'the docs describe errors in prose'))],
  );

  const rateOps = model.operations.filter((op) => op.responses.some((r) => r.status === '429' || r.headers.some((h) => RATE_HEADER.test(h.name))));
  // The connector's own operations are cited first: their evidence is what a reviewer checks.
  const cited = [...rateOps.filter((op) => ops.includes(op)), ...rateOps.filter((op) => !ops.includes(op))];
  const rateProse = model.prose.filter((p) => p.topics.includes('rate_limit'));
  const reading = rateLimit ?? readRateLimit(model, ops);
  const rate = rateCheck(reading, rateOps.length, rateProse.length, [...cited.slice(0, 2).map(rateEvidence), ...rateProse.slice(0, 2).map((p) => quoted(p.source, excerpt(p.text, RATE_WORDS), 'the docs describe rate limits in prose'))]);

  const checks = [schemas, pagination, authCheck, errors, rate];
  const score = Math.round(checks.reduce((sum, c) => sum + c.score * WEIGHTS[c.id], 0));
  const privilege = streams.map((s) => privilegeOf({ name: s.name, op: s.op, ...(s.mapping ? { fields: recordFieldsRead({ name: s.name, mapping: s.mapping }, streams.map((x) => ({ parent: x.parent ?? null }))) } : {}) }, model, auth));
  const adminOnly = privilege.filter((p) => p.least_scopes.length > 0 && p.least_scopes.every((s) => p.flagged.some((f) => f.scope === s && f.why === 'admin')));

  const reasons: string[] = [];
  for (const c of checks) if (!c.passed) reasons.push(`${c.id}: ${c.reason}`);
  if (auth.type === 'none') reasons.push('no authentication scheme: a connector cannot be proven against the real vendor');
  for (const p of adminOnly) reasons.push(`${p.stream} can only be read with admin scopes (${p.least_scopes.join(', ')})`);
  const manual = score < GENERATE_THRESHOLD || auth.type === 'none' || adminOnly.length > 0;
  if (!reasons.length) reasons.push('response schemas, pagination, auth, errors and rate limits are documented');
  return { score, verdict: manual ? 'manual-build-recommended' : 'generate', reasons, checks, privilege };
}
