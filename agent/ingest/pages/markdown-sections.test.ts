import { describe, expect, it } from 'vitest';
import { markdownSections } from './markdown-sections.ts';

/** A Markdown reference read as a web page is: headings with GitHub's anchors, prose, table rows, code blocks. */
describe('markdownSections', () => {
  it('reads headings, paragraphs with inline markup dropped, list items, table rows without the separator, fenced and indented code', () => {
    const md = [
      '# Acme *Directory* API',
      'Lists every [user](https://x.example/u) of the `organization`.',
      '',
      '## GET /v1/users ##',
      '- Pages start at **1**.',
      '| Parameter | Description |',
      '|:---------|-----------:|',
      '| per_page | at most 100 |',
      '```bash',
      "curl -H 'Authorization: Bearer $TOKEN' https://api.acme.example/v1/users",
      '```',
      '',
      '    GET /v1/users HTTP/1.1',
      '    Host: api.acme.example',
      '',
      '### Errors & limits',
      'A 429 carries Retry-After.',
    ].join('\n');
    const s = markdownSections(md);
    expect(s.map((x) => [x.heading, x.level, x.anchor])).toEqual([
      ['Acme Directory API', 1, '#acme-directory-api'],
      ['GET /v1/users', 2, '#get-v1users'],
      ['Errors & limits', 3, '#errors--limits'],
    ]);
    expect(s[0]!.prose).toEqual(['Lists every user of the organization.']);
    expect(s[1]!.prose).toEqual(['Pages start at 1.', 'Parameter | Description', 'per_page | at most 100']);
    expect(s[1]!.code).toEqual(["curl -H 'Authorization: Bearer $TOKEN' https://api.acme.example/v1/users", 'GET /v1/users HTTP/1.1\nHost: api.acme.example']);
    expect(s[1]!.before).toEqual(['per_page | at most 100', 'per_page | at most 100']);
  });

  it('stays bounded on a hostile document (an unclosed fence, 200,000 headings)', () => {
    expect(markdownSections('```\n' + 'x\n'.repeat(100_000))[0]!.code[0]!.length).toBeGreaterThan(0);
    expect(markdownSections('## h\n'.repeat(200_000)).length).toBeLessThanOrEqual(2_000);
  });
});
