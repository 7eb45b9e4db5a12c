import { describe, expect, it } from 'vitest';
import { expectHostStillRuns, failureOf, run } from './fake-vendor.fixture.ts';

/**
 * The limits a hostile or broken fetcher runs into. Each run is its own sandbox process, so after
 * each attack the same host runs a well-behaved fetcher again.
 */
describe('runFetcher: limits', () => {
  it.each([
    ['an infinite loop in run', `async function run() { while (true) {} }`],
    ['an infinite loop after an await', `async function run(input) { await fetch(input.base + '/users'); while (true) {} }`],
    ['an infinite loop at the top level', `while (true) {} async function run() {}`],
  ])('%s → cpu-timeout', async (_, source) => {
    const result = await run(source, { limits: { cpuMs: 200, wallMs: 5_000 } });
    expect(failureOf(result)).toMatchObject({ kind: 'cpu-timeout', message: expect.stringContaining('200 ms of CPU') });
    expect(result.stats.cpuMs).toBeGreaterThanOrEqual(150);
    expect(result.stats.wallMs).toBeLessThan(5_000);
    await expectHostStillRuns();
  });

  it('a promise that never settles → wall-timeout, and the run does not hang', async () => {
    const started = Date.now();
    const result = await run(`async function run() { emit({ before: true }); await new Promise(() => {}); }`, { limits: { wallMs: 1_000 } });
    expect(failureOf(result)).toMatchObject({ kind: 'wall-timeout' });
    expect(result.records).toEqual([{ before: true }]);
    expect(Date.now() - started).toBeLessThan(3_000);
    await expectHostStillRuns();
  });

  it('sleeping past the deadline → wall-timeout', async () => {
    const result = await run(`async function run() { for (;;) await sleep(60000); }`, { limits: { wallMs: 800 } });
    expect(failureOf(result)).toMatchObject({ kind: 'wall-timeout' });
  });

  it.each([
    ['a 1 GB allocation', `async function run() { const big = new Uint8Array(1024 * 1024 * 1024); big[0] = 1; }`],
    ['a heap that grows forever', `async function run() { const keep = []; for (;;) keep.push({ n: keep.length, s: 'x'.repeat(64) + keep.length }); }`],
    ['a dictionary that grows forever (V8 aborts the process)', `async function run() { const o = {}; for (let i = 0; ; i++) o['k' + i] = i; }`],
    ['a huge sparse array being filled (memory outside the heap cap)', `async function run() { new Array(2e8).fill(1.5); }`],
  ])('%s → memory-limit', async (_, source) => {
    const result = await run(source, { limits: { memoryMb: 16, cpuMs: 20_000, wallMs: 20_000 } });
    expect(failureOf(result)).toMatchObject({ kind: 'memory-limit' });
    await expectHostStillRuns();
  }, 30_000);

  it('reaching for process/require through a constructor chain finds nothing', async () => {
    const probe = await run(`async function run() {
      const F = this.constructor.constructor;
      emit({
        process: F('return typeof process')(),
        require: F('return typeof require')(),
        viaFetch: fetch.constructor('return typeof process + typeof require + typeof module')(),
        viaEmit: emit.constructor.constructor('return typeof globalThis.process')(),
        timers: [typeof setTimeout, typeof setInterval, typeof setImmediate, typeof queueMicrotask],
        wasm: typeof WebAssembly, sab: typeof SharedArrayBuffer, atomics: typeof Atomics,
      });
    }`);
    expect(probe.records).toEqual([
      {
        process: 'undefined',
        require: 'undefined',
        viaFetch: 'undefinedundefinedundefined',
        viaEmit: 'undefined',
        timers: ['undefined', 'undefined', 'undefined', 'undefined'],
        wasm: 'undefined',
        sab: 'undefined',
        atomics: 'undefined',
      },
    ]);

    const escape = await run(`async function run() { this.constructor.constructor('return process')().exit(1); }`);
    expect(failureOf(escape)).toMatchObject({ kind: 'fetcher-error', message: expect.stringContaining('process is not defined') });
    await expectHostStillRuns();
  });

  it('unbounded recursion → fetcher-error naming the stack overflow', async () => {
    const result = await run(`async function run() { const down = (n) => down(n + 1) + 1; down(0); }`);
    expect(failureOf(result)).toMatchObject({ kind: 'fetcher-error', message: expect.stringContaining('Maximum call stack size exceeded') });
    await expectHostStillRuns();
  });
});
