import { describe, expect, it } from 'vitest';
import { normaliseWhitespace } from '../docs-view/quote-check.ts';
import { excerpt, linesAround, quoted } from './evidence.ts';

const TEXT = `# Pagination

Lists are paged. Pass the value of the \`Link\` response header's next relation to get the next page;
the last page has   no such link. Every other word here is filler so that the text is long enough to be cut somewhere, ${'and more filler '.repeat(20)}.`;

describe('excerpt: a verbatim window of the docs\' text', () => {
  it('returns short text whole, whitespace normalised', () => {
    expect(excerpt('  two\n  words ')).toBe('two words');
  });

  it('cuts long text around the match, at a sentence or word boundary, never paraphrasing', () => {
    const q = excerpt(TEXT, /no such link/, 80);
    expect(q).toContain('no such link');
    expect(q.length).toBeLessThanOrEqual(80);
    const normal = normaliseWhitespace(TEXT);
    const at = normal.indexOf(q);
    expect(at).toBeGreaterThan(0);
    // Whole words: a space (or the text's edge) on both sides of the cut.
    expect(normal[at - 1]).toBe(' ');
    expect([' ', undefined]).toContain(normal[at + q.length]);
    // A sentence that starts inside the window is where the window starts.
    expect(excerpt(TEXT, /filler so/, 100).startsWith('Every other word')).toBe(true);
  });

  it('is always a substring of the normalised text, wherever the match is', () => {
    for (const word of ['Pagination', 'paged', 'relation', 'filler', 'cut', 'no such link', 'nowhere']) {
      for (const max of [20, 60, 200]) {
        const q = excerpt(TEXT, new RegExp(word), max);
        expect(normaliseWhitespace(TEXT), `${word} ${max}`).toContain(q);
        expect(q.length).toBeGreaterThan(0);
      }
    }
  });

  it('linesAround keeps the whole line of the match', () => {
    const text = "import requests\nr = requests.get(url, headers={\n    'Authorization': f'token {token}',\n})";
    const at = text.indexOf("f'token");
    expect(linesAround(text, { index: at, length: 7 })).toBe("'Authorization': f'token {token}',");
  });

  it('quoted leaves out a quote that comes out empty', () => {
    const source = { file: 'a', pointer: '' };
    expect(quoted(source, '  ', 'why')).toEqual({ source, reasoning: 'why' });
    expect(quoted(source, ' a\n b ', 'why')).toEqual({ source, quote: 'a b', reasoning: 'why' });
  });
});
