import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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
      const buf = await readFile(abs);
      read.set(abs, sha256(buf));
      // The parser reads this file with its own code: refuse what fetchwright itself would not read
      // (nesting that would exhaust the stack of every walker after it) before it does.
      if (/\.(json|ya?ml)$/i.test(abs)) {
        try {
          parseStructured(buf.toString('utf8'), path.relative(docsRoot, abs));
        } catch (e) {
          if (e instanceof FetchwrightError && e.code === 'unreadable-docs') {
            violation = e;
            throw e;
          }
          // A syntax error is reported by the parser, as an unresolvable $ref, as before.
        }
      }
      return buf;
    },
  };
  try {
    await parser.resolve(rootSpec.absPath, rootSpec.data as object, {
      resolve: {
        external: true,
        // No network: a doc's remote $ref is never fetched.
        http: false,
        file: sandboxedFile,
      },
      parse: { yaml: { allowEmpty: false }, json: { allowEmpty: false } },
    } as never);
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

  const resolveTarget = (ref: string, fromAbs: string): { absPath: string; pointer: string } => {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? '' : decodeURIComponent(ref.slice(hash + 1));
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(filePart) && !filePart.startsWith('file://')) {
      throw new FetchwrightError('unresolvable-ref', `remote $ref "${ref}" is not followed: fetchwright never fetches docs from the network`, {
        file: path.relative(docsRoot, fromAbs),
        hint: 'Download the referenced document into the docs folder and point the $ref at it.',
      });
    }
    const absPath = filePart === '' ? fromAbs : path.resolve(path.dirname(fromAbs), decodeURIComponent(filePart.replace(/^file:\/\//, '')));
    return { absPath, pointer };
  };

  return {
    filesRead: () => new Map([[rootSpec.absPath, read.get(rootSpec.absPath) ?? ''], ...read]),
    deref(node, absPath, pointer) {
      let current: Resolved = { value: node, absPath, pointer };
      const seen = new Set<string>();
      while (isRef(current.value)) {
        const ref = current.value.$ref;
        const target = resolveTarget(ref, current.absPath);
        const key = `${target.absPath}#${target.pointer}`;
        if (seen.has(key)) {
          throw new FetchwrightError('unresolvable-ref', `$ref "${ref}" points back at itself through a chain of $refs`, {
            file: path.relative(docsRoot, current.absPath),
            at: current.pointer,
          });
        }
        seen.add(key);
        let value: unknown;
        try {
          value = $refs.get(key);
        } catch {
          value = undefined;
        }
        if (value === undefined) {
          throw new FetchwrightError('unresolvable-ref', `$ref "${ref}" points at nothing`, {
            file: path.relative(docsRoot, current.absPath),
            at: current.pointer,
            hint: `No value exists at ${target.pointer || 'the document root'} in ${path.relative(docsRoot, target.absPath)}. Fix the $ref or the docs it names.`,
          });
        }
        current = { value, absPath: target.absPath, pointer: target.pointer };
      }
      return current;
    },
  };
}
