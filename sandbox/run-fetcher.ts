import type { z } from 'zod';
import { EgressGate, FetchRequest, type EgressGateOptions, type FetchReply } from './egress-gate.ts';
import { MAX_MESSAGE_CHARS, MAX_RECORD_DEPTH, processMemoryLimitMb, SandboxLimits } from './limits.ts';
import { checkRecord } from './record-check.ts';
import type { Failure, FailureKind, FetchedRecord, RunResult } from './result.ts';
import type { SandboxEnd, SandboxMessage } from './sandbox-messages.ts';
import { spawnSandboxProcess, type ProcessEvent, type ProcessExit } from './sandbox-process.ts';
import type { Violation } from './violation.ts';

/**
 * Runs one fetcher: a fresh sandbox process and a fresh isolate inside it, the egress gate on this
 * side, and the wall clock here too. Whatever the fetcher does, this resolves with a RunResult once
 * the sandbox process is gone; it rejects only when the caller's own `onRecord`/`onLog` throws, or
 * when `input` is not JSON-serialisable.
 */
export interface RunFetcherOptions {
  /** The fetcher as a script (already type-stripped) that defines a global `async function run(input)`. */
  source: string;
  /** Copied into the isolate as JSON and passed to `run`. */
  input?: unknown;
  limits?: z.input<typeof SandboxLimits>;
  egress: EgressGateOptions;
  /** Called for each record as it is emitted, in order. */
  onRecord?: (record: FetchedRecord, index: number) => void;
  /**
   * Keep every record in `RunResult.records` (default true: for tests and small tools). false: records
   * go only to `onRecord` and the host holds none of them — its memory stays bounded whatever the
   * number or size of the records (`stats.records` still counts them); validation and live runs use
   * false. A slow `onRecord` slows the fetcher down rather than queueing records anywhere
   * (`record-lines.ts`). Either way `maxRecords` and `maxTotalRecordBytes` end a flood (`record-flood`).
   */
  keepRecords?: boolean;
  onLog?: (line: string) => void;
  /** The name stack traces and error messages give the source. */
  filename?: string;
  /**
   * The fetcher's `sleep(ms)` waits ms × sleepScale (default 1, each sleep capped at a minute). Against
   * a mock API, 0 proves the backoff path without waiting out a `Retry-After`.
   */
  sleepScale?: number;
}

/** How long a sandbox process gets to exit by itself once asked to stop (or once it reported its end). */
const EXIT_GRACE_MS = 1_000;

export async function runFetcher(options: RunFetcherOptions): Promise<RunResult> {
  const limits = SandboxLimits.parse(options.limits ?? {});
  const gate = new EgressGate(options.egress);
  const inputJson = JSON.stringify(options.input ?? null) as string | undefined;
  if (inputJson === undefined) throw new TypeError('runFetcher: input must be JSON-serialisable');
  const filename = options.filename ?? 'fetcher.js';
  const sleepScale = options.sleepScale ?? 1;
  if (!(sleepScale >= 0 && Number.isFinite(sleepScale))) throw new TypeError('runFetcher: sleepScale must be a finite number ≥ 0');

  const keepRecords = options.keepRecords ?? true;
  const startedAt = performance.now();
  const records: FetchedRecord[] = [];
  let received = 0;
  let recordBytes = 0;
  const maxTotalRecordBytes = limits.maxTotalRecordBytes ?? Number.POSITIVE_INFINITY;
  /** Fetches that arrived before the records emitted ahead of them, in arrival order. */
  const waiting: Extract<SandboxMessage, { type: 'fetch' }>[] = [];
  /** Set once a record was refused: the run is failing, and nothing after that record counts. */
  let recordsRefused = false;
  const logs: string[] = [];
  let logLines = 0;
  // One controller per request in flight, not one signal shared by all: every Request made with a
  // signal adds an abort listener to it, which a long-lived shared signal would collect by the
  // thousand (each addition walking the list: quadratic over a long live run).
  const inFlight = new Set<AbortController>();
  let requestsAborted = false;
  const abortRequests = (): void => {
    requestsAborted = true;
    for (const controller of inFlight) controller.abort();
    inFlight.clear();
  };
  let startupMs = 0;
  let hostFailure: Failure | undefined;
  let end: SandboxEnd | undefined;
  let hostError: { error: unknown } | undefined;
  let killTimer: NodeJS.Timeout | undefined;

  const over = (): boolean => hostFailure !== undefined || end !== undefined;

  /** The host ends the run: the first reason wins; the process gets a grace period, then SIGKILL. */
  const stop = (kind: FailureKind, message: string): void => {
    if (over()) return;
    hostFailure = { kind, message };
    abortRequests();
    proc.send({ type: 'abort', kind, message });
    killTimer ??= setTimeout(() => proc.kill(), EXIT_GRACE_MS);
  };

  const callHost = (fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      hostError ??= { error };
      stop('sandbox-crash', 'the host callback threw');
    }
  };

  const refuseRecords = (message: string, kind: FailureKind = 'invalid-record'): void => {
    recordsRefused = true;
    if (end === undefined) return stop(kind, message);
    // The end overtook the record on the other channel: the refusal still fails the run.
    hostFailure ??= { kind, message };
  };

  const onFetch = (id: number, raw: unknown): void => {
    const parsed = FetchRequest.safeParse(raw);
    let replied: Promise<FetchReply>;
    if (parsed.success) {
      const controller = new AbortController();
      if (requestsAborted) controller.abort();
      else inFlight.add(controller);
      replied = gate.fetch(parsed.data, controller.signal).finally(() => inFlight.delete(controller));
    } else {
      replied = Promise.resolve<FetchReply>({ ok: false, code: 'invalid-request', message: `fetch: ${parsed.error.issues[0]?.message ?? 'invalid request'}` });
    }
    void replied.then((reply) => {
      if (over()) return;
      proc.send({ type: 'fetch-reply', id, reply });
      if (!reply.ok && reply.code === 'request-cap') {
        stop('egress-violation', gate.violations.find((v) => v.kind === 'request-cap')?.message ?? reply.message);
      }
    });
  };

  const onEvent = (event: ProcessEvent): void => {
    switch (event.type) {
      case 'ready':
        startupMs = performance.now() - startedAt;
        if (over()) return proc.kill(); // the deadline passed while the process was starting
        proc.send({
          type: 'start',
          source: options.source,
          inputJson,
          filename,
          limits: {
            memoryMb: limits.memoryMb,
            processMemoryMb: processMemoryLimitMb(limits.memoryMb),
            cpuMs: limits.cpuMs,
            maxRecords: limits.maxRecords,
            maxRecordBytes: limits.maxRecordBytes,
            maxTotalRecordBytes: limits.maxTotalRecordBytes ?? 0,
            maxLogLines: limits.maxLogLines,
            maxMessageChars: MAX_MESSAGE_CHARS,
            maxDepth: MAX_RECORD_DEPTH,
            sleepScale,
          },
        });
        return;
      case 'fetch':
        // Records cross on another channel: a fetch waits for the records emitted before it, so the
        // caller sees them in the order the fetcher produced them (a count that never arrives leaves
        // the request unanswered until the run's deadline).
        if (over()) return;
        if (event.after <= received) onFetch(event.id, event.request);
        else waiting.push(event);
        return;
      case 'records': {
        // Records come on their own pipe, read to its end: those emitted before a stop (or before the
        // end, which may overtake them on the IPC channel) still count, until one is refused.
        const onRecord = options.onRecord;
        for (const json of event.json) {
          if (recordsRefused) return;
          if (received >= limits.maxRecords) return refuseRecords(`more than ${limits.maxRecords} records emitted (maxRecords)`, 'record-flood');
          // Counted before the record is parsed: a flood of large records is refused at the first one past the budget.
          const bytes = Buffer.byteLength(json, 'utf8');
          if (recordBytes + bytes > maxTotalRecordBytes) return refuseRecords(`more than ${maxTotalRecordBytes} bytes of records emitted (maxTotalRecordBytes)`, 'record-flood');
          const checked = checkRecord(json, limits.maxRecordBytes, MAX_RECORD_DEPTH);
          if (!checked.ok) return refuseRecords(`record #${received + 1}: ${checked.message}`);
          recordBytes += bytes;
          const index = received++;
          if (keepRecords) records.push(checked.record);
          if (onRecord) callHost(() => onRecord(checked.record, index));
        }
        while (waiting.length > 0 && waiting[0]!.after <= received && !over()) {
          const next = waiting.shift()!;
          onFetch(next.id, next.request);
        }
        return;
      }
      case 'record-too-long':
        if (!recordsRefused) refuseRecords(`record #${received + 1} is more than ${limits.maxRecordBytes} bytes as JSON (maxRecordBytes)`);
        return;
      case 'log': {
        logLines++;
        if (over() || logs.length >= limits.maxLogLines) return;
        const line = event.message.slice(0, MAX_MESSAGE_CHARS);
        logs.push(line);
        if (options.onLog) callHost(() => options.onLog!(line));
        return;
      }
      case 'end':
        if (end) return;
        end = event;
        abortRequests();
        killTimer ??= setTimeout(() => proc.kill(), EXIT_GRACE_MS);
        return;
      case 'malformed':
        stop('sandbox-crash', `the sandbox process sent a malformed message (${event.detail})`);
        proc.kill();
        return;
      case 'memory-over':
        // Already killed: no grace period for a process past its memory limit.
        stop('memory-limit', `the sandbox process grew to ${Math.round(event.rssBytes / 2 ** 20)} MB, past its ${event.limitMb} MB limit (the isolate's ${limits.memoryMb} MB cap and Node's own allowance); killed`);
        return;
    }
  };

  const proc = spawnSandboxProcess(onEvent, { maxRecordChars: limits.maxRecordBytes, memoryLimitMb: processMemoryLimitMb(limits.memoryMb) });
  // Node loads its fetch implementation on first use (tens of ms): do it while the sandbox process
  // boots, rather than on the fetcher's first request.
  void [globalThis.Request, globalThis.Response, globalThis.Headers];
  const wallTimer = setTimeout(() => stop('wall-timeout', `the run passed its ${limits.wallMs} ms wall-clock deadline`), limits.wallMs);
  const exit = await proc.exited;
  clearTimeout(wallTimer);
  clearTimeout(killTimer);
  abortRequests();
  if (hostError) throw hostError.error;

  const violations = gate.violations;
  const violationCounts = gate.violationCounts;
  const violationTotal = Object.values(violationCounts).reduce((n, c) => n + c, 0);
  const failure = withViolations(hostFailure ?? (end ? endFailure(end) : crashFailure(exit)), violations, violationTotal);
  const peakRss = Math.max(proc.peakRssBytes ?? 0, end?.maxRssBytes ?? 0);
  const common = {
    records,
    calls: gate.calls,
    violations,
    logs,
    stats: {
      cpuMs: end?.cpuMs ?? 0,
      wallMs: Math.round(performance.now() - startedAt),
      startupMs: Math.round(startupMs),
      ...(end?.heapBytes === undefined ? {} : { heapBytes: end.heapBytes }),
      requests: gate.requestsSent,
      records: received,
      recordBytes,
      calls: gate.callCount,
      violations: violationTotal,
      violationCounts,
      logLines: Math.max(logLines, end?.logLines ?? 0),
      ...(peakRss > 0 ? { processPeakRssBytes: peakRss } : {}),
    },
  };
  return failure ? { ok: false, failure, ...common } : { ok: true, ...common };
}

/** undefined: the sandbox reported a clean end. */
function endFailure(end: SandboxEnd): Failure | undefined {
  return end.kind === 'ok' ? undefined : { kind: end.kind, message: end.message };
}

/** The process died without reporting an end: V8's out-of-memory abort, or something the host cannot name. */
function crashFailure(exit: ProcessExit): Failure {
  if (/out of memory|heap limit|is_heap_oom|CALL_AND_RETRY_LAST|allocation failed/i.test(exit.stderrTail)) {
    return { kind: 'memory-limit', message: 'the fetcher exhausted memory and V8 aborted the sandbox process' };
  }
  const lastLine = exit.stderrTail.trim().split('\n').at(-1)?.slice(0, 300) ?? '';
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  return { kind: 'sandbox-crash', message: `the sandbox process ended (${how}) before the run did${lastLine ? `: ${lastLine}` : ''}` };
}

/** A run that tried what the policy forbids fails as an egress violation, even if the fetcher caught the refusal. `total` counts the violations not kept too. */
function withViolations(failure: Failure | undefined, violations: Violation[], total: number): Failure | undefined {
  const first = violations[0];
  if (!first || (failure && failure.kind !== 'fetcher-error')) return failure;
  const more = total > 1 ? ` (and ${total - 1} more violation${total > 2 ? 's' : ''})` : '';
  return { kind: 'egress-violation', message: `${first.message}${more}` };
}
