import { describe, expect, it } from 'vitest';
import { displayWidth, table, terminalSafe, truncate, wrap, wrapItems } from './text-layout.ts';

describe('text layout', () => {
  it('measures wide characters as two columns', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('ユーザー')).toBe(8);
    expect(displayWidth('é')).toBe(1);
  });

  it('wraps at spaces, breaks a long URL after a /, and keeps every line within the width', () => {
    const lines = wrap(`see https://developer.example.test/docs/reference/api/pagination/cursors/and/links/in/depth for details`, 40, '    ', '  ');
    expect(lines).toEqual(['  see', '    https://developer.example.test/docs/', '    reference/api/pagination/cursors/', '    and/links/in/depth for details']);
    expect(lines.every((l) => displayWidth(l) <= 40)).toBe(true);
  });

  it('wraps a list between items, not inside one, and a line ending in a separator still fits', () => {
    const items = ['id ← id', 'display_name ← profile.name', 'email ← profile.email'];
    expect(wrapItems(items, ' · ', 41, '  ', '  ')).toEqual(['  id ← id · display_name ← profile.name ·', '  email ← profile.email']);
    // At 40 columns the first line with its trailing ` ·` would be 41 wide: the second item moves down.
    expect(wrapItems(items, ' · ', 40, '  ', '  ')).toEqual(['  id ← id ·', '  display_name ← profile.name ·', '  email ← profile.email']);
  });

  it('sizes each piece of a broken word for the line it goes on, whatever the two indents', () => {
    // The first line has 8 columns of indent, the others 10: every line is 120 columns at most.
    expect(wrap('x'.repeat(300), 120, ' '.repeat(10), ' '.repeat(8)).map((l) => l.length)).toEqual([120, 120, 88]);
    expect(wrap('x'.repeat(300), 120, ' '.repeat(2), ' '.repeat(30)).map((l) => l.length)).toEqual([120, 120, 94]);
  });

  it('keeps every line within the width for any width, indents and length, and loses no character', () => {
    // A deterministic sweep (a property check): plain, slashed and wide-character words, short and long.
    const samples = ['x', 'a/b.c', 'ユーザー', 'pa/th/to/the/ユ/resource?x=1&y=2', 'e\u0301'];
    let seed = 1;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let width = 2; width <= 60; width += 3) {
      for (const [indent, first] of [[0, 0], [2, 8], [10, 2], [width - 1, 0], [width + 5, width * 2], [3, width]]) {
        for (let round = 0; round < 12; round++) {
          const words = Array.from({ length: 1 + random(6) }, () => samples[random(samples.length)]!.repeat(1 + random(40)));
          const text = words.join(' ');
          const lines = wrap(text, width, ' '.repeat(indent!), ' '.repeat(first!));
          const over = lines.filter((l) => displayWidth(l) > width);
          expect(over, JSON.stringify({ width, indent, first, text })).toEqual([]);
          expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
          if (width < 4) continue; // a list needs room for a wide character and its ` ·`
          const listed = wrapItems(words, ' · ', width, ' '.repeat(indent!), ' '.repeat(first!));
          expect(listed.filter((l) => displayWidth(l) > width), JSON.stringify({ width, indent, first, words })).toEqual([]);
        }
      }
    }
  });

  it('measures each character of a long word a bounded number of times (it re-measured the rest for every piece)', () => {
    // A count, not a clock: every character's width is read through codePointAt, so the calls made
    // while wrapping a 50,000-character word show the work done. One pass is a few calls per
    // character; re-measuring the rest for each line was about 200 per character.
    const word = 'abcdefghi/'.repeat(5_000);
    const codePointAt = String.prototype.codePointAt;
    let calls = 0;
    String.prototype.codePointAt = function (this: string, at: number) {
      calls++;
      return codePointAt.call(this, at);
    };
    try {
      wrap(word, 120, '  ');
      table([['path'], [word]], { width: 120, flexible: [0] });
    } finally {
      String.prototype.codePointAt = codePointAt;
    }
    expect(calls).toBeLessThan(10 * 2 * word.length);
  });

  it('wraps a 500 KB word whole, broken after its slashes, within the width', () => {
    const word = 'abcdefghi/'.repeat(50_000);
    const started = performance.now();
    const lines = wrap(word, 120, '  ', '    ');
    const cells = table([['name', 'path'], ['users', word]], { width: 120, flexible: [1] });
    // A generous bound (one pass takes tens of milliseconds; re-measuring took over half a minute at 1 MB).
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(lines.every((l) => displayWidth(l) <= 120)).toBe(true);
    expect(lines.map((l) => l.trimStart()).join('')).toBe(word);
    // Broken after a `/`: every piece ends in one, and fills its line but for the part after it.
    expect(lines.slice(0, -1).every((l) => l.endsWith('/') && displayWidth(l) > 110)).toBe(true);
    expect(cells.every((l) => displayWidth(l) <= 120)).toBe(true);
    expect(cells.slice(1).map((l) => l.slice('users  '.length)).join('')).toBe(word);
  });

  it('truncates with an ellipsis only when needed', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('a longer text', 8)).toBe('a longe…');
  });

  it('narrows the widest flexible column so the table fits', () => {
    const lines = table([['name', 'path'], ['users', '/api/v1/organizations/{org}/users']], { width: 30, flexible: [1] });
    expect(lines.every((l) => l.length <= 30)).toBe(true);
    expect(lines).toEqual(['name   path', 'users  /api/v1/organizations/', '       {org}/users']);
  });

  it('neutralises escape sequences and bidi overrides', () => {
    expect(terminalSafe('a\u001b[31mb\u202ec\n  d')).toBe('a\ufffd[31mb\ufffdc d');
  });
});
