import { describe, expect, it } from 'vitest';
import { streamEmits } from './stream-emits.ts';

describe('streamEmits: what a stream emits, for people and reports', () => {
  it('a link stream emits relationships, a container nothing of its own, any other stream its kind', () => {
    expect(streamEmits({ kind: 'group', link: { relation: 'member_of' } as never })).toBe('links (member_of)');
    expect(streamEmits({ kind: 'ssh_key', container: true })).toBe('container');
    expect(streamEmits({ kind: 'ssh_key', container: false })).toBe('ssh_key');
    expect(streamEmits({ kind: 'human' })).toBe('human');
  });
});
