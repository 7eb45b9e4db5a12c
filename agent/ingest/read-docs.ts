import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { FetchwrightError } from '../errors.ts';
import { sha256 } from '../hash.ts';

/** One document found under the docs the user named, parsed but not yet interpreted. */
export interface RawDocument {
  /** Absolute path. */
  absPath: string;
  /** Path relative to the docs root, as shown to the user. */
  file: string;
  kind: 'spec' | 'markdown' | 'html' | 'rst';
  text: string;
  sha256: string;
  /** Parsed JSON/YAML for specs. */
  data?: unknown;
}

/** A file (or folder) under the docs that was not read, and why, in words for the user. */
export interface SkippedFile {
  /** Path relative to the docs root; a folder ends with `/`. */
  file: string;
  why: string;
}

export interface DocsInput {
  /** Directory that bounds every file read, including `$ref` targets. */
  root: string;
  documents: RawDocument[];
  /** What the folder holds that was not read: hidden entries, other file types, stray YAML/JSON. */
  skipped: SkippedFile[];
}

const SPEC_EXT = /\.(json|ya?ml)$/i;
const MARKDOWN_EXT = /\.(md|markdown)$/i;
const HTML_EXT = /\.html?$/i;
/** reStructuredText: `.rst`, and `.rst.txt` (the sources a Sphinx site ships under `_sources/`). */
const RST_EXT = /\.rst(\.txt)?$/i;
/** Larger documents than this (64 MiB) are refused rather than parsed. */
export const MAX_DOC_BYTES = 64 * 1024 * 1024;
/**
 * Most bytes of documentation files (JSON, YAML, Markdown, HTML) a folder may hold together: 128 MiB,
 * counted before any is read. The largest real descriptions are a few MB; a folder past this is a
 * mirror of many vendors' docs, data, or a bomb, and its parsed form would take gigabytes of memory.
 */
export const MAX_DOCS_BYTES = 128 * 1024 * 1024;
const MAX_DIR_FILES = 5_000;


/** Parses JSON or YAML text, turning syntax errors into a message with line and column. */
export function parseStructured(text: string, file: string): unknown {
  const trimmed = text.trimStart();
  const looksJson = /\.json$/i.test(file) || trimmed.startsWith('{') || trimmed.startsWith('[');
  if (looksJson) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      if (isStackOverflow(e)) throw tooDeep(file);
      const message = (e as Error).message;
      const at = positionOf(message, text);
      throw new FetchwrightError('unreadable-docs', `${file} is not valid JSON: ${message.replace(/\s*\(line.*$/, '')}`, {
        file,
        ...(at ? { at } : {}),
        hint: 'Fix the syntax error, or point fetchwright at the vendor\'s published description file.',
      });
    }
    checkNesting(data, file);
    return data;
  }
  let data: unknown;
  try {
    data = loadYaml(text, { filename: file, maxAliases: 10_000, maxDepth: MAX_NESTING });
  } catch (e) {
    const err = e as { reason?: string; message?: string; mark?: { line: number; column: number } };
    const at = err.mark ? `line ${err.mark.line + 1}, column ${err.mark.column + 1}` : undefined;
    if (isStackOverflow(e) || /nesting exceeded maxDepth/.test(err.reason ?? err.message ?? '')) throw tooDeep(file, at);
    throw new FetchwrightError('unreadable-docs', `${file} is not valid YAML: ${err.reason ?? err.message ?? String(e)}`, {
      file,
      ...(at ? { at } : {}),
      hint: 'Fix the syntax error, or point fetchwright at the vendor\'s published description file.',
    });
  }
  // Before anything walks the data recursively: an alias may point back at its own ancestor, or nest
  // one deep collection inside another.
  checkNesting(data, file);
  // YAML aliases share one object, so a "billion laughs" document is small in memory but enormous to
  // anything that walks it. Refuse documents whose expanded size is absurd.
  if (expandedSize(data, MAX_EXPANDED_NODES) > MAX_EXPANDED_NODES) {
    throw new FetchwrightError('unreadable-docs', `${file} expands, through YAML aliases, to more than ${MAX_EXPANDED_NODES.toLocaleString('en')} values`, {
      file,
      hint: 'This looks like an alias bomb. Use the vendor\'s published description, which needs no such aliases.',
    });
  }
  return data;
}

const MAX_EXPANDED_NODES = 20_000_000;

/**
 * Deepest nesting of objects and arrays a document may have. Real descriptions stay well under 100
 * levels; every reader after parsing (the `$ref` resolver, the schema reader, hashing) walks the data
 * recursively, and a 100,000-deep array would overflow the stack in whichever came first.
 */
export const MAX_NESTING = 1_000;

/** True for the RangeError V8 throws when the call stack is exhausted. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/**
 * The error for a document nested deeper than fetchwright reads (`unreadable-docs`, exit 4), naming the
 * file and, when known, where the nesting goes on (a JSON pointer, or a YAML line and column).
 */
export function tooDeep(file: string, at?: string): FetchwrightError {
  return new FetchwrightError(
    'unreadable-docs',
    `${file} is nested too deep to read: more than ${MAX_NESTING.toLocaleString('en')} levels of objects and arrays${at?.startsWith('/') ? ` under ${at}` : ''}`,
    {
      file,
      ...(at ? { at } : {}),
      hint: 'No API description needs this much nesting; it looks built to exhaust the reader. Use the vendor\'s published description, or remove the deep value.',
    },
  );
}

/**
 * Refuses data nested more than {@link MAX_NESTING} levels deep, or (YAML aliases) containing itself,
 * with `unreadable-docs`. Walks without recursion, each shared object once, so the check cannot
 * overflow the stack it protects.
 */
export function checkNesting(root: unknown, file: string): void {
  const found = nestingProblem(root, MAX_NESTING);
  if (!found) return;
  const shown = found.path.slice(0, 4);
  const pointer = shown.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('') + (found.path.length > shown.length ? '/…' : '');
  if (found.kind === 'too-deep') throw tooDeep(file, pointer.replace(/\/…$/, '') || '/');
  throw new FetchwrightError('unreadable-docs', `${file} contains itself through a YAML alias (at ${pointer || '/'}), so it has no end to read`, {
    file,
    at: pointer || '/',
    hint: 'A YAML alias may only repeat a value defined before it, not the collection it sits in. Use the vendor\'s published description.',
  });
}

/**
 * The first place `root` nests deeper than `cap` levels (or reaches itself again), with the keys of the
 * path to it; undefined when it is fine. Heights are memoised per object, so a DAG of aliases is walked
 * once per node.
 */
export function nestingProblem(root: unknown, cap: number): { kind: 'too-deep' | 'cycle'; path: string[] } | undefined {
  if (!root || typeof root !== 'object') return undefined;
  const IN_PROGRESS = -1;
  const height = new Map<object, number>();
  type Frame = { node: object; keys: string[]; i: number; max: number };
  const frame = (node: object): Frame => {
    height.set(node, IN_PROGRESS);
    return { node, keys: Object.keys(node), i: 0, max: 0 };
  };
  const stack: Frame[] = [frame(root)];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.i < top.keys.length) {
      const key = top.keys[top.i++]!;
      const child = (top.node as Record<string, unknown>)[key];
      if (!child || typeof child !== 'object') continue;
      const known = height.get(child);
      if (known === IN_PROGRESS) return { kind: 'cycle', path: stack.map((f) => f.keys[f.i - 1]!) };
      if (known !== undefined) {
        if (stack.length + known > cap) return { kind: 'too-deep', path: stack.map((f) => f.keys[f.i - 1]!) };
        top.max = Math.max(top.max, known);
        continue;
      }
      if (stack.length >= cap) return { kind: 'too-deep', path: stack.map((f) => f.keys[f.i - 1]!) };
      stack.push(frame(child));
      continue;
    }
    stack.pop();
    const h = top.max + 1;
    height.set(top.node, h);
    const parent = stack[stack.length - 1];
    if (parent) parent.max = Math.max(parent.max, h);
  }
  return undefined;
}

/** Number of values the document would have with every alias expanded (stops counting past `cap`). */
export function expandedSize(root: unknown, cap: number): number {
  const memo = new Map<object, number>();
  const size = (node: unknown): number => {
    if (!node || typeof node !== 'object') return 1;
    const known = memo.get(node);
    if (known !== undefined) return known;
    memo.set(node, cap + 1); // a cycle counts as infinite
    let total = 1;
    for (const child of Object.values(node)) {
      total += size(child);
      if (total > cap) break;
    }
    memo.set(node, total);
    return total;
  };
  return size(root);
}

function positionOf(message: string, text: string): string | undefined {
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return `line ${lineCol[1]}, column ${lineCol[2]}`;
  const pos = /position (\d+)/.exec(message);
  if (!pos) return undefined;
  const offset = Number(pos[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/**
 * A scalar from the docs as text: a string as written, a finite number or a boolean as JavaScript
 * writes it; undefined for anything else. Docs are data: an object is never converted (its own
 * `toString` or `valueOf` member, a string in JSON, would make `String(value)` throw).
 */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') return String(v);
  return undefined;
}

/** The scalars of a list from the docs, as text (see {@link scalarText}); other members are left out. */
export function scalarTexts(list: unknown[]): string[] {
  return list.map(scalarText).filter((t): t is string => t !== undefined);
}

/** True when parsed data is an OpenAPI 3.x or Swagger 2.0 document. */
export function specVersionOf(data: unknown): 'openapi-3.0' | 'openapi-3.1' | 'swagger-2.0' | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.openapi === 'string' && /^3\.0(\.|$)/.test(d.openapi)) return 'openapi-3.0';
  if (typeof d.openapi === 'string' && /^3\.[1-9]/.test(d.openapi)) return 'openapi-3.1';
  if (scalarText(d.swagger) === '2.0') return 'swagger-2.0';
  return undefined;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1048576).toFixed(bytes < 10 * 1048576 ? 1 : 0)} MB`;
}

function tooLarge(file: string, size: string): FetchwrightError {
  return new FetchwrightError('unreadable-docs', `${file} is ${size}, over the ${MAX_DOC_BYTES / 1048576} MB limit for one document`, {
    file,
    hint: 'Split the description, or pass the part that describes identities.',
  });
}

/**
 * The bytes of the regular file `absPath`, read through one handle up to `max` bytes: a file that grows
 * past `max` while it is read (or lied about its size) is refused with `unreadable-docs`, never read whole.
 */
async function readBounded(absPath: string, file: string, max: number): Promise<Buffer> {
  const handle = await open(absPath, 'r');
  try {
    const size = (await handle.stat()).size;
    if (size > max) throw tooLarge(file, megabytes(size));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (!bytesRead) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > max) throw tooLarge(file, `more than ${MAX_DOC_BYTES / 1048576} MB`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

async function readDocument(absPath: string, root: string): Promise<RawDocument> {
  const file = path.relative(root, absPath) || path.basename(absPath);
  const buf = await readBounded(absPath, file, MAX_DOC_BYTES);
  const text = buf.toString('utf8');
  const kind = MARKDOWN_EXT.test(absPath) ? 'markdown' : HTML_EXT.test(absPath) ? 'html' : RST_EXT.test(absPath) ? 'rst' : 'spec';
  return { absPath, file, kind, text, sha256: sha256(buf) };
}

/**
 * Refuses, before any is read, a folder whose documentation files together pass {@link MAX_DOCS_BYTES},
 * or one of whose files passes {@link MAX_DOC_BYTES} (`unreadable-docs`, exit 4, naming the largest).
 */
async function checkFolderSize(input: string, dir: string, files: string[]): Promise<void> {
  let total = 0;
  let largest = { file: '', size: -1 };
  for (const f of files) {
    const { size } = await stat(f);
    total += size;
    if (size > largest.size) largest = { file: path.relative(dir, f), size };
  }
  if (largest.size > MAX_DOC_BYTES) throw tooLarge(largest.file, megabytes(largest.size));
  if (total <= MAX_DOCS_BYTES) return;
  throw new FetchwrightError(
    'unreadable-docs',
    `${input} holds ${megabytes(total)} of documentation files (${files.length} JSON, YAML, Markdown or HTML files; the largest, ${largest.file}, is ${megabytes(largest.size)}), over the ${MAX_DOCS_BYTES / 1048576} MB limit for one folder`,
    {
      file: input,
      hint: `Point fetchwright at the vendor's description file itself (for example: fetchwright plan ${path.join(input, largest.file)}), or at a folder that holds only that vendor's docs; one file may be up to ${MAX_DOC_BYTES / 1048576} MB.`,
    },
  );
}

/** Skipped entries kept for the report; past this many, one line counts the rest. */
const MAX_SKIPPED_LISTED = 1_000;

/**
 * Every documentation file under `dir` (JSON, YAML, Markdown, HTML), sorted, and what else the
 * folder holds with why it is not read: hidden entries and `node_modules` (not searched), symbolic
 * links (not followed), other file types. Throws `unreadable-docs` past {@link MAX_DIR_FILES} files.
 */
async function listFiles(dir: string): Promise<{ files: string[]; skipped: SkippedFile[] }> {
  const files: string[] = [];
  const skipped: SkippedFile[] = [];
  let unlisted = 0;
  const skip = (abs: string, folder: boolean, why: string): void => {
    if (skipped.length < MAX_SKIPPED_LISTED) skipped.push({ file: `${path.relative(dir, abs)}${folder ? '/' : ''}`, why });
    else unlisted++;
  };
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const abs = path.join(d, entry.name);
      const folder = entry.isDirectory();
      if (entry.name.startsWith('.')) {
        skip(abs, folder, folder ? 'hidden folder, not searched' : 'hidden file');
        continue;
      }
      if (entry.name === 'node_modules' && folder) {
        skip(abs, true, 'node_modules folder, not searched');
        continue;
      }
      if (folder) await walk(abs);
      else if (entry.isSymbolicLink()) skip(abs, false, 'symbolic link, not followed');
      else if (!entry.isFile()) skip(abs, false, 'not a regular file');
      else if (SPEC_EXT.test(entry.name) || MARKDOWN_EXT.test(entry.name) || HTML_EXT.test(entry.name) || RST_EXT.test(entry.name)) {
        files.push(abs);
        if (files.length > MAX_DIR_FILES) {
          throw new FetchwrightError('unreadable-docs', `${dir} holds more than ${MAX_DIR_FILES} documentation files`, {
            file: dir,
            hint: 'Point fetchwright at the folder of one vendor\'s docs.',
          });
        }
      } else skip(abs, false, 'not JSON, YAML or Markdown');
    }
  };
  await walk(dir);
  if (unlisted) skipped.push({ file: '…', why: `${unlisted.toLocaleString('en')} more ${unlisted === 1 ? 'entry' : 'entries'} skipped, not listed` });
  return { files, skipped };
}

/**
 * Finds and parses the documents under `input`: one file, or a folder of specs (split specs with
 * cross-file `$ref`s) and Markdown/HTML pages. Specs that describe no paths (shared component
 * files) are kept for `$ref` resolution but are not roots. In a folder, `skipped` says what else is
 * there and why it is not read (hidden, another file type, YAML/JSON that is not a spec).
 *
 * Throws `input-not-found` (exit 3) when `input` does not exist or is a folder with no JSON, YAML or
 * Markdown file in it, or is a device, pipe or socket; `unreadable-docs` (exit 4) for a file over
 * {@link MAX_DOC_BYTES}, a folder whose documentation files pass {@link MAX_DOCS_BYTES} together, a broken
 * file that declares itself a spec, or too many files.
 */
export async function readDocs(input: string): Promise<DocsInput> {
  const absInput = path.resolve(input);
  let info;
  try {
    info = await stat(absInput);
  } catch {
    throw new FetchwrightError('input-not-found', `no such file or folder: ${input}`, {
      file: input,
      hint: 'Give the path of an OpenAPI/Swagger file (JSON or YAML) or of a folder of a vendor\'s docs.',
    });
  }
  if (info.isDirectory()) {
    const { files, skipped } = await listFiles(absInput);
    if (!files.length) {
      const other = skipped.length ? ` (it holds ${skipped.length === 1 ? 'one other entry' : `${skipped.length} other entries`}: ${skipped.slice(0, 3).map((s) => `${s.file}, ${s.why}`).join('; ')}${skipped.length > 3 ? '; …' : ''})` : ' (it is empty)';
      throw new FetchwrightError('input-not-found', `nothing to read in ${input}: the folder holds no JSON, YAML or Markdown files${other}`, {
        file: input,
        hint: 'Give the path of the vendor\'s OpenAPI/Swagger file (JSON or YAML), or of the folder that holds it.',
      });
    }
    await checkFolderSize(input, absInput, files);
    const documents: RawDocument[] = [];
    for (const f of files) {
      const doc = await readDocument(f, absInput);
      if (doc.kind === 'spec') {
        try {
          doc.data = parseStructured(doc.text, doc.file);
        } catch (e) {
          // A broken file that is a spec by its own word is an error; stray YAML (CI config) is skipped.
          if (/^\s*["']?(openapi|swagger)["']?\s*:/m.test(doc.text)) throw e;
          skipped.push({ file: doc.file, why: `not valid ${/\.json$/i.test(doc.file) ? 'JSON' : 'YAML'}, and it does not say it is an OpenAPI or Swagger description` });
          continue;
        }
        if (!specVersionOf(doc.data) && !isComponentLibrary(doc.data)) {
          skipped.push({ file: doc.file, why: `${/\.json$/i.test(doc.file) ? 'JSON' : 'YAML'} that is neither an OpenAPI/Swagger description nor a file of components` });
          continue;
        }
      }
      documents.push(doc);
    }
    skipped.sort((a, b) => Number(a.file === '…') - Number(b.file === '…') || a.file.localeCompare(b.file));
    return { root: absInput, documents, skipped };
  }
  if (!info.isFile()) {
    throw new FetchwrightError('input-not-found', `${input} is neither a file nor a folder (a device, pipe or socket): there is nothing to read as docs`, {
      file: input,
      hint: 'Give the path of an OpenAPI/Swagger file (JSON or YAML) or of a folder of a vendor\'s docs.',
    });
  }
  const root = path.dirname(absInput);
  const doc = await readDocument(absInput, root);
  if (doc.kind === 'spec') doc.data = parseStructured(doc.text, doc.file);
  return { root, documents: [doc], skipped: [] };
}

/** A YAML/JSON file that only holds reusable components (e.g. a split spec's `common.yaml`). */
export function isComponentLibrary(data: unknown): boolean {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  const d = data as Record<string, unknown>;
  return typeof d.components === 'object' || typeof d.definitions === 'object';
}
