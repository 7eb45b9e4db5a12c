import { readFile, readdir, stat } from 'node:fs/promises';
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
  kind: 'spec' | 'markdown' | 'html';
  text: string;
  sha256: string;
  /** Parsed JSON/YAML for specs. */
  data?: unknown;
}

export interface DocsInput {
  /** Directory that bounds every file read, including `$ref` targets. */
  root: string;
  documents: RawDocument[];
}

const SPEC_EXT = /\.(json|ya?ml)$/i;
const MARKDOWN_EXT = /\.(md|markdown)$/i;
const HTML_EXT = /\.html?$/i;
/** Larger documents than this are refused rather than parsed. */
export const MAX_DOC_BYTES = 64 * 1024 * 1024;
const MAX_DIR_FILES = 5_000;


/** Parses JSON or YAML text, turning syntax errors into a message with line and column. */
export function parseStructured(text: string, file: string): unknown {
  const trimmed = text.trimStart();
  const looksJson = /\.json$/i.test(file) || trimmed.startsWith('{') || trimmed.startsWith('[');
  if (looksJson) {
    try {
      return JSON.parse(text);
    } catch (e) {
      const message = (e as Error).message;
      const at = positionOf(message, text);
      throw new FetchwrightError('unreadable-docs', `${file} is not valid JSON: ${message.replace(/\s*\(line.*$/, '')}`, {
        file,
        ...(at ? { at } : {}),
        hint: 'Fix the syntax error, or point fetchwright at the vendor\'s published description file.',
      });
    }
  }
  let data: unknown;
  try {
    data = loadYaml(text, { filename: file, maxAliases: 10_000 });
  } catch (e) {
    const err = e as { reason?: string; message?: string; mark?: { line: number; column: number } };
    const at = err.mark ? `line ${err.mark.line + 1}, column ${err.mark.column + 1}` : undefined;
    throw new FetchwrightError('unreadable-docs', `${file} is not valid YAML: ${err.reason ?? err.message ?? String(e)}`, {
      file,
      ...(at ? { at } : {}),
      hint: 'Fix the syntax error, or point fetchwright at the vendor\'s published description file.',
    });
  }
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

/** True when parsed data is an OpenAPI 3.x or Swagger 2.0 document. */
export function specVersionOf(data: unknown): 'openapi-3.0' | 'openapi-3.1' | 'swagger-2.0' | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.openapi === 'string' && /^3\.0(\.|$)/.test(d.openapi)) return 'openapi-3.0';
  if (typeof d.openapi === 'string' && /^3\.[1-9]/.test(d.openapi)) return 'openapi-3.1';
  if (String(d.swagger) === '2.0') return 'swagger-2.0';
  return undefined;
}

async function readDocument(absPath: string, root: string): Promise<RawDocument> {
  const file = path.relative(root, absPath) || path.basename(absPath);
  const info = await stat(absPath);
  if (info.size > MAX_DOC_BYTES) {
    throw new FetchwrightError('unreadable-docs', `${file} is ${Math.round(info.size / 1048576)} MB, over the ${MAX_DOC_BYTES / 1048576} MB limit for one document`, {
      file,
      hint: 'Split the description, or pass the part that describes identities.',
    });
  }
  const buf = await readFile(absPath);
  const text = buf.toString('utf8');
  const kind = MARKDOWN_EXT.test(absPath) ? 'markdown' : HTML_EXT.test(absPath) ? 'html' : 'spec';
  return { absPath, file, kind, text, sha256: sha256(buf) };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const abs = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(abs);
      else if (entry.isFile() && (SPEC_EXT.test(entry.name) || MARKDOWN_EXT.test(entry.name) || HTML_EXT.test(entry.name))) {
        out.push(abs);
        if (out.length > MAX_DIR_FILES) {
          throw new FetchwrightError('unreadable-docs', `${dir} holds more than ${MAX_DIR_FILES} documentation files`, {
            file: dir,
            hint: 'Point fetchwright at the folder of one vendor\'s docs.',
          });
        }
      }
    }
  };
  await walk(dir);
  return out;
}

/**
 * Finds and parses the documents under `input`: one file, or a folder of specs (split specs with
 * cross-file `$ref`s) and Markdown/HTML pages. Specs that describe no paths (shared component
 * files) are kept for `$ref` resolution but are not roots.
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
    const files = await listFiles(absInput);
    const documents: RawDocument[] = [];
    for (const f of files) {
      const doc = await readDocument(f, absInput);
      if (doc.kind === 'spec') {
        try {
          doc.data = parseStructured(doc.text, doc.file);
        } catch (e) {
          // A broken file that is a spec by its own word is an error; stray YAML (CI config) is skipped.
          if (/^\s*["']?(openapi|swagger)["']?\s*:/m.test(doc.text)) throw e;
          continue;
        }
        if (!specVersionOf(doc.data) && !isComponentLibrary(doc.data)) continue;
      }
      documents.push(doc);
    }
    return { root: absInput, documents };
  }
  const root = path.dirname(absInput);
  const doc = await readDocument(absInput, root);
  if (doc.kind === 'spec') doc.data = parseStructured(doc.text, doc.file);
  return { root, documents: [doc] };
}

/** A YAML/JSON file that only holds reusable components (e.g. a split spec's `common.yaml`). */
function isComponentLibrary(data: unknown): boolean {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  const d = data as Record<string, unknown>;
  return typeof d.components === 'object' || typeof d.definitions === 'object';
}
