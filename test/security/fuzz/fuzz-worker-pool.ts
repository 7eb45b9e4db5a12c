import { Worker } from 'node:worker_threads';
import type { FuzzJob, WorkerMessage } from './worker.ts';

/**
 * Runs fuzz jobs in a worker thread, one at a time, and watches each case: a case that runs longer
 * than `caseLimitMs` is a hang (a synchronous loop cannot be interrupted from inside), so the worker is
 * ended and the case reported; a worker that dies (out of memory, a native crash) is reported with the
 * case it was on. A new worker is started for the next job. No timing is asserted: the limit only tells
 * a hang from work, and is generous.
 */

export interface JobResult {
  runs: number;
  /** One sentence per internal error, hang or crash, each with a replayable case. */
  failures: string[];
}

/** A case taking longer than this is a hang: real cases take well under a second. */
export const CASE_LIMIT_MS = 30_000;

let worker: Worker | undefined;
let nextId = 1;

function start(): Worker {
  const w = new Worker(new URL('./worker.ts', import.meta.url), {
    // A memory bomb ends this worker (reported), not the test process.
    resourceLimits: { maxOldGenerationSizeMb: 2_048, stackSizeMb: 4 },
  });
  w.unref();
  return w;
}

/** Runs `job` in the fuzz worker; never rejects: hangs and crashes are failures in the result. */
export function runFuzzJob(job: FuzzJob, caseLimitMs = CASE_LIMIT_MS): Promise<JobResult> {
  const w = (worker ??= start());
  const id = nextId++;
  return new Promise((resolve) => {
    let label = '(before the first case)';
    let runs = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: JobResult, end: boolean) => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      if (end) {
        if (worker === w) worker = undefined;
        void w.terminate();
      }
      resolve(result);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish({ runs, failures: [`hang: a case ran over ${caseLimitMs / 1000} s and was stopped; case: ${label}`] }, true), caseLimitMs);
    };
    const onMessage = (m: WorkerMessage) => {
      if (m.id !== id) return;
      if (m.type === 'case') {
        label = m.label;
        runs++;
        arm();
      } else finish({ runs: m.runs, failures: m.failures }, false);
    };
    const onError = (e: Error) => finish({ runs, failures: [`the fuzz worker crashed (${e.message}); case: ${label}`] }, true);
    const onExit = (code: number) => finish({ runs, failures: [`the fuzz worker exited (code ${code}); case: ${label}`] }, true);
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    arm();
    w.postMessage({ id, job });
  });
}

/** Ends the fuzz worker (a test file's `afterAll`). */
export async function stopFuzzWorker(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (w) await w.terminate();
}
