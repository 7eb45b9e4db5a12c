import { describe, expect, it } from 'vitest';
import { mdCode, mdText } from './markdown-text.ts';

/**
 * Text from docs and servers shown in the PR body and VALIDATION.md renders as the text it is:
 * no image, link, mention, HTML, heading, table cell or code span of its own.
 */
describe('mdText and mdCode', () => {
  const hostile = 'Lists users ![px](https://pixel.example/t.gif) [click](javascript:alert(1)) @security-team <img src=x onerror=alert(1)> | cell\n# APPROVED ~~x~~ **bold** `code`';

  it('prose: one line, every markup opener escaped, HTML as entities, no mention', () => {
    const out = mdText(hostile);
    expect(out).not.toContain('\n');
    expect(out).toContain('\\!\\[px\\](https://pixel.example/t.gif)');
    expect(out).toContain('\\[click\\](javascript:alert(1))');
    expect(out).toContain('\\@security-team');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('\\| cell \\# APPROVED \\~\\~x\\~\\~ \\*\\*bold\\*\\* \\`code\\`');
    // Plain words are left as they are.
    expect(mdText('every seeded identity came back, exactly once (4 streams).')).toBe('every seeded identity came back, exactly once (4 streams).');
  });

  it('code: a fence longer than any backtick run inside, control characters gone, | escaped only in a table', () => {
    expect(mdCode('/users')).toBe('`/users`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('``x')).toBe('``` ``x ```');
    expect(mdCode('a\u001b]52;c;ZXZpbA==\u0007b\nc')).toBe('`a ]52;c;ZXZpbA== b c`');
    expect(mdCode('a|b')).toBe('`a|b`');
    expect(mdCode('a|b', true)).toBe('`a\\|b`');
  });
});
