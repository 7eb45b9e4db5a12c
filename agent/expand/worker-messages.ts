import type { JobSummary, VendorJob } from './vendor-job.ts';

/** What expand's parent sends a worker process: the one job it is to do. */
export interface JobMessage {
  type: 'job';
  job: VendorJob;
  /** The repository lock is the parent's to take (a queue worker's lock in Redis): the job asks for it with `repo-lock` and gives it back with `repo-unlock`. */
  repoLockViaParent?: boolean;
  /**
   * A queue worker's job: until when (ms since the epoch, this machine's clock) the parent's leases
   * are sure; renewed by `deadline` messages. Past it without a newer one — the parent stopped,
   * frozen or cut off — the job process kills its whole process group (itself, git, sandboxes) at once.
   */
  deadline?: number;
}

/** The parent's leases are sure until `at` (see JobMessage.deadline). */
export interface DeadlineMessage {
  type: 'deadline';
  at: number;
}

/** The parent's answer to `repo-lock`: the lock is held for this job. */
export interface RepoLockedMessage {
  type: 'repo-locked';
}

/** What a worker sends back: progress lines, then its result (the vendor's summary), then it exits. */
export type WorkerMessage = { type: 'log'; line: string } | { type: 'result'; summary: JobSummary } | { type: 'repo-lock' } | { type: 'repo-unlock' };
