import type { ConnectorSlots } from '../../templates/slots/connector.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';

/** The plan's decisions without their evidence: exactly the values the templates' slots take. */
export function slotsFromPlan(plan: ConnectorPlan): ConnectorSlots {
  // The docs' 429 reading, on every stream (the API's, not one operation's); only when it says something the retry template reads.
  const rl = plan.rate_limit;
  const rateLimit = rl && (rl.waits.length || rl.max_wait_ms !== null) ? { rate_limit: { waits: rl.waits.map((w) => ({ header: w.header, unit: w.unit })), max_wait_ms: rl.max_wait_ms } } : {};
  return {
    vendor: plan.vendor,
    tenant_variables: Object.keys(plan.tenant_variables),
    streams: plan.streams.map((s) => {
      const { evidence: _e, confidence: _c, ...pagination } = s.pagination;
      return {
        name: s.name,
        kind: s.kind,
        operation_id: s.operation_id,
        path: s.path,
        path_params: s.path_params,
        query: s.query,
        query_variables: s.query_variables,
        headers: s.headers,
        items_path: s.items_path,
        // Only a map says so: a plan of lists renders the slots it rendered before maps were read.
        ...(s.items_container === 'map' ? { items_container: 'map' as const, map_key_field: s.map_key_field ?? null } : {}),
        empty: s.empty,
        pagination,
        mapping: Object.fromEntries(Object.entries(s.mapping).map(([field, m]) => [field, { path: m.path, transform: m.transform, ...(m.values ? { values: m.values } : {}) }])),
        ...(s.kind_from ? { kind_from: { path: s.kind_from.path, values: s.kind_from.values } } : {}),
        parent: s.parent,
        ...(s.container ? { container: true } : {}),
        // Only a link stream says so: a plan of identity lists renders the slots it rendered before.
        ...(s.link ? { link: s.link } : {}),
        ...rateLimit,
      };
    }),
  };
}
