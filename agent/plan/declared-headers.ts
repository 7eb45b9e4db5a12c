import type { ConnectorPlan } from './connector-plan.ts';

/**
 * The request headers a connector may send, as the egress gate's `allowedHeaders`: the union of the
 * plan's streams' fixed headers (`streams[].headers`), by name, with every value the plan gives each
 * one. The gate adds `Accept: application/json` (what the runtime always sends) and removes anything
 * else the fetcher sets, as a violation.
 */
export function declaredHeaders(plan: Pick<ConnectorPlan, 'streams'>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const stream of plan.streams) {
    for (const [name, value] of Object.entries(stream.headers)) {
      const values = (out[name] ??= []);
      if (!values.includes(value)) values.push(value);
    }
  }
  return out;
}
