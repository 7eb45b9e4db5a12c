import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { hashJson, sha256 } from '../hash.ts';
import { packageVersion } from '../package-info.ts';
import { POLICY_SET_VERSION } from '../pr/change-record.ts';
import { loadTemplates } from '../../templates/registry.ts';
import type { CatalogueEntry } from './catalogue.ts';
import type { PlannerKind } from '../plan/choose-planner.ts';
import { PROMPT_SHA256 } from '../plan/llm/prompt.ts';

/**
 * The idempotency key of one catalogue vendor: everything that decides what `generate` would make
 * for it, hashed without reading the docs as an API (a second `expand` over an unchanged catalogue
 * must take milliseconds a vendor, not an ingest). Two runs with the same key make the same
 * connector, so the second is skipped; any change — one byte of the docs or the shapes file, an
 * approved template, the request policy, the planner (fetchwright's version), the streams to skip,
 * the tenant values, the seed — gives another key.
 *
 * The docs are hashed as bytes: a file, or every regular file under a folder (names relative to it,
 * sorted; links are not followed, which is what ingest does with a link outside the folder). This is
 * wider than what ingest reads (a README beside the spec counts too): a change there costs a
 * re-plan, which then finds nothing changed (`kept`), never a missed change.
 *
 * Docs that are a web reference's URL (issue 14) have no bytes to read without crawling them, which
 * needs the browser: the key computed here holds {@link PAGES_NOT_READ} for them, which no finished
 * run's key holds, so such a vendor is never skipped before its job; the job crawls the pages once
 * (its ingest) and completes the key with their bytes ({@link withCrawledPages}), and only then
 * decides whether the vendor is the same as its last success (`skipped`).
 */

/** Whether the docs are a web reference's `http(s)://` URL (as the CLI's docsPathOrUrl and ingest read it), not a path. */
export function isDocsUrl(docs: string): boolean {
  return /^https?:\/\//i.test(docs);
}

/** `docs_bytes_sha256` of a web reference's key before its pages are crawled: never a finished run's (those hold the pages' hash). */
export const PAGES_NOT_READ = 'web-pages:not-read-yet';

/** The parts of the key, kept in the state so a person can see what changed. */
export interface VendorInputs {
  /**
   * sha256 over the docs' bytes (not the ApiModel's docs_sha256, which needs an ingest); for a docs
   * URL, over the crawled pages' URLs and bytes ({@link pagesBytesSha256}), or {@link PAGES_NOT_READ} before the crawl.
   */
  docs_bytes_sha256: string;
  observed_sha256: string | null;
  /** sha256 over the approved templates' ids, versions and source hashes. */
  templates_sha256: string;
  policy: string;
  planner: string;
  /** sha256 of the entry's options that change the connector: skip_streams, tenant, seed, attempts. */
  options_sha256: string;
}

/** At most this many files under a docs folder are hashed (ingest refuses bigger folders anyway). */
const MAX_FILES = 10_000;

let templatesHash: string | undefined;

/** sha256 over the registry: id, version and content hash of every approved template, in render order. */
export function templatesSha256(): string {
  templatesHash ??= hashJson(loadTemplates().map((t) => ({ id: t.id, version: t.version, sha256: t.sha256 })));
  return templatesHash;
}

/** A file larger than this is not hashed (ingest refuses files a quarter of its size). */
const MAX_HASHED_BYTES = 256 * 1024 * 1024;

/**
 * sha256 of a file's bytes, read in 1 MiB chunks (memory stays flat whatever its size). Only a
 * regular file (a link to one is followed) of at most 256 MiB is read: a pipe, a device or a folder
 * would block or never end. Throws the fs error, or an Error naming what the path is instead.
 */
export function fileSha256(file: string): string {
  const st = statSync(file);
  if (!st.isFile()) throw new Error(`${file} is not a regular file`);
  if (st.size > MAX_HASHED_BYTES) throw new Error(`${file} is larger than ${MAX_HASHED_BYTES / 1048576} MiB`);
  const h = createHash('sha256');
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/**
 * sha256 over a docs path's bytes: for a file its content; for a folder (the path itself may be a
 * link to one) every regular file below it (dot-folders and `node_modules` skipped, links inside not
 * followed), as `relative-name NUL sha256 LF` lines in name order. What ingest read beyond that — a
 * `$ref`'d file beside a single spec, in a dot-folder or behind a link — is checked separately, file
 * by file (the state's `docs_files`). Throws the fs error of a path that cannot be read (the caller
 * reports it as that vendor's failure).
 */
export function docsBytesSha256(docsPath: string): string {
  const st = statSync(docsPath);
  if (!st.isDirectory()) return fileSha256(docsPath);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) {
        if (files.length >= MAX_FILES) throw new Error(`more than ${MAX_FILES} files under ${docsPath}`);
        files.push(full);
      }
    }
  };
  walk(docsPath);
  const h = createHash('sha256');
  for (const f of files) h.update(`${path.relative(docsPath, f)}\0${fileSha256(f)}\n`);
  return h.digest('hex');
}

/**
 * Whether every file ingest read for the last run still has the bytes it had (a file gone or
 * unreadable has not), and every `$ref`'d file that was missing then (sha256 '') is still missing.
 */
export function filesUnchanged(files: readonly { file: string; sha256: string }[]): boolean {
  for (const f of files) {
    // A crawled page (by URL) is never stat'ed as a path: its bytes are in the key, checked by the job's crawl.
    if (isDocsUrl(f.file)) continue;
    if (f.sha256 === '') {
      if (existsSync(f.file)) return false;
      continue;
    }
    try {
      if (fileSha256(f.file) !== f.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The options of a run that change every connector it makes. */
export interface RunOptions {
  seed: number;
  maxAttempts: number;
  /** `--planner` and `--model`: a model planner's name and prompt are inputs too. */
  planner?: PlannerKind;
  model?: string;
  /** The model endpoint's base URL (OPENAI_BASE_URL; OpenAI's when unset): the same model name elsewhere is another model. */
  endpoint?: string;
}

/**
 * The inputs of one entry and their key (sha256 of the canonical JSON of the parts). Throws the fs
 * error when the docs or the shapes file cannot be read.
 */
export function vendorInputs(entry: CatalogueEntry, run: RunOptions): { key: string; inputs: VendorInputs } {
  const inputs: VendorInputs = {
    docs_bytes_sha256: isDocsUrl(entry.docsPath) ? PAGES_NOT_READ : docsBytesSha256(entry.docsPath),
    observed_sha256: entry.observedPath ? fileSha256(entry.observedPath) : null,
    templates_sha256: templatesSha256(),
    policy: POLICY_SET_VERSION,
    planner: plannerInput(run),
    options_sha256: hashJson({ vendor: entry.vendor, docs: isDocsUrl(entry.docsPath) ? entry.docsPath : path.resolve(entry.docsPath), skip_streams: [...entry.skip_streams].sort(), tenant: entry.tenant, seed: run.seed, max_attempts: run.maxAttempts }),
  };
  return { key: hashJson(inputs), inputs };
}

/**
 * sha256 over the pages a crawl read (ingestWithReport's `files` for a docs URL: each page's URL
 * and the sha256 of its rendered HTML), as `url NUL sha256 LF` lines in URL order — a folder's form
 * (docsBytesSha256). A page added, gone or changed by one byte gives another hash.
 */
export function pagesBytesSha256(pages: readonly { file: string; sha256: string }[]): string {
  const h = createHash('sha256');
  for (const p of [...pages].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) h.update(`${p.file}\0${p.sha256}\n`);
  return h.digest('hex');
}

/**
 * A web reference's inputs and key once its pages were crawled: `inputs` (from {@link vendorInputs},
 * with {@link PAGES_NOT_READ}) with the pages' hash as `docs_bytes_sha256`. Inputs of local docs are
 * returned as they are, with their key.
 */
export function withCrawledPages(inputs: VendorInputs, pages: readonly { file: string; sha256: string }[]): { key: string; inputs: VendorInputs } {
  const done = inputs.docs_bytes_sha256 === PAGES_NOT_READ ? { ...inputs, docs_bytes_sha256: pagesBytesSha256(pages) } : inputs;
  return { key: hashJson(done), inputs: done };
}

/** The planner as an input: fetchwright's version, and for a model planner the model and the prompt template's hash. */
function plannerInput(run: RunOptions): string {
  const kind = run.planner ?? 'heuristic';
  return kind === 'heuristic' ? `heuristic@${packageVersion()}` : `${kind}@${packageVersion()}:${endpointOf(run.endpoint)}:${run.model ?? ''}:${PROMPT_SHA256.slice(0, 16)}`;
}

/** The endpoint as its host and a sha256 of its whole URL: the state file keeps no password, key or token a URL may hold. */
function endpointOf(url: string | undefined): string {
  if (!url) return 'api.openai.com';
  let host = '?';
  try {
    host = new URL(url).host;
  } catch {
    // An unparsable URL is refused before any work (checkPlannerConfig); its hash still tells it apart.
  }
  return `${host}#${sha256(url).slice(0, 16)}`;
}
