import { AuditLog, stateDir } from '../audit/audit-log.ts';
import { redactorFromEnv } from '../audit/redact.ts';
import { testPause } from '../test-pause.ts';
import { runVendorJob, type JobSummary } from './vendor-job.ts';
import type { DeadlineMessage, JobMessage, RepoLockedMessage, WorkerMessage } from './worker-messages.ts';

/**
 * The entry of one expand worker process (forked by worker-pool.ts): it takes one job over IPC,
 * does it (vendor-job.ts: its own ingest, plan, isolates and proof, its own audit lines in the
 * shared, locked, hash-chained audit log), sends the vendor's summary back and exits. When the
 * parent goes away (killed, Ctrl-C) the IPC channel closes and the worker ends at once: a job is
 * never finished by an orphan while a new run starts the same vendor. What it wrote by then is
 * whole (connector folders and state files are replaced by rename), so the next run resumes.
 */

const send = (m: WorkerMessage) => new Promise<void>((resolve) => (process.send ? process.send(m, undefined, undefined, () => resolve()) : resolve()));

/** Set for a queue worker's job: the process leads its own process group, and ends it whole. */
let ownGroup = false;
/** Ends this process and, when it leads its own group, everything it started (git, sandboxes) with it, at once. */
function endNow(): never {
  if (ownGroup) process.kill(0, 'SIGKILL');
  process.exit(0);
}

process.on('disconnect', () => endNow());

/** A queue worker's job: its parent's leases are sure until `deadline`; past it, the job ends itself (see JobMessage.deadline). */
function watchDeadline(first: number): void {
  let deadline = first;
  process.on('message', (raw: unknown) => {
    const m = raw as DeadlineMessage;
    if (m?.type === 'deadline' && typeof m.at === 'number') deadline = m.at;
  });
  setInterval(() => {
    if (Date.now() > deadline) {
      process.stderr.write('the worker\'s lease on this vendor is no longer sure (no word from the worker): this job ends now\n');
      endNow();
    }
  }, 200).unref();
}

/** The repository lock held by the parent (a queue worker's, in Redis): asked for over IPC, given back the same way. */
function parentLock(): Promise<() => void> {
  return new Promise((resolve) => {
    const onMessage = (raw: unknown) => {
      if ((raw as RepoLockedMessage)?.type !== 'repo-locked') return;
      process.off('message', onMessage);
      resolve(() => void send({ type: 'repo-unlock' }));
    };
    process.on('message', onMessage);
    void send({ type: 'repo-lock' });
  });
}
process.once('message', (raw: unknown) => {
  const message = raw as JobMessage;
  if (message?.type !== 'job') process.exit(2);
  if (typeof message.deadline === 'number') {
    ownGroup = true;
    watchDeadline(message.deadline);
  }
  const env = process.env;
  const redactor = redactorFromEnv(env);
  void (async () => {
    let summary: JobSummary;
    try {
      await testPause(env, 'expand-job', process.stderr);
      const audit = new AuditLog({ dir: stateDir(env), command: 'expand', redactor });
      summary = await runVendorJob(message.job, { audit, redactor, env, onLog: (line) => void send({ type: 'log', line: redactor.text(line) }), ...(message.repoLockViaParent ? { repoLock: parentLock } : {}) });
    } catch (e) {
      // runVendorJob records its own failures; only an audit log that cannot be opened gets here.
      const job = message.job;
      summary = { vendor: job.entry.vendor, owner: job.entry.owner, docs: job.entry.docs, outcome: 'failed', covered: false, connector_dir: null, streams: 0, identity_kinds: [], skipped_streams: job.entry.skip_streams, drift: null, pr: null, cause: redactor.text((e as Error).message), exit_code: (e as { exitCode?: number }).exitCode ?? 1, retry_at: null, elapsed_ms: 0 };
    }
    await send({ type: 'result', summary });
    process.exit(0);
  })();
});
