import type { IdentityRecord, RunInput, StreamOutcome, StreamSlot } from './contract.ts';
import { FetcherError } from './errors.ts';
import { describeFinding, MAX_FINDINGS_PER_STREAM, type RuntimeFinding } from './findings.ts';
import { PageGuard } from './guards.ts';
import { host } from './host.ts';
import { getJson } from './http.ts';
import { mapRecord } from './map-record.ts';
import { firstUrl, nextUrl } from './paginators/index.ts';
import { selectRecords, troubleIn } from './select-records.ts';
import { fillPath, joinUrl, withQuery } from './url.ts';

/**
 * template fetchwright/list-stream@6 — reads every page of one list operation: request, select the
 * records (failing closed on a page of the wrong shape), map each into the canonical identity,
 * emit it once, ask the paginator for the next page under the loop guards. A child stream is the
 * same read, once per parent record. Anything that stops a read is a finding on the stream.
 */

export type OnRecord = (raw: unknown, identity: IdentityRecord) => void;

export function newOutcome(name: string): StreamOutcome {
  return { name, records: 0, duplicates_skipped: 0, unidentifiable: 0, pages: 0, requests: 0, retries: 0, waited_ms: 0, drift: {}, complete: true, error: null, findings: [], findings_total: 0 };
}

/** Records a finding on a stream: the stream is incomplete from then on. */
export function addFinding(outcome: StreamOutcome, finding: RuntimeFinding): void {
  outcome.complete = false;
  outcome.findings_total++;
  if (outcome.findings.length < MAX_FINDINGS_PER_STREAM) outcome.findings.push(finding);
  outcome.error ??= describeFinding(finding);
}

/** The finding an error thrown in a read stands for (an unexpected error is one too, never swallowed). */
export function findingOf(e: unknown, url: string | null): RuntimeFinding {
  if (e instanceof FetcherError) return e.finding;
  return { id: 'fetch-failed', url, args: { message: e instanceof Error ? e.message : String(e) } };
}

/** A 32-bit FNV-1a hash of a record as emitted: tells a record repeated across pages from a different record with the same id. */
function fingerprint(identity: IdentityRecord): number {
  const text = JSON.stringify(identity);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export async function readStream(slot: StreamSlot, input: RunInput, vendor: string, pathParams: Record<string, string>, outcome: StreamOutcome, onRecord: OnRecord): Promise<void> {
  // id → fingerprint of the record emitted under it.
  const seen = new Map<string, number>();
  const fromVariables = Object.fromEntries((slot.query_variables ?? []).map((name) => [name, input.tenant_variables[name]]));
  const base = withQuery(joinUrl(input.base_url, fillPath(slot.path, { ...slot.path_params, ...input.tenant_variables, ...pathParams })), { ...slot.query, ...fromVariables });
  const state: Record<string, number> = {};
  const guard = new PageGuard(input.max_pages_per_stream);
  const stats = { requests: 0, retries: 0, waited_ms: 0 };
  const ctx = { vendor, kind: slot.kind, stream: slot.name, operation: slot.operation_id, drift: outcome.drift };
  const empty = slot.empty ?? { no_content: false, null_items: false };
  let url: string | undefined = firstUrl(slot.pagination, base, state);
  try {
    while (url !== undefined) {
      guard.admit(url);
      const page = await getJson(url, slot.headers, input.retry, stats);
      const records = selectRecords(page, slot.items_path, empty, url, slot.items_container ?? 'array', slot.map_key_field ?? null);
      const trouble = troubleIn(page.body);
      if (trouble) addFinding(outcome, { id: 'error-in-body', url, args: { signal: trouble } });
      let fresh = 0;
      let withoutId = 0;
      let clashes = 0;
      let clash = '';
      for (const raw of records) {
        const identity = mapRecord(raw, slot.mapping, ctx);
        if (!identity) {
          withoutId++;
          continue;
        }
        // A record repeated across a page boundary is emitted once; a different record with the same id is a finding.
        const print = fingerprint(identity);
        const before = seen.get(identity.id);
        if (before !== undefined) {
          if (before === print) outcome.duplicates_skipped++;
          else {
            clashes++;
            clash ||= identity.id;
          }
          continue;
        }
        seen.set(identity.id, print);
        fresh++;
        outcome.records++;
        if (outcome.records > input.max_records) throw new FetcherError('record-cap', url, { cap: input.max_records });
        onRecord(raw, identity);
      }
      if (withoutId) {
        outcome.unidentifiable += withoutId;
        addFinding(outcome, { id: 'record-without-id', url, args: { count: withoutId, id_path: slot.mapping.id?.path ?? null } });
      }
      if (clashes) addFinding(outcome, { id: 'id-not-unique', url, args: { count: clashes, example: clash.slice(0, 80), id_path: slot.mapping.id?.path ?? null } });
      // A page of nothing but records already seen means the position did not advance.
      if (records.length > 0 && fresh === 0 && withoutId === 0 && clashes === 0) throw new FetcherError('pagination-loop', url, { detail: 'the page held only records already seen' });
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
