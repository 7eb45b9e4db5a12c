import type { IdentityRecord, RunInput, StreamOutcome, StreamSlot } from './contract.ts';
import { FetcherError } from './errors.ts';
import { describeFinding, MAX_FINDINGS_PER_STREAM, type RuntimeFinding } from './findings.ts';
import { PageGuard } from './guards.ts';
import { host } from './host.ts';
import { getJson, type Page } from './http.ts';
import { recordMapper, type RecordMapper } from './map-record.ts';
import { firstUrl, nextUrl } from './paginators/index.ts';
import { selectRecords, troubleIn } from './select-records.ts';
import { fillPath, joinUrl, withQuery } from './url.ts';

/**
 * template fetchwright/list-stream@9 — reads every page of one list operation: request, select the
 * records (failing closed on a page of the wrong shape), map each into the canonical identity,
 * emit it once, ask the paginator for the next page under the loop guards. A child stream is the
 * same read, once per parent record. Anything that stops a read is a finding on the stream. The next
 * page is requested while this one's records are emitted, never when this page could end the read.
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

/** One unit of a fingerprint's input: a text, `null`, or a count (a list's length). */
type PrintPart = string | null | number;

/**
 * One 32-bit hash of the parts: FNV-1a when `rotate` is false, else a multiply-rotate mix (the
 * multiplier and seed told apart too). Each part is fed unambiguously: a tag, a string's length,
 * then its UTF-16 units. Finished with Murmur3's avalanche.
 */
function lane(parts: readonly PrintPart[], seed: number, multiplier: number, rotate: boolean): number {
  let h = seed;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    const tag = part === null ? 0x10000 : typeof part === 'number' ? 0x20000 + part : 0x30000 + part.length;
    h = Math.imul(h ^ tag, multiplier);
    if (rotate) h = (h << 13) | (h >>> 19);
    if (typeof part !== 'string') continue;
    for (let i = 0; i < part.length; i++) {
      h = Math.imul(h ^ part.charCodeAt(i), multiplier);
      if (rotate) h = (h << 13) | (h >>> 19);
    }
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A 53-bit fingerprint of a record as emitted (two independent 32-bit hashes, 32 + 21 bits of them:
 * a JavaScript number holds that exactly): tells a record repeated across pages from a different
 * record with the same id, without keeping the record — memory stays one number per id. Not
 * cryptographic: the vendor controls the responses (it can leave a record out anyway), so this guards
 * against accidental inconsistency, not a crafted collision. Every field a stream's records can differ
 * in is hashed; `type`, `kind`, `vendor` and the source's stream and operation are the stream's own.
 */
function fingerprint(identity: IdentityRecord): number {
  const scopes: PrintPart[] = identity.scopes === null ? [null] : [identity.scopes.length, ...identity.scopes];
  const parts: PrintPart[] = [identity.id, identity.display_name, identity.email, identity.status, identity.owner_id, ...scopes, identity.created_at, identity.last_used_at, identity.expires_at, identity.source.raw_id];
  return lane(parts, 0x811c9dc5, 0x01000193, false) * 0x200000 + (lane(parts, 0x9747b28c, 0x5bd1e995, true) >>> 11);
}

/**
 * Reads one list (`pathParams` fill the path for a child read) into `outcome`, calling `onRecord` for
 * each new record in order. Throws a FetcherError (or what mapping a record threw) when the read stops
 * early; the records before that point have been passed to `onRecord`. `mapper` keys the records
 * (the slot's mapping unless given: a link stream's records are keyed by `link-records`' mapper,
 * whose `idPath` names the fields a record without a key lacks).
 */
export async function readStream(slot: StreamSlot, input: RunInput, vendor: string, pathParams: Record<string, string>, outcome: StreamOutcome, onRecord: OnRecord, mapper?: RecordMapper & { idPath: string }): Promise<void> {
  // id → fingerprint of the record emitted under it.
  const seen = new Map<string, number>();
  const fromVariables = Object.fromEntries((slot.query_variables ?? []).map((name) => [name, input.tenant_variables[name]]));
  // A parent's value the docs take in the query (`?squad=…`) rather than the path.
  const fromParent = slot.parent?.in === 'query' ? pathParams : {};
  const base = withQuery(joinUrl(input.base_url, fillPath(slot.path, { ...slot.path_params, ...input.tenant_variables, ...pathParams })), { ...slot.query, ...fromVariables, ...fromParent });
  const state: Record<string, number> = {};
  const guard = new PageGuard(input.max_pages_per_stream);
  const stats = { requests: 0, retries: 0, waited_ms: 0 };
  const ctx = { vendor, kind: slot.kind, stream: slot.name, operation: slot.operation_id, drift: outcome.drift };
  const empty = slot.empty ?? { no_content: false, null_items: false };
  const mapRecord = mapper ?? recordMapper(slot.mapping, slot.kind_from);
  const idPath = mapper ? mapper.idPath : (slot.mapping.id?.path ?? null);
  let url: string | undefined = firstUrl(slot.pagination, base, state);
  let firstPage = true;
  // The page at `url`, when it was requested before the page ahead of it was emitted.
  let ahead: Promise<Page> | undefined;
  try {
    while (url !== undefined) {
      let page: Page;
      if (ahead) page = await ahead;
      else {
        guard.admit(url);
        page = await getJson(url, slot.headers, input.retry, stats, slot.rate_limit);
      }
      ahead = undefined;
      // The documented empty answer without the records' key is an empty list's first page only: after records came, a
      // body saying there are none is a list that changed under the reader (or a server hiding the rest), never its end.
      const records = selectRecords(page, slot.items_path, firstPage ? empty : { no_content: empty.no_content, null_items: empty.null_items }, url, slot.items_container ?? 'array', slot.map_key_field ?? null);
      firstPage = false;
      const trouble = troubleIn(page.body);
      if (trouble) addFinding(outcome, { id: 'error-in-body', url, args: { signal: trouble } });
      // The next page is requested as soon as nothing on this one can stop the stream, so the host
      // fetches it while this one is mapped and emitted. What is emitted, counted and found, and every
      // request made, are as if each record were emitted as soon as it was checked: only a page that
      // could end the stream — by the record cap, by a loop (its first record already seen), by a
      // record that cannot be mapped (`canThrow`) — is checked in full before the next is asked for.
      // What stops the stream after the page (a paginator's finding, the loop guards) does so once the
      // page's records are out.
      let stopped = false;
      let stop: unknown;
      let next: string | undefined;
      const askNext = (requestUrl: string) => {
        try {
          next = nextUrl(slot.pagination, { page, records, requestUrl }, state);
          if (next !== undefined) {
            guard.admit(next);
            ahead = getJson(next, slot.headers, input.retry, stats, slot.rate_limit);
            // Awaited on the next turn of the loop; until then a failure must not count as unhandled.
            ahead.catch(() => undefined);
          }
        } catch (e) {
          stopped = true;
          stop = e;
        }
      };
      const firstId = records.length > 0 ? mapRecord.idOf(records[0]) : undefined;
      const askedFirst = !mapRecord.canThrow && outcome.records + records.length <= input.max_records && (firstId === undefined || !seen.has(firstId));
      if (askedFirst) askNext(url);
      const emitting: unknown[] = [];
      let fresh = 0;
      let withoutId = 0;
      let clashes = 0;
      let clash = '';
      let overCap = false;
      let failed = false;
      let failure: unknown;
      try {
        for (const raw of records) {
          const identity = mapRecord(raw, ctx);
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
          // The record past the cap is not emitted, and nothing after it on the page is read.
          if (outcome.records + fresh > input.max_records) {
            overCap = true;
            break;
          }
          emitting.push(raw, identity);
        }
      } catch (e) {
        // A record that could not be mapped stops the stream after the records before it.
        failed = true;
        failure = e;
      }
      const emit = () => {
        for (let i = 0; i < emitting.length; i += 2) {
          outcome.records++;
          onRecord(emitting[i], emitting[i + 1] as IdentityRecord);
        }
      };
      if (failed) {
        emit();
        throw failure;
      }
      if (overCap) {
        emit();
        outcome.records++;
        throw new FetcherError('record-cap', url, { cap: input.max_records });
      }
      if (withoutId) {
        outcome.unidentifiable += withoutId;
        addFinding(outcome, { id: 'record-without-id', url, args: { count: withoutId, id_path: idPath } });
      }
      if (clashes) addFinding(outcome, { id: 'id-not-unique', url, args: { count: clashes, example: clash.slice(0, 80), id_path: idPath } });
      // A page of nothing but records already seen means the position did not advance.
      if (records.length > 0 && fresh === 0 && withoutId === 0 && clashes === 0) throw new FetcherError('pagination-loop', url, { detail: 'the page held only records already seen' });
      if (!askedFirst) askNext(url);
      emit();
      if (stopped) throw stop;
      url = next;
    }
  } finally {
    outcome.pages += guard.pageCount;
    outcome.requests += stats.requests;
    outcome.retries += stats.retries;
    outcome.waited_ms += stats.waited_ms;
  }
  host().log(`stream ${slot.name}: ${outcome.records} records so far, ${outcome.pages} pages`);
}
