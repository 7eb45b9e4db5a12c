import type { IdentityRecord, StreamOutcome } from '../canonical.ts';
import type { RunInput, StreamSlot } from '../slots/connector.ts';
import { FetcherError } from './errors.ts';
import { PageGuard } from './guards.ts';
import { host } from './host.ts';
import { getJson } from './http.ts';
import { mapRecord } from './map-record.ts';
import { firstUrl, nextUrl } from './paginators/index.ts';
import { selectRecords } from './select-records.ts';
import { fillPath, joinUrl, withQuery } from './url.ts';

/**
 * template fetchwright/list-stream@1 — reads every page of one list operation: request, select the
 * records, map each into the canonical identity, emit it once, ask the paginator for the next page
 * under the loop guards. A child stream is the same read, once per parent record.
 */

export type OnRecord = (raw: unknown, identity: IdentityRecord) => void;

export function newOutcome(name: string): StreamOutcome {
  return { name, records: 0, duplicates_skipped: 0, unidentifiable: 0, pages: 0, requests: 0, retries: 0, waited_ms: 0, drift: {}, complete: true, error: null };
}

export async function readStream(slot: StreamSlot, input: RunInput, vendor: string, pathParams: Record<string, string>, outcome: StreamOutcome, onRecord: OnRecord): Promise<void> {
  const fromVariables = Object.fromEntries((slot.query_variables ?? []).map((name) => [name, input.tenant_variables[name]]));
  const base = withQuery(joinUrl(input.base_url, fillPath(slot.path, { ...slot.path_params, ...input.tenant_variables, ...pathParams })), { ...slot.query, ...fromVariables });
  const state: Record<string, number> = {};
  const guard = new PageGuard(slot.name, input.max_pages_per_stream);
  const stats = { requests: 0, retries: 0, waited_ms: 0 };
  const seen = new Set<string>();
  const ctx = { vendor, kind: slot.kind, stream: slot.name, operation: slot.operation_id, drift: outcome.drift };
  let url: string | undefined = firstUrl(slot.pagination, base, state);
  try {
    while (url !== undefined) {
      guard.admit(url);
      const page = await getJson(url, slot.headers, input.retry, stats);
      const { records, drift } = selectRecords(page.body, slot.items_path);
      if (drift) outcome.drift.items_path = (outcome.drift.items_path ?? 0) + 1;
      let fresh = 0;
      for (const raw of records) {
        const identity = mapRecord(raw, slot.mapping, ctx);
        if (!identity) {
          outcome.unidentifiable++;
          continue;
        }
        // A record repeated across a page boundary is emitted once.
        if (seen.has(identity.id)) {
          outcome.duplicates_skipped++;
          continue;
        }
        seen.add(identity.id);
        fresh++;
        outcome.records++;
        if (outcome.records > input.max_records) throw new FetcherError('page-cap', `stream ${slot.name}: more than ${input.max_records} records; stopped`);
        onRecord(raw, identity);
      }
      // A page of nothing but records already seen means the position did not advance.
      if (records.length > 0 && fresh === 0 && outcome.unidentifiable === 0) {
        throw new FetcherError('loop', `stream ${slot.name}: ${url} returned only records already seen — the pagination parameter was not understood, so the fetcher stopped instead of looping`);
      }
      url = nextUrl(slot.pagination, { page, records, requestUrl: url }, state);
    }
  } finally {
    outcome.pages += guard.pageCount;
    outcome.requests += stats.requests;
    outcome.retries += stats.retries;
    outcome.waited_ms += stats.waited_ms;
  }
  host().log(`stream ${slot.name}: ${outcome.records} records so far, ${outcome.pages} pages`);
}
