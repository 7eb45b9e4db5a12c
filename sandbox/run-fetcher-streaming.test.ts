import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runFetcher } from './run-fetcher.ts';
import type { FetchedRecord } from './result.ts';

/**
 * Records stream through the host with bounded memory: with `keepRecords: false` the host holds none
 * of them, and a host that falls behind slows the fetcher down instead of letting records pile up in
 * the sandbox process. The heavy runs happen in a process of their own (`stream-memory.fixture.ts`),
 * so the memory figures are the run's alone.
 */

const FIXTURE = fileURLToPath(new URL('./stream-memory.fixture.ts', import.meta.url));

interface Figures {
  ok: boolean;
  failure: { kind: string; message: string } | null;
  count: number;
  kept: number;
  seen: number;
  rss_before_mb: number;
  peak_rss_mb: number;
  peak_heap_used_mb: number;
}

async function fixture(args: (string | number)[], nodeArgs: string[] = []): Promise<Figures> {
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeArgs, '--disable-warning=ExperimentalWarning', FIXTURE, ...args.map(String)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Figures;
}

describe('runFetcher: records stream with bounded host memory', () => {
  it('keepRecords: false — 200,000 records of ~2 KB (400 MB) reach onRecord, none stay: records empty, stats.records counts them, the host peaks far below the data', async () => {
    // A 64 MB old space: a host that kept the records, or queued them, could not finish.
    const f = await fixture([200_000, 2_000, 'drop'], ['--max-old-space-size=64']);
    expect(f).toMatchObject({ ok: true, failure: null, count: 200_000, kept: 0, seen: 200_000 });
    expect(f.peak_heap_used_mb).toBeLessThan(64);
    expect(f.peak_rss_mb - f.rss_before_mb).toBeLessThan(100);
  }, 120_000);

  it('a host that falls behind slows the fetcher down: the sandbox process queues nothing and stays within its memory watchdog', async () => {
    // The host stalls on the first record while the fetcher emits 120 MB: with records queued in the
    // sandbox process (Node IPC queues unsent messages in the sender) it would pass its 8 MB isolate's watchdog.
    const f = await fixture([60_000, 2_000, 'drop', 1_500, 8]);
    expect(f).toMatchObject({ ok: true, failure: null, count: 60_000, kept: 0, seen: 60_000 });
  }, 120_000);

  it('keepRecords by default: every record is in RunResult.records, as onRecord saw them, and stats.records agrees', async () => {
    const streamed: FetchedRecord[] = [];
    const result = await runFetcher({
      source: `async function run() { for (let i = 0; i < 3000; i++) emit({ id: 'u' + i, pad: 'x'.repeat(500) }); }`,
      limits: { maxRecords: 3000, cpuMs: 30_000, wallMs: 60_000 },
      egress: { allowedOrigins: [] },
      onRecord: (r) => streamed.push(r),
    });
    expect(result.ok).toBe(true);
    expect(result.stats.records).toBe(3000);
    expect(result.records).toHaveLength(3000);
    expect(result.records.map((r) => r.id)).toEqual(Array.from({ length: 3000 }, (_, i) => `u${i}`));
    expect(streamed).toEqual(result.records);
  });

  it('a record of exactly maxRecordBytes passes the prelude and the host line cap; one byte more is refused', async () => {
    // '{"blob":"' + 989 × 'x' + '"}' is 1,000 bytes.
    const at = await runFetcher({ source: `async function run() { emit({ blob: 'x'.repeat(989) }); }`, limits: { maxRecordBytes: 1_000 }, egress: { allowedOrigins: [] } });
    expect(at).toMatchObject({ ok: true, stats: { records: 1 } });
    expect(JSON.stringify(at.records[0])).toHaveLength(1_000);
    const over = await runFetcher({ source: `async function run() { emit({ blob: 'x'.repeat(990) }); }`, limits: { maxRecordBytes: 1_000 }, egress: { allowedOrigins: [] } });
    expect(over).toMatchObject({ ok: false, failure: { kind: 'invalid-record' }, records: [], stats: { records: 0 } });
  });

  it('a fetch reaches the gate only after the records emitted before it, though they cross on another channel', async () => {
    let seen = 0;
    const seenAtFetch: number[] = [];
    const result = await runFetcher({
      // Many small pages: each is a chance for the fetch to overtake its records, were the host not to wait.
      source: `async function run() {
        for (let page = 0; page < 150; page++) {
          emit({ id: page + '-a' });
          emit({ id: page + '-b' });
          await fetch('https://api.order.test/next');
        }
      }`,
      limits: { maxRecords: 300, cpuMs: 30_000, wallMs: 60_000 },
      keepRecords: false,
      egress: { allowedOrigins: ['https://api.order.test'], maxRequests: 150, fetchImpl: async () => (seenAtFetch.push(seen), new Response('{}')) },
      onRecord: () => void seen++,
    });
    expect(result).toMatchObject({ ok: true, stats: { records: 300 } });
    expect(seenAtFetch).toEqual(Array.from({ length: 150 }, (_, page) => 2 * (page + 1)));
  });

  it('keepRecords: false in process — records empty, the count and the order onRecord saw are right', async () => {
    const ids: unknown[] = [];
    const indexes: number[] = [];
    const result = await runFetcher({
      source: `async function run() { for (let i = 0; i < 1200; i++) emit({ id: 'u' + i }); }`,
      limits: { maxRecords: 1200 },
      egress: { allowedOrigins: [] },
      keepRecords: false,
      onRecord: (r, i) => {
        ids.push(r.id);
        indexes.push(i);
      },
    });
    expect(result).toMatchObject({ ok: true, records: [], stats: { records: 1200 } });
    expect(ids).toEqual(Array.from({ length: 1200 }, (_, i) => `u${i}`));
    expect(indexes).toEqual(Array.from({ length: 1200 }, (_, i) => i));
  });
});
