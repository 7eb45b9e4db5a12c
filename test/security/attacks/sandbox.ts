import { processMemoryLimitMb } from '../../../sandbox/limits.ts';
import type { FailureKind, RunResult } from '../../../sandbox/result.ts';
import { failureOf, run } from '../../../sandbox/fake-vendor.fixture.ts';
import type { Attack } from '../attack-suite.ts';

/**
 * The sandbox as the attacker's target: fetcher code that tries to take memory the isolate's cap does
 * not count (a resizable or growable buffer, a huge array filled in place), to exhaust the heap, the
 * stack, the CPU or the clock, or to reach the host (`process`, through a constructor chain or a stack
 * trace hook). Each is stopped when the run ends with the failure kind that names it, the sandbox
 * process stayed within its resident-memory limit (`processMemoryLimitMb`: the isolate's cap plus
 * Node's own allowance, enforced from the host), and the host still runs a well-behaved fetcher.
 * The runs use the `runFetcher` test fixture (`sandbox/fake-vendor.fixture.ts`), as the sandbox's
 * own limit tests do.
 */

const MB = 2 ** 20;
/** The isolate cap these attacks run under: small, so a memory attack ends in well under a second. */
const MEMORY_MB = 16;
const LIMITS = { memoryMb: MEMORY_MB, cpuMs: 2_000, wallMs: 8_000 };
/**
 * What the process may reach before the host's kill lands: the limit, and what a process committing
 * memory as fast as it can gains between two samples on a loaded machine. The attacks this bounds
 * grew the process to 1.1–1.5 GB before.
 */
const PEAK_BOUND_BYTES = (processMemoryLimitMb(MEMORY_MB) + 160) * MB;

/** A sentence when the host can no longer run a well-behaved fetcher after the attack. */
async function hostBroken(): Promise<string | undefined> {
  const after = await run(`async function run() { emit({ alive: true }); }`);
  return after.ok && after.records[0]?.alive === true ? undefined : `the host no longer runs a fetcher: ${JSON.stringify(failureOf(after))}`;
}

/** The process's peak as the host saw it, or a sentence when it passed the bound. */
function overPeak(result: RunResult): string | undefined {
  const peak = result.stats.processPeakRssBytes;
  if (peak === undefined) return process.platform === 'linux' ? 'the host could not say how much memory the sandbox process took' : undefined;
  return peak > PEAK_BOUND_BYTES ? `the sandbox process grew to ${Math.round(peak / MB)} MB (limit ${processMemoryLimitMb(MEMORY_MB)} MB)` : undefined;
}

/** Runs `source` under the attack limits; stopped when the run ends as one of `kinds` (or ok, when `ok` is allowed), within the memory bound, and the host still runs. */
async function contained(source: string, kinds: (FailureKind | 'ok')[], check?: (result: RunResult) => string | undefined, limits: Partial<typeof LIMITS> = {}): Promise<string | undefined> {
  const result = await run(source, { limits: { ...LIMITS, ...limits } });
  const kind = result.ok ? 'ok' : result.failure.kind;
  if (!kinds.includes(kind)) return `the run ended as ${kind}${result.ok ? '' : ` (${result.failure.message})`}, not ${kinds.join(' or ')}`;
  return overPeak(result) ?? check?.(result) ?? (await hostBroken());
}

export const SANDBOX_ATTACKS: Attack[] = [
  {
    name: 'memory: a resizable ArrayBuffer grown with resize() toward 4 GB (V8 commits its pages outside the isolate cap)',
    layer: 'other',
    attempt: () =>
      contained(
        `async function run() {
          const b = new ArrayBuffer(1, { maxByteLength: 4 * 2 ** 30 });
          emit({ resizable: b.resizable, max: b.maxByteLength });
          for (let n = 64 * 2 ** 20; n <= 4 * 2 ** 30; n += 64 * 2 ** 20) { b.resize(n); new Uint8Array(b).fill(1, n - 64 * 2 ** 20); }
        }`,
        ['fetcher-error', 'memory-limit'],
        (r) => (r.records[0]?.resizable === false ? undefined : `a resizable buffer was made: ${JSON.stringify(r.records[0])}`),
      ),
  },
  {
    name: 'memory: resize() borrowed from the prototype and applied to a buffer',
    layer: 'other',
    attempt: () =>
      contained(
        `async function run() {
          const resize = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'resize')?.value;
          emit({ resize: typeof resize });
          const b = new ArrayBuffer(8, { maxByteLength: 2 ** 31 });
          Reflect.apply(resize, b, [2 ** 31]);
          new Uint8Array(b).fill(1);
        }`,
        ['fetcher-error', 'memory-limit'],
        (r) => (r.records[0]?.resize === 'undefined' ? undefined : 'ArrayBuffer.prototype.resize is still there'),
      ),
  },
  {
    name: 'memory: a resizable buffer transferred to 1 GB (transfer() keeps it resizable, outside the cap)',
    layer: 'other',
    attempt: () =>
      contained(`async function run() { const b = new ArrayBuffer(8, { maxByteLength: 2 ** 31 }); const c = b.transfer(2 ** 30); new Uint8Array(c).fill(1); emit({ resizable: c.resizable }); }`, ['memory-limit']),
  },
  {
    name: 'memory: the native ArrayBuffer constructor sought through a view, a subclass, species and Reflect.construct',
    layer: 'other',
    attempt: () =>
      contained(
        `async function run() {
          const big = { maxByteLength: 2 ** 31 };
          const viaView = new (new Uint8Array(8).buffer.constructor)(8, big);
          class Sub extends ArrayBuffer {}
          const viaSub = new Sub(8, big);
          const viaSpecies = new (ArrayBuffer[Symbol.species])(8, big);
          const viaReflect = Reflect.construct(Object.getPrototypeOf(new ArrayBuffer(1)).constructor, [8, big]);
          const viaSlice = new ArrayBuffer(8).slice(0, 4);
          emit({ resizable: [viaView, viaSub, viaSpecies, viaReflect, viaSlice].map((b) => b.resizable) });
        }`,
        ['ok'],
        (r) => (JSON.stringify(r.records[0]?.resizable) === JSON.stringify([false, false, false, false, false]) ? undefined : `a resizable buffer was made: ${JSON.stringify(r.records[0])}`),
      ),
  },
  {
    name: 'memory: a growable SharedArrayBuffer (the global, WebAssembly.Memory, Atomics) grown past the cap',
    layer: 'other',
    attempt: () =>
      contained(
        `async function run() {
          const found = { sab: typeof SharedArrayBuffer, wasm: typeof WebAssembly, atomics: typeof Atomics };
          emit(found);
          const SAB = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true }).buffer.constructor;
          const s = new SAB(1, { maxByteLength: 2 ** 31 });
          s.grow(2 ** 31);
          new Uint8Array(s).fill(1);
        }`,
        ['fetcher-error', 'memory-limit'],
        (r) => (JSON.stringify(r.records[0]) === JSON.stringify({ sab: 'undefined', wasm: 'undefined', atomics: 'undefined' }) ? undefined : `reachable: ${JSON.stringify(r.records[0])}`),
      ),
  },
  {
    name: 'memory: a 1 GB typed array',
    layer: 'other',
    attempt: () => contained(`async function run() { const big = new Float64Array(2 ** 27); big.fill(1.5); emit({ n: big.length }); }`, ['memory-limit']),
  },
  {
    name: 'memory: a huge array filled in place (its backing store grows past the heap cap; the host kills the process)',
    layer: 'other',
    attempt: () => contained(`async function run() { new Array(2e8).fill(1.5); }`, ['memory-limit']),
  },
  {
    name: 'memory: a heap that grows forever',
    layer: 'other',
    attempt: () => contained(`async function run() { const keep = []; for (;;) keep.push({ n: keep.length, s: 'x'.repeat(64) + keep.length }); }`, ['memory-limit']),
  },
  {
    name: 'stack: unbounded recursion',
    layer: 'other',
    attempt: () =>
      contained(`async function run() { const down = (n) => down(n + 1) + 1; down(0); }`, ['fetcher-error'], (r) =>
        r.ok || /Maximum call stack size exceeded/.test(r.failure.message) ? undefined : `not named as a stack overflow: ${r.failure.message}`,
      ),
  },
  {
    name: 'cpu: an infinite loop after the first page',
    layer: 'other',
    attempt: () => contained(`async function run(input) { await fetch(input.base + '/users'); while (true) {} }`, ['cpu-timeout'], undefined, { cpuMs: 300 }),
  },
  {
    name: 'clock: a promise that never settles',
    layer: 'other',
    attempt: () => contained(`async function run() { await new Promise(() => {}); }`, ['wall-timeout'], undefined, { wallMs: 1_000 }),
  },
  {
    name: "escape: this.constructor.constructor('return process')()",
    layer: 'other',
    attempt: () =>
      contained(`async function run() { this.constructor.constructor('return process')().exit(1); }`, ['fetcher-error'], (r) =>
        r.ok || /process is not defined/.test(r.failure.message) ? undefined : `not refused as an unknown name: ${r.failure.message}`,
      ),
  },
  {
    name: 'escape: Error.prepareStackTrace reading the call sites (this, functions) of a host call',
    layer: 'other',
    attempt: () =>
      contained(
        `async function run(input) {
          const seen = new Set();
          Error.prepareStackTrace = (e, sites) => {
            for (const s of sites) {
              for (const v of [s.getThis?.(), s.getFunction?.()]) {
                if (v == null) continue;
                try { seen.add(typeof v.process + '/' + typeof v.require + '/' + String(v.constructor?.constructor?.('return typeof process')?.())); } catch (x) { seen.add('threw'); }
              }
            }
            return 'trace';
          };
          try { await fetch(input.base + '/users', { headers: { get x() { throw new Error('from a getter'); } } }); } catch (e) { void e.stack; }
          try { emit({ get id() { return new Error('in emit').stack; } }); } catch (e) { void e.stack; }
          try { JSON.parse('{'); } catch (e) { void e.stack; }
          emit({ seen: [...seen] });
        }`,
        ['ok'],
        (r) => {
          const seen = (r.records.at(-1)?.seen ?? []) as string[];
          if (!seen.length) throw new Error('the probe saw no call sites: the attack tests nothing');
          return seen.some((s) => !s.startsWith('undefined/undefined/undefined') && s !== 'threw') ? `a call site reached the host: ${JSON.stringify(seen)}` : undefined;
        },
      ),
  },
];
