import ivm from 'isolated-vm';
import type { FetchReply } from './egress-gate.ts';
import { PRELUDE_SOURCE, type PreludeLimits, type StartOutcome } from './isolate-prelude.ts';
import type { FailureKind } from './result.ts';
import type { ProcessLimits, SandboxEnd } from './sandbox-messages.ts';

/**
 * One fetcher run in one fresh isolate: create it, install the prelude, compile and run the source,
 * call `run(input)`, and dispose the isolate however that ends. Runs inside the sandbox process; its
 * only outside edge is the `SessionPort` it is handed.
 *
 * The fetch callback is fire-and-forget (the isolate does not wait for the host to take the request;
 * the answer comes back through `settle`), which halves the cost of a bridged call; emit and log are
 * synchronous, and a batch of records is handed to the port before the call that flushed it returns
 * (the port may block while the host is behind: that is the run's flow control).
 *
 * CPU: every entry into the isolate (the top-level script, `run`, each fetch settling and the
 * continuation it wakes) gets the CPU budget still left as its timeout, and a watchdog on the
 * isolate's CPU clock catches anything that runs outside those entries.
 */

/** How long the final drain of batched records may take when a run ends early. */
const FLUSH_TIMEOUT_MS = 250;

export interface SessionPort {
  /** The fetcher called fetch(); answer with `session.settle(id, reply)`. */
  fetch(id: number, request: unknown): void;
  /** A batch of records as JSON texts joined by newlines (JSON text holds no raw newline), already checked by the prelude. May block until the host takes it. */
  records(batch: string): void;
  log(message: string): void;
}

export interface SessionInit {
  source: string;
  inputJson: string;
  filename: string;
  limits: ProcessLimits;
  port: SessionPort;
}

export type SessionEnd = Omit<SandboxEnd, 'type'>;

export interface Session {
  readonly done: Promise<SessionEnd>;
  /** Answers the fetch the isolate asked for with `id`. */
  settle(id: number, reply: FetchReply): void;
  /** Ends the run now (the host's wall clock, the process's memory watchdog). */
  abort(kind: FailureKind, message: string): void;
}

const WATCHDOG_MS = 20;
const SETUP_TIMEOUT_MS = 2_000;
/** Longest single sleep(); the wall-clock deadline bounds the total. */
export const MAX_SLEEP_MS = 60_000;

export function startSession(init: SessionInit): Session {
  const { limits, port } = init;
  const ended = Promise.withResolvers<SessionEnd>();
  let finished = false;
  let flushRef: ivm.Reference<() => void> | undefined;
  let lastCpuMs = 0;
  let settleRef: ivm.Reference<PreludeSettle> | undefined;
  /** Every log() call the fetcher made, as the prelude last reported it (it reports only once some were dropped). */
  let logLines: number | undefined;
  const sleeps = new Set<NodeJS.Timeout>();
  const cpuMessage = `the fetcher used more than its ${limits.cpuMs} ms of CPU`;
  const memoryMessage = `the fetcher passed the isolate's ${limits.memoryMb} MB memory cap`;

  const isolate = new ivm.Isolate({
    memoryLimit: limits.memoryMb,
    // V8 lost control of the isolate; the sandbox process exits right after reporting it.
    onCatastrophicError: (message) =>
      /out.of.memory/i.test(message) ? finish('memory-limit', `${memoryMessage} (${message})`) : finish('sandbox-crash', `isolated-vm: ${message}`),
  });

  const cpuMs = (): number => {
    try {
      if (!isolate.isDisposed) lastCpuMs = Number(isolate.cpuTime) / 1e6;
    } catch {
      // disposed between the check and the read: keep the last reading
    }
    return lastCpuMs;
  };
  const remaining = (): number => Math.max(1, Math.ceil(limits.cpuMs - cpuMs()));

  const watchdog = setInterval(() => {
    if (cpuMs() > limits.cpuMs + WATCHDOG_MS) finish('cpu-timeout', cpuMessage);
  }, WATCHDOG_MS);

  function finish(kind: SessionEnd['kind'], message: string): void {
    if (finished) return;
    finished = true;
    clearInterval(watchdog);
    for (const timer of sleeps) clearTimeout(timer);
    const cpu = cpuMs();
    // Deferred: finish may be called from inside a callback the isolate is blocked on.
    setImmediate(async () => {
      let heapBytes: number | undefined;
      if (kind === 'ok' && !isolate.isDisposed) {
        // Optional, and not worth waiting for if code the fetcher left running still holds the isolate.
        const heap = await Promise.race([isolate.getHeapStatistics().catch(() => undefined), new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))]);
        if (heap) heapBytes = heap.used_heap_size + heap.externally_allocated_size;
      }
      // A run that ended early still delivers the records it emitted before: drain the batch, briefly.
      if (flushRef && kind !== 'ok' && kind !== 'memory-limit' && !isolate.isDisposed) {
        await Promise.race([flushRef.apply(undefined, [], { timeout: FLUSH_TIMEOUT_MS }).catch(() => undefined), new Promise((r) => setTimeout(r, FLUSH_TIMEOUT_MS * 4))]);
      }
      try {
        if (!isolate.isDisposed) isolate.dispose();
      } catch {
        // already gone
      }
      ended.resolve({ kind, message, cpuMs: Math.round(cpu * 1000) / 1000, ...(heapBytes === undefined ? {} : { heapBytes }), ...(logLines === undefined ? {} : { logLines }) });
    });
  }

  /** Maps an error thrown by an isolated-vm call to how the run ends. */
  function fail(error: unknown, otherwise: FailureKind): void {
    if (finished) return;
    const message = error instanceof Error ? error.message : String(error);
    if (/memory limit/i.test(message)) return finish('memory-limit', memoryMessage);
    if (message === 'Script execution timed out.') return finish('cpu-timeout', cpuMessage);
    // isolated-vm disposes an isolate on its own only when it passes its memory cap.
    if (isolate.isDisposed || /Isolate (is|was) disposed|Promise was abandoned/.test(message)) return finish('memory-limit', memoryMessage);
    finishFetcherOutcome(otherwise, message);
  }

  /** A failed ArrayBuffer allocation is the memory cap refusing it, whatever the fetcher made of the RangeError. */
  function finishFetcherOutcome(kind: SessionEnd['kind'], message: string): void {
    if (kind === 'fetcher-error' && /Array buffer allocation failed/.test(message)) finish('memory-limit', `${memoryMessage} (${message})`);
    else finish(kind, message);
  }

  const run = async (): Promise<void> => {
    let context: ivm.Context;
    let start: ivm.Reference<PreludeStart>;
    try {
      context = await isolate.createContext();
      const preludeLimits: PreludeLimits = {
        maxRecords: limits.maxRecords,
        maxRecordBytes: limits.maxRecordBytes,
        maxTotalRecordBytes: limits.maxTotalRecordBytes,
        maxLogLines: limits.maxLogLines,
        maxMessageChars: limits.maxMessageChars,
        maxDepth: limits.maxDepth,
        filename: init.filename,
      };
      const api = await context.evalClosure(
        PRELUDE_SOURCE,
        [
          new ivm.Callback(
            (id: unknown, request: unknown) => {
              if (!finished && typeof id === 'number') port.fetch(id, request);
            },
            { ignored: true },
          ),
          new ivm.Callback(
            (id: unknown, ms: unknown) => {
              if (finished || typeof id !== 'number' || typeof ms !== 'number') return;
              const timer = setTimeout(() => {
                sleeps.delete(timer);
                deliver(id, { ok: true });
              }, Math.min(ms, MAX_SLEEP_MS) * limits.sleepScale);
              sleeps.add(timer);
            },
            { ignored: true },
          ),
          new ivm.Callback((batch: unknown) => {
            // Records cross in batches, one JSON text per line (JSON text never holds a raw newline).
            // A batch only ever holds records emitted before a failure (the prelude refuses any after),
            // so it is delivered even when it arrives after the run was finished.
            if (typeof batch === 'string' && batch !== '') port.records(batch);
          }),
          new ivm.Callback((kind: unknown, message: unknown) => {
            if (kind === 'invalid-record' || kind === 'record-flood') finish(kind, String(message).slice(0, limits.maxMessageChars));
            else if (kind === 'log-lines' && typeof message === 'number' && Number.isSafeInteger(message) && message >= 0) logLines = message;
          }),
          new ivm.Callback((message: unknown) => {
            if (!finished && typeof message === 'string') port.log(message);
          }),
          new ivm.ExternalCopy(preludeLimits).copyInto(),
        ],
        { result: { reference: true }, timeout: SETUP_TIMEOUT_MS },
      );
      start = await api.get('start', { reference: true });
      flushRef = await api.get('flush', { reference: true });
      settleRef = await api.get('settle', { reference: true });
    } catch (e) {
      return fail(e, 'sandbox-crash');
    }

    let script: ivm.Script;
    try {
      script = await isolate.compileScript(init.source, { filename: init.filename });
    } catch (e) {
      return fail(e, 'bad-source');
    }
    try {
      await script.run(context, { timeout: remaining() });
    } catch (e) {
      return fail(e, 'fetcher-error');
    }
    if (finished) return;

    let outcome: StartOutcome;
    try {
      outcome = await start.apply(undefined, [init.inputJson], { result: { promise: true, copy: true }, timeout: remaining() });
    } catch (e) {
      return fail(e, 'fetcher-error');
    }
    const kind = outcome?.kind;
    if (kind === 'ok' || kind === 'bad-source' || kind === 'fetcher-error') finishFetcherOutcome(kind, String(outcome.message));
    else finish('sandbox-crash', 'the prelude returned an unexpected outcome');
  };
  void run();

  /** Settles the isolate's pending fetch or sleep `id`; the continuation it wakes runs on the CPU budget. */
  function deliver(id: number, reply: FetchReply | { ok: true }): void {
    if (finished || !settleRef) return;
    settleRef
      .apply(undefined, [id, reply], { arguments: { copy: true }, timeout: remaining() })
      .catch((e: unknown) => fail(e, 'fetcher-error'));
  }

  return {
    done: ended.promise,
    settle: deliver,
    abort(kind, message) {
      finish(kind, message);
    },
  };
}

type PreludeStart = (inputJson: string) => Promise<StartOutcome>;
type PreludeSettle = (id: number, reply: FetchReply | { ok: true }) => void;
