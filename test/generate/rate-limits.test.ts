import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../agent/generate/generate-connector.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import { ingest } from '../../agent/ingest/ingest.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { declaredHeaders } from '../../agent/plan/declared-headers.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { compileFetcher } from '../../agent/render/compile-fetcher.ts';
import { renderFetcher } from '../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../agent/render/slots-from-plan.ts';
import { validateConnector } from '../../agent/validate/run-validation.ts';
import { runFetcher } from '../../sandbox/run-fetcher.ts';
import { createMockVendor } from '../../synthetic-data/mock-api/mock-vendor.ts';
import { RunRecord } from '../../templates/canonical.ts';
import { errorIds, errorKinds } from '../helpers/findings.ts';
import { modelOf } from '../helpers/spec.ts';
import { VENDOR_DOCS } from '../helpers/vendor-docs.ts';

/**
 * Rate limits honoured as the docs say (issue 11): field case 17 (a reset header in UTC epoch
 * seconds, no Retry-After) and variants built here — epoch milliseconds, a delay in seconds,
 * Retry-After as an HTTP date and in seconds, a header name no generic reading knows, a documented
 * maximum. Each: the plan's reading asserted; the generated connector proved against the mock (which
 * sends what the docs describe and refuses a retry before the window it announced); and run against
 * a double written here that does the same, in the connector's own (scaled) time.
 */

const CASE_17 = path.resolve(VENDOR_DOCS, '../field-cases/17-ratelimit-reset-epoch/spec.yaml');
const ORIGIN = 'https://api.quota.example';

interface Header {
  description?: string;
  schema?: object;
}

/** A one-list API whose 429 is described as `o` says: headers on the 200 and the 429, a 429 description, rate-limit prose. */
function quotaSpec(o: { prose?: string; on200?: Record<string, Header>; on429?: Record<string, Header>; about429?: string }): object {
  const users = { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string', format: 'email' }, name: { type: 'string' } } } };
  return {
    openapi: '3.0.3',
    info: { title: 'Quota Identity API', version: '1.0.0', ...(o.prose ? { description: o.prose } : {}) },
    servers: [{ url: ORIGIN }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths: {
      '/users': {
        get: {
          operationId: 'listUsers',
          summary: 'List users',
          responses: {
            '200': { description: 'The users.', ...(o.on200 ? { headers: o.on200 } : {}), content: { 'application/json': { schema: users } } },
            '401': { description: 'Missing or invalid token.' },
            '429': { description: o.about429 ?? 'Too many requests.', ...(o.on429 ? { headers: o.on429 } : {}) },
          },
        },
      },
    },
  };
}

/** How a double writes when its window opens (`opensAt`, epoch ms on a whole second), seen at `now`. */
type Announce = (opensAt: number, now: number) => Record<string, string>;

interface Variant {
  name: string;
  model: () => Promise<ApiModel>;
  waits: NonNullable<ConnectorPlan['rate_limit']>['waits'];
  max_wait_ms?: number;
  announce: Announce;
  /** The wait the double announces, ms (a whole second from the first request, rounded up). */
  window: number;
  /** What the mock's 429 carries, as the docs describe it: each header (lower-case) and a check of its value at `now`. */
  mock: Record<string, (value: string, now: number) => boolean>;
}

/** A value `ms` from `now`, give or take the whole second the window is rounded to. */
const near = (value: number, now: number, ms: number) => value >= now + ms - 50 && value <= now + ms + 1_050;

const W = 20_000;

const VARIANTS: Variant[] = [
  {
    name: '17: X-Rate-Limit-Reset in UTC epoch seconds, no Retry-After',
    model: () => ingest(CASE_17),
    waits: [{ header: 'x-rate-limit-reset', unit: 'epoch-seconds' }],
    announce: (opensAt) => ({ 'X-Rate-Limit-Reset': String(opensAt / 1000) }),
    window: W,
    mock: { 'x-rate-limit-reset': (v, now) => /^\d{10}$/.test(v) && near(Number(v) * 1000, now, W) },
  },
  {
    name: 'a reset header in UTC epoch milliseconds',
    model: () =>
      modelOf(
        quotaSpec({
          prose: '## Rate limits\n\nWhen the budget is spent the API answers 429. Wait until the time in `X-RateLimit-Reset` before retrying.',
          on200: { 'X-RateLimit-Remaining': { schema: { type: 'integer' } }, 'X-RateLimit-Reset': { description: 'When the window resets, in milliseconds since the Unix epoch.', schema: { type: 'integer' } } },
          on429: { 'X-RateLimit-Reset': { description: 'When the window resets, in milliseconds since the Unix epoch.', schema: { type: 'integer' } } },
        }),
      ),
    waits: [{ header: 'x-ratelimit-reset', unit: 'epoch-milliseconds' }],
    announce: (opensAt) => ({ 'X-RateLimit-Reset': String(opensAt) }),
    window: W,
    mock: { 'x-ratelimit-reset': (v, now) => /^\d{13}$/.test(v) && near(Number(v), now, W) }, // only the 429's own header: the remaining count is the 200's
  },
  {
    name: 'a delay in seconds in a reset header',
    model: () =>
      modelOf(
        quotaSpec({
          on429: { 'X-RateLimit-Limit': { description: 'Requests allowed per window.', schema: { type: 'integer' } }, 'X-RateLimit-Reset-After': { description: 'The number of seconds until the window resets.', schema: { type: 'number' } } },
        }),
      ),
    waits: [{ header: 'x-ratelimit-reset-after', unit: 'delay-seconds' }],
    announce: (opensAt, now) => ({ 'X-RateLimit-Limit': '100', 'X-RateLimit-Reset-After': String(Math.ceil((opensAt - now) / 1000)) }),
    window: W,
    mock: { 'x-ratelimit-limit': (v) => /^\d+$/.test(v), 'x-ratelimit-reset-after': (v, now) => /^\d{2}$/.test(v) && near(now + Number(v) * 1000, now, W) },
  },
  {
    name: 'Retry-After as an HTTP date',
    model: () => modelOf(quotaSpec({ on429: { 'Retry-After': { description: 'An HTTP-date (RFC 9110, IMF-fixdate) after which the request may be retried.', schema: { type: 'string' } } } })),
    waits: [{ header: 'retry-after', unit: 'http-date-or-seconds' }],
    announce: (opensAt) => ({ 'Retry-After': new Date(opensAt).toUTCString() }),
    window: W,
    mock: { 'retry-after': (v, now) => /GMT$/.test(v) && near(Date.parse(v), now, W) },
  },
  {
    name: 'Retry-After in seconds, named only in prose',
    model: () => modelOf(quotaSpec({ prose: '# Throttling\n\nToo many requests get a 429 response with a `Retry-After` header: the number of seconds to wait before retrying.' })),
    waits: [{ header: 'retry-after', unit: 'http-date-or-seconds' }],
    announce: (opensAt, now) => ({ 'Retry-After': String(Math.ceil((opensAt - now) / 1000)) }),
    window: W,
    mock: { 'retry-after': (v, now) => /^\d{2}$/.test(v) && near(now + Number(v) * 1000, now, W) },
  },
  {
    name: 'a header name no generic reading knows, in milliseconds',
    model: () =>
      modelOf(
        quotaSpec({
          prose: '## Rate limiting\n\nA throttled request is answered `429 Too Many Requests` without a `Retry-After` header. Its `X-Throttle-Wait-Ms` header gives the milliseconds to wait before you retry.',
          on429: { 'X-Throttle-Wait-Ms': { schema: { type: 'integer' } } },
        }),
      ),
    waits: [{ header: 'x-throttle-wait-ms', unit: 'delay-milliseconds' }],
    announce: (opensAt, now) => ({ 'X-Throttle-Wait-Ms': String(opensAt - now) }),
    window: W,
    mock: { 'x-throttle-wait-ms': (v, now) => /^\d{5}$/.test(v) && near(now + Number(v), now, W) },
  },
  {
    name: 'a documented maximum wait, below what the header asks for',
    model: () =>
      modelOf(
        quotaSpec({
          prose: '## Rate limits\n\nA 429 carries `Retry-After` in seconds. The wait never exceeds 8 seconds: retry after it.',
          on429: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } },
        }),
      ),
    waits: [{ header: 'retry-after', unit: 'http-date-or-seconds' }],
    max_wait_ms: 8_000,
    // The header asks for an hour; the docs bound the wait at 8 s, and the window does open by then.
    announce: () => ({ 'Retry-After': '3600' }),
    window: 7_000,
    mock: { 'retry-after': (v) => v === '8' },
  },
];

/** The connector's sleeps last this fraction of what it asks: the double judges its retry in the connector's own time. */
const SCALE = 0.01;

/**
 * Runs a generated fetcher against a double that answers the first request 429 with `announce`'s
 * headers for a window `window` ms long, refuses (429 again) any retry that comes before the window
 * opens in the connector's scaled time, then serves three users. Returns the run record and how
 * many retries came early.
 */
async function runAgainstWindow(plan: ConnectorPlan, fetcher: string, announce: Announce, window: number) {
  const compiled = compileFetcher(fetcher);
  if (!compiled.ok) throw new Error(compiled.message);
  const users = Array.from({ length: 3 }, (_, i) => ({ id: `u${i}`, email: `u${i}@quota.example`, name: `U ${i}` }));
  let opened: { opensAt: number; at: number; real: number } | undefined;
  let early = 0;
  const answer = (): Response => {
    if (!opened) {
      const now = Date.now();
      const opensAt = Math.ceil((now + window) / 1000) * 1000;
      opened = { opensAt, at: now, real: performance.now() };
      return Response.json({ error: 'slow down' }, { status: 429, headers: announce(opensAt, now) });
    }
    const connectorNow = opened.at + (performance.now() - opened.real) / SCALE;
    // A timer may fire a millisecond short of what was asked: 2 ms of real time, scaled, is the slack.
    if (connectorNow < opened.opensAt - 2 / SCALE) {
      early++;
      return Response.json({ error: 'slow down' }, { status: 429, headers: announce(opened.opensAt, connectorNow) });
    }
    return Response.json(users);
  };
  const result = await runFetcher({
    source: compiled.js,
    input: { base_url: plan.base_url.url.replace(/\{[^}]+\}/g, (m) => plan.base_url.variables[m.slice(1, -1)] ?? ''), tenant_variables: {}, max_pages_per_stream: 10, max_records: 1_000, retry: { max_attempts: 3, base_delay_ms: 100, max_delay_ms: 60_000 } },
    sleepScale: SCALE,
    egress: { allowedOrigins: [new URL(ORIGIN).origin, 'https://example-org.kestrel.example'], allowedHeaders: declaredHeaders(plan), allowedMethods: ['GET'], maxRequests: 100, injectAuth: () => Object.fromEntries(plan.auth.credentials.map((c) => [c.name, `${c.prefix}t0ken`])), fetchImpl: async () => answer() },
  });
  const run = RunRecord.parse(result.records.find((r) => r.type === 'run'));
  return { run, early, ids: result.records.filter((r) => r.type === 'identity').map((r) => r.id as string) };
}

function render(plan: ConnectorPlan): string {
  return renderFetcher(slotsFromPlan(plan), { vendor: plan.vendor, plan_sha256: 'a'.repeat(64), docs_sha256: plan.docs_sha256, api_model_sha256: plan.api_model_sha256 }).source;
}

describe('rate limits as the docs say', () => {
  for (const v of VARIANTS) {
    describe(v.name, () => {
      it('is planned: the header, its unit, the documented maximum, with verbatim evidence', async () => {
        const plan = planHeuristically(await v.model());
        expect(plan.rate_limit).toMatchObject({ waits: v.waits, max_wait_ms: v.max_wait_ms ?? null, unread: [] });
        expect(plan.rate_limit!.evidence.some((e) => e.quote)).toBe(true);
        expect(plan.assessment.checks.find((c) => c.id === 'rate-limits')).toMatchObject({ score: 1 });
      });

      it('passes its proof, and against a double that refuses early retries waits exactly until the window opens', async () => {
        const model = await v.model();
        const { result } = await generateConnector(model, planHeuristically(model), { seed: 1, maxAttempts: 1, force: false }).then((result) => ({ result }));
        expect(errorIds(result.scorecard)).toEqual([]);
        expect(result.scorecard.retries_exercised.rate_limited).toBeGreaterThan(0);
        const { run, early, ids } = await runAgainstWindow(result.plan, result.fetcher, v.announce, v.window);
        expect(early).toBe(0);
        expect(run.complete).toBe(true);
        expect(ids).toHaveLength(3);
        // What it waited is what the window asked, not the run's 60 s cap (a unit read 1000× too large) nor less.
        const waited = run.streams[0]!.waited_ms;
        expect(waited).toBeGreaterThan(v.window - 1_000);
        expect(waited).toBeLessThanOrEqual(v.window + 1_000);
      });
    });
  }
});

describe('the mock sends on its 429 exactly what the docs describe, and refuses a retry before the window opens', () => {
  for (const v of VARIANTS) {
    it(v.name, async () => {
      const model = await v.model();
      const op = model.operations.find((o) => o.method === 'get')!;
      const url = `${createMockVendor(model, { seed: 1 }).baseUrl}${op.path}`;
      // The connector's sleeps at full length: a retry at once is early.
      const mock = createMockVendor(model, { seed: 1, sleepScale: 1 });
      const auth = Object.fromEntries(planHeuristically(model).auth.credentials.map((c) => [c.name, `${c.prefix}${mock.credentials[c.scheme]?.value ?? ''}`]));
      const now = Date.now();
      const first = await mock.fetch(new Request(url, { headers: auth }));
      expect(first.status).toBe(429);
      const sent = Object.fromEntries([...first.headers].filter(([name]) => name !== 'content-type' && name !== 'content-length'));
      expect(Object.keys(sent).sort()).toEqual(Object.keys(v.mock).sort());
      for (const [name, ok] of Object.entries(v.mock)) expect(ok(sent[name]!, now), `${name}: ${sent[name]}`).toBe(true);
      const again = await mock.fetch(new Request(url, { headers: auth }));
      expect(again.status).toBe(429);
      expect(mock.calls.map((c) => c.outcome)).toEqual(['fault-429', 'retry-too-early']);
      // Sleeps scaled to nothing: the connector's time runs ahead of real time, and a retry a moment later comes after the window.
      const fast = createMockVendor(model, { seed: 1, sleepScale: 1e-9 });
      await fast.fetch(new Request(url, { headers: auth }));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const later = await fast.fetch(new Request(url, { headers: auth }));
      expect(later.status).toBe(200);
    });
  }
});

describe('a connector that does not honour the documented header fails its proof', () => {
  it('ignoring an unusual header (the generic reading alone): the mock refuses its early retries', async () => {
    const variant = VARIANTS.find((v) => v.waits[0]!.header === 'x-throttle-wait-ms')!;
    const model = await variant.model();
    const plan = planHeuristically(model);
    const { rate_limit: _dropped, ...generic } = plan;
    // At a tenth of its waits, the fetcher's own delays between requests cannot add up to the window, however loaded the machine.
    const card = await validateConnector({ model, plan: generic, fetcherSource: render(generic), seed: 1, sleepScale: 0.1 });
    expect(card.verdict).toBe('fail');
    expect(errorKinds(card)).toEqual(expect.arrayContaining(['rate-limited', 'records-missing']));
  });

  it('17 read in the wrong unit (milliseconds for seconds): it retries at once, and the mock refuses', async () => {
    const model = await ingest(CASE_17);
    const plan = planHeuristically(model);
    const wrong: ConnectorPlan = { ...plan, rate_limit: { ...plan.rate_limit!, waits: [{ header: 'x-rate-limit-reset', unit: 'epoch-milliseconds' }] } };
    const card = await validateConnector({ model, plan: wrong, fetcherSource: render(wrong), seed: 1, sleepScale: 0.1 });
    expect(card.verdict).toBe('fail');
    expect(errorKinds(card)).toEqual(expect.arrayContaining(['rate-limited', 'records-missing']));
  });
});
