import { describe, expect, it } from 'vitest';
import { renderPlan } from '../cli/render-plan.ts';
import { checkQuotes } from '../docs-view/quote-check.ts';
import { slotsFromPlan } from '../render/slots-from-plan.ts';
import { arrayOf, listOp, modelOf, openapi, USER } from '../../test/helpers/spec.ts';
import { planOf } from '../../test/helpers/vendor-docs.ts';
import { planHeuristically } from './heuristic-planner.ts';
import { readRateLimit } from './rate-limit.ts';

/**
 * The planner's reading of what a 429 tells the client (agent/plan/rate-limit.ts): which header says
 * when to retry, in which unit, the documented maximum — and what it refuses to guess.
 */

const bearer = { components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }, security: [{ bearer: [] }] };

/** An API with one list whose 200 and 429 responses declare `on200` / `on429` headers, described by `prose`. */
function api(o: { prose?: string; on200?: Record<string, object>; on429?: Record<string, object> | null; about429?: string }) {
  const op = listOp(arrayOf(USER), o.on200 ? { headers: o.on200 } : {});
  const get = op.get as { responses: Record<string, object> };
  if (o.on429 !== null) get.responses['429'] = { description: o.about429 ?? 'Too many requests.', ...(o.on429 ? { headers: o.on429 } : {}) };
  const spec = openapi({ '/users': op }, bearer);
  if (o.prose) (spec.info as Record<string, unknown>).description = o.prose;
  return modelOf(spec);
}

const rateCheck = (plan: ReturnType<typeof planHeuristically>) => plan.assessment.checks.find((c) => c.id === 'rate-limits')!;

describe('readRateLimit', () => {
  it('a denial names no unit: "a delay, not a Unix timestamp" is a delay in seconds', async () => {
    const model = await api({ on429: { 'X-RateLimit-Reset': { description: 'Seconds until the window resets. This is a delay, not a Unix timestamp.', schema: { type: 'integer' } } } });
    expect(readRateLimit(model, model.operations)?.waits).toEqual([{ header: 'x-ratelimit-reset', unit: 'delay-seconds' }]);
  });

  it('keeps out a header the prose says a 429 comes without, and takes the one it names instead', async () => {
    const model = await api({ prose: '## Rate limits\n\nA 429 comes without a `Retry-After` header. Wait until `X-Quota-Reset`, the UTC epoch seconds at which the quota resets.' });
    expect(readRateLimit(model, model.operations)).toMatchObject({ waits: [{ header: 'x-quota-reset', unit: 'epoch-seconds' }], max_wait_ms: null, unread: [] });
  });

  it('reads "if there is no Retry-After, wait until X" as no Retry-After, not as no X', async () => {
    const model = await api({ prose: '## Rate limits\n\nIf a 429 does not include a `Retry-After`, wait until `X-Quota-Reset` (epoch milliseconds) before you retry.' });
    expect(readRateLimit(model, model.operations)?.waits).toEqual([{ header: 'x-quota-reset', unit: 'epoch-milliseconds' }]);
  });

  it('puts an explicit delay the 429 carries before a reset time the responses carry', async () => {
    const model = await api({
      prose: '# Rate limit\n\nEvery response carries `ratelimit-reset`.\n\nWhen the burst limit is hit, the 429 response will include a `retry-after` header to say how long to wait (in seconds).',
      on200: { 'ratelimit-reset': { description: 'The time when the oldest request will expire, in Unix epoch time.', schema: { type: 'integer' } } },
    });
    expect(readRateLimit(model, model.operations)?.waits).toEqual([
      { header: 'retry-after', unit: 'http-date-or-seconds' },
      { header: 'ratelimit-reset', unit: 'epoch-seconds' },
    ]);
  });

  it('reads the unit from a documented example when the words give none', async () => {
    const model = await api({ on429: { 'X-RateLimit-Reset': { schema: { type: 'integer', example: 1767225600000 } } } });
    expect(readRateLimit(model, model.operations)?.waits).toEqual([{ header: 'x-ratelimit-reset', unit: 'epoch-milliseconds' }]);
  });

  it('never takes a count (remaining, limit) for a wait', async () => {
    const model = await api({ on429: { 'X-RateLimit-Limit': { description: 'Requests allowed per window; the window resets every minute.', schema: { type: 'integer' } }, 'X-RateLimit-Remaining': { description: 'Requests left in the window, until it resets.', schema: { type: 'integer' } }, 'X-Retry-Limit': { description: 'How many times one request may be retried.', schema: { type: 'integer' } } } });
    expect(readRateLimit(model, model.operations)).toMatchObject({ waits: [], unread: [] });
  });

  it('does not take a request budget for a bound on the wait, and reads a bound in minutes', async () => {
    const budget = await api({ prose: '## Rate limits\n\nUp to 100 requests per 60 seconds. A 429 carries `Retry-After` in seconds.' });
    expect(readRateLimit(budget, budget.operations)).toMatchObject({ waits: [{ header: 'retry-after' }], max_wait_ms: null });
    const bounded = await api({ prose: '## Rate limits\n\nA 429 carries `Retry-After` in seconds; you will never wait more than 2 minutes before a retry succeeds.' });
    expect(readRateLimit(bounded, bounded.operations)?.max_wait_ms).toBe(120_000);
  });

  it('says nothing when the docs say nothing of rate limits', async () => {
    const model = await api({ on429: null });
    expect(readRateLimit(model, model.operations)).toBeUndefined();
    const plan = planHeuristically(model);
    expect(plan.rate_limit).toBeUndefined();
    expect(slotsFromPlan(plan).streams[0]!.rate_limit).toBeUndefined();
    expect(rateCheck(plan)).toMatchObject({ score: 0 });
  });
});

describe('what the runtime cannot honour is not guessed, and not credited fully', () => {
  it('a reset header without a unit: listed as unread, the generic reading applies, half credit saying why', async () => {
    const model = await api({ on429: { 'X-RateLimit-Reset': { description: 'When the limit resets.', schema: { type: 'integer' } } } });
    const plan = planHeuristically(model);
    expect(plan.rate_limit).toMatchObject({ waits: [], max_wait_ms: null, unread: ['X-RateLimit-Reset: the docs do not say in which unit'] });
    expect(slotsFromPlan(plan).streams[0]!.rate_limit).toBeUndefined();
    expect(rateCheck(plan).score).toBe(0.5);
    expect(rateCheck(plan).reason).toMatch(/not something the runtime can honour \(X-RateLimit-Reset: the docs do not say in which unit\)/);
    expect(renderPlan(plan).replace(/\n {12}/g, ' ')).toMatch(/^rate limits {1}no header the docs name says when a 429 may be retried: Retry-After if sent, else exponential backoff; not read: X-RateLimit-Reset: the docs do not say in which unit$/m);
  });

  it('a bound under a millisecond (hostile or careless docs) is no bound: the slot the plan renders stays valid', async () => {
    const model = await api({ about429: 'Too many requests. Wait as `Retry-After` says; the wait is at most 0.4 ms.', on429: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } });
    const plan = planHeuristically(model);
    expect(plan.rate_limit).toMatchObject({ waits: [{ header: 'retry-after' }], max_wait_ms: null });
    expect(() => slotsFromPlan(plan)).not.toThrow();
    const ms = await api({ about429: 'Too many requests. Wait as `Retry-After` says; the wait is at most 0.6 ms.', on429: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } });
    expect(readRateLimit(ms, ms.operations)?.max_wait_ms).toBe(1);
  });

  it('a header name that is no HTTP header name (hostile data) is never a slot', async () => {
    const model = await api({ on429: { 'Retry After Seconds': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } } });
    const plan = planHeuristically(model);
    expect(plan.rate_limit).toMatchObject({ waits: [], unread: ['Retry After Seconds: not an HTTP header name'] });
    expect(rateCheck(plan).score).toBe(0.5);
  });

  it('a 429 documented with no header that says when: three quarters, the connector backs off', async () => {
    const plan = planHeuristically(await api({}));
    expect(plan.rate_limit).toMatchObject({ waits: [], unread: [] });
    expect(rateCheck(plan)).toMatchObject({ score: 0.75, passed: true });
    expect(rateCheck(plan).reason).toMatch(/name no header that says when a 429 may be retried: the connector backs off exponentially/);
  });

  it('a header it reads: full credit, the slot on every stream, and every quote the docs\' own', async () => {
    const model = await api({ on429: { 'X-Throttle-Wait-Ms': { description: 'Milliseconds to wait before retrying.', schema: { type: 'integer' } } } });
    const plan = planHeuristically(model);
    expect(rateCheck(plan)).toMatchObject({ score: 1 });
    expect(rateCheck(plan).reason).toMatch(/x-throttle-wait-ms \(milliseconds to wait\)/);
    expect(slotsFromPlan(plan).streams.map((s) => s.rate_limit)).toEqual(plan.streams.map(() => ({ waits: [{ header: 'x-throttle-wait-ms', unit: 'delay-milliseconds' }], max_wait_ms: null })));
    expect(plan.rate_limit!.evidence.find((e) => e.quote)).toMatchObject({ quote: 'Milliseconds to wait before retrying.', source: { pointer: '/paths/~1users/get/responses/429' } });
    expect(checkQuotes(plan, model)).toEqual([]);
    expect(renderPlan(plan)).toMatch(/^rate limits {1}a 429 waits as x-throttle-wait-ms says \(milliseconds to wait\)$/m);
  });
});

describe('real descriptions', () => {
  it('DigitalOcean: the retry-after its prose says a burst 429 carries (seconds), else the ratelimit-reset its 429 declares (Unix epoch time)', async () => {
    const { plan } = await planOf('digitalocean.yaml');
    expect(plan.rate_limit).toMatchObject({ waits: [{ header: 'retry-after', unit: 'http-date-or-seconds' }, { header: 'ratelimit-reset', unit: 'epoch-seconds' }], max_wait_ms: null, unread: [] });
    expect(rateCheck(plan).score).toBe(1);
  });

  it('Okta: 429s documented with no header: the generic reading, three quarters', async () => {
    const { plan } = await planOf('okta.yaml');
    expect(plan.rate_limit).toMatchObject({ waits: [], unread: [] });
    expect(rateCheck(plan).score).toBe(0.75);
  });
});
