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

  it('wraps a list between items, not inside one', () => {
    expect(wrapItems(['id ← id', 'display_name ← profile.name', 'email ← profile.email'], ' · ', 40, '  ', '  ')).toEqual(['  id ← id · display_name ← profile.name ·', '  email ← profile.email']);
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
