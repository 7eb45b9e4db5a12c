import { describe, expect, it } from 'vitest';
import { LineSplitter } from './record-lines.ts';

describe('LineSplitter: the records pipe cut into lines, an unfinished line capped', () => {
  it('joins a line split across chunks and keeps the unfinished rest for the next chunk', () => {
    const s = new LineSplitter(100);
    expect(s.push('{"a":1}\n{"b"')).toEqual({ lines: ['{"a":1}'] });
    expect(s.pending).toBe(4);
    expect(s.push(':2}\n{"c":3}\n')).toEqual({ lines: ['{"b":2}', '{"c":3}'] });
    expect(s.pending).toBe(0);
  });

  it('reports a line over the cap as soon as it is over, without waiting for its newline; the lines before it still count', () => {
    const s = new LineSplitter(10);
    expect(s.push('{"ok":1}\n{"x":"0123456')).toEqual({ lines: ['{"ok":1}'], tooLong: 13 });
    // Spent: nothing after the overlong line is delivered, and nothing is buffered.
    expect(s.push('789"}\n{"y":1}\n')).toEqual({ lines: [] });
    expect(s.pending).toBe(0);
  });

  it('a complete overlong line inside a chunk is refused too', () => {
    const s = new LineSplitter(10);
    expect(s.push('{"a":1}\n{"long":"0123456789"}\n{"b":2}\n')).toEqual({ lines: ['{"a":1}'], tooLong: 21 });
  });

  it('a line of exactly the cap passes', () => {
    expect(new LineSplitter(7).push('{"a":1}\n')).toEqual({ lines: ['{"a":1}'] });
  });
});
