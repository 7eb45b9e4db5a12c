import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingest } from '../../agent/ingest/ingest.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import type { ConnectorPlan, Stream } from '../../agent/plan/connector-plan.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';

/** The real vendor descriptions live in shared/vendor-docs beside the repository (never edited). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const VENDOR_DOCS = process.env.FETCHWRIGHT_VENDOR_DOCS ?? path.resolve(REPO_ROOT, '../shared/vendor-docs');

export function vendorDoc(name: string): string {
  const p = path.join(VENDOR_DOCS, name);
  if (!existsSync(p)) throw new Error(`real vendor docs not found at ${p}: clone the project with shared/ beside it, or set FETCHWRIGHT_VENDOR_DOCS`);
  return p;
}

const cache = new Map<string, Promise<{ model: ApiModel; plan: ConnectorPlan }>>();

/** Ingests and plans a real description once per test file. */
export function planOf(name: string): Promise<{ model: ApiModel; plan: ConnectorPlan }> {
  let entry = cache.get(name);
  if (!entry) {
    entry = ingest(vendorDoc(name)).then((model) => ({ model, plan: planHeuristically(model) }));
    cache.set(name, entry);
  }
  return entry;
}

export function streamAt(plan: ConnectorPlan, path: string): Stream {
  const s = plan.streams.find((x) => x.path === path);
  if (!s) throw new Error(`no stream for ${path}; streams: ${plan.streams.map((x) => x.path).join(', ')}`);
  return s;
}
