import { realpathSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { EXIT } from '../../errors.ts';
import { hashJson } from '../../hash.ts';
import { isVendorName } from '../catalogue.ts';
import type { JobSummary, VendorJob } from '../vendor-job.ts';

/**
 * One vendor's job on the queue: its BullMQ job id, its data (what a worker needs to do it, never a
 * secret: no token, key or password ever enters Redis), the retry policy, and the reading of what a
 * worker answers. Data in Redis is read back as hostile: every field is checked by a zod schema
 * before a worker acts on it, and a worker's answer before the enqueuing command shows it.
 */

/** The pull-request settings that decide where a worker's token and signing key are used: the repository (absolute), its remote, the GitHub repository and API. */
export interface QueuePr {
  repo: string;
  remote: string;
  github?: string;
  githubApi?: string;
}

/** A folder's path with its links resolved where it exists (else made absolute): two spellings of one folder are one queue and one lease. */
export function canonicalFolder(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** `pr` without what does not choose where the work goes (who asked for it), the repository absolute; undefined without one. */
export function queuePr(pr: { repo: string; remote: string; github?: string; githubApi?: string } | undefined): QueuePr | undefined {
  if (!pr) return undefined;
  return { repo: canonicalFolder(pr.repo), remote: pr.remote, ...(pr.github ? { github: pr.github } : {}), ...(pr.githubApi ? { githubApi: pr.githubApi } : {}) };
}

/** Whether a job's pull-request settings are a worker's own (both none, or the same repository, remote, GitHub repository and API). */
export function samePr(job: Parameters<typeof queuePr>[0], worker: QueuePr | undefined): boolean {
  return hashJson(queuePr(job) ?? null) === hashJson(queuePr(worker) ?? null);
}

/**
 * The queue of one pair of folders and pull-request settings: `expand-` and 16 hex of sha256 over
 * the state and connectors folders (absolute) and {@link queuePr}. A worker takes jobs from its own
 * queue only, so a worker started for other folders, or to propose elsewhere, never takes (and
 * fails) these jobs: the waiting expand says no worker serves them.
 */
export function queueNameFor(stateDir: string, out: string, pr?: Parameters<typeof queuePr>[0]): string {
  return `expand-${hashJson({ state: canonicalFolder(stateDir), out: canonicalFolder(out), pr: queuePr(pr) ?? null }).slice(0, 16)}`;
}

/** The BullMQ job name of a vendor's job. */
export const JOB_NAME = 'vendor';

/**
 * The job id: the idempotency key (inputs-key.ts: docs bytes, templates, policy, planner, the
 * entry's options) with what else makes the job different — the vendor, the state and connectors
 * folders, and the pull-request options. The same change of the same vendor for the same folders is
 * one id, so BullMQ never holds it twice (adding an id that exists adds nothing). Hex, no `:`.
 */
export function jobIdFor(job: Pick<VendorJob, 'entry' | 'key' | 'stateDir' | 'out' | 'pr'>): string {
  return `v1-${hashJson({ vendor: job.entry.vendor, key: job.key, state: job.stateDir, out: job.out, pr: prOf(job) ?? null }).slice(0, 40)}`;
}

/** The pull-request options a job carries: what changes the proposal (the repository as an absolute path), not how the enqueuer prints (`json`). */
function prOf(job: Pick<VendorJob, 'pr'>): QueuedJobData['pr'] {
  const pr = job.pr;
  if (!pr) return undefined;
  return { repo: path.resolve(pr.repo), remote: pr.remote, ...(pr.github ? { github: pr.github } : {}), ...(pr.requestedBy ? { requestedBy: pr.requestedBy } : {}), ...(pr.githubApi ? { githubApi: pr.githubApi } : {}) };
}

/**
 * The deduplication id: one per vendor and folders. While a job of the vendor waits or runs, adding
 * another (its docs changed again) adds nothing: one job writes a vendor's state and connector at a
 * time, and the one waiting reads the docs as they are when it starts (the worker recomputes the
 * key then).
 */
export function vendorDedupId(job: Pick<VendorJob, 'entry' | 'stateDir' | 'out'>): string {
  return `vendor-${hashJson({ vendor: job.entry.vendor, state: job.stateDir, out: job.out }).slice(0, 40)}`;
}

const text = (max: number) => z.string().max(max);
const absolute = z.string().min(1).max(4096).refine((p) => p.startsWith('/') && !p.includes('\u0000'), 'an absolute path');

/** A job's data as a worker reads it back from Redis. */
export const QueuedJobData = z.strictObject({
  schema: z.literal('fetchwright/queued-job@1'),
  entry: z.strictObject({
    index: z.number().int().min(0).max(100_000),
    vendor: z.string().max(200).refine(isVendorName, 'a vendor name'),
    docs: text(4096),
    docsPath: text(4096).min(1),
    owner: text(200),
    priority: z.number().int(),
    tenant: z.record(text(200), text(2000)),
    skip_streams: z.array(text(200)).max(1000),
    observed: text(4096).optional(),
    observedPath: absolute.optional(),
  }),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  out: absolute,
  stateDir: absolute,
  seed: z.number().int().min(0),
  maxAttempts: z.number().int().min(1).max(10),
  planner: z.enum(['heuristic', 'llm', 'auto']).optional(),
  model: text(200).optional(),
  modelTimeout: z.number().int().min(1).max(600).optional(),
  pr: z
    .strictObject({
      repo: absolute,
      github: text(200).optional(),
      remote: text(200),
      requestedBy: text(200).optional(),
      githubApi: text(2000).optional(),
    })
    .optional(),
  /** How long the job may run (ms), the enqueuer's --job-timeout. */
  jobTimeoutMs: z.number().int().min(1000).max(86_400_000),
});
export type QueuedJobData = z.infer<typeof QueuedJobData>;

/** A job's data: the job without its previous state and inputs (a worker reads both afresh when it starts). */
export function queuedJobData(job: VendorJob, jobTimeoutMs: number): QueuedJobData {
  const { entry } = job;
  return {
    schema: 'fetchwright/queued-job@1',
    entry: { index: entry.index, vendor: entry.vendor, docs: entry.docs, docsPath: entry.docsPath, owner: entry.owner, priority: entry.priority, tenant: entry.tenant, skip_streams: entry.skip_streams, ...(entry.observed !== undefined ? { observed: entry.observed } : {}), ...(entry.observedPath ? { observedPath: entry.observedPath } : {}) },
    key: job.key,
    out: job.out,
    stateDir: job.stateDir,
    seed: job.seed,
    maxAttempts: job.maxAttempts,
    ...(job.planner ? { planner: job.planner } : {}),
    ...(job.model ? { model: job.model } : {}),
    ...(job.modelTimeout ? { modelTimeout: job.modelTimeout } : {}),
    ...(job.pr ? { pr: prOf(job) } : {}),
    jobTimeoutMs,
  };
}

/** How many times BullMQ runs a job whose failure may pass (a docs site down, a worker that died, a push refused). */
export const JOB_ATTEMPTS = 3;
/** The first retry's wait (ms), doubled for each next one (BullMQ's exponential backoff). */
export const RETRY_DELAY_MS = 10_000;

/** BullMQ's options for a vendor's job (see the module comment; finished jobs are kept a week, with their result or cause). */
export function jobOptions(job: VendorJob): JobsOptions {
  return {
    jobId: jobIdFor(job),
    deduplication: { id: vendorDedupId(job) },
    attempts: JOB_ATTEMPTS,
    backoff: { type: 'exponential', delay: RETRY_DELAY_MS },
    removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 100_000 },
    // Catalogue order: BullMQ runs lower numbers first (0 is "no priority" and runs before all).
    priority: Math.min(2_097_151, 1 + job.entry.index),
  };
}

/**
 * Exit codes of failures that the same inputs give again: the docs are not a spec or lack
 * identities, a proof failed (its seed is fixed), a template slot or a plan refused, a catalogue
 * entry the docs contradict, an unsafe host, a signing key or repository that is not usable. BullMQ
 * does not retry them (a later expand does, after its own backoff). Anything else — a docs site or
 * model endpoint down, a worker that died or timed out, a push refused — is retried by BullMQ.
 */
const SAME_AGAIN = new Set<number>([
  EXIT.usage,
  EXIT.notASpec,
  EXIT.unresolvableRef,
  EXIT.noIdentities,
  EXIT.refusedByAssessment,
  EXIT.validationFailed,
  EXIT.invalidSlot,
  EXIT.invalidConnector,
  EXIT.signingKey,
  EXIT.prRefused,
  EXIT.notAGitRepo,
  EXIT.dirtyWorktree,
  EXIT.evidenceNotInDocs,
  EXIT.connectorDirHasUserFiles,
  EXIT.severalApis,
  EXIT.unsafeHost,
  EXIT.invalidCatalogue,
]);

/** Whether BullMQ should run a job again after this failed summary (see SAME_AGAIN). */
export function worthRetrying(summary: Pick<JobSummary, 'exit_code' | 'problem'>): boolean {
  if (summary.problem) return false;
  return summary.exit_code === null || !SAME_AGAIN.has(summary.exit_code);
}

const outcome = z.enum(['generated', 'regenerated', 'kept', 'skipped', 'failed', 'waiting']);
const nullableText = (max: number) => z.string().max(max).nullable();

/** A vendor's summary as a worker answers it (BullMQ's return value, or the `summary` of its progress on failure). */
export const QueuedSummary = z.object({
  vendor: z.string().max(200).refine(isVendorName, 'a vendor name'),
  owner: nullableText(200),
  docs: text(4096),
  outcome,
  covered: z.boolean(),
  connector_dir: nullableText(4096),
  streams: z.number().int().min(0).max(100_000),
  identity_kinds: z.array(text(40)).max(40),
  skipped_streams: z.array(text(200)).max(1000),
  drift: z.object({ breaking: z.number().int().min(0), additive: z.number().int().min(0), info: z.number().int().min(0) }).nullable(),
  pr: z.object({ branch: text(400), url: nullableText(2000) }).nullable(),
  cause: nullableText(2000),
  exit_code: z.number().int().min(0).max(255).nullable(),
  retry_at: nullableText(40),
  elapsed_ms: z.number().min(0),
  problem: z.object({ field: text(200), message: text(2000) }).optional(),
});

/** What a worker reports as a job's progress: who runs it, and on failure the vendor's summary. */
export const QueuedProgress = z.object({
  worker: text(300),
  summary: QueuedSummary.optional(),
});
export type QueuedProgress = z.infer<typeof QueuedProgress>;
