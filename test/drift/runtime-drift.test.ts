import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDriftReport } from '../../agent/drift/drift-report.ts';
import { renderDriftMarkdown } from '../../agent/drift/render-drift.ts';
import { MAX_RUN_REPORT_BYTES, readRunReport } from '../../agent/drift/run-report-file.ts';
import { runtimeFindings, type RunReportDrift } from '../../agent/drift/runtime-drift.ts';
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
