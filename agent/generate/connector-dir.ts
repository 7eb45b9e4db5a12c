import { closeSync, fsyncSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { FetchwrightError, isFetchwrightError } from '../errors.ts';
import { ensureDir, outputError } from '../output-dir.ts';
import { ApiModel } from '../ingest/api-model.ts';
import { ConnectorPlan } from '../plan/connector-plan.ts';
import { renderValidation } from '../validate/validation-report.ts';
import { Scorecard } from '../validate/scorecard.ts';
import type { GeneratedConnector } from './generate-connector.ts';
import { describeIssue, valueAt } from '../schema-issue.ts';

/**
 * A connector on disk: `DIR/<vendor>/` with fetcher.ts, plan.json, manifest.json, scorecard.json,
 * VALIDATION.md, api-model.json (the slice of the docs it depends on) and attempts.json.
 *
 * Writing keeps what was proved:
 * - The files are written into a staging folder `<vendor>.tmp-<pid>-<ms>` and swapped into place by
 *   renames (the previous folder moves to `<vendor>.old-<pid>-<ms>` for the instant of the swap, then
 *   is removed). The whole write is synchronous, so a signal handler (Ctrl-C) can only run before it
 *   starts or after it ends: never between two renames.
 * - A failing connector never replaces a passing one: it goes beside it, to `<vendor>.failed/`.
 *   `<vendor>.failed/` exists only beside a passing connector; any other write removes it.
 * - Leftovers of a process that died mid-write (SIGKILL, power loss) are cleaned at the start of the
 *   next write of that vendor; a live process's leftovers are never touched.
 * - Files fetchwright does not write are never removed without `force`.
 */

export const CONNECTOR_FILES = ['fetcher.ts', 'plan.json', 'manifest.json', 'scorecard.json', 'VALIDATION.md', 'api-model.json', 'attempts.json'] as const;

/** What `fetchwright pr` adds to a connector folder (agent/pr's RECORD_FILE and PR_FILE; named here to keep generate free of pr). */
export const PR_FILES = ['change-record.json', 'PULL_REQUEST.md'] as const;

const OURS: ReadonlySet<string> = new Set([...CONNECTOR_FILES, ...PR_FILES]);

/** How many file names an error message lists before "… and N more". */
const NAMES_SHOWN = 10;

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** `DIR/<vendor>` and `DIR/<vendor>.failed`, absolute. */
export function connectorPaths(outDir: string, vendor: string): { target: string; failed: string } {
  const target = path.resolve(outDir, vendor);
  return { target, failed: `${target}.failed` };
}

/** lstat (or stat, with `follow`), or undefined when nothing is there. Throws the fs error otherwise (ENOTDIR, EACCES…). */
function statOrUndefined(p: string, follow = false): Stats | undefined {
  try {
    return follow ? statSync(p) : lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Throws `output-unwritable` (exit 10) when `p` exists and is not a folder (a symbolic link counts as
 * one only with `follow`: DIR may be a link, a connector folder is replaced by renames and may not).
 * Returns whether it exists.
 */
function assertFolderOrMissing(p: string, follow = false): boolean {
  let stat: Stats | undefined;
  try {
    stat = statOrUndefined(p, follow);
  } catch (e) {
    throw outputError(p, e);
  }
  if (stat && !stat.isDirectory()) {
    const what = stat.isSymbolicLink() ? 'it is a symbolic link (fetchwright replaces this folder by renaming, which would drop the link)' : 'it exists and is not a folder';
    throw new FetchwrightError('output-unwritable', `cannot write ${p}: ${what}`, { file: p, hint: 'Move it away, or choose another output folder (--out).' });
  }
  return stat !== undefined;
}

/** The names in `dir` that fetchwright does not write there (sorted); [] when `dir` is missing. Throws exit 10 for a non-folder. */
export function userFiles(dir: string): string[] {
  if (!assertFolderOrMissing(dir)) return [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw outputError(dir, e);
  }
  return names.filter((n) => !OURS.has(n) && !isDeadPrTemp(dir, n)).sort();
}

/** A pr's temporary file (`change-record.json.<pid>.tmp`) whose process is gone (SIGKILL mid-write): fetchwright's own leftover, not a user's file. */
function isDeadPrTemp(dir: string, name: string): boolean {
  const m = /^(?:change-record\.json|PULL_REQUEST\.md)\.(\d+)\.tmp$/.exec(name);
  if (!m) return false;
  const made = statOrUndefined(path.join(dir, name))?.mtimeMs ?? Date.now();
  return !ownerMayBeAlive(Number(m[1]), made);
}

/**
 * Refuses, before any work, an output this run could not write or could only write by deleting a
 * user's files. Throws `output-unwritable` (exit 10) when DIR, DIR/<vendor> or DIR/<vendor>.failed
 * exists and is not a folder; `connector-dir-has-user-files` (exit 25) when one of the two folders
 * holds files fetchwright does not write there, unless `force`.
 */
export function checkConnectorTarget(outDir: string, vendor: string, options: { force?: boolean } = {}): void {
  assertFolderOrMissing(path.resolve(outDir), true);
  const { target, failed } = connectorPaths(outDir, vendor);
  for (const dir of [target, failed]) {
    const foreign = userFiles(dir);
    if (foreign.length && !options.force) throw userFilesError(dir, foreign);
  }
}

/** The exit-25 refusal, naming the first few of `names`. */
function userFilesError(dir: string, names: string[]): FetchwrightError {
  const shown = names.slice(0, NAMES_SHOWN).join(', ') + (names.length > NAMES_SHOWN ? ` … and ${names.length - NAMES_SHOWN} more` : '');
  return new FetchwrightError('connector-dir-has-user-files', `${dir} holds files fetchwright did not write: ${shown}; regenerating would delete them`, {
    file: dir,
    hint: 'Move them out of the folder or choose another --out; or pass --force to replace the folder anyway (they will be deleted).',
  });
}

/** Whether `dir` holds a connector whose scorecard.json says `verdict: "pass"` (any other state, including unreadable, is not). */
export function isPassingConnector(dir: string): boolean {
  try {
    const card = JSON.parse(readFileSync(path.join(dir, 'scorecard.json'), 'utf8')) as { verdict?: unknown };
    return card?.verdict === 'pass';
  } catch {
    return false;
  }
}

/** The files of the connector folder, by name. */
function connectorFiles(c: GeneratedConnector): Record<(typeof CONNECTOR_FILES)[number], string> {
  return {
    'fetcher.ts': c.fetcher,
    'plan.json': json(c.plan),
    'manifest.json': json(c.manifest),
    'scorecard.json': json(c.scorecard),
    'VALIDATION.md': renderValidation(c.scorecard, c.attempts),
    'api-model.json': json(c.model),
    'attempts.json': json(c.attempts),
  };
}

/** Writes `content` to `file` and flushes it to disk, so a rename after it never publishes a file the disk has not got. */
function writeDurably(file: string, content: string): void {
  const fd = openSync(file, 'wx');
  try {
    const bytes = Buffer.from(content, 'utf8');
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a folder's entries (the renames in it). Best effort: not every file system allows it. */
function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // e.g. EISDIR/EINVAL on file systems without directory fsync: the renames are still atomic
  }
}

/** Creates `staging` (which must not exist) and writes every connector file into it. Throws fs errors. */
function stageConnector(staging: string, c: GeneratedConnector): void {
  ensureDir(staging);
  for (const [name, content] of Object.entries(connectorFiles(c))) writeDurably(path.join(staging, name), content);
  syncFolder(staging);
}

/**
 * Moves `staging` to `dest`: the folder at `dest` (if any) is renamed to `<dest>.old-<stamp>`,
 * `staging` renamed into place, then the backup removed. When the second rename fails the backup is
 * put back before the error is thrown, so `dest` is never left missing.
 */
function swapInto(staging: string, dest: string, stamp: string): void {
  const backup = `${dest}.old-${stamp}`;
  const hadPrevious = statOrUndefined(dest) !== undefined;
  if (hadPrevious) renameSync(dest, backup);
  try {
    renameSync(staging, dest);
  } catch (e) {
    if (hadPrevious) renameSync(backup, dest);
    throw e;
  }
  syncFolder(path.dirname(dest));
  if (hadPrevious) rmSync(backup, { recursive: true, force: true });
}

/** Removes a folder as one step: renamed to `<dir>.tmp-<stamp>` (which recovery removes if we die), then deleted. */
function removeFolder(dir: string, stamp: string): boolean {
  if (statOrUndefined(dir) === undefined) return false;
  const trash = `${dir}.tmp-${stamp}`;
  renameSync(dir, trash);
  rmSync(trash, { recursive: true, force: true });
  return true;
}

/** Removes `<vendor>.failed` after a write to `<vendor>`; a failure is a note, not an error: the connector itself is in place. */
function removeStaleFailed(failed: string, stamp: string, notes: string[]): void {
  try {
    removeFolder(failed, stamp);
  } catch (e) {
    notes.push(`could not remove the stale ${failed} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); delete it by hand`);
  }
}

/** Where a write put this run's connector. */
export interface WrittenConnector {
  /** The folder that holds this run's connector: `target`, or `failed` when a passing one was kept. */
  dir: string;
  /** `DIR/<vendor>`. */
  target: string;
  /** True when `target` held a passing connector, this run's failed, and the failing one went to `failed`. */
  keptPrevious: boolean;
  /** `DIR/<vendor>.failed`, set only when `keptPrevious`. */
  failedDir?: string;
  /** One sentence per housekeeping step worth telling: a dead process's leftover cleaned, a stale `.failed` that could not be removed. */
  notes: string[];
}

/**
 * Writes the connector under `outDir`, synchronously (see the module comment for the rules): a
 * passing connector, or a failing one with no passing one to keep, replaces `DIR/<vendor>/` and
 * removes `DIR/<vendor>.failed/`; a failing one beside a passing one replaces `DIR/<vendor>.failed/`.
 * Throws `connector-dir-has-user-files` (exit 25) when a folder it would replace holds a user's
 * files and `force` is not set, and `output-unwritable` (exit 10) for any fs failure, after removing
 * its staging folder.
 */
export function writeConnectorDir(outDir: string, c: GeneratedConnector, options: { force?: boolean } = {}): WrittenConnector {
  const { target, failed } = connectorPaths(outDir, c.plan.vendor);
  const stamp = `${process.pid}-${Date.now()}`;
  const staging = `${target}.tmp-${stamp}`;
  try {
    assertFolderOrMissing(path.resolve(outDir), true);
    ensureDir(outDir);
    const notes = recoverLeftovers(outDir, c.plan.vendor);
    // Again at the write: files may have appeared in the folder while the proof ran.
    checkConnectorTarget(outDir, c.plan.vendor, options);
    stageConnector(staging, c);
    const keptPrevious = c.scorecard.verdict !== 'pass' && isPassingConnector(target);
    swapInto(staging, keptPrevious ? failed : target, stamp);
    if (!keptPrevious) removeStaleFailed(failed, stamp, notes);
    return { dir: keptPrevious ? failed : target, target, keptPrevious, ...(keptPrevious ? { failedDir: failed } : {}), notes };
  } catch (e) {
    try {
      rmSync(staging, { recursive: true, force: true });
    } catch {
      // the next write of this vendor removes it (recoverLeftovers)
    }
    throw isFetchwrightError(e) ? e : outputError(target, e);
  }
}

/** A staging folder or backup of `<vendor>` or `<vendor>.failed`, parsed from its name. */
interface Leftover {
  path: string;
  /** The folder it is staging or backing up. */
  dest: string;
  kind: 'tmp' | 'old';
  pid: number;
  /** When it was made (ms since the epoch). */
  time: number;
}

/** The leftovers of `vendor` in `outDir`, of every process (see `Leftover`). */
export function listLeftovers(outDir: string, vendor: string): Leftover[] {
  const escaped = vendor.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^(${escaped}(?:\\.failed)?)\\.(tmp|old)-(\\d+)-(\\d+)$`);
  const found: Leftover[] = [];
  for (const name of readdirSync(outDir)) {
    const m = pattern.exec(name);
    if (m) found.push({ path: path.resolve(outDir, name), dest: path.resolve(outDir, m[1]!), kind: m[2] as Leftover['kind'], pid: Number(m[3]), time: Number(m[4]) });
  }
  return found;
}

/** Clock ticks per second of /proc/<pid>/stat's start time (USER_HZ: 100 on every Linux port Node runs on). */
const USER_HZ = 100;
/** /proc/stat's boot time has whole seconds: a process is taken to predate a leftover within this margin. */
const START_SLACK_MS = 2_000;

/** When process `pid` started (ms since the epoch), from /proc on Linux; undefined where that cannot be read. */
function processStartMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && Number.isFinite(boot) ? boot * 1000 + (ticks * 1000) / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the process that made a leftover may still be running: its pid is alive and (where /proc
 * tells) started before the leftover was made — a pid reused after a reboot or a crash is not its
 * owner. When in doubt, alive: a live process's folders are never touched.
 */
export function ownerMayBeAlive(pid: number, madeAt: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  const started = processStartMs(pid);
  return started === undefined || started <= madeAt + START_SLACK_MS;
}

/**
 * Cleans the leftovers of `vendor` whose process is gone: staging folders are removed; a backup is
 * restored when the folder it backs up is missing (the newest one, when there are several), else
 * removed. Returns one sentence per action. Throws fs errors.
 */
export function recoverLeftovers(outDir: string, vendor: string): string[] {
  const stale = listLeftovers(outDir, vendor).filter((l) => !ownerMayBeAlive(l.pid, l.time));
  const notes: string[] = [];
  for (const l of stale.filter((x) => x.kind === 'tmp')) {
    rmSync(l.path, { recursive: true, force: true });
    notes.push(`removed ${l.path}, a staging folder left by process ${l.pid}, which is no longer running`);
  }
  for (const l of stale.filter((x) => x.kind === 'old').sort((a, b) => b.time - a.time)) {
    if (statOrUndefined(l.dest) === undefined) {
      renameSync(l.path, l.dest);
      notes.push(`restored ${l.dest} from ${l.path}, a backup left by process ${l.pid}, which is no longer running`);
    } else {
      rmSync(l.path, { recursive: true, force: true });
      notes.push(`removed ${l.path}, a backup left by process ${l.pid}, which is no longer running (${path.basename(l.dest)} is in place)`);
    }
  }
  return notes;
}

/** The files `readConnectorDir` needs, in the order a missing-files error names them. */
export const REQUIRED_CONNECTOR_FILES = ['plan.json', 'api-model.json', 'scorecard.json', 'fetcher.ts'] as const;

/** "a", "a and b", "a, b and c". */
function listInWords(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * Checks, before reading anything, that `dir` is a folder holding every required file.
 * Throws `input-not-found` (exit 3) when `dir` does not exist, `invalid-connector` (exit 12) when it
 * is not a folder, or when files are missing: all of them named in one message, in the order of
 * `REQUIRED_CONNECTOR_FILES`, so the same folder always gets the same error.
 */
function assertConnectorFolder(dir: string, abs: string): void {
  let stat: Stats | undefined;
  try {
    stat = statOrUndefined(abs, true);
  } catch (e) {
    throw new FetchwrightError('invalid-connector', `cannot read ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: abs });
  }
  if (!stat) throw new FetchwrightError('input-not-found', `no such folder: ${dir}`, { file: abs, hint: 'Point at a connector folder written by `fetchwright generate` (e.g. connectors/<vendor>).' });
  if (!stat.isDirectory()) throw new FetchwrightError('invalid-connector', `${dir} is a file, not a connector folder`, { file: abs, hint: 'Point at the folder `fetchwright generate` wrote (e.g. connectors/<vendor>), not at a file in it.' });
  // A connector folder holds regular files only: a link could pull any file of the machine (a private
  // key behind a linked VALIDATION.md) into a proof, a run or a commit.
  const links = [...CONNECTOR_FILES, ...PR_FILES].filter((f) => statOrUndefined(path.join(abs, f))?.isSymbolicLink());
  if (links.length) {
    throw new FetchwrightError('invalid-connector', `${listInWords(links)} in ${dir} ${links.length === 1 ? 'is a symbolic link' : 'are symbolic links'}: a connector folder holds regular files only`, { file: path.join(abs, links[0]!), hint: 'fetchwright never follows a link out of a connector folder: regenerate it, or replace the link with the file.' });
  }
  const missing = REQUIRED_CONNECTOR_FILES.filter((f) => !statOrUndefined(path.join(abs, f), true)?.isFile());
  if (missing.length === 0) return;
  const verb = missing.length === 1 ? 'is' : 'are';
  throw new FetchwrightError('invalid-connector', `${listInWords(missing)} ${verb} missing from ${dir}`, { file: abs, hint: 'Point at a directory written by `fetchwright generate`.' });
}

/** Reads and schema-checks one JSON file of a connector. Throws `invalid-connector` (exit 12) naming the file. */
/** What to do about a connector file that is not as fetchwright wrote it. */
const DAMAGED_HINT = 'It was edited by hand or damaged. Regenerate the connector (fetchwright generate), or restore the file from the connectors repository.';

async function readJson<S extends z.ZodType>(dir: string, file: string, schema: S): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(path.join(dir, file), 'utf8');
  } catch (e) {
    throw new FetchwrightError('invalid-connector', `cannot read ${file} in ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path.join(dir, file), hint: 'Point at a directory written by `fetchwright generate`.' });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FetchwrightError('invalid-connector', `${file} is not valid JSON: ${(e as Error).message}`, { file: path.join(dir, file), hint: DAMAGED_HINT });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FetchwrightError('invalid-connector', `${file} is not as fetchwright wrote it: ${describeIssue(issue, valueAt(data, issue.path))}`, { file: path.join(dir, file), hint: DAMAGED_HINT });
  }
  return parsed.data;
}

export interface ConnectorOnDisk {
  dir: string;
  plan: ConnectorPlan;
  model: ApiModel;
  fetcher: string;
  scorecard: Scorecard;
}

/**
 * Reads a connector folder written by `writeConnectorDir`: plan.json, api-model.json and
 * scorecard.json (schema-checked) and fetcher.ts. Errors are deterministic: the folder is checked
 * first (`input-not-found`, exit 3, when it does not exist; `invalid-connector`, exit 12, when it is
 * a file or lacks files, all missing ones named in a fixed order), then the files are read one by one
 * in that order, the first bad one reported (`invalid-connector`).
 */
export async function readConnectorDir(dir: string): Promise<ConnectorOnDisk> {
  const abs = path.resolve(dir);
  assertConnectorFolder(dir, abs);
  const plan = await readJson(abs, 'plan.json', ConnectorPlan);
  const model = await readJson(abs, 'api-model.json', ApiModel);
  const scorecard = await readJson(abs, 'scorecard.json', Scorecard);
  let fetcher: string;
  try {
    fetcher = await readFile(path.join(abs, 'fetcher.ts'), 'utf8');
  } catch (e) {
    throw new FetchwrightError('invalid-connector', `cannot read fetcher.ts in ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path.join(abs, 'fetcher.ts') });
  }
  return { dir: abs, plan, model, fetcher, scorecard };
}
