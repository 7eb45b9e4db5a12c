import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDriftReport } from '../../agent/drift/drift-report.ts';
import { renderDriftMarkdown } from '../../agent/drift/render-drift.ts';
import { MAX_RUN_REPORT_BYTES, readRunReport } from '../../agent/drift/run-report-file.ts';
import { RUN_DRIFT_FLOOR, runtimeFindings, type RunReportDrift } from '../../agent/drift/runtime-drift.ts';
import { DRIFT_CLASSES, type DriftClass } from '../../agent/run/drift.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';
import { FetchwrightError } from '../../agent/errors.ts';

/**
 * Runtime drift: a live run's report (drift entries, calls outside the plan, Sunset/Deprecation
 * headers) as findings of the docs diff's model, and the report file read back as untrusted input.
 */

const NOW = new Date('2026-12-01T00:00:00Z');

const REPORT: RunReportDrift & { vendor: string } = {
  vendor: 'jupyterhub',
  drift: [
    { class: 'list-shape-changed', severity: 'breaking', stream: 'services', operation: 'GET /services', path: '$', expected: 'a list', observed: 'a map of records keyed by their `name`', text: 'services: a list was expected as the body' },
    { class: 'field-type-changed', severity: 'breaking', stream: 'users', operation: 'GET /users', path: '$[*].last_activity', expected: 'string', observed: 'integer', text: 'users: `last_activity` is integer: last_used_at cannot be read from it' },
    { class: 'field-undocumented', severity: 'additive', stream: 'users', operation: 'GET /users', path: '$[*].created', expected: 'absent (not in the docs)', observed: 'string', text: 'users: records have `created`' },
  ],
  calls_outside_plan: { total: 3, calls: [{ method: 'GET', path: '/hub/api/users/page-2', count: 3 }] },
  deprecations: [
    { stream: 'users', operation: 'GET /users', responses: 2, sunset: '2026-06-30T00:00:00.000Z', deprecation: '2026-01-01T00:00:00.000Z', links: [{ rel: 'sunset', url: 'https://docs.example.com/sunset' }] },
    { stream: 'services', operation: 'GET /services', responses: 1, sunset: '2027-03-01T00:00:00.000Z', deprecation: null, links: [] },
    { stream: 'groups', operation: 'GET /groups', responses: 1, sunset: null, deprecation: 'true', links: [] },
  ],
};

describe('runtimeFindings', () => {
  const findings = runtimeFindings(REPORT, { now: NOW });
  const of = (id: string) => findings.filter((f) => f.id === id);

  it('drift entries keep their class as the id and the run\'s level', () => {
    expect(of('list-shape-changed')).toEqual([expect.objectContaining({ level: 'breaking', stream: 'services', operation: 'GET /services', args: { path: '$', expected: 'a list', observed: 'a map of records keyed by their `name`' } })]);
    expect(of('field-type-changed')[0]!.level).toBe('breaking');
    expect(of('field-undocumented')[0]!.level).toBe('additive');
  });

  it('calls outside the plan, each with its count', () => {
    expect(of('call-outside-plan')).toEqual([expect.objectContaining({ level: 'info', operation: 'GET /hub/api/users/page-2', args: { count: 3 } })]);
  });

  it('a Sunset date already past is breaking; one to come and a Deprecation are informational, with their dates', () => {
    expect(of('sunset-passed')).toEqual([expect.objectContaining({ level: 'breaking', operation: 'GET /users', args: { date: '2026-06-30T00:00:00.000Z', notice: 'https://docs.example.com/sunset' } })]);
    expect(of('sunset-announced')).toEqual([expect.objectContaining({ level: 'info', operation: 'GET /services', args: { date: '2027-03-01T00:00:00.000Z' } })]);
    expect(of('deprecation-announced').map((f) => [f.operation, f.args.date])).toEqual([['GET /users', '2026-01-01T00:00:00.000Z'], ['GET /groups', null]]);
    // The same report a year earlier: that Sunset has not come yet.
    expect(runtimeFindings(REPORT, { now: new Date('2025-12-01T00:00:00Z') }).filter((f) => f.level === 'breaking').map((f) => f.id)).toEqual(['list-shape-changed', 'field-type-changed']);
  });

  it('in a report: breaking first, counted, rendered', () => {
    const r = buildDriftReport({ connector: 'connectors/jupyterhub', vendor: 'jupyterhub', docs_sha256_before: 'a'.repeat(64), docs_sha256_after: null, findings });
    expect(r.counts).toEqual({ breaking: 3, additive: 1, info: 4 });
    expect(r.findings.slice(0, 3).map((f) => f.id)).toEqual(['list-shape-changed', 'field-type-changed', 'sunset-passed']);
    expect(r.findings.find((f) => f.id === 'sunset-passed')!.text).toContain('2026-06-30');
    expect(renderDriftMarkdown(r)).toContain('#### Breaking (3)');
    // Whatever order they were found in: breaking, then additive, then info.
    const levels = buildDriftReport({ connector: null, vendor: 'jupyterhub', docs_sha256_before: 'a'.repeat(64), docs_sha256_after: null, findings: [...findings].reverse() }).findings.map((f) => f.level);
    expect(levels).toEqual([...levels].sort((a, b) => ['breaking', 'additive', 'info'].indexOf(a) - ['breaking', 'additive', 'info'].indexOf(b)));
    expect(levels.indexOf('additive')).toBeLessThan(levels.indexOf('info'));
  });
});

describe('runtimeFindings: an edited report cannot lower a level or name another connector\'s streams', () => {
  const entry = (cls: RunReportDrift['drift'][number]['class'], severity: 'breaking' | 'additive' | 'info', stream = 'users', operation = 'GET /users') => ({ class: cls, severity, stream, operation, path: '$[*].email', expected: 'a field', observed: 'absent', text: 'x' });
  const only = (drift: RunReportDrift['drift'], plan?: NonNullable<Parameters<typeof runtimeFindings>[1]>['plan']) => runtimeFindings({ drift, calls_outside_plan: { total: 0, calls: [] }, deprecations: [] }, { now: NOW, ...(plan ? { plan } : {}) });
  const PLAN = { streams: [{ name: 'users', method: 'GET', path: '/users' }, { name: 'groups', method: 'GET', path: '/groups' }] } as unknown as NonNullable<NonNullable<Parameters<typeof runtimeFindings>[1]>['plan']>;

  it('a class the run always reports as breaking stays breaking whatever the file says', () => {
    for (const cls of ['mapped-field-missing', 'items-path-missing', 'list-shape-changed'] as const) {
      expect(only([entry(cls, 'info')]).map((f) => `${f.level} ${f.id}`)).toEqual([`breaking ${cls}`]);
    }
    // An undocumented field is additive at least; a class whose level depends on what was read keeps the level given.
    expect(only([entry('field-undocumented', 'info')])[0]!.level).toBe('additive');
    expect(only([entry('field-type-changed', 'info')])[0]!.level).toBe('info');
    expect(only([entry('field-type-changed', 'breaking')])[0]!.level).toBe('breaking');
    // Never lower: a level raised by hand stays raised.
    expect(only([entry('status-undocumented', 'breaking')])[0]!.level).toBe('breaking');
  });

  it('the floors are the levels agent/run/drift.ts gives each class (read from its source, so the two cannot part)', () => {
    const source = readFileSync(path.join(REPO_ROOT, 'agent/run/drift.ts'), 'utf8');
    const given = new Map<string, Set<string>>();
    for (const m of source.matchAll(/class: '([a-z-]+)',\s*severity: ([^,\n]+),/g)) {
      const set = given.get(m[1]!) ?? new Set<string>();
      const literal = /^'(breaking|additive|info)'$/.exec(m[2]!.trim());
      // An expression (`breaking ? 'breaking' : 'info'`) may give any of the levels it names.
      for (const level of literal ? [literal[1]!] : [...m[2]!.matchAll(/'(breaking|additive|info)'/g)].map((x) => x[1]!)) set.add(level);
      given.set(m[1]!, set);
    }
    expect([...given.keys()].sort()).toEqual([...DRIFT_CLASSES].sort());
    const rank = ['info', 'additive', 'breaking'];
    for (const [cls, levels] of given) expect(RUN_DRIFT_FLOOR[cls as DriftClass], cls).toBe([...levels].sort((a, b) => rank.indexOf(a) - rank.indexOf(b))[0]);
  });

  it('an entry for a stream the plan does not have is left out, as its own info finding; a wrong operation is read as the stream\'s', () => {
    const f = only([entry('mapped-field-missing', 'breaking', 'payroll', 'GET /payroll'), entry('mapped-field-missing', 'breaking', 'groups', 'GET /elsewhere')], PLAN);
    expect(f.map((x) => `${x.level} ${x.id} ${x.stream ?? '-'} ${x.operation}`)).toEqual(['info report-entry-unknown-stream - GET /payroll', 'info report-entry-operation-mismatch groups GET /groups', 'breaking mapped-field-missing groups GET /groups']);
    expect(f[0]!.args).toMatchObject({ stream: 'payroll', entry: 'mapped-field-missing' });
    expect(f[1]!.args).toMatchObject({ reported: 'GET /elsewhere' });
    const deprecation = runtimeFindings({ drift: [], calls_outside_plan: { total: 0, calls: [] }, deprecations: [{ stream: 'payroll', operation: 'GET /payroll', responses: 1, sunset: '2020-01-01T00:00:00.000Z', deprecation: null, links: [] }] }, { now: NOW, plan: PLAN });
    expect(deprecation.map((x) => `${x.level} ${x.id}`)).toEqual(['info report-entry-unknown-stream']);
  });
});

describe('readRunReport: the report file is untrusted', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-run-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const refusal = (f: () => unknown): FetchwrightError => {
    try {
      f();
    } catch (e) {
      if (e instanceof FetchwrightError) return e;
      throw e;
    }
    throw new Error('not refused');
  };

  it('a report as run writes it is read back (unknown keys dropped)', () => {
    const r = readRunReport(file('ok.json', JSON.stringify({ ...REPORT, complete: false, streams: [], drift_omitted: 0 })));
    expect(r.drift).toHaveLength(3);
    expect(r.vendor).toBe('jupyterhub');
    expect(runtimeFindings(r, { now: NOW })).toEqual(runtimeFindings(REPORT, { now: NOW }));
  });

  it('not JSON, not a run report, a made-up drift class, too large, missing: refused with exit 4 or 3', () => {
    expect(refusal(() => readRunReport(file('bad.json', '{"vendor":'))).exitCode).toBe(4);
    expect(refusal(() => readRunReport(file('plan.json', JSON.stringify({ schema_version: 1 })))).exitCode).toBe(4);
    const odd = refusal(() => readRunReport(file('odd.json', JSON.stringify({ ...REPORT, drift: [{ ...REPORT.drift[0], class: 'anything-goes' }] }))));
    expect(odd.message).toContain('drift.0.class');
    expect(refusal(() => readRunReport(file('big.json', ' '.repeat(MAX_RUN_REPORT_BYTES + 1)))).message).toContain('limit');
    expect(refusal(() => readRunReport(path.join(dir, 'none.json'))).exitCode).toBe(3);
  });
});
