/**
 * template fetchwright/findings@4 — what a run found wrong, as data: a stable kebab-case id, the
 * URL it happened at and its arguments. Every finding makes its stream incomplete: a consumer may
 * treat a missing identity as deprovisioned only after a complete run, so a response that is not
 * the shape the plan expects is never read as an empty page. The text is rendered from the id, in
 * one place (here), for the run record, the scorecard and a person.
 */

export type FindingArgs = Record<string, string | number | boolean | null>;

export interface RuntimeFinding {
  id: RuntimeFindingId;
  /** The request URL as the fetcher built it (the host adds credentials on the wire, never here). */
  url: string | null;
  args: FindingArgs;
}

/** At most this many findings are kept per stream; the stream's `findings_total` counts them all. */
export const MAX_FINDINGS_PER_STREAM = 20;

const a = (args: FindingArgs, key: string): string => String(args[key] ?? '?');
/** The `count` argument with "record" or "records". */
const records = (args: FindingArgs): string => `${a(args, 'count')} ${args.count === 1 ? 'record' : 'records'}`;

/** Every runtime finding: its id and how it reads. */
export const RUNTIME_FINDINGS = {
  /** A 2xx body that is not JSON (or is empty where a list was expected). */
  'body-not-json': (x: FindingArgs) => `the ${a(x, 'status')} response is not JSON${x.detail ? ` (${a(x, 'detail')})` : ''}`,
  /** The records' path is absent from the body, or `null` where the docs do not allow a null list. */
  'items-path-missing': (x: FindingArgs) => {
    const what = x.container === 'map' ? 'map' : 'list';
    return `the response has no ${x.items_path === '' ? `${what} as its body` : `${what} at "${a(x, 'items_path')}"`} (found ${a(x, 'found')})`;
  },
  /** The records' path holds an object, a map keyed by name, or a scalar instead of a list. */
  'items-path-not-a-list': (x: FindingArgs) => `${x.items_path === '' ? 'the body' : `"${a(x, 'items_path')}"`} holds ${a(x, 'found')} instead of a list of records`,
  /** The plan reads the records as a map's values, but the records' path holds a list, a scalar, or an object whose values are not all records. */
  'items-path-not-a-map': (x: FindingArgs) => `${x.items_path === '' ? 'the body' : `"${a(x, 'items_path')}"`} holds ${a(x, 'found')} instead of a map of records keyed by ${x.key_field ? `their "${a(x, 'key_field')}"` : 'data'}`,
  /** The list is empty but another list in the same body holds records. */
  'records-elsewhere': (x: FindingArgs) => `${x.items_path === '' ? 'the body' : `"${a(x, 'items_path')}"`} is empty while "${a(x, 'other_path')}" holds ${records(x)}`,
  /** A successful page whose body says something went wrong, or that the list is partial. */
  'error-in-body': (x: FindingArgs) => `the page says something went wrong beside its list (${a(x, 'signal')}): its records may not be all there are`,
  /** Records without a value at the mapped id field: they cannot be emitted. */
  'record-without-id': (x: FindingArgs) => `${records(x)} ${x.count === 1 ? 'has' : 'have'} no value at the id field "${a(x, 'id_path')}"`,
  /** A status the plan does not expect for a list (a 202, a 204 the docs do not allow, a 3xx, another 4xx). */
  'unexpected-status': (x: FindingArgs) => `unexpected status ${a(x, 'status')}: ${a(x, 'message')}`,
  /** 401/403: the credential was refused; the whole run stops. */
  'auth-refused': (x: FindingArgs) => `${a(x, 'status')}: the vendor refused the credential — ${a(x, 'message')}. Check the credential and that it has the scopes the manifest lists`,
  'not-found': (x: FindingArgs) => `404: ${a(x, 'message')}`,
  'rate-limited': (x: FindingArgs) => `429 after every retry: ${a(x, 'message')}`,
  'server-error': (x: FindingArgs) => `${a(x, 'status')} after every retry: ${a(x, 'message')}`,
  /** The request itself failed (refused by the egress gate, a network error). */
  'fetch-failed': (x: FindingArgs) => `the request failed: ${a(x, 'message')}`,
  /** The documented end-of-list field is absent from a page, so the end cannot be known. */
  'stop-signal-missing': (x: FindingArgs) => `the page has no "${a(x, 'path')}" to say whether more pages follow (found ${a(x, 'found')})`,
  /** The field the next position is read from holds something other than a string or number. */
  'pagination-value-invalid': (x: FindingArgs) => `"${a(x, 'path')}" holds ${a(x, 'found')}, not a next position`,
  /** The plan reads one page, but the response says more follow. */
  'more-pages-unread': (x: FindingArgs) => `the response says more pages follow (${a(x, 'signal')}), but the plan reads one page`,
  /** A list request was redirected to another page (its query changed). */
  'redirected-elsewhere': (x: FindingArgs) => `the request was redirected to another page (${a(x, 'to')}), not the one asked for`,
  /** An empty page came back while the documented stop signal says records remain. */
  'list-ended-early': (x: FindingArgs) => `${x.ended ? `${a(x, 'ended')} ended the list` : 'an empty page came back'} while ${a(x, 'signal')} says more records follow`,
  /** Two different records carry the same mapped id: one of them could not be emitted. */
  'id-not-unique': (x: FindingArgs) => `${records(x)} ${x.count === 1 ? 'shares' : 'share'} an id with a different record (e.g. "${a(x, 'example')}" at "${a(x, 'id_path')}"): the id field does not identify a record`,
  /** Parent records without a usable value at the field a child stream's path parameter takes. */
  'parent-key-missing': (x: FindingArgs) => `${records(x)} of ${a(x, 'parent')} ${x.count === 1 ? 'has' : 'have'} no usable "${a(x, 'field')}", so their children were never read`,
  /** The next request would repeat one already made, or a page held only records already seen. */
  'pagination-loop': (x: FindingArgs) => `pagination did not advance (${a(x, 'detail')}); stopped instead of looping`,
  'page-cap': (x: FindingArgs) => `stopped at the cap of ${a(x, 'cap')} pages`,
  'record-cap': (x: FindingArgs) => `stopped at the cap of ${a(x, 'cap')} records`,
  /** A tenant variable the run input does not give. */
  'missing-tenant-variable': (x: FindingArgs) => `no value for {${a(x, 'name')}}: give the tenant's ${a(x, 'name')} in the run's tenant_variables`,
  /** A child stream whose parent list is incomplete: the children of parents never read are missing. */
  'parent-incomplete': (x: FindingArgs) => `its parent stream ${a(x, 'parent')} is incomplete, so the children of parents it never read are missing`,
  /** The stream was not run because an earlier one failed authentication. */
  'not-run': (x: FindingArgs) => `not run: ${a(x, 'why')}`,
} satisfies Record<string, (args: FindingArgs) => string>;

export type RuntimeFindingId = keyof typeof RUNTIME_FINDINGS;

/** One line for a person: the finding's text and where it happened. */
export function describeFinding(f: RuntimeFinding): string {
  const text = RUNTIME_FINDINGS[f.id](f.args);
  return f.url ? `${text} (${f.url})` : text;
}
