import { describe, expect, it } from 'vitest';
import { EVERY_OPERATION } from '../../agent/drift/auth-changes.ts';
import { buildDriftReport } from '../../agent/drift/drift-report.ts';
import { renderDriftMarkdown, renderDriftText } from '../../agent/drift/render-drift.ts';

/**
 * The renderings of a drift report: every string in it may come from hostile docs or a server, in
 * any argument a finding's sentence quotes — as code or as prose — and in the operation and stream.
 */

const HOSTILE = 'X|<img src=x onerror=alert(1)>`\n| forged | row |\u202e\u001b[2J';

const report = buildDriftReport({
  connector: null,
  vendor: 'acme',
  docs_sha256_before: 'a'.repeat(64),
  docs_sha256_after: 'b'.repeat(64),
  findings: [
    // `now` is prose in the sentence, `scheme` is quoted as code.
    { id: 'auth-scheme-changed', level: 'breaking', operation: EVERY_OPERATION, source: { old: { file: 'api.yaml', pointer: '/components/securitySchemes/key' } }, args: { scheme: HOSTILE, was: 'an API key in header Authorization', now: `an API key in header ${HOSTILE}` } },
    { id: 'operation-added', level: 'additive', operation: `GET /reports/${HOSTILE}`, source: {}, args: { operation_id: HOSTILE } },
    { id: 'mapped-field-removed', level: 'breaking', operation: 'GET /users', stream: 'users', source: {}, args: { field: 'profile.e_mail', reads: 'email', candidate: 'profile.*email*' } },
    { id: 'scope-removed', level: 'info', operation: 'GET /users', stream: 'users', source: {}, args: { removed: [HOSTILE, 'users:read'] } },
  ],
});

describe('renderDriftMarkdown', () => {
  const md = renderDriftMarkdown(report);
  const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| operation'));

  it('no HTML, no forged row, no control or bidi character, each row five cells', () => {
    expect(md).not.toMatch(/<img|<\/?[a-z]/i);
    expect(md).toContain('&lt;img');
    expect(md.split('\n').some((l) => l.startsWith('| forged'))).toBe(false);
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.match(/(?<!\\)\|/g)).toHaveLength(6);
  });

  it('a table per level with its count; the API-wide operation in words', () => {
    expect(md).toContain('#### Breaking (2)');
    expect(md).toContain('#### Additive (1)');
    expect(md).toContain('#### Informational (1)');
    expect(md).toContain('`every operation`');
    expect(md).toContain('**Breaking changes**');
  });

  it('the values a sentence quotes are code spans (Markdown inside them stays text); the rest escaped prose', () => {
    expect(md).toContain('the record field `profile.e_mail`, read into email, is gone from the response; renamed to `profile.*email*`?');
    expect(md).toContain('no longer requires X\\|&lt;img');
  });

  it('a report without findings says so', () => {
    const empty = buildDriftReport({ connector: null, vendor: 'acme', docs_sha256_before: 'a', docs_sha256_after: 'a', findings: [] });
    expect(renderDriftMarkdown(empty)).toContain('No breaking change');
    expect(renderDriftText(empty)).toContain('nothing the connector depends on changed');
  });
});

describe('renderDriftText', () => {
  const text = renderDriftText(report);
  it('one line per finding, no control or bidi character', () => {
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(text.split('\n').some((l) => l.trimStart().startsWith('| forged'))).toBe(false);
    expect(text.split('\n')[0]).toContain('acme: BREAKING — 2 breaking, 1 additive, 1 informational');
  });
});
