import { hashJson } from '../hash.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';

/**
 * The branch a plan is proposed on: `fetchwright/<vendor>-<first 8 hex of the plan's sha256>` —
 * one branch per plan, so proposing the same plan twice is refused as `branch-exists`.
 */
export function branchFor(plan: ConnectorPlan): string {
  return `fetchwright/${plan.vendor}-${hashJson(plan).slice(0, 8)}`;
}
