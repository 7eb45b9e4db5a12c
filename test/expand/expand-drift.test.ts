import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CoverageSummary } from '../../agent/expand/coverage-summary.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { connectorsRepo, git } from '../helpers/git-repo.ts';
import { REPO_ROOT, vendorDoc } from '../helpers/vendor-docs.ts';
import { fetchwright } from './expand-cli.ts';

/**
 * expand when a vendor's docs change (issue 12's "Done when", on a copy of okta.yaml): a new
 * unrelated endpoint is additive and changes nothing; a mapped User field renamed is breaking, the
 * connector is regenerated, and its pull request carries the classified diff; the same change never
 * yields a second pull request.
 */

const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-expand-drift-'));
const state = path.join(root, 'state');
const expandState = path.join(state, 'expand');
const out = path.join(root, 'connectors');
const docs = path.join(root, 'docs', 'okta.yaml');
const catalogue = path.join(root, 'vendors.yaml');

const run = (...extra: string[]) => fetchwright(['expand', '--catalog', catalogue, '--state', expandState, '--out', out, '--json', ...extra], { state, env: { CI: 'true' } });
const summary = (stdout: string) => JSON.parse(stdout) as CoverageSummary;
const planFile = () => readFileSync(path.join(out, 'okta', 'plan.json'), 'utf8');

/** Inserts `block` (path items written at the docs' own indentation) as the first entries under `paths:`. */
function addPathItems(text: string, block: (indent: string) => string): string {
  const m = /^paths:\n( +)\//m.exec(text)!;
  return text.replace(/^paths:\n/m, `paths:\n${block(m[1]!)}`);
}

/** Renames the property `from` to `to` in the named schema `schema` of components, by its line (the docs' own text otherwise unchanged). */
function renameProperty(text: string, schema: string, from: string, to: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^ {4}${schema}:\\s*$`).test(l));
  expect(start, `schema ${schema}`).toBeGreaterThan(0);
  for (let i = start + 1; i < lines.length && !/^ {0,4}\S/.test(lines[i]!); i++) {
    const m = new RegExp(`^( +)${from}:(.*)$`).exec(lines[i]!);
    if (m) {
      lines[i] = `${m[1]}${to}:${m[2]}`;
      return lines.join('\n');
    }
  }
  throw new Error(`${schema} declares no ${from}`);
}

describe('expand on changed Okta docs', () => {
  let original: string;
  let emailField: string;
  let emailSchema: string;

  beforeAll(() => {
    mkdirSync(path.dirname(docs), { recursive: true });
    copyFileSync(vendorDoc('okta.yaml'), docs);
    original = readFileSync(docs, 'utf8');
    writeFileSync(catalogue, `vendors:\n  - vendor: okta\n    docs: docs/okta.yaml\n    owner: "@acme/identity"\n`);
  });

  it('generates the connector on the first run', async () => {
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(summary(r.stdout).vendors[0]).toMatchObject({ vendor: 'okta', outcome: 'generated', covered: true });
    // What the human stream's email is read from, and which of the docs' schemas declares it.
    const plan = JSON.parse(planFile()) as ConnectorPlan;
    const users = plan.streams.find((s) => s.kind === 'human' && !s.parent)!;
    emailField = (users.mapping.email as { path: string }).path;
    expect(emailField).toMatch(/email/);
    const last = emailField.split('.').at(-1)!;
    const schemas = (load(original) as { components: { schemas: Record<string, { properties?: Record<string, unknown> }> } }).components.schemas;
    const declaring = Object.entries(schemas).filter(([, s]) => s.properties && Object.hasOwn(s.properties, last)).map(([n]) => n);
    // The profile schema of a user: the one whose name says so among those declaring the field.
    emailSchema = declaring.find((n) => /^UserProfile$/.test(n)) ?? declaring[0]!;
    expect(emailSchema).toBeDefined();
  });

  it('keeps the connector when the docs gain an unrelated endpoint: additive drift, the same plan, nothing proposed', async () => {
    const before = planFile();
    writeFileSync(docs, addPathItems(original, (i) => `${i}/api/v1/weather/forecasts:\n${i}${i}get:\n${i}${i}${i}summary: List weather forecasts\n${i}${i}${i}operationId: listForecasts\n${i}${i}${i}responses:\n${i}${i}${i}${i}'200':\n${i}${i}${i}${i}${i}description: Forecasts\n${i}${i}${i}${i}${i}content:\n${i}${i}${i}${i}${i}${i}application/json:\n${i}${i}${i}${i}${i}${i}${i}schema:\n${i}${i}${i}${i}${i}${i}${i}${i}type: array\n${i}${i}${i}${i}${i}${i}${i}${i}items: { type: object, properties: { city: { type: string }, celsius: { type: number } } }\n`));
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    const v = summary(r.stdout).vendors[0]!;
    expect(v.outcome).toBe('kept');
    expect(v.drift).toMatchObject({ breaking: 0 });
    expect(v.drift!.additive).toBeGreaterThanOrEqual(1);
    expect(planFile()).toBe(before);
    // A second run on the same docs: nothing to do.
    const again = await run();
    expect(summary(again.stdout).vendors[0]!.outcome).toBe('skipped');
  });

  it('regenerates on a renamed mapped User field (breaking) and proposes it once, with the classified diff in the PR body', async () => {
    const { repo } = connectorsRepo({ prefix: 'fetchwright-expand-pr-' });
    const last = emailField.split('.').at(-1)!;
    writeFileSync(docs, renameProperty(original, emailSchema, last, `${last}Address`));
    const r = await run('--pr', '--repo', repo);
    expect(r.code, r.stderr).toBe(0);
    const v = summary(r.stdout).vendors[0]!;
    expect(v.outcome).toBe('regenerated');
    expect(v.drift!.breaking).toBeGreaterThanOrEqual(1);
    expect(v.pr?.branch).toMatch(/^fetchwright\/okta-[0-9a-f]{8}$/);
    const plan = JSON.parse(planFile()) as ConnectorPlan;
    expect(JSON.stringify(plan.streams.find((s) => s.name === 'users')!.mapping.email)).not.toContain(`"${emailField}"`);
    // The PR body on the branch names the breaking change: the field, the stream, the level.
    const body = git(repo, 'show', `${v.pr!.branch}:connectors/okta/PULL_REQUEST.md`);
    expect(body).toMatch(/What changed in the docs/);
    expect(body).toMatch(/[Bb]reaking/);
    expect(body).toContain(last);
    // Run again: the same change, no second branch.
    const branches = git(repo, 'branch', '--list', 'fetchwright/*').split('\n').length;
    const again = await run('--pr', '--repo', repo);
    expect(again.code, again.stderr).toBe(0);
    expect(summary(again.stdout).vendors[0]!.outcome).toBe('skipped');
    expect(git(repo, 'branch', '--list', 'fetchwright/*').split('\n')).toHaveLength(branches);
  });
});

describe('expand on docs that gain an identity list', () => {
  it('proposes the wider connector: the new stream beside the old ones, unchanged, and the PR body names the new list', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-expand-wider-'));
    const st = path.join(dir, 'state');
    const copy = path.join(dir, 'docs', 'netlify.yaml');
    mkdirSync(path.dirname(copy), { recursive: true });
    const text = readFileSync(vendorDoc('netlify.yaml'), 'utf8');
    writeFileSync(copy, text);
    const file = path.join(dir, 'vendors.yaml');
    writeFileSync(file, `vendors:\n  - { vendor: netlify, docs: docs/netlify.yaml, owner: "@acme/identity" }\n`);
    const { repo } = connectorsRepo({ prefix: 'fetchwright-expand-wider-pr-' });
    const go = () => fetchwright(['expand', '--catalog', file, '--state', path.join(st, 'expand'), '--out', path.join(dir, 'connectors'), '--json', '--pr', '--repo', repo], { state: st, env: { CI: 'true' } });
    const first = await go();
    expect(first.code, first.stderr).toBe(0);
    const readPlan = () => JSON.parse(readFileSync(path.join(dir, 'connectors', 'netlify', 'plan.json'), 'utf8')) as ConnectorPlan;
    const before = readPlan().streams;
    // A new list of credentials, written as the docs write their other lists.
    writeFileSync(copy, addPathItems(text, (i) => [
      `${i}/deploy_tokens:`,
      `${i}${i}get:`,
      `${i}${i}${i}operationId: listDeployTokens`,
      `${i}${i}${i}summary: List the deploy tokens of the account`,
      `${i}${i}${i}responses:`,
      `${i}${i}${i}${i}'200':`,
      `${i}${i}${i}${i}${i}description: the deploy tokens`,
      `${i}${i}${i}${i}${i}schema:`,
      `${i}${i}${i}${i}${i}${i}type: array`,
      `${i}${i}${i}${i}${i}${i}items: { type: object, properties: { id: { type: string }, name: { type: string }, created_at: { type: string, format: date-time }, expires_at: { type: string, format: date-time } } }`,
      '',
    ].join('\n')));
    const r = await go();
    expect(r.code, r.stderr).toBe(0);
    const v = summary(r.stdout).vendors[0]!;
    expect(v).toMatchObject({ outcome: 'regenerated', drift: { breaking: 0 } });
    expect(v.drift!.additive).toBeGreaterThanOrEqual(1);
    const after = readPlan().streams;
    expect(after.map((s) => s.path)).toContain('/deploy_tokens');
    // The streams it had are read as before.
    for (const s of before) expect(after.find((a) => a.name === s.name)?.pagination).toEqual(s.pagination);
    const body = git(repo, 'show', `${v.pr!.branch}:connectors/netlify/PULL_REQUEST.md`);
    expect(body).toMatch(/What changed in the docs/);
    expect(body).toContain('/deploy_tokens');
  });
});

describe('expand on docs whose scopes are renamed', () => {
  it('regenerates: the credential to provision changed, even where no stream reads anything else', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-expand-scopes-'));
    const st = path.join(dir, 'state');
    const docsDir = path.join(dir, 'docs', 'jupyterhub');
    mkdirSync(docsDir, { recursive: true });
    for (const f of readdirSync(vendorDoc('jupyterhub'))) copyFileSync(path.join(vendorDoc('jupyterhub'), f), path.join(docsDir, f));
    const file = path.join(dir, 'vendors.yaml');
    writeFileSync(file, `vendors:\n  - { vendor: jupyterhub, docs: docs/jupyterhub, owner: "@acme/identity" }\n`);
    const go = () => fetchwright(['expand', '--catalog', file, '--state', path.join(st, 'expand'), '--out', path.join(dir, 'connectors'), '--json'], { state: st, env: { CI: 'true' } });
    expect((await go()).code).toBe(0);
    const scopesOf = () => (JSON.parse(readFileSync(path.join(dir, 'connectors', 'jupyterhub', 'manifest.json'), 'utf8')) as { credentials: { least_scopes: string[] }[] }).credentials.flatMap((c) => c.least_scopes);
    const before = scopesOf();
    const listing = before.find((s) => /^list:/.test(s))!;
    expect(listing).toBeDefined();
    // The listing scope renamed in every file of the docs (spec and scopes page).
    for (const f of readdirSync(docsDir)) writeFileSync(path.join(docsDir, f), readFileSync(path.join(docsDir, f), 'utf8').replaceAll(listing, listing.replace(/^list:/, 'enumerate:')));
    const r = await go();
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as CoverageSummary).vendors[0]!.outcome).toBe('regenerated');
    expect(scopesOf()).toContain(listing.replace(/^list:/, 'enumerate:'));
    expect(scopesOf()).not.toContain(listing);
  });
});

describe('expand with observed shapes in the catalogue', () => {
  it('plans from them (the plan records their hash), and a new shapes file is a new input', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-expand-observed-'));
    const st = path.join(dir, 'state');
    const shapes = path.join(dir, 'shapes.json');
    copyFileSync(path.join(REPO_ROOT, 'test/fixtures/observed/jupyterhub-3.0.0.shapes.json'), shapes);
    const file = path.join(dir, 'vendors.yaml');
    writeFileSync(file, `vendors:\n  - { vendor: jupyterhub, docs: ${JSON.stringify(vendorDoc('jupyterhub'))}, owner: "@acme/identity", observed: shapes.json }\n`);
    const go = () => fetchwright(['expand', '--catalog', file, '--state', path.join(st, 'expand'), '--out', path.join(dir, 'connectors'), '--json'], { state: st, env: { CI: 'true' } });
    const r = await go();
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(path.join(dir, 'connectors', 'jupyterhub', 'plan.json'), 'utf8')) as ConnectorPlan;
    expect(plan.observed_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((JSON.parse((await go()).stdout) as CoverageSummary).vendors[0]!.outcome).toBe('skipped');
    // The same shapes written again with other whitespace: another file, so the vendor is looked at again.
    writeFileSync(shapes, `${JSON.stringify(JSON.parse(readFileSync(shapes, 'utf8')))}\n`);
    expect((JSON.parse((await go()).stdout) as CoverageSummary).vendors[0]!.outcome).not.toBe('skipped');
  });
});
