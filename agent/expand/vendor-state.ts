import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { FetchwrightError } from '../errors.ts';
import { connectorFilesSha256 } from './connector-files.ts';
import type { VendorOutcome } from './coverage-summary.ts';
import { filesUnchanged } from './inputs-key.ts';

/**
 * What `expand` remembers of one vendor between runs: `<state>/vendors/<vendor>.json`, one file a
 * vendor, written only by the job that did that vendor's work, whole or not at all (a temporary
 * file, fsync'd, renamed, the folder fsync'd): a run killed at any moment leaves each vendor's last
 * state or its new one, never half of one. A file that does not parse or fails the schema is read as
 * no state (the vendor is done again), with a note: state is a cache of work, never a reason to stop.
 */

export const STATE_SCHEMA = 'fetchwright/expand-state@2';

const Inputs = z.object({
  docs_bytes_sha256: z.string(),
  observed_sha256: z.string().nullable(),
  templates_sha256: z.string(),
  policy: z.string(),
  planner: z.string(),
  options_sha256: z.string(),
});

export const VendorState = z.object({
  schema: z.literal(STATE_SCHEMA),
  vendor: z.string(),
  /** The idempotency key of the inputs the last successful run used (inputs-key.ts); null before one. */
  done_key: z.string().nullable(),
  inputs: Inputs.nullable(),
  /** The ApiModel's docs_sha256 the connector was made from. */
  docs_sha256: z.string().nullable(),
  /** Every file ingest read for the last successful run (specs, `$ref` targets, pages), absolute, with its sha256. */
  docs_files: z.array(z.object({ file: z.string(), sha256: z.string() })).max(100_000),
  /** sha256 over the connector folder's files as the job left them (connector-files.ts): a folder changed since is made again. */
  files_sha256: z.string().nullable(),
  /** sha256 of the plan (hashJson), as the change record and branch name use it. */
  plan_sha256: z.string().nullable(),
  template_versions: z.string().nullable(),
  policy: z.string().nullable(),
  verdict: z.enum(['pass', 'fail']).nullable(),
  connector_dir: z.string().nullable(),
  streams: z.number().int().nonnegative(),
  identity_kinds: z.array(z.string()),
  skipped_streams: z.array(z.string()),
  last_run: z.object({ at: z.string(), outcome: z.enum(['generated', 'regenerated', 'kept', 'skipped', 'failed', 'waiting']), elapsed_ms: z.number() }).nullable(),
  /**
   * The last failure on inputs not yet done, and when to try again. `covered`: the connector on disk
   * still covers the vendor — it is byte for byte the one its job left, and its docs did not change
   * or changed in nothing it depends on (a drift was read, with nothing breaking).
   */
  failure: z
    .object({ key: z.string(), cause: z.string(), exit_code: z.number().int().nullable(), attempts: z.number().int().positive(), at: z.string(), retry_at: z.string(), covered: z.boolean() })
    .nullable(),
  /** The pull request proposed for the plan `plan_sha256`. */
  pr: z.object({ plan_sha256: z.string(), branch: z.string(), url: z.string().nullable() }).nullable(),
  drift: z.object({ breaking: z.number(), additive: z.number(), info: z.number() }).nullable(),
});
export type VendorState = z.infer<typeof VendorState>;

/** A fresh state for a vendor never run. */
export function emptyState(vendor: string): VendorState {
  return {
    schema: STATE_SCHEMA,
    vendor,
    done_key: null,
    inputs: null,
    docs_sha256: null,
    docs_files: [],
    files_sha256: null,
    plan_sha256: null,
    template_versions: null,
    policy: null,
    verdict: null,
    connector_dir: null,
    streams: 0,
    identity_kinds: [],
    skipped_streams: [],
    last_run: null,
    failure: null,
    pr: null,
    drift: null,
  };
}

/** `<state>/vendors/<vendor>.json`. The vendor name is the catalogue's (vendorName rule: no separators). */
export function stateFile(stateDir: string, vendor: string): string {
  return path.join(stateDir, 'vendors', `${vendor}.json`);
}

/** State files past this size are not state fetchwright wrote. */
const MAX_STATE_BYTES = 1024 * 1024;

/**
 * The vendor's state, or a fresh one when there is none. A damaged file (not JSON, another schema,
 * a link, too big) reads as fresh and `onNote` says so.
 */
export function readVendorState(stateDir: string, vendor: string, onNote?: (line: string) => void): VendorState {
  const file = stateFile(stateDir, vendor);
  const st = lstatSync(file, { throwIfNoEntry: false });
  if (!st) return emptyState(vendor);
  const damaged = (why: string) => {
    onNote?.(`${file}: ${why}; ${vendor} is done again as if never run`);
    return emptyState(vendor);
  };
  if (!st.isFile()) return damaged('not a regular file');
  if (st.size > MAX_STATE_BYTES) return damaged('larger than a state file fetchwright writes');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return damaged('not JSON');
  }
  const parsed = VendorState.safeParse(data);
  if (!parsed.success || parsed.data.vendor !== vendor) return damaged(`not a ${STATE_SCHEMA} file for this vendor`);
  return parsed.data;
}

/**
 * Writes `content` to `file` whole or not at all: a new temporary file beside it (`wx`, never
 * following a link), fsync'd, renamed over `file`, then the folder fsync'd so the rename survives a
 * crash. Throws `output-unwritable` (exit 10) naming the file.
 */
export function writeFileDurably(file: string, content: string): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new FetchwrightError('output-unwritable', `${file} cannot be written: ${(e as Error).message}`, { file, hint: 'Give expand a --state folder it can write.' });
  }
}

/** Writes the vendor's state durably (see {@link writeFileDurably}). */
export function writeVendorState(stateDir: string, state: VendorState): void {
  writeFileDurably(stateFile(stateDir, state.vendor), `${JSON.stringify(VendorState.parse(state), null, 2)}\n`);
}

/** Whether the connector folder is still the one the state recorded: every file's bytes as the job left them (a passing one). */
export function folderIsAsMade(state: VendorState): boolean {
  return !!state.connector_dir && !!state.files_sha256 && connectorFilesSha256(state.connector_dir) === state.files_sha256;
}

/**
 * Whether the vendor is done for `key` (expand's `skipped`): its last successful run had this key
 * and passed, made the connector at `target` (absolute), which is still byte for byte what it made,
 * every local file ingest read still has its bytes, and — `withPr` — its plan was proposed. Run by
 * expand before any job (run-expand.ts), and by a web reference's job once its crawl completed the
 * key (vendor-job.ts).
 */
export function isDone(state: VendorState, key: string, target: string, withPr: boolean): boolean {
  return state.done_key === key && state.verdict === 'pass' && state.connector_dir === target && folderIsAsMade(state) && filesUnchanged(state.docs_files) && (!withPr || state.pr?.plan_sha256 === state.plan_sha256);
}

/** Exponential backoff for a failure on unchanged inputs: 15 minutes, doubled each failure, at most a day. */
export function retryDelayMs(attempts: number): number {
  return Math.min(15 * 60_000 * 2 ** Math.max(0, attempts - 1), 24 * 3600_000);
}

export type { VendorOutcome };
