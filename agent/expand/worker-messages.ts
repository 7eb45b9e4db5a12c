import type { JobSummary, VendorJob } from './vendor-job.ts';

/** What expand's parent sends a worker process: the one job it is to do. */
export interface JobMessage {
  type: 'job';
  job: VendorJob;
}

/** What a worker sends back: progress lines, then its result (the vendor's summary), then it exits. */
export type WorkerMessage = { type: 'log'; line: string } | { type: 'result'; summary: JobSummary };
