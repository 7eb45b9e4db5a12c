import { describe, expect, it } from 'vitest';
import { displayWidth } from '../cli/text-layout.ts';
import { totalsOf, type CatalogueProblem, type CoverageSummary, type VendorSummary } from './coverage-summary.ts';
import { coverageSummaryJson, formatDuration, mdInert, renderCoverageMarkdown, renderCoverageTable, validateCoverageSummary } from './render-coverage.ts';

/** A vendor summary with the fields a test does not care about filled in. */
function vendor(over: Partial<VendorSummary> & { vendor: string }): VendorSummary {
  return {
    owner: '@acme/identity',
    docs: `docs/${over.vendor}.yaml`,
    outcome: 'generated',
    covered: true,
    connector_dir: `connectors/${over.vendor}`,
    streams: 3,
    identity_kinds: ['group', 'human'],
    skipped_streams: [],
    drift: null,
    pr: null,
    cause: null,
    exit_code: null,
    retry_at: null,
    elapsed_ms: 12_345,
    ...over,
  };
}

function summaryOf(vendors: VendorSummary[], problems: CatalogueProblem[] = []): CoverageSummary {
  return {
    schema: 'fetchwright/coverage@1',
    catalogue: '/work/vendors.yaml',
    started_at: '2026-12-01T08:00:00Z',
    finished_at: '2026-12-01T08:01:42.5Z',
    elapsed_ms: 102_500,
    concurrency: 2,
    totals: totalsOf(vendors, problems),
    vendors,
    invalid_entries: problems,
  };
}

/** Hostile text a catalogue, docs or an error's message could carry. */
const HOSTILE = 'x | y\n# APPROVED <img src=x onerror=alert(1)> `code` \u001b[31mred\u001b]52;c;ZXZpbA==\u0007 \r\u202eevil [click](javascript:alert(1)) ![px](https://pixel.example/t.gif) https://evil.example/x www.evil.example @security-team\n- item';

const sample = summaryOf(
  [
    vendor({ vendor: 'okta', streams: 12, identity_kinds: ['group', 'human', 'role'], pr: { branch: 'fetchwright/okta', url: 'https://github.com/acme/connectors/pull/12' } }),
    vendor({ vendor: 'slack', outcome: 'regenerated', drift: { breaking: 2, additive: 1, info: 0 }, pr: { branch: 'fetchwright/slack-2', url: null } }),
    vendor({ vendor: 'netlify', outcome: 'skipped', elapsed_ms: 3 }),
    vendor({ vendor: 'twilio', outcome: 'failed', covered: false, connector_dir: null, streams: 0, identity_kinds: [], cause: 'the mock API answered 500 on /Accounts.json', exit_code: 12, retry_at: '2026-12-02T08:00:00Z' }),
    vendor({ vendor: 'pagerduty', outcome: 'waiting', covered: false, connector_dir: null, streams: 0, identity_kinds: [], cause: 'no identity list in the docs', exit_code: 7, retry_at: '2026-12-03T08:00:00Z' }),
  ],
  [{ file: 'vendors.yaml', entry: 5, vendor: 'linode', field: 'docs', message: 'docs "x.yaml" does not exist: write the path of the vendor\'s docs' }],
);

const hostile = summaryOf(
  [
    vendor({ vendor: HOSTILE, outcome: 'failed', covered: false, cause: HOSTILE, identity_kinds: [HOSTILE], pr: { branch: HOSTILE, url: `javascript:alert(1)//${HOSTILE}` }, owner: HOSTILE }),
    vendor({ vendor: 'okta', pr: { branch: 'b', url: 'https://github.com/a/b/pull/1) [x](https://evil.example' } }),
  ],
  [{ file: HOSTILE, entry: 0, vendor: HOSTILE, field: HOSTILE, message: HOSTILE }],
);

/**
 * `md` with each code span (CommonMark §6.1: a run of n backticks up to the next run of exactly n)
 * replaced by `CODE`: the text GFM interprets.
 */
function outsideCode(md: string): string {
  let out = '';
  let i = 0;
  while (i < md.length) {
    // A backslash-escaped backtick opens nothing.
    const open = /(?<!\\)`+/g;
    open.lastIndex = i;
    const m = open.exec(md);
    if (!m) break;
    out += md.slice(i, m.index);
    const fence = m[0];
    const close = new RegExp(`(?<!\`)${fence}(?!\`)`, 'g');
    close.lastIndex = m.index + fence.length;
    const c = close.exec(md);
    if (!c) {
      out += fence;
      i = m.index + fence.length;
      continue;
    }
    out += 'CODE';
    i = c.index + fence.length;
  }
  return out + md.slice(i);
}

describe('the coverage table for a terminal', () => {
  it('shows one row per vendor with outcome, streams, kinds, PR and cause, the invalid entries, and the totals', () => {
    // Wider than 120 columns is still 120 (the CLI's widest output).
    expect(renderCoverageTable(sample, 500)).toBe(renderCoverageTable(sample, 120));
    // The cause and the kinds are narrowed first and wrap between words; the PR's URL breaks after a `/`.
    expect(renderCoverageTable(sample, 100)).toBe(
      [
        'vendor     outcome      streams  identity kinds      pull request             cause',
        'okta       generated    12       group, human, role  https://github.com/',
        '                                                     acme/connectors/pull/12',
        'slack      regenerated  3        group, human        fetchwright/slack-2      drift: 2 breaking, 1',
        '                                                                              additive',
        'netlify    skipped      3        group, human',
        'twilio     failed       0                                                     the mock API answered',
        '                                                                              500 on /Accounts.json',
        '                                                                              (exit 12); retry after',
        '                                                                              2026-12-02T08:00:00Z',
        'pagerduty  waiting      0                                                     no identity list in',
        '                                                                              the docs; retry after',
        '                                                                              2026-12-03T08:00:00Z',
        '',
        '1 invalid catalogue entry to fix:',
        '  vendors.yaml: vendors[5].docs (linode): docs "x.yaml" does not exist: write the path of the',
        "    vendor's docs",
        '',
        '3 of 5 vendors covered · 1 generated · 1 regenerated · 1 skipped · 1 failed · 1 waiting ·',
        '  1 invalid entry · 1 m 42 s at concurrency 2',
        '',
      ].join('\n'),
    );
    const text = renderCoverageTable(sample, 120);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('fits every line in the width asked, however narrow, and loses no vendor', () => {
    for (const width of [20, 30, 45, 60, 80, 100, 120]) {
      for (const s of [sample, hostile]) {
        const text = renderCoverageTable(s, width);
        for (const line of text.split('\n')) expect(displayWidth(line), `${width}: ${line}`).toBeLessThanOrEqual(width);
        for (const v of ['okta', 'twilio', 'pagerduty']) if (s === sample) expect(text).toContain(v);
      }
    }
    // Wide enough for the table: a table; too narrow: a block per vendor.
    expect(renderCoverageTable(sample, 100)).toMatch(/^vendor +outcome/);
    expect(renderCoverageTable(sample, 30)).toMatch(/^okta: generated · 12 streams/);
  });

  it('writes no control character from hostile text (ESC, CR, BEL, bidi), only newlines of its own', () => {
    for (const width of [40, 120]) {
      const text = renderCoverageTable(hostile, width);
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      // A hostile newline never starts a line of its own: every line is the table's, a wrapped cell, or an indented continuation.
      expect(text.split('\n').some((l) => l.startsWith('# APPROVED') || l.startsWith('- item'))).toBe(false);
    }
  });
});

describe('the coverage Markdown for a CI job summary', () => {
  it('has the headline totals, a row per vendor, the failures with causes, and the invalid entries', () => {
    const md = renderCoverageMarkdown(sample);
    expect(md).toContain('## fetchwright expand: coverage');
    expect(md).toContain('**3 of 5 vendors covered** · 1 generated · 1 regenerated · 1 skipped · **1 failed** · 1 waiting · **1 invalid catalogue entry**');
    expect(md).toContain('| `okta` | generated | 12 | group, human, role |   | [#12](https://github.com/acme/connectors/pull/12) |   |');
    expect(md).toContain('| `slack` | regenerated | 3 | group, human | 2 breaking, 1 additive | `fetchwright/slack-2` |   |');
    expect(md).toContain('### Failed\n\n- `twilio` failed (exit 12): the mock API answered 500 on /Accounts.json; retry after 2026-12-02T08:00:00Z; owner \\@acme/identity');
    expect(md).toContain('- `pagerduty` waiting (exit 7): no identity list in the docs');
    expect(md).toContain('| `vendors.yaml` | `vendors[5].docs` | `linode` | docs "x.yaml" does not exist: write the path of the vendor\'s docs |');
  });

  it('escapes every hostile string: no raw HTML, link, image, heading, list, code span or table cell of its own', () => {
    const md = renderCoverageMarkdown(hostile);
    // What GFM reads as Markdown: the text outside code spans (inside one, nothing is interpreted).
    const prose = outsideCode(md);
    expect(prose).toContain('CODE');
    // No raw HTML, no control characters.
    expect(prose).not.toMatch(/<[a-z/!?]/i);
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    // Every line is one the renderer wrote: a heading of its own, a table row, a list item, blank or its prose.
    for (const line of md.split('\n')) {
      expect(line, line).toMatch(/^(## fetchwright|### (Failed|Invalid)|\|( |---)|- `|$|\*\*|Catalogue `|… and)/);
    }
    // Each table row has exactly its columns: no hostile `|` splits a cell.
    const cellsOf = (row: string) => row.replace(/\\\|/g, '').split('|').length - 2;
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    const vendorRows = rows.slice(0, 3);
    for (const row of vendorRows) expect(cellsOf(row), row).toBe(7);
    for (const row of rows.slice(3)) expect(cellsOf(row), row).toBe(4);
    // Links: only the renderer's own; a hostile URL or a broken-out destination is not linked.
    expect(prose).not.toMatch(/[^\\]\[click\]\(/);
    expect(prose).not.toMatch(/[^\\]!\[px\]/);
    expect(prose).not.toMatch(/[^\\]\]\(javascript:/);
    expect(prose).not.toContain('[#1](');
    expect(prose).not.toMatch(/https?:\/\//);
    expect(prose).not.toMatch(/www\./);
    expect(prose).not.toMatch(/(^|[^\\])@security-team/);
    expect(prose).not.toMatch(/(^|[^\\])# APPROVED/);
    // The vendor's name, a code span, holds the hostile text inert.
    expect(md).toContain('| ``x \\| y # APPROVED <img src=x onerror=alert(1)> `code` ');
  });

  it('mdInert breaks autolinks and markup but keeps plain words', () => {
    expect(mdInert('see https://x.example/a and www.y.example')).toBe('see https\\://x.example/a and www\\.y.example');
    expect(mdInert('the mock API answered 500 on /users (exit 12)')).toBe('the mock API answered 500 on /users (exit 12)');
  });
});

describe('the coverage JSON', () => {
  it('is checked against the schema and reads back the same', () => {
    const json = coverageSummaryJson(sample);
    expect(json.endsWith('\n')).toBe(true);
    expect(validateCoverageSummary(JSON.parse(json))).toEqual(sample);
    expect(validateCoverageSummary(JSON.parse(coverageSummaryJson(hostile)))).toEqual(hostile);
  });

  it('refuses a summary whose totals do not match its vendors, an unknown outcome, an extra key, a bad date', () => {
    const broken = structuredClone(sample);
    broken.totals.failed = 0;
    expect(() => coverageSummaryJson(broken)).toThrow(/totals\.failed: is 0, but the vendors and invalid entries count 1/);
    const outcome = structuredClone(sample) as unknown as { vendors: { outcome: string }[] };
    outcome.vendors[0]!.outcome = 'done';
    expect(() => validateCoverageSummary(outcome)).toThrow(/vendors\.0\.outcome is "done", not one of/);
    expect(() => validateCoverageSummary({ ...sample, extra: 1 })).toThrow(/keys fetchwright never writes: extra/);
    expect(() => validateCoverageSummary({ ...sample, started_at: 'yesterday' })).toThrow(/started_at: is not an RFC 3339 date-time/);
    expect(() => validateCoverageSummary({ ...sample, schema: 'fetchwright/coverage@2' })).toThrow(/schema/);
  });

  it('formats durations for people', () => {
    expect([850, 12_345, 59_990, 245_000, 3_725_000].map(formatDuration)).toEqual(['850 ms', '12.3 s', '59.9 s', '4 m 05 s', '1 h 02 m']);
  });
});
