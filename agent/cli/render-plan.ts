import { fixedValuesOf } from '../render/manifest.ts';
import { streamEmits } from '../plan/stream-emits.ts';
import type { DocumentReport } from '../ingest/document-report.ts';
import type { AuthPlan, ConnectorPlan, Evidence, FieldMapping, Pagination, Stream } from '../plan/connector-plan.ts';
import { isAbsoluteUrl } from '../plan/client-credentials.ts';
import { count, listInWords } from '../english.ts';
import { MAX_WIDTH, table, terminalSafe, truncate, wrap, wrapItems } from './text-layout.ts';

/**
 * The plan for a person, in a terminal of {@link MAX_WIDTH} columns: the decisions first (base URL,
 * auth, assessment, one table row per stream with a legend), then each stream in detail — where its
 * records are, how it pages and when it stops, its scopes, its field mapping — with the evidence
 * behind each decision (the planner's reasoning, then the place in the docs and their own words),
 * and last the documents read and skipped. Docs text is printed as data: control characters and
 * bidi overrides are neutralised. `--json` (the plan itself) holds every value in full; here, long
 * quotes are cut (with `…`) unless `verbose`.
 */

export interface RenderPlanOptions {
  /** Every field mapping line, every piece of evidence, quotes in full, the pagination alternatives, every document. */
  verbose?: boolean;
  /** What ingest did with each file (`ingestWithReport`): listed at the end, counted at the top. */
  documents?: DocumentReport[];
  /** Columns to fit; {@link MAX_WIDTH} by default. */
  width?: number;
}

const LABEL = 12;
const DETAIL_LABEL = 10;
/** Evidence items shown per stream, and wrapped quote lines per item, unless verbose. */
const EVIDENCE_SHOWN = 4;
const QUOTE_LINES = 2;
/** Spec documents listed at the end unless verbose; skipped ones are always all listed. */
const SPECS_LISTED = 10;

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}

/** The paging style in a word or two, for the table. */
export function pagingStyle(p: Pagination): string {
  switch (p.style) {
    case 'link-header':
      return 'Link header';
    case 'cursor':
      return 'cursor';
    case 'offset':
      return 'offset';
    case 'page':
      return 'page number';
    case 'next-url':
      return 'next URL';
    case 'none':
      return 'one page';
  }
}

function pageSize(param: string | undefined, size: number | undefined): string {
  return param && size ? `; ${param}=${size} a page` : '';
}

/** How the next page is asked for, in a sentence. */
export function describePagination(p: Pagination): string {
  switch (p.style) {
    case 'link-header':
      return `follows the URL in the Link header with rel="${p.rel}"${p.cursor_param ? ` (it carries ${p.cursor_param})` : ''}${pageSize(p.limit_param, p.page_size)}`;
    case 'cursor':
      return `sends ${p.cursor_param}=<next cursor>, read from ${p.cursor_header ? `the ${p.cursor_header} response header` : p.last_record_path !== undefined ? `the ${p.last_record_path} of the page's last record` : `the body's ${p.cursor_path}`}${pageSize(p.limit_param, p.page_size)}`;
    case 'offset':
      return `${p.offset_param} from ${p.first_offset}, advanced by the records received; ${p.limit_param}=${p.page_size} a page`;
    case 'page':
      return `${p.page_param}=${p.first_page}, ${p.first_page + 1}, …${pageSize(p.size_param, p.page_size)}`;
    case 'next-url':
      return `follows the URL in the body's ${p.next_path}${p.relative ? ' (a path on the API host)' : ''}${pageSize(p.limit_param, p.page_size)}`;
    case 'none':
      return 'one request: the planner found no paging in the docs for this operation';
  }
}

/** One stop condition, in words. */
export function describeStopCondition(p: Exclude<Pagination, { style: 'none' }>, stop: Exclude<Pagination, { style: 'none' }>['stops'][number]): string {
  switch (stop.when) {
    case 'no-next':
      return p.style === 'link-header' ? `when a response has no Link with rel="${p.rel}"` : p.style === 'next-url' ? `when the body's ${p.next_path} is absent, null or empty` : 'when the next cursor is absent, null or empty';
    case 'empty-page':
      return 'at the first page with no records';
    case 'short-page':
      return 'at the first page with fewer records than the page size asked for';
    case 'more-false':
      return `when the body's ${stop.path} is false`;
    case 'last-true':
      return `when the body's ${stop.path} is true`;
    case 'total-reached':
      return `once as many records came as the body's ${stop.path} says`;
    case 'page-count':
      return `after as many pages as the body's ${stop.path} says`;
  }
}

/** When paging stops, in a sentence: every planned stop condition, any of which ends the list. */
export function describeStop(p: Pagination): string {
  if (p.style === 'none') return 'after the one page; a response that says more pages follow is a finding';
  const parts = p.stops.map((s) => describeStopCondition(p, s));
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
}

const AUTH_TYPE: Record<AuthPlan['type'], string> = {
  bearer: 'a bearer token',
  basic: 'HTTP basic credentials',
  api_key: 'an API key',
  oauth2: 'an OAuth 2.0 access token',
  none: 'none: the docs ask for no credential',
};

const AUTH_TYPES: Record<AuthPlan['type'], string> = {
  bearer: 'bearer tokens',
  basic: 'sets of HTTP basic credentials',
  api_key: 'API keys',
  oauth2: 'OAuth 2.0 access tokens',
  none: 'no credentials',
};

function placement(c: AuthPlan['credentials'][number]): string {
  const where = c.in === 'header' ? `the ${c.name} header` : c.in === 'query' ? `the ${c.name} query parameter` : `the ${c.name} cookie`;
  return `in ${where}${c.prefix ? ` as "${c.prefix}<credential>"` : ''}`;
}

/**
 * The auth decision in a sentence: what credential, where it is sent, and with which prefix; for the
 * OAuth 2.0 client credentials grant, where the host obtains the token and with which scopes.
 */
export function describeAuth(a: AuthPlan): string {
  if (a.type === 'none' || !a.credentials.length) return AUTH_TYPE[a.type];
  const what = a.credentials.length > 1 ? `${a.credentials.length} ${AUTH_TYPES[a.type]}` : AUTH_TYPE[a.type];
  const cc = a.client_credentials;
  const obtained = cc
    ? `; the host obtains it with the client credentials grant from ${cc.token_url}${isAbsoluteUrl(cc.token_url) ? '' : ' (relative to the base URL)'}, ${cc.scopes.length ? `scopes ${cc.scopes.join(' ')}` : 'no scope asked'}`
    : '';
  return `${what}, sent ${listInWords(a.credentials.map(placement))}${obtained}`;
}

const TRANSFORM: Record<string, string> = {
  'iso-datetime': 'read as an ISO date-time',
  'unix-seconds': 'read as Unix seconds',
  'unix-millis': 'read as Unix milliseconds',
  'bool-true-is-deprovisioned': 'true means deprovisioned',
  'bool-true-is-suspended': 'true means suspended',
  'bool-true-is-active': 'true means active',
  'string-list': 'a list of strings',
  'split-space': 'split at spaces into a list',
  'first-string': 'its first string',
  'sha256-fingerprint': 'kept as a sha256 fingerprint (the value is secret)',
};

function describeMapping(m: FieldMapping): string {
  if (m.path === null) return 'no documented field: left empty (null)';
  const values = m.values ? `: ${Object.entries(m.values).map(([k, v]) => `${k} → ${v}`).join(', ')}` : '';
  const how = m.transform === 'status-map' || m.transform === 'string' ? '' : `, ${TRANSFORM[m.transform] ?? m.transform}`;
  return `← ${m.path}${how}${values}${m.confidence < 1 ? ` (${pct(m.confidence)})` : ''}`;
}

const FLAG_WHY = { admin: 'admin power', 'admin-read': 'read-only, but needs an admin context', write: 'write power' } as const;

const RELATION = { member_of: 'member_of', has_role: 'has_role', owns: 'owns', granted_to: 'granted_to' } as const;

class Lines {
  readonly out: string[] = [];
  readonly width: number;
  constructor(width: number) {
    this.width = width;
  }

  /** A label and its text, wrapped under the text's column. */
  field(label: string, text: string, labelWidth: number, indent = ''): void {
    const head = `${indent}${label.padEnd(labelWidth)}`;
    this.out.push(...wrap(text, this.width, ' '.repeat(head.length), head));
  }

  /** A label and items, wrapped between items. */
  items(label: string, items: readonly string[], separator: string, labelWidth: number, indent = ''): void {
    const head = `${indent}${label.padEnd(labelWidth)}`;
    this.out.push(...wrapItems(items, separator, this.width, ' '.repeat(head.length), head));
  }

  /** Plain text wrapped with an indent. */
  text(text: string, indent = '', first = indent): void {
    this.out.push(...wrap(text, this.width, indent, first));
  }

  blank(): void {
    if (this.out.length && this.out[this.out.length - 1] !== '') this.out.push('');
  }
}

/** The planner's reasoning (a `·` bullet), then where in the docs and their words, quotes cut unless verbose. */
function evidence(l: Lines, e: Evidence, indent: string, verbose: boolean): void {
  l.text(terminalSafe(e.reasoning), `${indent}  `, `${indent}· `);
  const where = terminalSafe(`${e.source.file}${e.source.pointer ? `#${e.source.pointer}` : ''}`);
  const at = `${indent}    `;
  const more = `${at}  `;
  if (e.quote === undefined) {
    l.text(where, more, at);
    return;
  }
  const quote = `“${terminalSafe(e.quote)}”`;
  const oneLine = wrap(`${where}: ${quote}`, l.width, more, at);
  if (oneLine.length === 1) {
    l.out.push(oneLine[0]!);
    return;
  }
  l.text(where, more, at);
  const quoteLines = wrap(quote, l.width, more);
  if (verbose || quoteLines.length <= QUOTE_LINES) l.out.push(...quoteLines);
  else {
    const kept = quoteLines.slice(0, QUOTE_LINES);
    kept[QUOTE_LINES - 1] = truncate(`${kept[QUOTE_LINES - 1]!} …`, l.width);
    l.out.push(...kept);
  }
}

function recordsAt(s: Stream): string {
  return `${s.items_path || '(body)'}${s.items_container === 'map' ? ' (map)' : ''}`;
}

/** Where a stream's records are, in a sentence: an array, or the values of a map keyed by data. */
function recordsSentence(s: Stream): string {
  if (s.items_container === 'map') {
    const keyed = s.map_key_field ? `keyed by the records' ${terminalSafe(s.map_key_field)} (a record without it gets its key there)` : 'keyed by data';
    return `${s.items_path ? `the values of the map at "${terminalSafe(s.items_path)}" in the response body` : 'the values of the response body, a map'}, ${keyed}`;
  }
  return s.items_path ? `the array at "${terminalSafe(s.items_path)}" in the response body` : 'the response body is the array of records';
}

function requestValues(s: Stream): string[] {
  return [
    ...Object.entries(s.path_params).map(([k, v]) => `{${k}}=${v}`),
    ...Object.entries(s.query).map(([k, v]) => `query ${k}=${v}`),
    ...s.query_variables.map((q) => `query ${q} from the tenant variable ${q}`),
    ...Object.entries(s.headers).map(([k, v]) => `header ${k}: ${v}`),
  ].map((t) => terminalSafe(t));
}

function streamDetail(l: Lines, plan: ConnectorPlan, s: Stream, verbose: boolean): void {
  const field = (label: string, text: string) => l.field(label, text, DETAIL_LABEL, '  ');
  l.text(`${s.name}: GET ${terminalSafe(s.path)}, ${s.link ? `link records: relationships only, ${RELATION[s.link.relation]}` : s.container ? `a container, read only to reach the ${s.kind} records under each of its records (none of its own is emitted)` : `${s.kind} records`} (confidence ${pct(s.confidence)})`, '    ', '');
  const empty = [s.empty.no_content ? 'a 204 No Content' : '', s.empty.null_items ? 'a null list' : '', s.empty.absent_at_zero ? `no ${s.items_path || 'records'} beside ${s.empty.absent_at_zero} 0` : ''].filter(Boolean);
  field('records', `${recordsSentence(s)}${empty.length ? `; ${listInWords(empty)} means none` : ''}`);
  field('paging', terminalSafe(describePagination(s.pagination)));
  field('stops', terminalSafe(describeStop(s.pagination)));
  if (s.link) {
    const end = (e: NonNullable<Stream['link']>['from']) => (e.from === 'parent' ? `the ${s.parent?.stream ?? 'parent'} record` : e.from === 'record' ? 'each record (a bare id)' : e.from === 'each' ? `each ${terminalSafe(e.path)}[].${terminalSafe(e.field)}` : terminalSafe(e.path));
    const byField = s.link.relation_from;
    field('links', `each record: ${end(s.link.from)} ${RELATION[s.link.relation]} ${end(s.link.to)}${byField ? `; where its ${terminalSafe(byField.path)} is ${Object.entries(byField.values).map(([v, r]) => `"${terminalSafe(v)}": ${RELATION[r]}`).join(', ')}` : ''}`);
  }
  // Where the parent's value goes: a {placeholder} of the path, or a query parameter (`?squad=`).
  const fills = (p: NonNullable<Stream['parent']>) => (p.in === 'query' ? `is sent as the query parameter ${terminalSafe(p.param)}` : `fills {${terminalSafe(p.param)}}`);
  if (s.parent && s.link) field('parent', `each ${s.parent.stream} record's ${terminalSafe(s.parent.from_field)} ${fills(s.parent)}`);
  else if (s.parent) {
    field('parent', `each ${s.parent.stream} record's ${terminalSafe(s.parent.from_field)} ${fills(s.parent)}; relationship: ${s.parent.parent_is === 'from' ? `${s.parent.stream} ${RELATION[s.parent.relation]} ${s.name}` : `${s.name} ${RELATION[s.parent.relation]} ${s.parent.stream}`}`);
  }
  const fixed = requestValues(s);
  if (fixed.length) field('request', fixed.join(' · '));
  // Each record's kind from the docs' discriminator: the listed values, anything else the stream's kind.
  if (s.kind_from) field('kind', terminalSafe(`each record's kind from its ${s.kind_from.path}: ${Object.entries(s.kind_from.values).map(([v, k]) => `${v} → ${k}`).join(', ')}; any other value: ${s.kind}`));
  const privilege = plan.assessment.privilege.find((p) => p.stream === s.name);
  if (privilege) {
    if (privilege.least_scopes.length) l.items('scopes', privilege.least_scopes.map(terminalSafe), ', ', DETAIL_LABEL, '  ');
    else field('scopes', privilege.least_role ? `none (the credential takes no scope); least role the docs name: ${terminalSafe(privilege.least_role)} (check it can read every list)` : 'the docs name no scope');
    const flags = privilege.flagged.map((f) => `${terminalSafe(f.scope)} (${FLAG_WHY[f.why]})`);
    if (flags.length) l.items('⚠ flagged', flags, ', ', DETAIL_LABEL, '  ');
  }
  const mapped = Object.entries(s.mapping);
  if (verbose) {
    const nameWidth = Math.max(...mapped.map(([k]) => k.length), 0) + 2;
    mapped.forEach(([k, m], i) => {
      const head = `  ${(i === 0 ? 'mapping' : '').padEnd(DETAIL_LABEL)}${k.padEnd(nameWidth)}`;
      l.text(terminalSafe(describeMapping(m)), ' '.repeat(head.length + 2), head);
    });
    if (s.pagination_alternatives.length) field('fallback', `if the proof fails, the planner tries: ${s.pagination_alternatives.map((p) => `${pagingStyle(p)} (${terminalSafe(describePagination(p))})`).join('; ')}`);
  } else {
    const known = mapped.filter(([, m]) => m.path !== null).map(([k, m]) => `${k} ← ${terminalSafe(m.path!)}`);
    const unknown = mapped.length - known.length;
    l.items('mapping', [...(known.length ? known : ['no field maps']), ...(unknown ? [`${count(unknown, 'more field', 'more fields')} left empty (--verbose)`] : [])], ' · ', DETAIL_LABEL, '  ');
  }
  const all = [...s.evidence, ...s.pagination.evidence];
  const shown = verbose ? all : all.slice(0, EVIDENCE_SHOWN);
  l.out.push('  why');
  for (const e of shown) evidence(l, e, '    ', verbose);
  if (shown.length < all.length) l.out.push(`    (${count(all.length - shown.length, 'more reason')}: --verbose)`);
}

function documentsSummary(docs: DocumentReport[]): string {
  const n = (use: DocumentReport['use']) => docs.filter((d) => d.use === use).length;
  const read = [
    n('spec') ? count(n('spec'), 'spec') : '',
    n('ref-target') ? count(n('ref-target'), 'file used through $ref', 'files used through $ref') : '',
    n('prose') ? count(n('prose'), 'Markdown page') : '',
    n('web-page') ? count(n('web-page'), 'web page of the reference', 'web pages of the reference') : '',
  ].filter(Boolean);
  const specs = docs.filter((d) => d.use === 'spec');
  const only = docs.length === 1 && specs.length === 1 ? ` (${specs[0]!.file})` : '';
  return `${listInWords(read) || 'nothing'} read${only}${n('skipped') ? `, ${n('skipped')} skipped` : ''}${only ? '' : '; listed at the end'}`;
}

const USE_LABEL: Record<DocumentReport['use'], string> = { spec: 'spec', 'ref-target': '$ref', prose: 'prose', 'web-page': 'web page', skipped: 'skipped' };

function documentList(l: Lines, docs: DocumentReport[], verbose: boolean): void {
  const skipped = docs.filter((d) => d.use === 'skipped').length;
  l.out.push(`documents (${docs.length - skipped} read, ${skipped} skipped):`);
  l.text(`spec: a description the plan is built from · $ref: read for the components a spec points at · prose: a page read for what it says of auth, paging, errors and rate limits${docs.some((d) => d.use === 'web-page') ? ' · web page: a page of a reference with no description, each request it shows read as an operation' : ''}`, '    ', '  ');
  const specs = docs.filter((d) => d.use === 'spec');
  const hidden = verbose || specs.length <= SPECS_LISTED ? new Set<DocumentReport>() : new Set(specs.slice(SPECS_LISTED));
  const shown = docs.filter((d) => !hidden.has(d));
  const fileWidth = Math.min(48, Math.max(...shown.map((d) => d.file.length)));
  for (const d of shown) {
    const title = d.title !== undefined ? `"${terminalSafe(d.title)}", ` : '';
    const file = terminalSafe(d.file);
    const head = `  ${USE_LABEL[d.use].padEnd(10)}${file.padEnd(fileWidth)}  `;
    if (file.length <= fileWidth) l.out.push(...wrap(`${title}${terminalSafe(d.note)}`, l.width, ' '.repeat(head.length), head));
    else {
      l.text(file, `  ${' '.repeat(12)}`, `  ${USE_LABEL[d.use].padEnd(10)}`);
      l.text(`${title}${terminalSafe(d.note)}`, ' '.repeat(12 + fileWidth), ' '.repeat(12 + fileWidth));
    }
  }
  if (hidden.size) l.out.push(`  (${count(hidden.size, 'more spec')}: --verbose)`);
}

const WAIT_UNIT: Record<NonNullable<ConnectorPlan['rate_limit']>['waits'][number]['unit'], string> = {
  'http-date-or-seconds': 'seconds or an HTTP date',
  'delay-seconds': 'seconds to wait',
  'delay-milliseconds': 'milliseconds to wait',
  'epoch-seconds': 'UTC epoch seconds',
  'epoch-milliseconds': 'UTC epoch milliseconds',
};

/** What a 429 waits for, in a sentence: the headers the retry template reads and their units, the documented maximum, what it cannot read. */
export function describeRateLimit(rl: NonNullable<ConnectorPlan['rate_limit']>): string {
  const waits = rl.waits.length ? `a 429 waits as ${rl.waits.map((w) => `${w.header} says (${WAIT_UNIT[w.unit]})`).join(', else as ')}` : 'no header the docs name says when a 429 may be retried: Retry-After if sent, else exponential backoff';
  const max = rl.max_wait_ms !== null ? `, at most ${rl.max_wait_ms / 1000} s as the docs say` : '';
  const unread = rl.unread.length ? `; not read: ${rl.unread.join('; ')}` : '';
  return `${waits}${max}${unread}`;
}

/**
 * The plan as text for a terminal, every line at most `options.width` (120) columns: decisions, a
 * legend, each stream's records, paging, stop condition, scopes and mapping with their evidence, the
 * auth evidence, and (given `options.documents`) the documents read and skipped. `verbose` adds
 * every mapping line, all evidence with quotes whole, the pagination alternatives and every document.
 */
/** Who planned, in one line: the model, its tokens, or why the heuristic plan stands instead. */
function describePlanner(p: ConnectorPlan['planner']): string {
  if (p.fallback) return `heuristic: the model ${p.model ?? ''} gave no plan (${p.fallback.slice(0, 160)})`;
  const tokens = p.tokens ? `, ${p.tokens.prompt} prompt + ${p.tokens.completion} completion tokens in ${p.tokens.rounds} rounds` : ', not asked';
  return p.kind === 'llm' ? `the model ${p.model} decided the streams${tokens}` : `auto: the heuristic plan, reviewed by ${p.model} where the heuristics doubted or the proof failed${tokens}`;
}

export function renderPlan(plan: ConnectorPlan, options: RenderPlanOptions = {}): string {
  const verbose = options.verbose ?? false;
  const l = new Lines(options.width ?? MAX_WIDTH);
  const head = (label: string, text: string) => l.field(label, text, LABEL);

  head('vendor', plan.vendor);
  if (plan.planner.kind !== 'heuristic' || plan.planner.fallback) head('planner', terminalSafe(describePlanner(plan.planner)));
  for (const c of plan.planner.changes ?? []) l.text(terminalSafe(c), ' '.repeat(LABEL + 2), `${' '.repeat(LABEL)}· `);
  head('base URL', terminalSafe(plan.base_url.url));
  // The egress gate adds a credential over https only (sandbox/egress-gate.ts): say so where the docs give plain http.
  if (/^http:/i.test(plan.base_url.url)) head('', 'plain http: the host sends a credential over it only to a loopback address (127.0.0.1, localhost); elsewhere a live run needs https (run --base-url https://…)');
  const fill = Object.entries(plan.base_url.variables).map(([k, v]) => `{${terminalSafe(k)}}${v ? ` (the docs' default: ${terminalSafe(v)})` : ''}`);
  if (fill.length) head('', `fill in ${listInWords(fill)}`);
  const tenant = Object.entries(plan.tenant_variables);
  if (tenant.length) {
    head('tenant', `${listInWords(tenant.map(([n]) => `{${terminalSafe(n)}}`))}: ${tenant.length === 1 ? 'a value' : 'values'} a human fills in for the tenant`);
    if (verbose) for (const [n, what] of tenant) head('', `{${terminalSafe(n)}}: ${terminalSafe(what)}`);
  }
  l.items('auth', [terminalSafe(describeAuth(plan.auth)), `(confidence ${pct(plan.auth.confidence)})`], ' ', LABEL);
  if (plan.rate_limit) head('rate limits', terminalSafe(describeRateLimit(plan.rate_limit)));
  head('assessment', `${plan.assessment.score}/100: ${plan.assessment.verdict === 'generate' ? 'ready to generate' : 'MANUAL BUILD RECOMMENDED'}`);
  for (const r of plan.assessment.reasons) l.text(terminalSafe(r), ' '.repeat(LABEL + 2), `${' '.repeat(LABEL)}· `);
  // Docs that print responses and declare no schema are said to be so, whatever else the assessment says.
  const exampleOnly = plan.assessment.checks.find((c) => /^example-only docs/.test(c.reason) && !plan.assessment.reasons.includes(c.reason));
  if (exampleOnly) l.text(terminalSafe(exampleOnly.reason), ' '.repeat(LABEL + 2), `${' '.repeat(LABEL)}· `);
  if (options.documents) head('documents', documentsSummary(options.documents));
  if (plan.observed_sha256) head('observed', `shapes a live run observed (sha256 ${terminalSafe(plan.observed_sha256.slice(0, 16))}…) outrank the docs where they disagree`);
  l.blank();

  const withParent = plan.streams.some((s) => s.parent);
  l.out.push(count(plan.streams.length, 'stream'));
  const header = ['stream', 'kind', 'GET path', 'records', 'paging', ...(withParent ? ['for each'] : []), 'conf'];
  // A link stream emits relationships, a container nothing: the kind column says so, not the records' kind.
  const rows = plan.streams.map((s) => [s.name, streamEmits(s), terminalSafe(s.path), terminalSafe(recordsAt(s)), pagingStyle(s.pagination), ...(withParent ? [s.parent ? `${s.parent.stream}.${terminalSafe(s.parent.from_field)}` : ''] : []), pct(s.confidence)]);
  l.out.push(...table([header, ...rows], { width: l.width, flexible: withParent ? [2, 3, 5, 0] : [2, 3, 0] }));
  l.blank();
  const legend = [
    'kind: what the records are (links: relationships between identities; container: read only to reach the lists under it)',
    'records: the field of the response body that holds the list; (body) when the body itself is the list',
    ...(plan.streams.some((s) => s.items_container === 'map') ? ['(map): the records are the values of an object keyed by data, not a list'] : []),
    'paging: how the next page is asked for (how, and when it stops, is under each stream below)',
    ...(withParent ? ['for each: the parent stream and field whose values fill the path\'s {placeholder}'] : []),
    'conf: how sure the planner is of the stream, from the evidence it found; generate\'s proof checks it',
  ];
  for (const item of legend) l.text(item, '    ', '  ');
  l.blank();
  // Every fixed value the connector sends, in one place: a reviewer reads them all before trusting "read-only".
  const fixed = fixedValuesOf(plan);
  l.text(fixed.length ? `fixed values sent (each passed the read-only request policy): ${fixed.map((f) => terminalSafe(`${f.stream}: ${f.in === 'path' ? `{${f.name}}=${f.value}` : f.in === 'query' ? `query ${f.name}=${f.value}` : `header ${f.name}: ${f.value}`}`)).join('; ')}` : 'fixed values sent: none (only paging parameters and tenant variables)', '  ');
  l.blank();
  // Defects in the docs no stream reads: warnings, not refusals; each says where it is and what to do.
  if (plan.warnings?.length) {
    l.out.push(`⚠ ${count(plan.warnings.length, 'warning')} about the docs (each says where, and what to do)`);
    const shown = verbose ? plan.warnings : plan.warnings.slice(0, 3);
    for (const w of shown) l.text(terminalSafe(w.message), '      ', '    · ');
    if (shown.length < plan.warnings.length) l.out.push(`    (${count(plan.warnings.length - shown.length, 'more warning')}: --verbose)`);
    l.blank();
  }
  // What the request policy left out is shown, never dropped in silence: a reviewer checks none is a plain list.
  if (plan.refused_by_policy?.length) {
    l.out.push(`refused by the read-only request policy (never called): ${count(plan.refused_by_policy.length, 'operation')}`);
    for (const r of plan.refused_by_policy) l.text(terminalSafe(`GET ${r.path} — ${r.reason.startsWith(r.path) ? r.reason.slice(r.path.length).replace(/^:?\s*/, '') : r.reason}`), '      ', '    · ');
    l.blank();
  }
  // Every GET considered and left out: the reviewer confirms none is an identity list (listed with --verbose).
  if (plan.excluded?.length) {
    l.out.push(`considered and left out: ${count(plan.excluded.length, 'GET operation')}${verbose ? '' : ' (--verbose lists each with why)'}`);
    if (verbose) for (const r of plan.excluded) l.text(terminalSafe(`GET ${r.path} — ${r.reason}`), '      ', '    · ');
    l.blank();
  }

  for (const s of plan.streams) {
    streamDetail(l, plan, s, verbose);
    l.blank();
  }

  l.out.push(`auth: ${plan.auth.type}${verbose && plan.auth.scheme_keys.length ? ` (${plan.auth.scheme_keys.length === 1 ? 'scheme' : 'schemes'} ${plan.auth.scheme_keys.map(terminalSafe).join(', ')})` : ''}`);
  l.out.push('  why');
  const authEvidence = verbose ? plan.auth.evidence : plan.auth.evidence.slice(0, 3);
  for (const e of authEvidence) evidence(l, e, '    ', verbose);
  if (authEvidence.length < plan.auth.evidence.length) l.out.push(`    (${count(plan.auth.evidence.length - authEvidence.length, 'more reason')}: --verbose)`);

  if (options.documents?.length) {
    l.blank();
    documentList(l, options.documents, verbose);
  }
  return `${l.out.join('\n')}\n`;
}

