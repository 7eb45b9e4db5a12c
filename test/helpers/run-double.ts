import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { declaredHeaders } from '../../agent/plan/declared-headers.ts';
import { compileFetcher } from '../../agent/render/compile-fetcher.ts';
import { runFetcher } from '../../sandbox/run-fetcher.ts';
import { RunRecord } from '../../templates/canonical.ts';

/**
 * Runs a generated fetcher against a test double written by hand from the docs (`answer`, called
 * with each request's URL and the request's headers), on loopback terms: only the double's origin
 * is allowed, with the plan's declared headers, GET only, no sleeping. Returns the run record, the
 * ids of the identities emitted (in order) and every URL requested.
 */
export async function runAgainstDouble(plan: ConnectorPlan, fetcher: string, baseUrl: string, answer: (url: URL) => Response, options: { tenant?: Record<string, string> } = {}) {
  const compiled = compileFetcher(fetcher);
  if (!compiled.ok) throw new Error(compiled.message);
  const requested: URL[] = [];
  const result = await runFetcher({
    source: compiled.js,
    input: { base_url: baseUrl, tenant_variables: options.tenant ?? {}, max_pages_per_stream: 100, max_records: 100_000, retry: { max_attempts: 2, base_delay_ms: 0, max_delay_ms: 0 } },
    sleepScale: 0,
    egress: {
      allowedOrigins: [new URL(baseUrl).origin],
      allowedHeaders: declaredHeaders(plan),
      allowedMethods: ['GET'],
      maxRequests: 1_000,
      injectAuth: () => Object.fromEntries(plan.auth.credentials.map((c) => [c.name, `${c.prefix}t0ken`])),
      fetchImpl: async (r) => {
        const url = new URL(r.url);
        requested.push(url);
        return answer(url);
      },
    },
  });
  return {
    run: RunRecord.parse(result.records.find((r) => r.type === 'run')),
    ids: result.records.filter((r) => r.type === 'identity').map((r) => r.id as string),
    requested,
  };
}
