import { describe, expect, it } from 'vitest';
import { readProcessMemory, watchProcessMemory } from './sandbox-process-memory.ts';
import { spawnSandboxProcess, type ProcessEvent } from './sandbox-process.ts';

/**
 * The host holds the sandbox process to its resident-memory limit from outside: it reads the
 * process's memory from /proc and kills it past the limit, whatever the process's own event loop is
 * doing. Linux only (elsewhere there is no /proc and the watch ends at once).
 */
describe.runIf(process.platform === 'linux')('sandbox process memory, watched by the host', () => {
  it('reads a live process’s resident set and its peak; a process that is gone reads as nothing', () => {
    const own = readProcessMemory(process.pid)!;
    expect(own.rssBytes).toBeGreaterThan(10 * 2 ** 20);
    expect(own.peakRssBytes).toBeGreaterThanOrEqual(own.rssBytes);
    expect(readProcessMemory(2 ** 22 + 12345)).toBeUndefined();
  });

  it('calls back once, the first time the process is over the limit, and reports the peak it saw', async () => {
    const over: number[] = [];
    const watch = watchProcessMemory(process.pid, 2 ** 20, (rss) => over.push(rss), 5);
    await new Promise((r) => setTimeout(r, 40));
    watch.stop();
    expect(over).toHaveLength(1);
    expect(over[0]).toBeGreaterThan(2 ** 20);
    expect(watch.peakRssBytes).toBeGreaterThanOrEqual(over[0]!);
    const under: number[] = [];
    const idle = watchProcessMemory(process.pid, 2 ** 40, (rss) => under.push(rss), 5);
    await new Promise((r) => setTimeout(r, 30));
    idle.stop();
    expect(under).toEqual([]);
  });

  it('a sandbox process past its limit is killed by the host and the run told so, though the process itself never checked', async () => {
    const events: ProcessEvent[] = [];
    // 1 MB: any Node process is past it at once; the sandbox process is only waiting for its start message.
    const proc = spawnSandboxProcess((e) => events.push(e), { maxRecordChars: 1_000, memoryLimitMb: 1 });
    // Were the host not to kill it, the process would wait for its start message forever.
    const giveUp = setTimeout(() => proc.kill(), 5_000);
    const exit = await proc.exited;
    clearTimeout(giveUp);
    expect(exit.signal).toBe('SIGKILL');
    expect(events.find((e) => e.type === 'memory-over')).toMatchObject({ type: 'memory-over', limitMb: 1, rssBytes: expect.any(Number) });
    expect(proc.peakRssBytes).toBeGreaterThan(2 ** 20);
  });
});
