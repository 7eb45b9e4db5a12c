import { writeSync } from 'node:fs';
import { startSession, type Session } from './isolate-session.ts';
import { RECORDS_FD } from './record-lines.ts';
import type { HostMessage, SandboxMessage } from './sandbox-messages.ts';

/**
 * Entry point of the sandbox process: the child the host forks for each run (`sandbox-process.ts`).
 * The isolate lives here rather than in the host because some memory bombs (a huge dictionary, a
 * runaway `Array.prototype.fill`) make V8 abort the whole process or grow it past any isolate cap
 * before isolated-vm can step in; the host must outlive those. This process starts with an empty
 * environment, so even an escape would find no host credentials in it.
 *
 * It stays light: no zod, no egress code. It answers to one host and exits when the run ends or the
 * host goes away.
 *
 * Records go to the host on the records pipe (`record-lines.ts`) with a blocking write: while the
 * host is behind, the write waits, and with it the fetcher's `emit` (a synchronous call into this
 * process) — so this process never holds more than the batch in hand.
 */

/**
 * How often this process checks its own resident memory against the limit the host gave it. The host
 * watches it too, from outside, and kills it (`sandbox-process-memory.ts`): this check is the one that
 * still works where the host cannot read another process's memory, and it ends the run gracefully.
 */
const RSS_CHECK_MS = 20;

function send(message: SandboxMessage, then?: () => void): void {
  if (process.connected) process.send!(message, undefined, {}, () => then?.());
  else then?.();
}

let session: Session | undefined;

/** Set once the records pipe refused a write (the host closed it): later batches are dropped, the host is ending the run. */
let recordsClosed = false;
/** Records written to the pipe so far: each fetch says how many came before it, so the host keeps the order. */
let recordsWritten = 0;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes one batch of records (JSON texts joined by newlines) and its final newline, blocking until the pipe takes it all. */
function writeRecords(batch: string): void {
  if (recordsClosed) return;
  for (let nl = batch.indexOf('\n'); nl !== -1; nl = batch.indexOf('\n', nl + 1)) recordsWritten++;
  recordsWritten++;
  const bytes = Buffer.from(`${batch}\n`, 'utf8');
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(RECORDS_FD, bytes, at, bytes.length - at);
    } catch (error) {
      // A pipe left non-blocking answers EAGAIN when full: wait a little and try again.
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      recordsClosed = true;
      return;
    }
  }
}

function begin(message: Extract<HostMessage, { type: 'start' }>): void {
  const rssLimitMb = message.limits.processMemoryMb;
  const current = startSession({
    source: message.source,
    inputJson: message.inputJson,
    filename: message.filename,
    limits: message.limits,
    port: {
      fetch: (id, request) => send({ type: 'fetch', id, request, after: recordsWritten }),
      records: writeRecords,
      log: (line) => send({ type: 'log', message: line }),
    },
  });
  session = current;
  const rssWatch = setInterval(() => {
    const rssMb = process.memoryUsage.rss() / 2 ** 20;
    if (rssMb > rssLimitMb) {
      current.abort('memory-limit', `the sandbox process grew to ${Math.round(rssMb)} MB, past its ${rssLimitMb} MB limit (a ${message.limits.memoryMb} MB isolate)`);
    }
  }, RSS_CHECK_MS);
  void current.done.then((end) => {
    clearInterval(rssWatch);
    send({ type: 'end', ...end, maxRssBytes: process.resourceUsage().maxRSS * 1024 }, () => process.exit(0));
  });
}

if (process.send) {
  process.on('message', (message: HostMessage) => {
    switch (message.type) {
      case 'start':
        if (!session) begin(message);
        break;
      case 'fetch-reply':
        session?.settle(message.id, message.reply);
        break;
      case 'abort':
        if (session) session.abort(message.kind, message.message);
        else process.exit(0);
        break;
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}
