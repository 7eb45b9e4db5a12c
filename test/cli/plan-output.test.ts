import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../agent/cli/render-plan.ts';
import { displayWidth } from '../../agent/cli/text-layout.ts';
import type { DocumentReport } from '../../agent/ingest/document-report.ts';
import { ingestWithReport } from '../../agent/ingest/ingest.ts';
import { CanonicalField, type ConnectorPlan, type Stream } from '../../agent/plan/connector-plan.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { vendorDoc } from '../helpers/vendor-docs.ts';

/**
 * The plan as a person reads it in a terminal (`renderPlan`, what `fetchwright plan` prints), on
 * every real vendor description: lines that fit 120 columns, a legend for the columns, each stream's
 * stop condition and mapping, the documents read, and plain English.
 */

const VENDORS = ['jupyterhub', 'okta.yaml', 'slack.json', 'pagerduty.json', 'linode.yaml', 'twilio.json', 'kubernetes.json', 'datadog.yaml', 'netlify.yaml', 'digitalocean.yaml', 'snowflake.yaml', 'split/snowflake'];

const planned = new Map<string, Promise<{ plan: ConnectorPlan; documents: DocumentReport[] }>>();
function planOf(name: string) {
  let p = planned.get(name);
  if (!p) {
    p = ingestWithReport(vendorDoc(name)).then(({ model, documents }) => ({ plan: planHeuristically(model), documents }));
    planned.set(name, p);
  }
  return p;
}

function wide(text: string): string[] {
  return text.split('\n').filter((l) => displayWidth(l) > 120);
}

/** The lines of one stream's block: from its heading to the blank line after it. */
function block(text: string, stream: string): string {
  // A long path wraps the heading after "GET".
  const start = text.search(new RegExp(`\\n${stream}: GET\\s`));
  expect(start, `no block for ${stream}`).toBeGreaterThan(-1);
  return text.slice(start + 1, text.indexOf('\n\n', start + 1));
}

describe('the plan table on real vendor docs', () => {
  for (const name of VENDORS) {
    it(`${name}: every line fits 120 columns, default and --verbose; each stream shows its stop condition and mapping`, async () => {
      const { plan, documents } = await planOf(name);
      for (const verbose of [false, true]) {
        const text = renderPlan(plan, { verbose, documents });
        expect(wide(text), `lines over 120 columns (verbose: ${verbose})`).toEqual([]);
        expect(text).toContain(`\n${plan.streams.length === 1 ? '1 stream' : `${plan.streams.length} streams`}\nstream  `);
        expect(text).toMatch(/\n {2}records: the field of the response body that holds the list; \(body\) when the body itself is the list\n/);
        expect(text).toMatch(/\n {2}conf: how sure the planner is of the stream/);
        for (const s of plan.streams) {
          const b = block(text, s.name);
          expect(b).toMatch(/\n {2}stops {5}\S/);
          expect(b).toMatch(/\n {2}mapping {3}\S/);
          if (verbose) for (const field of Object.keys(s.mapping)) expect(b).toMatch(new RegExp(`\\n {2}(mapping| {7}) {3}${field} +\\S`));
        }
        expect(text).toMatch(/\ndocuments {3}\S/);
      }
    });
  }

  it('okta: the streams fit in one table of at most 120 columns, one line each unless a path wraps at a slash (it was 236 columns wide)', async () => {
    const { plan, documents } = await planOf('okta.yaml');
    const text = renderPlan(plan, { documents });
    const tableLines = text.slice(text.indexOf('\nstream  ') + 1, text.indexOf('\n\n', text.indexOf('\nstream  '))).split('\n');
    expect(tableLines.filter((l) => /^[a-z]/.test(l))).toHaveLength(plan.streams.length + 1);
    expect(wide(tableLines.join('\n'))).toEqual([]);
    // A path too long for its column wraps after a slash, never mid-word.
    for (const [i, l] of tableLines.entries()) if (/^ +\S/.test(l) && i > 0) expect(tableLines[i - 1]).toMatch(/\/ +\S+ +\S+/);
    expect(tableLines.find((l) => l.startsWith('group_owners '))).toMatch(/^group_owners +links \(owns\) /);
    expect(tableLines.find((l) => l.startsWith('service_accounts '))).toMatch(/^service_accounts +service_account +\/privileged-access\/api\/v1\/ +\(body\) +Link header +\d+%$/);
    expect(tableLines.find((l) => l.startsWith('app_grants '))).toMatch(/^app_grants +oauth_grant +\/api\/v1\/apps\/\{appId\}\/grants +\(body\) +one page +apps\.id +82%$/);
  });

  it('jupyterhub: what each stream block says, in words', async () => {
    const { plan, documents } = await planOf('jupyterhub');
    const text = renderPlan(plan, { documents });
    expect(text).toMatch(/^auth {8}an API key, sent in the Authorization header as "token <credential>" \(confidence 90%\)$/m);
    expect(text).toMatch(/^documents {3}1 spec and 2 Markdown pages read; listed at the end$/m);
    expect(block(text, 'users')).toContain(
      [
        '  records   the response body is the array of records',
        '  paging    offset from 0, advanced by the records received; limit=100 a page',
        '  stops     at the first page with no records',
      ].join('\n'),
    );
    expect(block(text, 'user_tokens')).toContain("  parent    each users record's name fills {name}; relationship: users owns user_tokens");
    expect(block(text, 'users')).toMatch(/\n {2}⚠ flagged admin:auth_state \(admin power\), admin:server_state \(admin power\)\n/);
    expect(text).toContain('documents (3 read, 0 skipped):\n');
    expect(text).toMatch(/\n {2}prose {5}jupyterhub-3\.0\.0-rest\.md {7}Markdown page: \d+ sections on /);
  });

});

/** A mapping with only the id documented, the other canonical fields left empty. */
function onlyId(): Stream['mapping'] {
  const mapping = {} as Stream['mapping'];
  for (const f of CanonicalField.options) mapping[f] = { path: f === 'id' ? 'id' : null, transform: 'string', confidence: f === 'id' ? 1 : 0.7, evidence: [] };
  return mapping;
}

function stream(over: Partial<Stream> = {}): Stream {
  return {
    name: 'users',
    operation_id: 'listUsers',
    method: 'GET',
    path: '/users',
    kind: 'human',
    items_path: '',
    empty: { no_content: false, null_items: false },
    pagination: { style: 'none', evidence: [], confidence: 0.8 },
    pagination_alternatives: [],
    parent: null,
    mapping: onlyId(),
    path_params: {},
    query: {},
    query_variables: [],
    headers: {},
    required_scopes: [],
    evidence: [],
    confidence: 0.9,
    ...over,
  };
}

function plan(over: Partial<ConnectorPlan> = {}): ConnectorPlan {
  return {
    schema_version: 1,
    vendor: 'acme',
    planner: { kind: 'heuristic' },
    api_model_sha256: 'a'.repeat(64),
    docs_sha256: 'b'.repeat(64),
    base_url: { url: 'https://api.acme.test', variables: {}, evidence: [], confidence: 1 },
    auth: { type: 'oauth2', in: 'header', name: 'Authorization', prefix: 'Bearer ', credentials: [{ name: 'Authorization', in: 'header', prefix: 'Bearer ', scheme: 'oauth' }], scheme_keys: ['oauth'], evidence: [], confidence: 0.85 },
    tenant_variables: {},
    streams: [stream()],
    methods: ['GET'],
    assessment: { score: 80, verdict: 'generate', reasons: [], checks: [], privilege: [] },
    ...over,
  };
}

describe('the plan table in plain English', () => {
  it('one stream is "1 stream", an OAuth token takes "an", a stream without paging is "one page"', () => {
    const text = renderPlan(plan());
    expect(text).toContain('\n1 stream\n');
    expect(text).toMatch(/^auth {8}an OAuth 2\.0 access token, sent in the Authorization header as "Bearer <credential>"/m);
    expect(text).toMatch(/^users +human +\/users +\(body\) +one page +90%$/m);
    expect(text).toContain('  stops     after the one page; a response that says more pages follow is a finding');
    expect(text).not.toMatch(/\b1 streams\b|\ba oauth|\bA oauth|paged by none|\ba api\b|\ba API\b/i);
  });

  it('two credentials are counted as such; "a" before a consonant', () => {
    const twoKeys = plan({
      auth: { type: 'api_key', credentials: [{ name: 'DD-API-KEY', in: 'header', prefix: '', scheme: 'a' }, { name: 'key', in: 'query', prefix: '', scheme: 'b' }], scheme_keys: ['a', 'b'], evidence: [], confidence: 0.9 },
    });
    expect(renderPlan(twoKeys)).toMatch(/^auth {8}2 API keys, sent in the DD-API-KEY header and in the key query parameter \(confidence 90%\)$/m);
    const bearer = plan({ auth: { type: 'bearer', credentials: [{ name: 'Authorization', in: 'header', prefix: 'Bearer ', scheme: 'b' }], scheme_keys: ['b'], evidence: [], confidence: 1 } });
    expect(renderPlan(bearer)).toMatch(/^auth {8}a bearer token, sent/m);
  });

  it('the stop condition of each paging style', () => {
    const cases: [Stream['pagination'], string][] = [
      [{ style: 'link-header', rel: 'next', stops: [{ when: 'no-next' }], evidence: [], confidence: 1 }, 'when a response has no Link with rel="next"'],
      [{ style: 'cursor', cursor_param: 'cursor', cursor_path: 'meta.next', stops: [{ when: 'no-next' }], evidence: [], confidence: 1 }, 'when the next cursor is absent, null or empty'],
      [{ style: 'offset', offset_param: 'offset', limit_param: 'limit', page_size: 50, first_offset: 0, stops: [{ when: 'total-reached', path: 'total' }], evidence: [], confidence: 1 }, "once as many records came as the body's total says"],
      [{ style: 'page', page_param: 'page', first_page: 1, stops: [{ when: 'more-false', path: 'has_more' }], evidence: [], confidence: 1 }, "when the body's has_more is false"],
      [{ style: 'page', page_param: 'page', first_page: 1, stops: [{ when: 'page-count', path: 'meta.pages' }], evidence: [], confidence: 1 }, "after as many pages as the body's meta.pages says"],
      [{ style: 'next-url', next_path: 'links.next', relative: true, stops: [{ when: 'no-next' }], evidence: [], confidence: 1 }, "when the body's links.next is absent, null or empty"],
      [{ style: 'cursor', cursor_param: 'starting_after', last_record_path: 'id', stops: [{ when: 'more-false', path: 'has_more' }], evidence: [], confidence: 1 }, "when the body's has_more is false"],
      [{ style: 'offset', offset_param: 'offset', limit_param: 'limit', page_size: 50, first_offset: 0, stops: [{ when: 'more-false', path: 'more' }, { when: 'total-reached', path: 'total' }], evidence: [], confidence: 1 }, "when the body's more is false or once as many records came as the body's total says"],
    ];
    for (const [pagination, stop] of cases) expect(renderPlan(plan({ streams: [stream({ pagination })] }))).toContain(`  stops     ${stop}\n`);
  });

  it('a path, a records field and a parent field too long for one line wrap inside their columns, within 120 columns', () => {
    const long = stream({
      name: 'very_long_stream_name_for_members_of_groups',
      path: `/api/v1/organizations/{organizationId}/workspaces/{workspaceId}/projects/{projectId}/groups/{groupId}/members`,
      items_path: 'data.attributes.results.members.items',
      parent: { stream: 'users', param: 'groupId', from_field: 'attributes.identifiers.primary_group_id', relation: 'member_of', parent_is: 'to' },
    });
    const text = renderPlan(plan({ streams: [stream(), long] }));
    expect(wide(text)).toEqual([]);
    const table = text.slice(text.indexOf('\nstream  ') + 1, text.indexOf('\n\n', text.indexOf('\nstream  '))).split('\n');
    const column = (name: string, next: string) => table.map((l) => l.slice(table[0]!.indexOf(name), table[0]!.indexOf(next)).trim()).join('');
    expect(table.length).toBeGreaterThan(3);
    expect(column('GET path', 'records')).toBe(`GET path/users${long.path}`);
    expect(column('records', 'paging')).toBe(`records(body)${long.items_path}`);
    expect(column('for each', 'conf')).toBe(`for eachusers.${long.parent!.from_field}`);
    // The full path is also in the stream's own block.
    expect(text.replace(/\n +/g, ' ')).toContain(`\nvery_long_stream_name_for_members_of_groups: GET ${long.path}, human records (confidence 90%)`);
  });

  it('default output cuts a long quote after two lines with … ; --verbose prints it whole', () => {
    const quote = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const quoted = stream({ evidence: [{ source: { file: 'api.json', pointer: '/paths/~1users/get' }, quote, reasoning: 'GET /users lists users' }] });
    const short = renderPlan(plan({ streams: [quoted] }));
    const full = renderPlan(plan({ streams: [quoted] }), { verbose: true });
    expect(short).toContain('    · GET /users lists users\n        api.json#/paths/~1users/get\n          “word0 word1 ');
    expect(short).not.toContain('word59');
    expect(short).toMatch(/ …\n/);
    expect(full.replace(/\s+/g, ' ')).toContain(`“${quote}”`);
  });

  it('docs text cannot drive the terminal: escape sequences and bidi overrides are neutralised', () => {
    const hostile = stream({
      evidence: [{ source: { file: 'api.json', pointer: '/paths/~1users/get' }, quote: 'List users\u001b[2J\u001b]0;pwned\u0007 \u202egnp.exe', reasoning: 'GET /users lists users\u001b[31m' }],
    });
    const text = renderPlan(plan({ streams: [hostile] }));
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain('“List users\ufffd[2J\ufffd]0;pwned\ufffd \ufffdgnp.exe”');
  });

  it('documents: read and skipped, each with its reason; specs past ten are counted unless --verbose', () => {
    const documents: DocumentReport[] = [
      ...Array.from({ length: 12 }, (_, i): DocumentReport => ({ file: `specs/part-${String(i).padStart(2, '0')}.yaml`, use: 'spec', title: `Part ${i}`, note: 'OpenAPI 3.0, 1 path' })),
      { file: 'specs/common.yaml', use: 'ref-target', note: 'components, used through $ref by 12 specs' },
      { file: 'notes.txt', use: 'skipped', note: 'not JSON, YAML or Markdown' },
    ];
    const text = renderPlan(plan(), { documents });
    expect(text).toMatch(/^documents {3}12 specs and 1 file used through \$ref read, 1 skipped; listed at the end$/m);
    expect(text).toContain('documents (13 read, 1 skipped):\n');
    expect(text).toMatch(/\n {2}skipped {3}notes\.txt +not JSON, YAML or Markdown\n/);
    expect(text).toMatch(/\n {2}\$ref {6}specs\/common\.yaml +components, used through \$ref by 12 specs\n/);
    expect(text).toContain('  (2 more specs: --verbose)');
    expect(renderPlan(plan(), { documents, verbose: true })).toMatch(/\n {2}spec {6}specs\/part-11\.yaml +"Part 11", OpenAPI 3\.0, 1 path\n/);
  });
});
