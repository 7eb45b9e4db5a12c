import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { DRIFT_BREAKING_EXIT } from '../../agent/commands/drift.ts';
import { DriftFinding } from '../../agent/drift/drift-finding.ts';
import type { DriftReport } from '../../agent/drift/drift-report.ts';
import { EXIT } from '../../agent/errors.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { fieldDeclaration, rawDoc, renameProperty, tempRoot, writeVariant, type Raw } from './docs-variants.ts';

/**
 * `fetchwright drift <connector-dir>` on a connector generated from a copy of Okta's description:
 * exit 0 without a breaking change, 1 (as oasdiff) with one, 2 for a usage error; the report as
 * JSON, text and Markdown; the run audited.
 */

let root: string;
let dir: string;
let original: Raw;
let plan: ConnectorPlan;
const env = () => ({ ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state') });

async function cli(...args: string[]) {
  const io = captureIo();
  const code = await main(args, io, env());
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  root = tempRoot();
  original = rawDoc('okta.yaml');
  const docs = writeVariant(root, 'original', 'okta.yaml', original);
  const generated = await cli('generate', docs, '--out', path.join(root, 'connectors'));
  if (generated.code !== 0) throw new Error(`generate failed (${generated.code}): ${generated.err}`);
  dir = path.join(root, 'connectors', 'okta');
  plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as ConnectorPlan;
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fetchwright drift', () => {
  it('the docs the connector was made from: exit 0, nothing changed', async () => {
    const r = await cli('drift', dir, '--docs', path.join(root, 'original', 'okta.yaml'));
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('nothing the connector depends on changed');
  });

  it('a mapped User field renamed: exit 1, the report names it (JSON, Markdown), the run is audited', async () => {
    expect(DRIFT_BREAKING_EXIT).toBe(1);
    const raw = structuredClone(original);
    // The field the users stream reads its status from, renamed where the User schema declares it.
    const users = plan.streams.find((s) => s.name === 'users')!;
    const field = users.mapping.status!.path!;
    const model = JSON.parse(readFileSync(path.join(dir, 'api-model.json'), 'utf8')) as ApiModel;
    const { pointer, name } = fieldDeclaration(model, users, field);
    renameProperty(raw, pointer, name, `${name}Code`);
    const docs = writeVariant(root, 'renamed', 'okta.yaml', raw);
    const markdown = path.join(root, 'drift.md');
    const r = await cli('drift', dir, '--docs', docs, '--json', '--markdown', markdown);
    expect(r.code).toBe(DRIFT_BREAKING_EXIT);
    const report = JSON.parse(r.out) as DriftReport;
    // Every finding has the model's shape (a kebab-case id, a level, the operation, source pointers).
    for (const x of report.findings) expect(DriftFinding.safeParse(x).success).toBe(true);
    expect(report).toMatchObject({ schema: 'fetchwright/drift@1', vendor: 'okta', breaking: true, connector: dir, docs_sha256_before: plan.docs_sha256 });
    expect(report.docs_sha256_after).not.toBe(plan.docs_sha256);
    const f = report.findings.find((x) => x.id === 'mapped-field-removed' && x.stream === 'users')!;
    expect(f.args).toMatchObject({ field, candidate: field.replace(/[^.]+$/, `${name}Code`) });
    expect(readFileSync(markdown, 'utf8')).toContain('| `GET /api/v1/users` | `users` |');
    const audit = readFileSync(path.join(root, 'state', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: string; outcome: string; details: { counts?: unknown } });
    expect(audit.filter((e) => e.step === 'drift').at(-1)).toMatchObject({ outcome: 'fail', details: { counts: report.counts } });
  });

  it('a new unrelated endpoint: exit 0, additive only', async () => {
    const raw = structuredClone(original);
    raw.paths['/api/v1/reports/usage'] = { get: { operationId: 'getUsageReport', responses: { '200': { description: 'OK' } } } };
    const r = await cli('drift', dir, '--docs', writeVariant(root, 'unrelated', 'okta.yaml', raw));
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('ADDITIVE');
    expect(r.out).toContain('GET /api/v1/reports/usage');
  });

  it('a run report: a Sunset date already past is breaking (exit 1); one of another vendor is a usage error', async () => {
    const report = (vendor: string, sunset: string) => ({
      vendor,
      drift: [],
      drift_omitted: 0,
      calls_outside_plan: { total: 1, calls: [{ method: 'GET', path: '/api/v1/elsewhere', count: 1 }] },
      deprecations: [{ stream: 'users', operation: 'GET /api/v1/users', responses: 1, sunset, deprecation: null, links: [] }],
    });
    const past = path.join(root, 'run-past.json');
    writeFileSync(past, JSON.stringify(report('okta', '2020-01-01T00:00:00.000Z')));
    const r = await cli('drift', dir, '--report', past, '--json');
    expect(r.code).toBe(DRIFT_BREAKING_EXIT);
    const parsed = JSON.parse(r.out) as DriftReport;
    expect(parsed.findings.map((f) => `${f.level} ${f.id}`)).toEqual(['breaking sunset-passed', 'info call-outside-plan']);
    // The finding points at the operation in the connector's api-model.json.
    expect(parsed.findings[0]!.source.old).toMatchObject({ file: 'okta.yaml', pointer: '/paths/~1api~1v1~1users/get' });
    expect(parsed.docs_sha256_after).toBeNull();
    const future = path.join(root, 'run-future.json');
    writeFileSync(future, JSON.stringify(report('okta', '2999-01-01T00:00:00.000Z')));
    expect((await cli('drift', dir, '--report', future)).code).toBe(EXIT.ok);
    const other = path.join(root, 'run-other.json');
    writeFileSync(other, JSON.stringify(report('slack', '2999-01-01T00:00:00.000Z')));
    expect((await cli('drift', dir, '--report', other)).code).toBe(EXIT.usage);
  });

  it('an edited run report: a mapped field missing marked info is still breaking (exit 1); an entry for a stream the plan lacks is left out', async () => {
    const users = plan.streams.find((s) => s.name === 'users')!;
    const edited = path.join(root, 'run-edited.json');
    const entry = (stream: string, operation: string) => ({ class: 'mapped-field-missing', severity: 'info', stream, operation, path: '$[*].profile.email', expected: 'a field read into email (string)', observed: 'absent from every record seen', text: 'x' });
    writeFileSync(edited, JSON.stringify({ vendor: 'okta', drift: [entry('users', `GET ${users.path}`)], drift_omitted: 0, calls_outside_plan: { total: 0, calls: [] }, deprecations: [] }));
    const r = await cli('drift', dir, '--report', edited, '--json');
    expect(r.code).toBe(DRIFT_BREAKING_EXIT);
    expect((JSON.parse(r.out) as DriftReport).findings.map((f) => `${f.level} ${f.id} ${f.stream}`)).toEqual(['breaking mapped-field-missing users']);
    writeFileSync(edited, JSON.stringify({ vendor: 'okta', drift: [entry('payroll', 'GET /api/v1/payroll')], drift_omitted: 0, calls_outside_plan: { total: 0, calls: [] }, deprecations: [] }));
    const unknown = await cli('drift', dir, '--report', edited, '--json');
    expect(unknown.code).toBe(EXIT.ok);
    expect((JSON.parse(unknown.out) as DriftReport).findings.map((f) => `${f.level} ${f.id}`)).toEqual(['info report-entry-unknown-stream']);
  });

  it('usage errors (exit 2): neither --docs nor --report; --markdown inside the connector folder', async () => {
    const none = await cli('drift', dir);
    expect(none.code).toBe(EXIT.usage);
    expect(none.err).toContain('--docs');
    const inside = await cli('drift', dir, '--docs', path.join(root, 'original', 'okta.yaml'), '--markdown', path.join(dir, 'drift.md'));
    expect(inside.code).toBe(EXIT.usage);
    expect(existsSync(path.join(dir, 'drift.md'))).toBe(false);
  });
});
