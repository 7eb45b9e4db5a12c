import { describe, expect, it } from 'vitest';
import { arrayOf, listOp, modelOf, openapi, USER } from '../../test/helpers/spec.ts';
import { judgeable, rateLimitValues, readRateLimit } from './read-rate-limit.ts';

/** The mock's own reading of a 429 (never the planner's): what it sends, and whether it can judge a retry's timing. */

async function reading(o: { prose?: string; on200?: Record<string, object>; on429?: Record<string, object> }) {
  const op = listOp(arrayOf(USER), o.on200 ? { headers: o.on200 } : {});
  if (o.on429) (op.get as { responses: Record<string, object> }).responses['429'] = { description: 'Too many requests.', headers: o.on429 };
  const spec = openapi({ '/users': op });
  if (o.prose) (spec.info as Record<string, unknown>).description = o.prose;
  const model = await modelOf(spec);
  return readRateLimit(model, model.operations[0]!);
}

describe('the mock reads what a 429 carries', () => {
  it('a denial names no form: "a delay, not a Unix timestamp" is sent as a delay in seconds', async () => {
    const r = await reading({ on429: { 'X-RateLimit-Reset': { description: 'Seconds until the window resets. This is a delay, not a Unix timestamp.', schema: { type: 'integer' } } } });
    expect(r.headers).toEqual([{ name: 'x-ratelimit-reset', form: 'delay-s' }]);
  });

  it('"if a 429 does not include a Retry-After, wait until X": X, not Retry-After', async () => {
    const r = await reading({ prose: '## Rate limits\n\nIf a 429 does not include a `Retry-After`, wait until `X-Quota-Reset` (epoch milliseconds) before you retry.' });
    expect(r.headers).toEqual([{ name: 'x-quota-reset', form: 'epoch-ms' }]);
    expect(judgeable(r)).toBe(true);
    const close = await reading({ prose: '## Rate limits\n\nA 429 does not send it, so wait until `X-Quota-Reset` (epoch milliseconds) before you retry.' });
    expect(close.headers).toEqual([{ name: 'x-quota-reset', form: 'epoch-ms' }]);
  });

  it('a declared reset header and the Retry-After the prose says a 429 includes: both, each in its form', async () => {
    const r = await reading({
      prose: '# Rate limit\n\nWhen the burst limit is hit, the 429 response will include a `retry-after` header to say how long to wait (in seconds).',
      on429: { 'ratelimit-limit': { schema: { type: 'integer' } }, 'ratelimit-reset': { description: 'The time when the oldest request will expire, in Unix epoch time.', schema: { type: 'integer' } } },
    });
    expect(r.headers).toEqual([
      { name: 'retry-after', form: 'delay-s' },
      { name: 'ratelimit-limit', form: 'limit' },
      { name: 'ratelimit-reset', form: 'epoch-s' },
    ]);
    const now = Date.UTC(2026, 0, 1, 0, 0, 0, 300);
    const opensAt = Date.UTC(2026, 0, 1, 0, 0, 20);
    expect(rateLimitValues(r, opensAt, now)).toEqual({ 'retry-after': '20', 'ratelimit-limit': '600', 'ratelimit-reset': String(opensAt / 1000) });
  });

  it('a wait header without a unit: sent, but no retry can be judged by it', async () => {
    const r = await reading({ on429: { 'X-RateLimit-Reset': { description: 'When the limit resets.' } } });
    expect(r.headers.find((h) => h.name === 'x-ratelimit-reset')).toEqual({ name: 'x-ratelimit-reset', form: 'unknown' });
    expect(judgeable(r)).toBe(false);
  });

  it('nothing documented: Retry-After in seconds, as RFC 9110 has it', async () => {
    const r = await reading({});
    expect(r).toEqual({ headers: [{ name: 'retry-after', form: 'delay-s' }], maxWaitMs: null });
  });

  it('the docs\' bound on the wait, in their unit; never a request budget', async () => {
    expect((await reading({ prose: '## Rate limits\n\nA 429 carries `Retry-After` in seconds; you will never wait more than 2 minutes before a retry succeeds.' })).maxWaitMs).toBe(120_000);
    expect((await reading({ prose: '## Rate limits\n\nUp to 100 requests per 60 seconds. A 429 carries `Retry-After` in seconds.' })).maxWaitMs).toBeNull();
  });
});
