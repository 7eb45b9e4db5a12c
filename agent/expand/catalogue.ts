import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { CORE_SCHEMA, load as loadYaml, mergeTag } from 'js-yaml';
import { z } from 'zod';
import { docsPathOrUrl, vendorName } from '../cli/option-values.ts';
import { escapeControls } from '../cli/safe-io.ts';
import { FetchwrightError } from '../errors.ts';
import { editDistance } from '../edit-distance.ts';
import { expandedSize, isStackOverflow, nestingProblem } from '../ingest/read-docs.ts';
import type { CatalogueProblem } from './coverage-summary.ts';

/**
 * The catalogue `fetchwright expand --catalog FILE` works through: a YAML (or JSON) file of vendors,
 * each with the docs to generate its connector from and the team that owns it.
 *
 * ```yaml
 * vendors:
 *   - vendor: okta                    # the short name (the connector folder, the PR branch)
 *     docs: docs/okta.yaml            # a file or a folder, relative to this file's folder,
 *                                     # or a web reference's http(s):// URL (crawled by the job)
 *     owner: "@acme/identity"         # a team or a person (an email)
 *     priority: 10                    # optional whole number, default 0: higher runs first
 *     tenant: { subdomain: acme }     # optional tenant or server variables
 *     skip_streams: [api_tokens]      # optional streams to leave out
 *     observed: shapes/okta.json      # optional shapes from `fetchwright run --observe`
 * ```
 *
 * A top-level list of entries (without `vendors:`) is read the same way. Each entry is checked on
 * its own against {@link CatalogueEntrySchema}: an entry with any problem is reported as one
 * {@link CatalogueProblem} naming the file, the entry, the field and what to write, and the other
 * entries are still returned. The file is the operator's, but it is still read as untrusted text:
 * bounded in size, nesting and alias expansion (as agent/ingest/read-docs.ts reads docs).
 */

/** One valid catalogue entry, with its paths resolved against the catalogue's folder. */
export interface CatalogueEntry {
  /** 0-based index of the entry in the catalogue's list. */
  index: number;
  vendor: string;
  /** The docs path (or URL) as the catalogue writes it. */
  docs: string;
  /**
   * The docs path, absolute (resolved against the catalogue file's folder; it existed when read); or
   * the docs' `http(s)://` URL as written (checked as `plan <URL>` checks it: no user or password).
   */
  docsPath: string;
  owner: string;
  /** Higher runs first; 0 when not given. */
  priority: number;
  /** Tenant or server variables by name (`{ subdomain: 'acme' }`); empty when not given. */
  tenant: Record<string, string>;
  /** Stream names to leave out of the connector; empty when not given. */
  skip_streams: string[];
  /** The observed shapes path as the catalogue writes it. */
  observed?: string;
  /** The observed shapes path, absolute. */
  observedPath?: string;
}

export interface Catalogue {
  /** The catalogue file, as the caller named it. */
  file: string;
  /** The valid entries, highest priority first, then in catalogue order. */
  entries: CatalogueEntry[];
  /** One per invalid entry (and one per unknown top-level key, with `entry: null`), in catalogue order. */
  problems: CatalogueProblem[];
}

/** Largest catalogue file read (4 MiB): thousands of vendors take a few hundred KB. */
export const MAX_CATALOGUE_BYTES = 4 * 1024 * 1024;
/** Most entries one catalogue may list. */
export const MAX_CATALOGUE_ENTRIES = 10_000;
/** Most YAML aliases (`*name`) a catalogue may use. */
const MAX_ALIASES = 1_000;
/** Deepest nesting of a catalogue (an entry is three levels deep; a tenant map four). */
const MAX_DEPTH = 32;
/** Most values the catalogue may hold with every alias expanded. */
const MAX_EXPANDED = 1_000_000;
/** Longest `owner`, a tenant value, and a docs or observed path. */
const MAX_TEXT = 200;
const MAX_PATH = 4096;
/** Most tenant variables and skipped streams per entry. */
const MAX_TENANT_VARIABLES = 100;
const MAX_SKIPPED = 500;

/** C0 and C1 controls, DEL and the Unicode bidi controls: never in a name, an owner or a path. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** A tenant or server variable's name (OpenAPI server variables, path parameters). */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
/** A stream name as the plan writes it (agent/plan/select-streams.ts streamName: snake case). */
const STREAM_NAME = /^[a-z0-9][a-z0-9_]{0,99}$/;

/** What to write, per field: the end of every problem message about it. */
const HELP = {
  vendor: 'write the vendor\'s short name: 1–64 lower-case letters, digits and dashes, starting with a letter or digit (e.g. vendor: okta)',
  docs: 'write the path of the vendor\'s OpenAPI or Swagger file, or of a folder of its docs, relative to the catalogue\'s folder (e.g. docs: docs/okta.yaml), or the http(s) URL of its web reference (e.g. docs: https://docs.example.com/api/)',
  owner: `write the team or person who owns the connector on one line of at most ${MAX_TEXT} characters (e.g. owner: "@acme/identity" or owner: jane@example.com)`,
  priority: 'write a whole number; entries with a higher priority run first (e.g. priority: 10); the default is 0',
  tenant: `write a map of at most ${MAX_TENANT_VARIABLES} tenant or server variables, each name letters, digits, _ . or - (starting with a letter or _), each value one line (e.g. tenant: { subdomain: acme })`,
  skip_streams: `write a list of at most ${MAX_SKIPPED} stream names as the plan shows them: lower-case letters, digits and _ (e.g. skip_streams: [api_tokens])`,
  observed: 'write the path of a shapes file written by fetchwright run --observe, relative to the catalogue\'s folder (e.g. observed: shapes/okta.json)',
} as const;
type Field = keyof typeof HELP;
const FIELDS = Object.keys(HELP) as Field[];

/** Whether `value` is a vendor name as `--vendor` takes it (agent/cli/option-values.ts vendorName). */
export function isVendorName(value: string): boolean {
  try {
    vendorName(value);
    return true;
  } catch {
    return false;
  }
}

/** One line of text: no control characters, not blank, at most `max` characters. */
const oneLine = (max: number) =>
  z
    .string()
    .refine((s) => s.trim().length > 0, { message: 'is empty' })
    .refine((s) => !CONTROL.test(s), { message: 'holds a control character or a line break' })
    .refine((s) => s.length <= max, { message: `is longer than ${max} characters` });

/** A tenant variable's value: a string, or a number or boolean YAML wrote without quotes (kept as text). */
const TenantValue = z.union([z.string(), z.number().refine(Number.isFinite), z.boolean()]).transform(String).pipe(
  z
    .string()
    .refine((s) => !CONTROL.test(s), { message: 'holds a control character or a line break' })
    .refine((s) => s.length <= MAX_TEXT, { message: `is longer than ${MAX_TEXT} characters` }),
);

/**
 * The schema of one catalogue entry (zod 4, strict: an unknown field is a problem). Paths are only
 * checked for form here; {@link readCatalogue} checks that they exist.
 */
export const CatalogueEntrySchema = z.strictObject({
  vendor: z.string().refine(isVendorName, { message: 'is not a vendor name' }),
  docs: oneLine(MAX_PATH),
  owner: oneLine(MAX_TEXT),
  priority: z.number().int().min(-1_000_000).max(1_000_000).default(0),
  tenant: z
    .record(z.string(), TenantValue)
    .superRefine((map, ctx) => {
      if (Object.keys(map).length > MAX_TENANT_VARIABLES) ctx.addIssue({ code: 'custom', message: `has more than ${MAX_TENANT_VARIABLES} variables` });
    })
    .default({}),
  skip_streams: z
    .array(z.string().regex(STREAM_NAME, { message: 'is not a stream name' }))
    .max(MAX_SKIPPED, { message: `lists more than ${MAX_SKIPPED} streams` })
    .default([]),
  observed: oneLine(MAX_PATH).optional(),
});

/** Reads the catalogue file into bytes, refusing what is not a regular file or is over the size limit. */
function readCatalogueText(file: string): string {
  const fail = (message: string, hint: string): never => {
    throw new FetchwrightError('invalid-catalogue', message, { file, hint });
  };
  const shownFile = shown(file);
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO named as the catalogue must not hang the run waiting for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return fail(`the catalogue ${shownFile} does not exist`, 'Give the path of the catalogue YAML file (vendors: [ { vendor, docs, owner }, … ]).');
    if (code === 'ELOOP') return fail(`the catalogue ${shownFile} is a symbolic link loop`, 'Point --catalog at the catalogue file itself.');
    return fail(`the catalogue ${shownFile} cannot be read: ${code ?? (e as Error).message}`, 'Check the file\'s permissions, or give another path.');
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) fail(`the catalogue ${shownFile} is a folder, not a file`, 'Give the path of the catalogue YAML file inside it, e.g. vendors.yaml.');
    if (!st.isFile()) fail(`the catalogue ${shownFile} is not a regular file`, 'Give the path of the catalogue YAML file.');
    if (st.size > MAX_CATALOGUE_BYTES) fail(`the catalogue ${shownFile} is ${megabytes(st.size)}, over the ${MAX_CATALOGUE_BYTES / 1048576} MB limit`, 'A catalogue lists vendors and paths to their docs, not the docs themselves: split it, or point docs: at files.');
    // Read through the one handle, bounded: a file that grows while it is read is refused, never read whole.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, MAX_CATALOGUE_BYTES + 1 - total));
      let bytesRead: number;
      try {
        bytesRead = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        return fail(`the catalogue ${shownFile} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'Check the file, or give another path.');
      }
      if (!bytesRead) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > MAX_CATALOGUE_BYTES) fail(`the catalogue ${shownFile} is over the ${MAX_CATALOGUE_BYTES / 1048576} MB limit`, 'Split the catalogue.');
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Parses the catalogue's text: YAML (JSON is YAML), merge keys allowed, bounded in aliases and depth. */
function parseCatalogue(text: string, file: string): unknown {
  const shownFile = shown(file);
  const hint = 'Fix the YAML at that place; the catalogue is a list of entries under vendors: (see examples/expand/vendors.yaml).';
  if (!text.replace(/^\uFEFF/, '').trim()) throw new FetchwrightError('invalid-catalogue', `the catalogue ${shownFile} is empty`, { file, hint: 'Write vendors: and one entry per vendor (vendor, docs, owner).' });
  let data: unknown;
  try {
    data = loadYaml(text, { filename: file, schema: CORE_SCHEMA.withTags(mergeTag), maxAliases: MAX_ALIASES, maxDepth: MAX_DEPTH });
  } catch (e) {
    const err = e as { reason?: string; message?: string; mark?: { line: number; column: number } };
    const at = err.mark ? `${err.mark.line + 1}:${err.mark.column + 1}` : undefined;
    const reason = isStackOverflow(e) ? 'it is nested too deep' : (err.reason ?? err.message ?? String(e)).split('\n')[0]!;
    throw new FetchwrightError('invalid-catalogue', `the catalogue ${shownFile} is not valid YAML: ${escapeControls(reason)}`, { file, ...(at ? { at } : {}), hint });
  }
  const found = nestingProblem(data, MAX_DEPTH);
  if (found) {
    throw new FetchwrightError('invalid-catalogue', `the catalogue ${shownFile} ${found.kind === 'cycle' ? 'contains itself through a YAML alias' : 'is nested too deep'}`, {
      file,
      hint: 'A catalogue entry is a flat mapping: vendor, docs, owner and a few optional fields.',
    });
  }
  if (expandedSize(data, MAX_EXPANDED) > MAX_EXPANDED) {
    throw new FetchwrightError('invalid-catalogue', `the catalogue ${shownFile} expands, through YAML aliases, to more than ${MAX_EXPANDED.toLocaleString('en')} values`, {
      file,
      hint: 'This looks like an alias bomb; a catalogue needs no more than a few shared tenant maps.',
    });
  }
  return data;
}

/**
 * Reads and checks the catalogue at `file` (YAML or JSON: `vendors: [ … ]`, or a list at the top).
 * Each entry is checked against {@link CatalogueEntrySchema}, its `docs` (a file or a folder, or
 * an http(s) URL without credentials: {@link urlProblem}) and `observed` (a file) must exist, resolved against the catalogue file's folder (an absolute path or
 * one with `..` is allowed: the catalogue is the operator's file); a vendor named twice makes the
 * later entries problems. Every invalid entry becomes one {@link CatalogueProblem} (its message lists
 * each of its problems with what to write) and does not stop the others.
 *
 * Returns the valid entries sorted by priority (highest first), then catalogue order.
 *
 * @throws FetchwrightError `invalid-catalogue` (exit 34) when the file cannot be read, is not a
 *   regular file, is over {@link MAX_CATALOGUE_BYTES}, is not valid YAML (`at`: `line:col`), is
 *   nested too deep, expands through aliases past a million values, holds no vendor list, or lists
 *   more than {@link MAX_CATALOGUE_ENTRIES} entries.
 */
export function readCatalogue(file: string): Catalogue {
  const data = parseCatalogue(readCatalogueText(file), file);
  const problems: CatalogueProblem[] = [];
  let list: unknown;
  if (Array.isArray(data)) list = data;
  else if (data && typeof data === 'object' && Object.hasOwn(data, 'vendors')) {
    list = (data as Record<string, unknown>).vendors;
    for (const key of Object.keys(data)) {
      if (key === 'vendors') continue;
      problems.push({ file, entry: null, vendor: null, field: key, message: `unknown top-level field ${shown(key)}: a catalogue holds only vendors: (a list of entries), so it was not read` });
    }
  }
  if (!Array.isArray(list)) {
    const near = data && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data).find((key) => nearest([key], ['vendors'])) : undefined;
    throw new FetchwrightError('invalid-catalogue', `the catalogue ${shown(file)} holds no vendor list${near ? ` (${shown(near)} is not vendors)` : ''}`, {
      file,
      hint: 'Write vendors: and under it one entry per vendor: - vendor: okta, docs: docs/okta.yaml, owner: "@acme/identity" (see examples/expand/vendors.yaml).',
    });
  }
  if (list.length > MAX_CATALOGUE_ENTRIES) {
    throw new FetchwrightError('invalid-catalogue', `the catalogue ${shown(file)} lists ${list.length.toLocaleString('en')} entries, more than the ${MAX_CATALOGUE_ENTRIES.toLocaleString('en')} one run may take`, {
      file,
      hint: 'Split it into several catalogues, each with its own --state folder.',
    });
  }
  const base = path.dirname(path.resolve(file));
  const entries: CatalogueEntry[] = [];
  const firstIndexOf = new Map<string, number>();
  list.forEach((raw, index) => {
    const result = checkEntry(raw, index, base);
    // A vendor named again is a problem in every later entry, whether or not the earlier one is valid.
    if (result.vendor !== null && isVendorName(result.vendor)) {
      const earlier = firstIndexOf.get(result.vendor);
      if (earlier === undefined) firstIndexOf.set(result.vendor, index);
      else result.issues.unshift({ field: 'vendor', text: `vendor ${result.vendor} is already the vendor of entry ${earlier} (vendors[${earlier}]): each vendor appears once; merge the two entries or remove this one` });
    }
    if (result.issues.length) {
      problems.push({ file, entry: index, vendor: result.vendor, field: result.issues[0]!.field, message: messageOf(result.issues) });
    } else if (result.entry) entries.push(result.entry);
  });
  problems.sort((a, b) => (a.entry ?? -1) - (b.entry ?? -1));
  entries.sort((a, b) => b.priority - a.priority || a.index - b.index);
  return { file, entries, problems };
}

interface Issue {
  field: string | null;
  /** What is wrong, starting with the field's name. */
  text: string;
  /** The field whose "what to write" ends the message (once per field and message). */
  help?: Field;
}

/** The issues of one entry as one message, each field's "what to write" said once. */
function messageOf(issues: readonly Issue[]): string {
  const helped = new Set<Field>();
  return issues
    .map((i) => {
      if (!i.help || helped.has(i.help)) return i.text;
      helped.add(i.help);
      return `${i.text}: ${HELP[i.help]}`;
    })
    .join('; ');
}

/** One entry checked: the entry when its schema holds (existence and duplicates still to add issues), and every issue found. */
function checkEntry(raw: unknown, index: number, base: string): { entry?: CatalogueEntry; vendor: string | null; issues: Issue[] } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      vendor: null,
      issues: [{ field: null, text: `the entry is ${kindOf(raw)}, not a mapping: write each entry as - vendor: …, docs: …, owner: … under vendors:` }],
    };
  }
  const record = raw as Record<string, unknown>;
  const vendor = typeof record.vendor === 'string' ? clip(record.vendor, 100) : null;
  const issues: Issue[] = [];
  const parsed = CatalogueEntrySchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push(...describe(issue, record));
  }
  // Tenant names are checked on the raw keys: zod's record drops a `__proto__` key without a word.
  const tenant = record.tenant;
  if (tenant && typeof tenant === 'object' && !Array.isArray(tenant)) {
    for (const name of Object.keys(tenant)) {
      if (!VARIABLE_NAME.test(name) || name === '__proto__') {
        issues.push({ field: `tenant.${clip(name, 64)}`, text: `tenant variable name ${shown(name)} is not a variable name`, help: 'tenant' });
      }
    }
  }
  const docs = typeof record.docs === 'string' && !issues.some((i) => i.field === 'docs') ? (LOOKS_LIKE_URL.test(record.docs.trim()) ? urlProblem(record.docs.trim()) : pathProblem('docs', record.docs, base, 'file-or-folder')) : undefined;
  const observed = typeof record.observed === 'string' && !issues.some((i) => i.field === 'observed') ? pathProblem('observed', record.observed, base, 'file') : undefined;
  if (docs?.issue) issues.push(docs.issue);
  if (observed?.issue) issues.push(observed.issue);
  if (!parsed.success || issues.length) return { vendor, issues };
  const value = parsed.data;
  const entry: CatalogueEntry = {
    index,
    vendor: value.vendor,
    docs: value.docs,
    docsPath: docs!.abs,
    owner: value.owner,
    priority: value.priority,
    // Built from the checked pairs with Object.fromEntries, which defines keys (never calls a `__proto__` setter).
    tenant: Object.fromEntries(Object.entries(value.tenant)),
    skip_streams: [...new Set(value.skip_streams)],
    ...(value.observed !== undefined ? { observed: value.observed, observedPath: observed!.abs } : {}),
  };
  return { entry, vendor, issues };
}

/** A value written as a URL (`scheme://…`): checked as a docs URL, never resolved as a path. */
const LOOKS_LIKE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Checks a docs URL as `fetchwright plan <URL>` does (agent/cli/option-values.ts docsPathOrUrl):
 * http(s) only, no user or password (fetchwright never sends credentials to docs). The URL is kept
 * as written; nothing is fetched here (the vendor's job crawls it). A problem shows the URL as
 * `redactedUrl` leaves it, so a credential written in it never reaches the coverage files.
 */
function urlProblem(written: string): { abs: string; issue?: Issue } {
  try {
    docsPathOrUrl(written);
    return { abs: written };
  } catch (e) {
    const safe = redactedUrl(written);
    return { abs: written, issue: { field: 'docs', text: `docs ${shown(safe)}: ${(e as Error).message}`, help: 'docs' } };
  }
}

/**
 * A docs URL as a problem may show it: everything up to the last `@` (a user or password, whatever its
 * characters) blanked, and the query and fragment (a token, a signature) blanked.
 */
export function redactedUrl(written: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([\s\S]*)$/i.exec(written.trim());
  if (!m) return written;
  let rest = m[2]!;
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = `…@${rest.slice(at + 1)}`;
  return `${m[1]}${rest.replace(/[?#][\s\S]*$/, (q) => `${q[0]}…`)}`;
}

/** Checks that a path from the catalogue names something there: a file or folder (`docs`), or a file (`observed`). */
function pathProblem(field: 'docs' | 'observed', written: string, base: string, want: 'file' | 'file-or-folder'): { abs: string; issue?: Issue } {
  const abs = path.resolve(base, written);
  const where = `${field} ${shown(written)}${path.isAbsolute(written) ? '' : ` (${shown(abs)})`}`;
  const issue = (what: string): Issue => ({ field, text: `${where} ${what}`, help: field });
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { abs, issue: issue('does not exist') };
    if (code === 'ELOOP') return { abs, issue: issue('is a symbolic link loop') };
    return { abs, issue: issue(`cannot be read (${code ?? 'not a path'})`) };
  }
  if (st.isFile() || (want === 'file-or-folder' && st.isDirectory())) return { abs };
  return { abs, issue: issue(st.isDirectory() ? 'is a folder, not a file' : 'is not a regular file or folder') };
}

/** A zod issue about one entry in words: where, what is wrong, and what to write. */
function describe(issue: z.core.$ZodIssue, record: Record<string, unknown>): Issue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const near = nearest([key], FIELDS);
      return {
        field: clip(key, 64),
        text: `unknown field ${shown(key)}${near ? ` (did you mean ${near}?)` : ''}: an entry's fields are ${FIELDS.join(', ')}`,
      };
    });
  }
  const top = String(issue.path[0] ?? '');
  const help = (FIELDS as string[]).includes(top) ? (top as Field) : undefined;
  const field = issue.path.map(String).join('.') || null;
  const value = valueAt(record, issue.path);
  const name = field ?? 'the entry';
  const one = (text: string): Issue[] => [{ field, text, ...(help ? { help } : {}) }];
  if (issue.code === 'invalid_type') {
    if (value === undefined) return one(`${name} is missing`);
    return one(`${name} is ${kindOf(value)}${scalarShown(value)}, not ${article(issue.expected)}`);
  }
  if (issue.code === 'too_big' && issue.origin === 'array') return one(`${name} ${issue.message}`);
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    return one(`${name} is ${shown(value)}, out of range (${issue.code === 'too_big' ? `at most ${String(issue.maximum)}` : `at least ${String(issue.minimum)}`})`);
  }
  if (issue.code === 'invalid_union') return one(`${name} is ${kindOf(value)}${scalarShown(value)}, not a string`);
  if (top === 'vendor' && typeof value === 'string') {
    const slug = value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, 64).replace(/-+$/, '');
    return one(`vendor ${shown(value)} is not a vendor name${slug && isVendorName(slug) ? ` (perhaps vendor: ${slug})` : ''}`);
  }
  return one(`${name}${value === undefined || typeof value === 'object' ? '' : ` ${shown(value)}`} ${issue.message}`);
}

/** The value at `keys` in `data`, own properties only. */
function valueAt(data: unknown, keys: readonly PropertyKey[]): unknown {
  let node = data;
  for (const key of keys) {
    if (!node || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** A value from the catalogue quoted for a message: JSON-quoted (so control characters show as escapes), cut to 80 characters. */
function shown(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return kindOf(value);
  return escapeControls(JSON.stringify(clip(withoutCredentials(value), 80)));
}

/** A catalogue value as a message may show it: a URL's user part (`user:pass@`, `\\user:pass@`) and credential query values blanked, wherever they stand. */
function withoutCredentials(value: string): string {
  return value
    .replace(/([a-z][a-z0-9+.-]*:[\\/]{1,2})[^@\s]*@/gi, '$1…@')
    .replace(/([?&;](?:access_?token|token|id_?token|api_?key|apikey|key|secret|client_?secret|password|passwd|pwd|sig|signature|auth|authorization|session|x-amz-[a-z-]+)=)[^&#\s]*/gi, '$1…');
}

function scalarShown(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? ` ${shown(value)}` : '';
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
  if (typeof value === 'boolean') return 'true or false';
  return typeof value;
}

function article(type: string): string {
  if (type === 'int') return 'a whole number';
  if (type === 'record' || type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

/**
 * The candidate nearest one of `words` for "did you mean": the same letters but for case, `-`, `_`
 * and spaces (`skipStreams`, `skip-streams`), or within edit distance 2; undefined when none is near.
 */
export function nearest(words: readonly string[], candidates: readonly string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  let best: { name: string; d: number } | undefined;
  for (const word of words) {
    if (word.length > 64) continue;
    for (const name of candidates) {
      const d = squash(word) === squash(name) ? 0 : editDistance(word.toLowerCase(), name);
      if (d <= 2 && (!best || d < best.d)) best = { name, d };
    }
  }
  return best?.name;
}
