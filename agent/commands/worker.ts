import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Io } from '../cli/io.ts';
import type { Context } from '../cli/main.ts';
import { EXIT, FetchwrightError } from '../errors.ts';
import { escapeForLine } from '../expand/progress-display.ts';
import { connectChecked, parseQueueUrl, queueId } from '../expand/queue/queue-connection.ts';
import { startQueueWorker, workerName } from '../expand/queue/queue-worker.ts';
import { defaultExpandState } from './expand.ts';
import { prOptionsOf, type PrOptions } from './pr.ts';
import { queuePr } from '../expand/queue/queued-job.ts';

/** `fetchwright worker`'s options, as commander parses them (agent/cli/command-table.ts). */
export interface WorkerCommandOptions extends Partial<PrOptions> {
  queue: string;
  concurrency?: number;
  state?: string;
  out: string;
  pr?: boolean;
}

/**
 * `fetchwright worker --queue redis://…`: does expand's queued jobs on this machine
 * (agent/expand/queue/queue-worker.ts) until SIGINT or SIGTERM, a line per job on stderr. Exit 37
 * when Redis does not answer at start; on a signal, the running jobs' processes end, their jobs go
 * back to the queue, and the worker exits 0 (stopping is its normal end).
 */
export async function run(_args: string[], opts: WorkerCommandOptions, io: Io, ctx: Context): Promise<number> {
  const address = parseQueueUrl(opts.queue, ctx.env);
  const pr = queuePr(prOptionsOf(opts));
  const name = workerName();
  const redis = await connectChecked(address, `fetchwright-worker:${name}`);
  const stateDir = path.resolve(opts.state ?? defaultExpandState(ctx.env));
  const out = path.resolve(opts.out);
  // Made now, so that a folder reached through a link is named by its real path, as the expand run names it.
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    mkdirSync(out, { recursive: true });
  } catch (e) {
    redis.disconnect();
    throw new FetchwrightError('output-unwritable', `the worker's folders cannot be made: ${(e as Error).message}`, { hint: 'Give --state and --out folders this worker can write (the same the expand run uses).' });
  }
  const concurrency = opts.concurrency ?? availableParallelism();
  const line = (text: string) => io.stderr.write(`${escapeForLine(ctx.redactor.text(text))}\n`);
  const worker = startQueueWorker({ redis, concurrency, stateDir, out, ...(pr ? { pr } : {}), queue: { queue: address.shown, id: await queueId(redis) }, env: ctx.env, onLine: line, redact: (t) => ctx.redactor.text(t) });
  ctx.audit.record('worker-start', 'ok', {}, { queue: address.shown, worker: name, concurrency, state: stateDir, out });
  line(`worker ${name}: taking jobs from ${address.shown} for ${stateDir} and ${out}${pr ? `, proposing to ${pr.repo}${pr.github ? ` and ${pr.github}` : ''}` : ''}, ${concurrency} at a time (Ctrl-C stops it; its running jobs go back to the queue)`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => (ctx.interrupts.stop = resolve));
  line(`worker ${name}: stopped by ${signal}; its running jobs go back to the queue for another worker`);
  await worker.close().catch(() => undefined);
  redis.disconnect();
  ctx.audit.record('worker-end', 'ok', {}, { worker: name, signal });
  return EXIT.ok;
}
