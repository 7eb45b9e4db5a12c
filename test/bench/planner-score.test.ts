import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../agent/ingest/ingest.ts';
import { figuresOf, LabelFile, paginationMatches, readLabels, scoreSpec, type PlannedStream } from '../../bench/planner-score.ts';
import { LABELS_DIR } from '../../bench/planner-score-run.ts';
import { vendorDoc } from '../helpers/vendor-docs.ts';

/**
 * The scorer the judges use, and the hand-checked labels it reads. The labels are checked
 * for form and against the docs (every labelled operation exists there, as method + path); the
 * planner's own score is a bench figure, never asserted here (it moves as the planner learns).
 */

const label = (over: Partial<LabelFile> = {}): LabelFile =>
  LabelFile.parse({
    spec: 'invented.yaml',
    notes: 'an invented API',
    lists: [
      { op: 'GET /users', status: 'required', kind: 'human', pagination: { style: 'cursor', cursor_param: 'cursor', cursor_path: 'meta.next' } },
      { op: 'GET /teams', status: 'required', kind: 'group', pagination: [{ style: 'page', page_param: 'page' }, { style: 'next-url', next_path: 'links.next' }] },
      { op: 'GET /keys', status: 'required', kind: 'api_key', pagination: { style: 'link-header' } },
      { op: 'GET /users/{id}/teams', status: 'also-acceptable', kind: 'relationship' },
    ],
    ...over,
  });
const stream = (p: string, pagination: PlannedStream['pagination'], kind?: string): PlannedStream => ({ method: 'GET', path: p, pagination, ...(kind ? { kind } : {}) });

describe('planner score: found, paged and identity streams against labels', () => {
  it('counts a required list found by method + path, paged when style and the named source agree', () => {
    const s = scoreSpec(label(), [
      stream('/users', { style: 'cursor', cursor_param: 'cursor', cursor_path: 'meta.next', limit_param: 'limit' }, 'human'),
      stream('/teams', { style: 'next-url', next_path: 'links.next', relative: false }, 'group'),
    ]);
    expect([s.required, s.found, s.paged]).toEqual([3, 2, 2]);
    expect(s.misses).toEqual([{ op: 'GET /keys', what: 'not-found' }]);
    expect(figuresOf([s])).toEqual({ found_pct: 66.7, paged_pct: 100, identity_pct: 100 });
  });

  it('a cursor read from the wrong place is paged wrong, though style and parameter agree', () => {
    const s = scoreSpec(label(), [stream('/users', { style: 'cursor', cursor_param: 'cursor', cursor_header: 'X-Next' })]);
    expect(s.paged).toBe(0);
    expect(s.misses[0]).toMatchObject({ op: 'GET /users', what: 'paged-wrong', detail: 'plan cursor(cursor ← header X-Next), docs cursor(cursor ← body meta.next)' });
  });

  it('a stream no label names counts against precision; an also-acceptable one does not, nor is its absence a miss', () => {
    const s = scoreSpec(label(), [
      stream('/users/{id}/teams', { style: 'none' }),
      stream('/audit', { style: 'none' }),
      stream('/keys', { style: 'link-header', rel: 'next' }),
      stream('/webhooks', { style: 'none' }),
    ]);
    expect(s.unlabelled).toEqual(['GET /audit', 'GET /webhooks']);
    expect(figuresOf([s]).identity_pct).toBe(50);
    expect(s.misses.map((m) => m.op)).toEqual(['GET /users', 'GET /teams']);
  });

  it('a method other than the labelled one is not the labelled list', () => {
    const s = scoreSpec(label(), [{ method: 'POST', path: '/users', pagination: { style: 'none' } }]);
    expect(s.found).toBe(0);
    expect(s.unlabelled).toEqual(['POST /users']);
  });

  it('reports a found list whose kind differs from the label, without counting it against found or paged', () => {
    const s = scoreSpec(label(), [stream('/keys', { style: 'link-header', rel: 'next' }, 'token')]);
    expect([s.found, s.paged, s.kinded, s.kind_agrees]).toEqual([1, 1, 1, 0]);
    expect(s.misses).toContainEqual({ op: 'GET /keys', what: 'kind-differs', detail: 'plan token, docs api_key' });
    const links = scoreSpec(label({ lists: [{ op: 'GET /teams/{id}/members', status: 'required', kind: 'relationship', pagination: { style: 'none' } }] }), [stream('/teams/{id}/members', { style: 'none' }, 'human')]);
    expect([links.kinded, links.misses]).toEqual([0, []]);
  });

  it('pools figures over specs by list and by stream, not by averaging percentages', () => {
    const a = scoreSpec(label(), [stream('/users', { style: 'none' })]);
    const b = scoreSpec(label({ spec: 'b.yaml', lists: [{ op: 'GET /x', status: 'required', pagination: { style: 'none' } }] }), [stream('/x', { style: 'none' })]);
    expect(figuresOf([a, b])).toEqual({ found_pct: 50, paged_pct: 50, identity_pct: 100 });
    expect(figuresOf([scoreSpec(label(), [])])).toEqual({ found_pct: 0, paged_pct: null, identity_pct: null });
  });

  it('pagination: every field the label names must agree; header names compare case-insensitively', () => {
    expect(paginationMatches({ style: 'offset', offset_param: 'start' }, { style: 'offset', offset_param: 'offset' })).toBe(false);
    expect(paginationMatches({ style: 'offset', offset_param: 'offset', first_offset: 0 }, { style: 'offset' })).toBe(true);
    expect(paginationMatches({ style: 'cursor', cursor_param: 'after', cursor_header: 'x-next-page' }, { style: 'cursor', cursor_header: 'X-Next-Page' })).toBe(true);
    expect(paginationMatches({ style: 'page', page_param: 'page' }, { style: 'offset' })).toBe(false);
  });

  it('pagination: a stop signal the label names must be among the plan\'s, at the same path', () => {
    const want = { style: 'offset' as const, offset_param: 'offset', stops: [{ when: 'more-false', path: 'more' }] };
    expect(paginationMatches({ style: 'offset', offset_param: 'offset', stops: [{ when: 'empty-page' }, { when: 'more-false', path: 'more' }] }, want)).toBe(true);
    expect(paginationMatches({ style: 'offset', offset_param: 'offset', stops: [{ when: 'empty-page' }] }, want)).toBe(false);
    expect(paginationMatches({ style: 'offset', offset_param: 'offset', stops: [{ when: 'more-false', path: 'has_more' }] }, want)).toBe(false);
    const s = scoreSpec(label({ lists: [{ op: 'GET /users', status: 'required', pagination: want }] }), [stream('/users', { style: 'offset', offset_param: 'offset', stops: [{ when: 'empty-page' }] })]);
    expect(s.misses).toEqual([{ op: 'GET /users', what: 'paged-wrong', detail: 'plan offset(offset) until empty-page, docs offset(offset) until more-false(more)' }]);
  });
});

describe('label files: form', () => {
  it('refuses a required list with no paging, a list labelled twice, and an operation not written as METHOD /path', () => {
    const base = { spec: 'x', notes: 'n' };
    expect(LabelFile.safeParse({ ...base, lists: [{ op: 'GET /a', status: 'required' }] }).success).toBe(false);
    expect(LabelFile.safeParse({ ...base, lists: [{ op: 'GET /a', status: 'also-acceptable' }, { op: 'GET /a', status: 'also-acceptable' }] }).success).toBe(false);
    expect(LabelFile.safeParse({ ...base, lists: [{ op: 'listUsers', status: 'also-acceptable' }] }).success).toBe(false);
    expect(LabelFile.safeParse({ ...base, lists: [{ op: 'GET /a', status: 'also-acceptable' }] }).success).toBe(true);
  });

  it('readLabels names the file that is malformed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fw-labels-'));
    try {
      writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ spec: 'x', notes: 'n', lists: [{ op: 'GET /a', status: 'maybe' }] }));
      expect(() => readLabels(dir)).toThrow(/^labels bad\.json: lists\.0\.status/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('label files: every labelled operation exists in its docs', async () => {
  const files = readLabels(LABELS_DIR);

  it('labels the eleven real descriptions, one file each', () => {
    expect(files.map((f) => f.spec).sort()).toEqual(
      ['datadog.yaml', 'digitalocean.yaml', 'jupyterhub', 'kubernetes.json', 'linode.yaml', 'netlify.yaml', 'okta.yaml', 'pagerduty.json', 'slack.json', 'snowflake.yaml', 'twilio.json'].sort(),
    );
    for (const f of files) expect(f.lists.some((l) => l.status === 'required')).toBe(true);
  });

  for (const f of files) {
    it(`${f.spec}: every labelled op is a GET the docs describe (method + path)`, async () => {
      const model = await ingest(vendorDoc(f.spec));
      const ops = new Set(model.operations.map((o) => `${o.method.toUpperCase()} ${o.path}`));
      const absent = f.lists.filter((l) => !ops.has(l.op)).map((l) => l.op);
      expect(absent).toEqual([]);
      expect(f.lists.filter((l) => !l.op.startsWith('GET ')).map((l) => l.op)).toEqual([]);
    }, 60_000);
  }
});
