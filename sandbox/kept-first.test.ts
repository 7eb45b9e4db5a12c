import { describe, expect, it } from 'vitest';
import { clipText, KeptFirst } from './call-log.ts';
import { ViolationLog } from './violation.ts';

/** What a run logs stays bounded however much the fetcher tries: the first entries whole, every one counted. */
describe('bounded logs of a run', () => {
  it('KeptFirst keeps the first entries and counts them all', () => {
    const log = new KeptFirst<number>(3);
    for (let i = 0; i < 10_000; i++) log.push(i);
    expect(log.kept).toEqual([0, 1, 2]);
    expect(log.total).toBe(10_000);
    log.kept.push(99);
    expect(log.kept).toEqual([0, 1, 2]);
  });

  it('ViolationLog keeps the first violations and counts every one by kind', () => {
    const log = new ViolationLog();
    for (let seq = 1; seq <= 5_000; seq++) log.push({ kind: seq % 2 ? 'refused-host' : 'refused-method', seq, message: `m${seq}` });
    expect(log.kept).toHaveLength(200);
    expect(log.kept[0]).toEqual({ kind: 'refused-host', seq: 1, message: 'm1' });
    expect(log.total).toBe(5_000);
    expect(log.counts).toEqual({ 'refused-host': 2_500, 'refused-method': 2_500 });
  });

  it('clipText cuts long text and says so', () => {
    expect(clipText('abc', 5)).toBe('abc');
    expect(clipText('abcdefgh', 5)).toBe('abcde…');
  });
});
