/**
 * The code that runs first in every isolate, before the fetcher. It receives the host's three raw
 * callbacks (plain functions whose arguments are copied out; no isolated-vm object ever enters the
 * isolate), keeps them in its closure, and gives the fetcher the contract's globals:
 *
 * - `fetch(url, { method, headers, body })` resolves to `{ status, headers, body, url }` or rejects
 *   with an Error (`name` 'FetchError', `code` the gate's outcome);
 * - `sleep(ms)` resolves after `ms` (for backoff; the host may scale it, and it counts against the
 *   wall-clock deadline) — the isolate itself has no timers;
 * - `emit(record)` checks that the record is plain JSON data and streams it out, synchronously;
 * - `log(...parts)` (and `console.*`) for diagnostics.
 *
 * It also removes what a fetcher never needs and what reaches past the limits: WebAssembly (its
 * memory is not counted against the isolate's cap), SharedArrayBuffer/Atomics (blocking waits, and
 * growable buffers), WeakRef/FinalizationRegistry (callbacks that run outside any host call), and
 * resizable ArrayBuffers: V8 reserves and commits their memory itself, outside the allocator
 * isolated-vm counts against the cap, so one `new ArrayBuffer(1, { maxByteLength })` grown with
 * `resize()` (or `transfer()`) took the sandbox process past 1 GB under a 128 MB cap. `ArrayBuffer`
 * becomes a constructor that ignores its options (every buffer is fixed-length, allocated through
 * the counted allocator), and `resize`/`grow` are gone; the native constructor is left reachable
 * from nowhere (the global and `ArrayBuffer.prototype.constructor` both name the wrapper).
 *
 * None of this is the last line: the host re-checks everything that crosses out, and kills the
 * sandbox process if its resident memory passes the limit (`sandbox-process-memory.ts`). The record
 * checks exist to give an honest fetcher a precise message (`record.users[2].created_at is a Date…`).
 *
 * `prelude` is shipped into the isolate as source text (`PRELUDE_SOURCE`), so it must not refer to
 * anything outside its own body.
 */

export interface PreludeLimits {
  maxRecords: number;
  maxRecordBytes: number;
  /** 0: unbounded. */
  maxTotalRecordBytes: number;
  maxLogLines: number;
  maxMessageChars: number;
  maxDepth: number;
  filename: string;
}

/** What `start` resolves to; it never rejects. */
export interface StartOutcome {
  kind: 'ok' | 'bad-source' | 'fetcher-error';
  message: string;
}

export interface PreludeApi {
  start(inputJson: string): Promise<StartOutcome>;
  settle(id: number, reply: unknown): void;
  /** Sends the records still batched: called by the host when a run ends early (a timeout, an abort). */
  flush(): void;
}

export function prelude(
  hostFetch: (id: number, request: unknown) => void,
  hostSleep: (id: number, ms: number) => void,
  hostEmit: (json: string) => void,
  hostBreach: (kind: string, message: string | number) => void,
  hostLog: (message: string) => void,
  limits: PreludeLimits,
): PreludeApi {
  'use strict';
  const g = globalThis as Record<string, unknown>;
  const ObjectProto = Object.prototype;
  const { getPrototypeOf, keys, create, freeze } = Object;
  const { isArray } = Array;
  const { stringify, parse } = JSON;
  const { isFinite } = Number;
  const Str = String;
  const P = Promise;
  const { apply } = Reflect;
  // Kept now: the fetcher may replace Promise.prototype.then later.
  const promiseThen = P.prototype.then;
  const settledPromise = P.resolve();
  const Err = Error;
  const TypeErr = TypeError;
  const globalEval = eval; // indirect: evaluates in the global scope, where the fetcher's `run` lives

  // Growable shared buffers first, in case the constructor is ever reachable another way.
  const SAB = g.SharedArrayBuffer as { prototype: object } | undefined;
  if (SAB) delete (SAB.prototype as Record<string, unknown>).grow;
  for (const name of ['WebAssembly', 'SharedArrayBuffer', 'Atomics', 'WeakRef', 'FinalizationRegistry']) delete g[name];

  // Fixed-length ArrayBuffers only (see the module comment): the options argument is never read.
  const NativeArrayBuffer = ArrayBuffer;
  const bufferProto = NativeArrayBuffer.prototype as unknown as Record<string, unknown>;
  const construct = Reflect.construct;
  const FixedArrayBuffer = function ArrayBuffer(this: unknown, length?: unknown): ArrayBuffer {
    if (new.target === undefined) throw new TypeErr("Constructor ArrayBuffer requires 'new'");
    return construct(NativeArrayBuffer, [length], new.target) as ArrayBuffer;
  };
  Object.defineProperty(FixedArrayBuffer, 'prototype', { value: bufferProto, writable: false, enumerable: false, configurable: false });
  Object.defineProperty(FixedArrayBuffer, 'isView', { value: NativeArrayBuffer.isView, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(FixedArrayBuffer, Symbol.species, { get() { return this; }, enumerable: false, configurable: true });
  Object.defineProperty(bufferProto, 'constructor', { value: FixedArrayBuffer, writable: true, enumerable: false, configurable: true });
  delete bufferProto.resize;
  Object.defineProperty(g, 'ArrayBuffer', { value: FixedArrayBuffer, writable: true, enumerable: false, configurable: true });

  class InvalidRecord {
    message: string;
    constructor(message: string) {
      this.message = message;
    }
  }

  /**
   * The prototype of every object `toPlain` copies: empty, frozen, with no prototype of its own — so,
   * like a null prototype, nothing the fetcher does to `Object.prototype` (a `toJSON`) reaches the
   * copy; unlike one, V8 keeps the copies in fast mode, which `JSON.stringify` walks several times faster.
   */
  const PlainProto = freeze(create(null)) as object;

  const truncate = (s: string): string => (s.length > limits.maxMessageChars ? `${s.slice(0, limits.maxMessageChars)}…` : s);

  const printable = (v: unknown): string => {
    try {
      if (typeof v === 'string') return v;
      const json = stringify(v);
      return typeof json === 'string' ? json : Str(v);
    } catch {
      try {
        return Str(v);
      } catch {
        return '[unprintable]';
      }
    }
  };

  const describeError = (e: unknown): string => {
    try {
      if (e !== null && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') {
        const { name, message, stack } = e as { name?: unknown; message: string; stack?: unknown };
        const prefix = typeof name === 'string' && name !== 'Error' && name !== '' ? `${name}: ` : '';
        const where = typeof stack === 'string' ? stack.split('\n').find((line) => line.includes(limits.filename)) : undefined;
        const at = where ? ` (${where.trim().replace(/^at\s+/, 'at ')})` : '';
        return truncate(prefix + message + at);
      }
      return truncate(`the fetcher threw ${printable(e)}`);
    } catch {
      return 'the fetcher threw a value that cannot be printed';
    }
  };

  const typeName = (v: object): string => {
    try {
      const proto = getPrototypeOf(v) as { constructor?: { name?: unknown } } | null;
      const name = proto?.constructor?.name;
      return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object with a custom prototype';
    } catch {
      return 'an exotic object';
    }
  };

  const hint = (v: object): string => {
    if (v instanceof Date) return '; emit an ISO string (date.toISOString())';
    if (v instanceof Map) return '; emit a plain object (Object.fromEntries(map))';
    if (v instanceof Set) return '; emit an array ([...set])';
    return '';
  };

  /** `record.a[0].b` from the path segments: built only when a record is refused. */
  const pathOf = (parts: (string | number)[]): string => {
    let out = '';
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      out += typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`;
    }
    return out;
  };

  /** InvalidRecord for a value JSON cannot hold (`value` is not a string, boolean, finite number, null or object). */
  const notJson = (value: unknown, parts: (string | number)[]): InvalidRecord => {
    switch (typeof value) {
      case 'number':
        return new InvalidRecord(`${pathOf(parts)} is ${Str(value)}; JSON has no NaN or Infinity`);
      case 'undefined':
        return new InvalidRecord(`${pathOf(parts)} is undefined; use null for an unknown value`);
      case 'bigint':
        return new InvalidRecord(`${pathOf(parts)} is a BigInt; emit it as a string`);
      default:
        return new InvalidRecord(`${pathOf(parts)} is a ${typeof value}; records hold plain JSON data only`);
    }
  };

  /** InvalidRecord for a property that threw when read. */
  const threw = (parts: (string | number)[], key: string | number, e: unknown): InvalidRecord => {
    parts[parts.length] = key;
    return new InvalidRecord(`${pathOf(parts)} threw when read: ${describeError(e)}`);
  };

  /**
   * A fresh copy made of objects that inherit nothing (`PlainProto`) and arrays, or InvalidRecord
   * naming the first offending path. `parts` is the path as segments (pushed and popped), so the
   * common case of a valid record builds no strings. Each property is read once, by index over
   * `keys()`, so what is copied is what was checked (a getter or a Proxy cannot answer differently to
   * a second read).
   */
  const toPlain = (value: unknown, parts: (string | number)[], depth: number, ancestors: object[]): unknown => {
    const type = typeof value;
    if (type === 'string' || type === 'boolean' || (type === 'number' && isFinite(value as number))) return value;
    if (type !== 'object') throw notJson(value, parts);
    if (value === null) return null;
    const obj = value as Record<string | number, unknown>;
    for (let i = 0; i < ancestors.length; i++) if (ancestors[i] === obj) throw new InvalidRecord(`${pathOf(parts)} refers back to itself (a cycle)`);
    if (depth >= limits.maxDepth) throw new InvalidRecord(`${pathOf(parts)} is nested more than ${limits.maxDepth} levels deep`);
    ancestors[ancestors.length] = obj;
    const next = depth + 1;
    let out: unknown;
    if (isArray(obj)) {
      const length = obj.length;
      if (length > limits.maxRecordBytes) throw new InvalidRecord(`${pathOf(parts)} has ${length} elements, more than fit in ${limits.maxRecordBytes} bytes`);
      const arr: unknown[] = [];
      for (let i = 0; i < length; i++) {
        let item: unknown;
        try {
          item = obj[i];
        } catch (e) {
          throw threw(parts, i, e);
        }
        const itemType = typeof item;
        if (itemType === 'string' || itemType === 'boolean' || item === null || (itemType === 'number' && isFinite(item as number))) {
          arr[i] = item;
          continue;
        }
        parts[parts.length] = i;
        arr[i] = toPlain(item, parts, next, ancestors);
        parts.length -= 1;
      }
      out = arr;
    } else {
      const proto = getPrototypeOf(obj);
      if (proto !== ObjectProto && proto !== null) {
        throw new InvalidRecord(`${pathOf(parts)} is ${typeName(obj)}${hint(obj)}; records hold plain objects, arrays, strings, numbers, booleans and null`);
      }
      const copy = create(PlainProto) as Record<string, unknown>;
      const names = keys(obj);
      for (let k = 0; k < names.length; k++) {
        const key = names[k]!;
        if (key === '__proto__') throw new InvalidRecord(`${pathOf(parts)} has a "__proto__" key`);
        let item: unknown;
        try {
          item = obj[key];
        } catch (e) {
          throw threw(parts, key, e);
        }
        const itemType = typeof item;
        if (itemType === 'string' || itemType === 'boolean' || item === null || (itemType === 'number' && isFinite(item as number))) {
          copy[key] = item;
          continue;
        }
        parts[parts.length] = key;
        copy[key] = toPlain(item, parts, next, ancestors);
        parts.length -= 1;
      }
      out = copy;
    }
    ancestors.length -= 1;
    return out;
  };

  const utf8Length = (s: string): number => {
    let bytes = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    }
    return bytes;
  };

  /** Tells the host how many lines were logged, once more were dropped (`log-lines`). */
  const reportLogLines = (): void => {
    if (logged === loggedReported || logged <= limits.maxLogLines) return;
    loggedReported = logged;
    hostBreach('log-lines', logged);
  };

  let failed = false;
  const breach = (kind: string, message: string): never => {
    failed = true;
    hostBreach(kind, message);
    throw new TypeErr(message);
  };

  let emitted = 0;
  let emittedChars = 0;
  // Records leave in batches: one crossing per EMIT_BATCH records or EMIT_BATCH_CHARS of JSON,
  // whichever comes first (so a batch stays small however large the records), and always before the
  // fetcher waits on the host (fetch, sleep) or ends, so they still stream out page by page. A batch
  // also leaves as soon as the code that emitted it yields (a microtask after its first record): the
  // host checks a page's records while the fetcher goes on, rather than when it next asks for a page.
  const EMIT_BATCH = 512;
  const EMIT_BATCH_CHARS = 1 << 20;
  const batch: string[] = [];
  let batchChars = 0;
  const flush = (): void => {
    reportLogLines();
    if (!batch.length) return;
    const text = batch.join('\n');
    batch.length = 0;
    batchChars = 0;
    hostEmit(text);
  };
  let flushQueued = false;
  const flushQueuedBatch = (): void => {
    flushQueued = false;
    flush();
  };
  const emit = (record: unknown): void => {
    if (failed) throw new TypeErr('emit: the run has already failed');
    if (emitted >= limits.maxRecords) breach('record-flood', `more than ${limits.maxRecords} records emitted (maxRecords)`);
    const n = emitted + 1;
    if (record === null || typeof record !== 'object' || isArray(record)) {
      breach('invalid-record', `record #${n}: emit(record) takes a plain object, got ${record === null ? 'null' : isArray(record) ? 'an array' : typeof record}`);
    }
    let json = '';
    try {
      json = stringify(toPlain(record, ['record'], 0, []));
    } catch (e) {
      if (e instanceof InvalidRecord) breach('invalid-record', `record #${n}: ${e.message}`);
      throw e;
    }
    // A UTF-16 unit is at most 3 UTF-8 bytes: count exactly only when the record could be too large.
    const bytes = json.length * 3 <= limits.maxRecordBytes ? 0 : utf8Length(json);
    if (bytes > limits.maxRecordBytes) breach('invalid-record', `record #${n} is ${bytes} bytes as JSON, more than maxRecordBytes (${limits.maxRecordBytes})`);
    // Characters never outnumber UTF-8 bytes: past the budget in characters is past it in bytes (the host counts bytes).
    emittedChars += json.length;
    if (limits.maxTotalRecordBytes > 0 && emittedChars > limits.maxTotalRecordBytes) {
      breach('record-flood', `more than ${limits.maxTotalRecordBytes} bytes of records emitted (maxTotalRecordBytes)`);
    }
    emitted = n;
    batch[batch.length] = json;
    batchChars += json.length;
    if (batch.length >= EMIT_BATCH || batchChars >= EMIT_BATCH_CHARS) flush();
    else if (!flushQueued) {
      flushQueued = true;
      apply(promiseThen, settledPromise, [flushQueuedBatch]);
    }
  };

  /** Every log() call; past maxLogLines they are only counted, and the count reported now and then (`reportLogLines`). */
  let logged = 0;
  let loggedReported = 0;
  const log = (...parts: unknown[]): void => {
    logged += 1;
    if (logged <= limits.maxLogLines) return hostLog(truncate(parts.map(printable).join(' ')));
    // A flood is counted at each power of two past the cap (a loop that never yields still reports), and at every flush.
    const over = logged - limits.maxLogLines;
    if ((over & (over - 1)) === 0) reportLogLines();
  };

  interface Pending {
    resolve: (response: unknown) => void;
    reject: (error: unknown) => void;
    /** A fetch (not a sleep): counted in `fetchesInFlight`. */
    fetch?: true;
  }
  const pending = create(null) as Record<number, Pending | undefined>;
  let fetchSeq = 0;
  // Requests in flight at once: each waits in the sandbox process's IPC queue and the host's gate, so
  // 20,000 issued together (16 KB URLs) would hold 320 MB there. The templates have one at a time.
  const MAX_FETCHES_IN_FLIGHT = 64;
  let fetchesInFlight = 0;

  const fetch = (url: unknown, init?: unknown): Promise<unknown> =>
    new P((resolve, reject) => {
      const fail = (message: string) => reject(new TypeErr(`fetch: ${message}`));
      if (typeof url !== 'string') return fail('url must be a string');
      const options = (init ?? {}) as { method?: unknown; headers?: unknown; body?: unknown };
      if (typeof options !== 'object') return fail('init must be an object');
      const method = options.method ?? 'GET';
      if (typeof method !== 'string') return fail('method must be a string');
      const headersIn = options.headers ?? {};
      if (typeof headersIn !== 'object' || headersIn === null || isArray(headersIn)) return fail('headers must be a plain object of strings');
      const headers = create(null) as Record<string, string>;
      for (const name of keys(headersIn)) {
        const v = (headersIn as Record<string, unknown>)[name];
        if (typeof v === 'string') headers[name] = v;
        else if (typeof v === 'number') headers[name] = Str(v);
        else return fail(`header ${name} must be a string`);
      }
      const body = options.body;
      if (body !== undefined && typeof body !== 'string') return fail('body must be a string (JSON.stringify it first)');
      if (fetchesInFlight >= MAX_FETCHES_IN_FLIGHT) return fail(`more than ${MAX_FETCHES_IN_FLIGHT} requests in flight at once; await some first`);
      fetchesInFlight += 1;
      fetchSeq += 1;
      pending[fetchSeq] = { resolve, reject, fetch: true };
      flush();
      hostFetch(fetchSeq, { url, method, headers: { ...headers }, body });
    });

  const sleep = (ms: unknown): Promise<void> =>
    new P((resolve, reject) => {
      if (typeof ms !== 'number' || !isFinite(ms) || ms < 0) return reject(new TypeErr('sleep(ms): ms must be a finite number of milliseconds ≥ 0'));
      fetchSeq += 1;
      pending[fetchSeq] = { resolve: () => resolve(), reject };
      flush();
      hostSleep(fetchSeq, ms);
    });

  const settle = (id: number, reply: unknown): void => {
    const waiting = pending[id];
    if (!waiting) return;
    delete pending[id];
    if (waiting.fetch) fetchesInFlight -= 1;
    const r = reply as { ok?: unknown; response?: unknown; code?: unknown; message?: unknown } | null;
    if (r && r.ok === true) {
      waiting.resolve(r.response);
      return;
    }
    const error = new Err(r && typeof r.message === 'string' ? r.message : 'fetch failed') as Error & { code?: unknown };
    error.name = 'FetchError';
    error.code = r?.code;
    waiting.reject(error);
  };

  const start = async (inputJson: string): Promise<StartOutcome> => {
    let fn: unknown;
    try {
      fn = globalEval('typeof run === "function" ? run : undefined');
    } catch (e) {
      return { kind: 'bad-source', message: `looking up run() failed: ${describeError(e)}` };
    }
    if (typeof fn !== 'function') return { kind: 'bad-source', message: 'the fetcher must define a global function run(input)' };
    try {
      await (fn as (input: unknown) => unknown)(parse(inputJson));
      flush();
      return { kind: 'ok', message: '' };
    } catch (e) {
      flush();
      return { kind: 'fetcher-error', message: describeError(e) };
    }
  };

  g.fetch = fetch;
  g.sleep = sleep;
  g.emit = emit;
  g.log = log;
  g.console = { log, info: log, warn: log, error: log, debug: log };
  return { __proto__: null, start, settle, flush } as unknown as PreludeApi;
}

/** The prelude as a closure body for `context.evalClosure`: `$0`…`$5` are the callbacks and the limits. */
export const PRELUDE_SOURCE = `return (${prelude.toString()})($0, $1, $2, $3, $4, $5);`;
