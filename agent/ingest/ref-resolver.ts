import { existsSync, realpathSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { $RefParser } from '@apidevtools/json-schema-ref-parser';
import { FetchwrightError } from '../errors.ts';
import { sha256 } from '../hash.ts';
import { isStackOverflow, parseStructured, tooDeep } from './read-docs.ts';

/**
 * `$ref` resolution is done by @apidevtools/json-schema-ref-parser: it reads and caches every
 * file a spec points at (cross-file refs) and resolves JSON pointers. fetchwright adds the
 * boundaries a hostile document must not cross: no HTTP at all, and no file outside the docs root.
 */

export interface Resolved {
  value: unknown;
  /** Absolute path of the file the value lives in. */
  absPath: string;
  /** JSON pointer inside that file. */
  pointer: string;
}

export interface RefResolver {
  /** Follows `$ref` chains starting at `node` (which lives in `absPath`), cycle-safe. */
  deref(node: unknown, absPath: string, pointer: string): Resolved;
  /** Files read while resolving, with their hashes (the root spec included). */
  filesRead(): Map<string, string>;
  /** Absolute paths a `$ref` named that could not be read (no such file): the docs change when one appears. */
  filesMissing(): Set<string>;
}

/**
 * A `$ref` whose target does not exist in the docs (`unresolvable-ref`, exit 6): `details.file` and
 * `details.at` are where the `$ref` is written. Readers that can record the defect where it is and go
 * on (schema-reader, read-spec) catch this one; any other reader lets it refuse the docs.
 */
export class DanglingRef extends FetchwrightError {
  /** The `$ref` as written. */
  readonly ref: string;
  constructor(ref: string, message: string, details: { file: string; at: string; hint: string }) {
    super('unresolvable-ref', message, details);
    this.ref = ref;
  }
}

/**
 * The value at `pointer` in the document at `absPath` as the parser read it, `$ref`s not followed
 * (the parser's cache of parsed files, `$refs._$refs`); undefined when there is none.
 */
function rawAt($refs: unknown, absPath: string, pointer: string): unknown {
  let current = (($refs as { _$refs?: Record<string, { value?: unknown }> })._$refs ?? {})[absPath]?.value;
  for (const token of pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (!current || typeof current !== 'object' || !Object.hasOwn(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

export function isRef(node: unknown): node is { $ref: string } {
  return !!node && typeof node === 'object' && typeof (node as { $ref?: unknown }).$ref === 'string';
}

export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function joinPointer(base: string, ...tokens: (string | number)[]): string {
  return base + tokens.map((t) => `/${escapePointer(String(t))}`).join('');
}

/** Longest chain of `$ref`s each pointing at another `$ref` that is followed (the parser's own limit, made explicit). */
export const MAX_REF_CHAIN = 500;

/** A `$ref` as shown in a message: JSON-quoted (control characters escaped) and cut to 200 characters. */
function shownRef(ref: string): string {
  return JSON.stringify(ref.length > 200 ? `${ref.slice(0, 200)}…` : ref);
}

/**
 * `part` of a `$ref` with its percent-escapes decoded (RFC 3986 §2.1); throws `unresolvable-ref`
 * (exit 6), naming the file and the `$ref`'s pointer, when an escape is not `%` and two hex digits.
 */
function decodeRefPart(part: string, ref: string, file: string, at: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    const bad = /%(?![0-9a-f]{2}).{0,2}/is.exec(part)?.[0];
    throw new FetchwrightError('unresolvable-ref', `$ref ${shownRef(ref)} is not a valid URI reference: ${bad ? `${JSON.stringify(bad)} is not a percent-escape` : 'its percent-escapes are not UTF-8'}`, {
      file,
      at,
      hint: 'A percent-escape in a $ref is % and two hex digits of UTF-8 (RFC 3986 §2.1); a literal % is written %25. Fix the $ref in the docs.',
    });
  }
}

/**
 * Checks every string `$ref` in a parsed document (walked without recursion, so deep data cannot
 * overflow the stack) before the `$ref` parser sees it: a malformed percent-escape (`%zz`) is refused
 * with `unresolvable-ref` (exit 6) naming `file` and the `$ref`'s JSON pointer, rather than ending in
 * the parser's `URIError`.
 */
export function checkRefs(data: unknown, file: string): void {
  const stack: { node: unknown; pointer: string }[] = [{ node: data, pointer: '' }];
  const seen = new Set<object>();
  while (stack.length) {
    const { node, pointer } = stack.pop()!;
    if (!node || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && /%/.test(ref)) {
      const hash = ref.indexOf('#');
      decodeRefPart(hash === -1 ? ref : ref.slice(0, hash), ref, file, pointer);
      if (hash !== -1) decodeRefPart(ref.slice(hash + 1), ref, file, pointer);
    }
    for (const [key, child] of Object.entries(node)) if (child && typeof child === 'object') stack.push({ node: child, pointer: joinPointer(pointer, key) });
  }
}

function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** `p` with every symbolic link resolved; as given when it does not exist (the parser then reports it missing). */
function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

export async function createRefResolver(rootSpec: { absPath: string; file: string; data: unknown }, docsRoot: string): Promise<RefResolver> {
  const read = new Map<string, string>();
  const missing = new Set<string>();
  let violation: FetchwrightError | undefined;
  const parser = new $RefParser();
  const sandboxedFile = {
    order: 1,
    canRead: (file: { url: string }) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(file.url) || file.url.startsWith('file://'),
    read: async (file: { url: string }) => {
      const abs = file.url.startsWith('file://') ? new URL(file.url).pathname : path.resolve(decodeURIComponent(file.url));
      // Compared after resolving links: a link inside the folder to a file or folder outside it is outside.
      if (!isInside(realPath(docsRoot), realPath(abs))) {
        violation = new FetchwrightError('ref-outside-docs', `a $ref points outside the docs folder, at ${abs}; fetchwright does not read it`, {
          file: rootSpec.file,
          hint: 'Docs are untrusted: $refs may only point at files inside the folder you gave. Copy the referenced file in beside the spec.',
        });
        throw violation;
      }
      // Only a regular file is read: a pipe or a device named by a $ref would block or never end.
      const st = await stat(abs).catch((e: unknown) => {
        missing.add(abs);
        throw e;
      });
      if (!st.isFile()) {
        violation = new FetchwrightError('unresolvable-ref', `a $ref points at ${path.relative(docsRoot, abs)}, which is not a regular file`, { file: rootSpec.file, hint: 'A $ref names a JSON or YAML file beside the spec.' });
        throw violation;
      }
      const buf = await readFile(abs);
      read.set(abs, sha256(buf));
      // The parser reads this file with its own code: refuse what fetchwright itself would not read
      // (nesting that would exhaust the stack of every walker after it) before it does.
      if (/\.(json|ya?ml)$/i.test(abs)) {
        try {
          checkRefs(parseStructured(buf.toString('utf8'), path.relative(docsRoot, abs)), path.relative(docsRoot, abs));
        } catch (e) {
          if (e instanceof FetchwrightError && (e.code === 'unreadable-docs' || e.code === 'unresolvable-ref')) {
            violation = e;
            throw e;
          }
          // A syntax error is reported by the parser, as an unresolvable $ref, as before.
        }
      }
      return buf;
    },
  };
  checkRefs(rootSpec.data, rootSpec.file);
  try {
    await parser.resolve(rootSpec.absPath, rootSpec.data as object, {
      resolve: {
        external: true,
        // No network: a doc's remote $ref is never fetched.
        http: false,
        file: sandboxedFile,
      },
      parse: { yaml: { allowEmpty: false }, json: { allowEmpty: false } },
      // A file a $ref names that does not exist is a defect where the $ref is (`deref` finds nothing
      // there), not a refusal of the whole docs; what fetchwright refuses itself (a file outside the
      // folder, a syntax error, nesting too deep) is kept in `violation` and thrown below.
      continueOnError: true,
    } as never);
    if (violation) throw violation;
  } catch (e) {
    if (violation) throw violation;
    const err = e as Error & { source?: string; path?: string[] };
    const where = err.source ? path.relative(docsRoot, err.source.replace(/^file:\/\//, '')) : rootSpec.file;
    // Not a $ref problem: a document too deep for the parser's recursive walk (checked beforehand, so
    // this is the last line of defence).
    if (isStackOverflow(e) || /maximum call stack size/i.test(err.message ?? '')) throw tooDeep(where || rootSpec.file);
    throw new FetchwrightError('unresolvable-ref', `a $ref could not be resolved: ${err.message.split('\n')[0]}`, {
      file: where || rootSpec.file,
      hint: 'Every file a $ref names must exist inside the docs folder; pass the folder, not one file, for a split spec.',
    });
  }
  const $refs = parser.$refs;

  const resolveTarget = (ref: string, fromAbs: string, at: string): { absPath: string; pointer: string; fragment: string } => {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const fragment = hash === -1 ? '' : ref.slice(hash + 1);
    const pointer = decodeRefPart(fragment, ref, path.relative(docsRoot, fromAbs), at);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(filePart) && !filePart.startsWith('file://')) {
      throw new FetchwrightError('unresolvable-ref', `remote $ref ${shownRef(ref)} is not followed: fetchwright never fetches docs from the network`, {
        file: path.relative(docsRoot, fromAbs),
        at,
        hint: 'Download the referenced document into the docs folder and point the $ref at it.',
      });
    }
    const absPath = filePart === '' ? fromAbs : path.resolve(path.dirname(fromAbs), decodeRefPart(filePart.replace(/^file:\/\//, ''), ref, path.relative(docsRoot, fromAbs), at));
    return { absPath, pointer, fragment };
  };

  /** Values already read at a `$ref`'s target address (file#fragment): the docs do not change while they are read. */
  const got = new Map<string, unknown>();
  return {
    filesRead: () => new Map([[rootSpec.absPath, read.get(rootSpec.absPath) ?? ''], ...read]),
    filesMissing: () => new Set(missing),
    deref(node, absPath, pointer) {
      let current: Resolved = { value: node, absPath, pointer };
      const seen = new Set<string>();
      while (isRef(current.value)) {
        const ref = current.value.$ref;
        const target = resolveTarget(ref, current.absPath, current.pointer);
        const key = `${target.absPath}#${target.pointer}`;
        if (seen.has(key)) {
          throw new FetchwrightError('unresolvable-ref', `$ref ${shownRef(ref)} points back at itself through a chain of $refs`, {
            file: path.relative(docsRoot, current.absPath),
            at: current.pointer,
          });
        }
        seen.add(key);
        let value: unknown;
        try {
          // The fragment as written: the parser decodes it once itself (a decoded `%25` must not be decoded twice).
          // A target read once is kept: large specs name the same shared parameter or schema thousands of times.
          const address = `${target.absPath}#${target.fragment}`;
          value = got.has(address) ? got.get(address) : $refs.get(address, { dereference: { maxDepth: MAX_REF_CHAIN } } as never);
          got.set(address, value);
        } catch (e) {
          // The parser follows a chain of $refs to $refs up to its own limit; past it, the chain is the problem, not the target.
          if (isStackOverflow(e) || (e instanceof RangeError && /dereference depth/i.test(e.message))) {
            throw new FetchwrightError('unreadable-docs', `$ref ${shownRef(ref)} starts a chain of more than ${MAX_REF_CHAIN} $refs, each pointing at another $ref`, {
              file: path.relative(docsRoot, current.absPath),
              at: current.pointer,
              hint: 'No API description needs a chain this long; it looks built to exhaust the reader. Point the $ref at the schema itself.',
            });
          }
          value = undefined;
        }
        // The parser follows the target's own $ref too, and fails when that one names nothing: the
        // target as written (a $ref) is followed here instead, so the defect is named where it is.
        if (value === undefined) {
          const written = rawAt($refs, target.absPath, target.pointer);
          if (isRef(written)) value = written;
        }
        if (value === undefined) {
          throw new DanglingRef(ref, `$ref ${shownRef(ref)} points at nothing`, {
            file: path.relative(docsRoot, current.absPath),
            at: current.pointer,
            hint: !isInside(docsRoot, target.absPath) || existsSync(target.absPath)
              ? `No value exists at ${target.pointer || 'the document root'} in ${path.relative(docsRoot, target.absPath)}. Fix the $ref or the docs it names.`
              : `${path.relative(docsRoot, target.absPath)} does not exist in the docs folder. Fix the $ref, or pass the folder that holds every file a $ref names.`,
          });
        }
        current = { value, absPath: target.absPath, pointer: target.pointer };
      }
      return current;
    },
  };
}
