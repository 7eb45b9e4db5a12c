import { fork } from 'node:child_process';
import type { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineSplitter, RECORDS_FD } from './record-lines.ts';
import { SandboxMessage, type HostMessage } from './sandbox-messages.ts';
import { watchProcessMemory } from './sandbox-process-memory.ts';

/**
 * The host's handle on one sandbox process (`sandbox-process-main.ts`): fork it, talk to it, and
 * kill it. Messages from it are parsed here; a malformed one is reported, not trusted. Records come
 * on their own pipe (`record-lines.ts`), read as it fills and cut into lines: the host holds at most
 * one chunk of it and one unfinished line, however fast the fetcher emits.
 *
 * Its memory is held from outside: the host samples its resident set (`sandbox-process-memory.ts`)
 * and kills it past `memoryLimitMb`, and its own Node heap (which holds only messages in transit:
 * fetch replies, a batch of records) is capped by V8 flags. The isolate's heap has its own cap.
 */

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of its stderr: V8 prints why it aborted there. */
  stderrTail: string;
}

export type ProcessEvent =
  | SandboxMessage
  | { type: 'malformed'; detail: string }
  /** Records as JSON texts, in emission order, as the records pipe delivered them. */
  | { type: 'records'; json: string[] }
  /** A line on the records pipe outgrew `maxRecordChars`; nothing after it is delivered. */
  | { type: 'record-too-long'; chars: number }
  /** The process's resident memory passed `memoryLimitMb`: it has been killed. */
  | { type: 'memory-over'; rssBytes: number; limitMb: number };

export interface SpawnOptions {
  /** The longest line the records pipe may carry (a record's UTF-8 size is at least its length). */
  maxRecordChars: number;
  /** Resident memory past which the host kills the process (`processMemoryLimitMb`). */
  memoryLimitMb: number;
}

export interface SandboxProcess {
  send(message: HostMessage): void;
  /** Resolves once the process is gone and its stderr is drained. */
  readonly exited: Promise<ProcessExit>;
  kill(): void;
  /** Its peak resident memory as the host last sampled it (undefined where it cannot be read). */
  readonly peakRssBytes: number | undefined;
}

/** The entry beside this module, with its extension: `.ts` in the checkout, `.js` compiled in the package. */
const MAIN = fileURLToPath(new URL(`./sandbox-process-main${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
const STDERR_TAIL_CHARS = 4_096;
/**
 * V8 flags for the sandbox process's own heap (not the isolate's: isolated-vm sets that one's limits
 * itself). It holds only what is in transit — fetch replies of at most the gate's response cap, one
 * batch of records — so a small old space is plenty, and an overrun aborts the process (reported as
 * `memory-limit`) instead of growing it.
 */
const CHILD_HEAP_FLAGS = ['--max-old-space-size=96', '--max-semi-space-size=8'];

export function spawnSandboxProcess(onEvent: (event: ProcessEvent) => void, options: SpawnOptions): SandboxProcess {
  const child = fork(MAIN, [], {
    execArgv: ['--no-node-snapshot', ...CHILD_HEAP_FLAGS],
    env: {},
    cwd: tmpdir(),
    // fd 3 is IPC; fd RECORDS_FD (4) is the records pipe.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc', 'pipe'],
    // V8's structured clone, not JSON: a 55 KB response body crosses without being escaped and
    // re-parsed (about 15 % of a proof's wall time). Its deserializer is the one browsers use across
    // origins; what arrives is still parsed with zod (SandboxMessage) like any untrusted data.
    serialization: 'advanced',
  });
  const records = child.stdio[RECORDS_FD] as Readable | null | undefined;
  const lines = new LineSplitter(options.maxRecordChars);
  records?.setEncoding('utf8');
  // Read to the end whatever the host makes of the records: a sandbox process blocked on a full pipe would never exit.
  records?.on('data', (chunk: string) => {
    const { lines: json, tooLong } = lines.push(chunk);
    if (json.length) onEvent({ type: 'records', json });
    if (tooLong !== undefined) onEvent({ type: 'record-too-long', chars: tooLong });
  });
  records?.on('error', () => {});
  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const memory =
    child.pid === undefined
      ? undefined
      : watchProcessMemory(child.pid, options.memoryLimitMb * 2 ** 20, (rssBytes) => {
          child.kill('SIGKILL');
          onEvent({ type: 'memory-over', rssBytes, limitMb: options.memoryLimitMb });
        });
  // Stopped as soon as the process has exited: its pid may be given to another process.
  child.once('exit', () => memory?.stop());
  child.on('message', (raw: unknown) => {
    const parsed = SandboxMessage.safeParse(raw);
    onEvent(parsed.success ? parsed.data : { type: 'malformed', detail: parsed.error.issues[0]?.message ?? 'unknown' });
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('close', (code, signal) => {
      memory?.stop();
      resolve({ code, signal, stderrTail });
    });
    child.once('error', (error) => {
      // Spawning failed: there will be no 'close'.
      if (child.pid === undefined) resolve({ code: null, signal: null, stderrTail: error.message });
    });
  });
  return {
    send(message) {
      if (child.connected) child.send(message, (error) => void error);
    },
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    get peakRssBytes() {
      return memory?.peakRssBytes;
    },
  };
}
