import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffDocs } from '../../agent/drift/docs-diff.ts';
import type { DriftReport } from '../../agent/drift/drift-report.ts';
import { renderDriftMarkdown, renderDriftText } from '../../agent/drift/render-drift.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import path from 'node:path';
import { ingest } from '../../agent/ingest/ingest.ts';
import { readObservedShapes } from '../../agent/observed/read-observed-shapes.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { sliceModel } from '../../agent/validate/model-slice.ts';
import { REPO_ROOT, vendorDoc } from '../helpers/vendor-docs.ts';
import { atPointer, connectorSide, nextSide, rawDoc, tempRoot, writeVariant, type Raw } from './docs-variants.ts';

/**
 * `diffDocs` on other vendors' descriptions — Slack's Swagger 2.0, whose lists are described by
 * examples as much as by schemas, PagerDuty's OpenAPI 3 with `allOf` pagination envelopes, and
 * JupyterHub's folder planned with observed shapes — so nothing in the classification is one vendor's.
 */

let root: string;
beforeAll(() => {
  root = tempRoot();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Renames every key `from` to `to` inside `value` (examples), in place. */
function renameKeys(value: unknown, from: string, to: string): void {
  if (!value || typeof value !== 'object') return;
  if (Array.isArray(value)) return value.forEach((v) => renameKeys(v, from, to));
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) renameKeys(o[k], from, to);
  if (Object.hasOwn(o, from)) {
    const entries = Object.entries(o).map(([k, v]) => [k === from ? to : k, v] as const);
    for (const k of Object.keys(o)) delete o[k];
    Object.assign(o, Object.fromEntries(entries));
  }
}

const ids = (r: DriftReport, level?: string) => r.findings.filter((f) => !level || f.level === level).map((f) => `${f.id} ${f.stream ?? '-'}`);

describe('slack (Swagger 2.0): docs drift', () => {
  let original: Raw;
  let connector: { plan: ConnectorPlan; model: ApiModel };
  beforeAll(async () => {
    original = rawDoc('slack.json');
    connector = await connectorSide(vendorDoc('slack.json'));
  }, 60_000);
  const driftOf = async (label: string, change: (raw: Raw) => void) => {
    const raw = structuredClone(original);
    change(raw);
    return diffDocs(connector, await nextSide(writeVariant(root, `slack-${label}`, 'slack.json', raw)));
  };
  const users = () => connector.plan.streams.find((s) => s.name === 'users')!;

  it('the same docs: no finding', async () => {
    expect((await driftOf('same', () => undefined)).findings).toEqual([]);
  });

  it('an operation that now requires another scope is breaking: scope-changed', async () => {
    const r = await driftOf('scope', (raw) => (raw.paths[users().path].get.security = [{ slackAuth: [...users().required_scopes, 'users:read.email'] }]));
    expect(ids(r, 'breaking')).toEqual(['scope-changed users']);
    expect(r.findings[0]!.args.added).toEqual(['users:read.email']);
  });

  it('the cursor parameter renamed is breaking, with its new name', async () => {
    const p = users().pagination;
    expect(p.style).toBe('cursor');
    const cursor = (p as { cursor_param: string }).cursor_param;
    const r = await driftOf('cursor', (raw) => {
      for (const param of raw.paths[users().path].get.parameters) if (param.name === cursor) param.name = 'page_token';
    });
    expect(ids(r, 'breaking')).toEqual(['pagination-parameter-renamed users']);
    expect(r.findings[0]!.args).toMatchObject({ from: cursor, to: 'page_token' });
  });

  it('the field the record kind is read from, renamed in the schema and the examples: breaking, the new name as the hint', async () => {
    const kindFrom = users().kind_from!.path;
    const r = await driftOf('kind-from', (raw) => {
      renameKeys(raw.definitions, kindFrom, `${kindFrom}_v2`);
      renameKeys(raw.paths[users().path].get.responses, kindFrom, `${kindFrom}_v2`);
    });
    const f = r.findings.find((x) => x.id === 'mapped-field-removed' && x.stream === 'users');
    expect(f).toMatchObject({ level: 'breaking', args: { field: kindFrom, reads: 'the kind of each record', candidate: `${kindFrom}_v2` } });
  });

  it('a hostile field name reaches the Markdown and the terminal inert: no HTML, no table cell, no line of its own', async () => {
    const mapped = users().mapping.email!.path!.split('.').at(-1)!;
    const hostile = 'x`|</td><script>alert(1)</script>\n| evil | row |\u001b[2J';
    const r = await driftOf('hostile', (raw) => {
      renameKeys(raw.definitions, mapped, hostile);
      renameKeys(raw.paths[users().path].get.responses, mapped, hostile);
    });
    const f = r.findings.find((x) => x.id === 'mapped-field-removed' && x.stream === 'users')!;
    expect(String(f.args.candidate)).toContain('<script>');
    const md = renderDriftMarkdown(r);
    expect(md).not.toMatch(/<script>|<\/td>/);
    expect(md).toContain('&lt;script&gt;');
    const row = md.split('\n').find((l) => l.includes('`users`') && l.includes('mapped-field-removed'))!;
    // A table row of five cells: six pipes no escape makes literal.
    expect(row.match(/(?<!\\)\|/g)).toHaveLength(6);
    expect(md.split('\n').some((l) => l.startsWith('| evil'))).toBe(false);
    const text = renderDriftText(r);
    expect(text).not.toContain('\u001b');
    expect(text.split('\n').some((l) => l.startsWith('| evil'))).toBe(false);
  });
});

describe('pagerduty (OpenAPI 3, allOf envelopes): docs drift', () => {
  let original: Raw;
  let connector: { plan: ConnectorPlan; model: ApiModel };
  beforeAll(async () => {
    original = rawDoc('pagerduty.json');
    connector = await connectorSide(vendorDoc('pagerduty.json'));
  }, 60_000);
  const driftOf = async (label: string, change: (raw: Raw) => void) => {
    const raw = structuredClone(original);
    change(raw);
    return diffDocs(connector, await nextSide(writeVariant(root, `pagerduty-${label}`, 'pagerduty.json', raw)));
  };

  it('the has-more field the paginator stops on, gone from the shared envelope: breaking for every stream that reads it', async () => {
    // The streams that stop on `more` and whose response takes it from the shared Pagination envelope (another declares its own).
    const envelope = (path: string) => JSON.stringify(original.paths[path].get.responses['200']).includes('#/components/schemas/Pagination');
    const stops = connector.plan.streams.filter((s) => s.pagination.style !== 'none' && s.pagination.stops.some((x) => x.when === 'more-false') && envelope(s.path));
    expect(stops.length).toBeGreaterThan(1);
    const r = await driftOf('more', (raw) => {
      delete atPointer(raw, '/components/schemas/Pagination').properties.more;
      renameKeys(raw.paths, 'more', 'has_more_pages');
    });
    const removed = r.findings.filter((f) => f.id === 'pagination-field-removed');
    expect(removed.map((f) => f.stream).sort()).toEqual(stops.map((s) => s.name).sort());
    expect(removed.every((f) => f.level === 'breaking' && f.args.field === 'more')).toBe(true);
  });

  it('the records moved to another list field: items-path-removed, naming the new list', async () => {
    const r = await driftOf('items', (raw) => {
      const schema = raw.paths['/teams'].get.responses['200'].content['application/json'].schema;
      renameKeys(schema, 'teams', 'team_list');
      renameKeys(raw.paths['/teams'].get.responses['200'].content['application/json'].examples, 'teams', 'team_list');
    });
    expect(ids(r, 'breaking')).toEqual(['items-path-removed teams']);
    expect(r.findings[0]!.args).toMatchObject({ items_path: 'teams', candidate: 'team_list' });
  });

  it('a mapped field whose new type the transform cannot read is breaking; one it still reads is informational', async () => {
    const r = await driftOf('types', (raw) => {
      const user = atPointer(raw, '/components/schemas/User').allOf[1].properties;
      user.email = { type: 'object', properties: { address: { type: 'string' } } };
      atPointer(raw, '/components/schemas/Tag/allOf/0').properties.summary = { type: 'integer' };
    });
    const users = connector.plan.streams.find((s) => s.name === 'users')!;
    expect(users.mapping.email!.path).toBe('email');
    const of = (id: string) => r.findings.filter((f) => f.id === id && f.stream === 'users').map((f) => [f.args.field, f.args.was, f.args.now]);
    expect(of('mapped-field-type-changed')).toEqual([['email', 'string', 'object']]);
    // `summary` (the display name) read as a string from an integer loses nothing.
    expect(users.mapping.display_name!.path).toBe('summary');
    expect(of('mapped-field-retyped')).toEqual([['summary', 'string', 'integer']]);
    expect(r.findings.filter((f) => f.args.field === 'summary').every((f) => f.level === 'info')).toBe(true);
  });

  it('a status the mapping does not list: status-value-added, informational', async () => {
    const oauth = connector.plan.streams.find((s) => s.name === 'oauth_clients')!;
    expect(oauth.mapping.status!.transform).toBe('status-map');
    const r = await driftOf('status', (raw) => atPointer(raw, '/components/schemas/OAuthClient').properties.status.enum.push('suspended'));
    expect(r.findings.filter((f) => f.stream === 'oauth_clients').map((f) => `${f.level} ${f.id} ${String(f.args.values)}`)).toEqual(['info status-value-added suspended']);
  });

  it('a new optional query parameter changes nothing; one that became required is breaking', async () => {
    const r = await driftOf('required', (raw) => {
      raw.paths['/users'].get.parameters.push({ name: 'account_region', in: 'query', required: true, schema: { type: 'string' } }, { name: 'sort_by', in: 'query', schema: { type: 'string' } });
    });
    expect(ids(r)).toEqual(['parameter-became-required users']);
    expect(r.findings[0]!.args).toMatchObject({ name: 'account_region', was: 'not there' });
  });
});

describe('jupyterhub (a folder of specs and pages), planned with a live run\'s observed shapes', () => {
  it('the same docs again: docs are compared with docs, never with what a run observed', async () => {
    const docs = vendorDoc('jupyterhub');
    const full = await ingest(docs, { observed: readObservedShapes(path.join(REPO_ROOT, 'test/fixtures/observed/jupyterhub-3.0.0.shapes.json')) });
    expect(full.operations.some((o) => o.responses.some((r) => r.observed))).toBe(true);
    const plan = planHeuristically(full);
    const r = diffDocs({ plan, model: sliceModel(full, plan) }, await nextSide(docs));
    expect(r.findings).toEqual([]);
  });
});
