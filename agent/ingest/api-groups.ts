import path from 'node:path';
import { FetchwrightError } from '../errors.ts';
import type { RawDocument } from './read-docs.ts';
import { titleWords } from './vendor-name.ts';

/**
 * Which APIs a folder of descriptions holds. A folder may be one API split over several files
 * (Snowflake publishes one file per resource, each with its own title, most with the same server,
 * some with none, all `$ref`ing a shared `common.yaml`), or several vendors' descriptions side by
 * side, which must not be merged into one connector. What the docs say decides, never a vendor's
 * name:
 *
 * 1. The server is the API's address (OpenAPI `servers[].url`, Swagger `host` + `basePath`): root
 *    specs that share a server are one API, and specs whose servers all differ are different APIs —
 *    a connector has one base URL. Scheme, letter case of the host and a trailing `/` are ignored;
 *    a server that says nothing of the API (`/`, or a host that is only a placeholder like
 *    `https://{host}`) is no evidence either way.
 * 2. A spec without such a server belongs to the API it is tied to: a file it shares through `$ref`
 *    (directly or through other files), the same `info.title`, or the same leading title word
 *    ("Acme Users API", "Acme Groups API"). Tied to exactly one API, it joins it; tied to none, it is
 *    an API of its own.
 * 3. A spec with neither a server nor a title joins the folder's only API when there is one.
 *
 * `info.version` is not compared: the files of one split API often carry different versions.
 */

/** A spec with paths: one file the model would be built from. */
export interface RootSpec {
  absPath: string;
  /** Relative to the docs root. */
  file: string;
  data: Record<string, unknown>;
}

/** One API found in the docs: its files, their titles and servers as the docs write them. */
export interface ApiGroup {
  files: string[];
  /** Distinct `info.title`s, in file order (cleaned of control characters; data, never obeyed). */
  titles: string[];
  /** Distinct server URLs as written (Swagger: `host` + `basePath`). */
  servers: string[];
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** Text from a document, safe to print: control and bidi characters dropped, whitespace collapsed, bounded. */
export function printable(text: string, max = 80): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** The server URLs a document declares at its top level, as written. */
export function serversOf(data: Obj): string[] {
  if (Array.isArray(data.servers)) {
    return data.servers.map((s) => obj(s)?.url).filter((u): u is string => typeof u === 'string' && u.trim() !== '');
  }
  const host = typeof data.host === 'string' ? data.host : '';
  const basePath = typeof data.basePath === 'string' ? data.basePath : '';
  return host || basePath ? [`${host}${basePath}`] : [];
}

/**
 * A server URL reduced to what identifies the API (host and base path, no scheme), or undefined
 * when it identifies nothing: `/`, or a host that is only a placeholder with no path after it.
 */
export function serverKey(url: string): string | undefined {
  const noScheme = url.trim().replace(/^([a-z][a-z0-9+.-]*|\{[^}]*\}):\/\//i, '');
  const slash = noScheme.indexOf('/');
  const host = (slash === -1 ? noScheme : noScheme.slice(0, slash)).toLowerCase();
  const base = (slash === -1 ? '' : noScheme.slice(slash)).replace(/[?#].*$/, '').replace(/\/+$/, '');
  if (!host && !base) return undefined;
  if (/^\{[^}]*\}$/.test(host) && !base) return undefined;
  return `${host}${base}`;
}

function titleOf(data: Obj): string {
  const title = obj(data.info)?.title;
  return typeof title === 'string' ? printable(title) : '';
}

/** Files (absolute paths) a document's `$ref`s name, other than itself; remote refs are ignored. */
function filesReferenced(doc: { absPath: string; data: unknown }): Set<string> {
  const out = new Set<string>();
  const seen = new Set<object>();
  const stack: unknown[] = [doc.data];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && !ref.startsWith('#')) {
      const filePart = ref.split('#')[0]!;
      if (filePart && (!/^[a-z][a-z0-9+.-]*:/i.test(filePart) || filePart.startsWith('file://'))) {
        let decoded = filePart.replace(/^file:\/\//, '');
        try {
          decoded = decodeURIComponent(decoded);
        } catch {
          // keep the text as written
        }
        const abs = path.resolve(path.dirname(doc.absPath), decoded);
        if (abs !== doc.absPath) out.add(abs);
      }
    }
    for (const child of Object.values(node)) if (child && typeof child === 'object') stack.push(child);
  }
  return out;
}

/** Every file reachable from `start` through `$ref`s between the documents read, `start` included. */
function reachable(start: string, edges: Map<string, Set<string>>): Set<string> {
  const out = new Set([start]);
  const todo = [start];
  while (todo.length) {
    for (const next of edges.get(todo.pop()!) ?? []) {
      if (!out.has(next)) {
        out.add(next);
        todo.push(next);
      }
    }
  }
  return out;
}

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]!]!;
      i = this.parent[i]!;
    }
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/**
 * Groups the root specs of a folder by the API they describe (the rules are in this module's
 * header). `documents` are every document read, so `$ref`s through shared component files count.
 * Returns the groups in the order of their first file; one group means one API.
 */
export function groupByApi(roots: RootSpec[], documents: RawDocument[]): ApiGroup[] {
  if (roots.length <= 1) return roots.map((r) => ({ files: [r.file], titles: titleOf(r.data) ? [titleOf(r.data)] : [], servers: serversOf(r.data) }));

  const n = roots.length;
  const servers = roots.map((r) => serversOf(r.data));
  const keys = servers.map((list) => new Set(list.map(serverKey).filter((k): k is string => !!k)));
  const titles = roots.map((r) => titleOf(r.data));
  const leading = titles.map((t) => titleWords(t)[0] ?? '');
  const edges = new Map<string, Set<string>>();
  for (const d of documents) if (d.data !== undefined) edges.set(d.absPath, filesReferenced({ absPath: d.absPath, data: d.data }));
  const closure = roots.map((r) => reachable(r.absPath, edges));

  // 1. Servers decide between specs that declare one.
  const byServer = new UnionFind(n);
  const firstWithKey = new Map<string, number>();
  keys.forEach((set, i) => {
    for (const k of set) {
      const j = firstWithKey.get(k);
      if (j === undefined) firstWithKey.set(k, i);
      else byServer.union(i, j);
    }
  });

  // 2. A spec without a server is tied to others by a shared file, its title or its title's first word.
  const tied = (i: number, j: number): boolean =>
    (!!titles[i] && titles[i] === titles[j]) || (!!leading[i] && leading[i] === leading[j]) || [...closure[i]!].some((f) => closure[j]!.has(f));
  const serverless = roots.map((_, i) => i).filter((i) => keys[i]!.size === 0);
  const withServer = roots.map((_, i) => i).filter((i) => keys[i]!.size > 0);
  const clusters = new UnionFind(n);
  for (const i of serverless) for (const j of serverless) if (i < j && tied(i, j)) clusters.union(i, j);
  const clusterMembers = new Map<number, number[]>();
  for (const i of serverless) clusterMembers.set(clusters.find(i), [...(clusterMembers.get(clusters.find(i)) ?? []), i]);

  const group = new UnionFind(n);
  for (const i of withServer) group.union(i, byServer.find(i));
  const loose: number[][] = [];
  for (const members of clusterMembers.values()) {
    for (const i of members) group.union(i, members[0]!);
    const apis = new Set(withServer.filter((j) => members.some((i) => tied(i, j))).map((j) => byServer.find(j)));
    if (apis.size === 1) group.union(members[0]!, [...apis][0]!);
    else if (apis.size === 0 && members.every((i) => !titles[i])) loose.push(members);
  }

  // 3. Specs with neither a server nor a title join the only API, when there is one.
  const looseRoots = new Set(loose.map((m) => group.find(m[0]!)));
  const others = new Set(roots.map((_, i) => group.find(i)).filter((g) => !looseRoots.has(g)));
  if (others.size <= 1) {
    const target = others.size ? [...others][0]! : loose[0]?.[0];
    if (target !== undefined) for (const members of loose) group.union(members[0]!, target);
  }

  const byRoot = new Map<number, number[]>();
  roots.forEach((_, i) => byRoot.set(group.find(i), [...(byRoot.get(group.find(i)) ?? []), i]));
  return [...byRoot.values()].map((members) => ({
    files: members.map((i) => roots[i]!.file),
    titles: [...new Set(members.map((i) => titles[i]!).filter(Boolean))],
    servers: [...new Set(members.flatMap((i) => servers[i]!))],
  }));
}

/** An API as one line (two when long): its files (a folder's files counted), titles and servers. */
function describeGroup(g: ApiGroup): string[] {
  const byFolder = new Map<string, string[]>();
  for (const f of g.files) byFolder.set(path.dirname(f), [...(byFolder.get(path.dirname(f)) ?? []), f]);
  const places = [...byFolder.entries()].map(([dir, files]) => (files.length === 1 ? files[0]! : `${dir === '.' ? './' : `${dir}/`} (${files.length} files)`));
  const shownPlaces = places.length > 3 ? [...places.slice(0, 3), `${places.length - 3} more`] : places;
  const title = g.titles.length ? `"${g.titles[0]}"${g.titles.length > 1 ? ` and ${g.titles.length - 1} other ${g.titles.length === 2 ? 'title' : 'titles'}` : ''}` : 'no title';
  const server = g.servers.length ? `server ${printable(g.servers[0]!, 60)}${g.servers.length > 1 ? ` and ${g.servers.length - 1} more` : ''}` : 'no server';
  const where = printable(shownPlaces.join(', '), 100);
  const line = `  - ${where}: ${title}, ${server}`;
  return line.length <= 116 ? [line] : [`  - ${where}`, `      ${title}, ${server}`];
}

/**
 * The refusal for a folder that holds several APIs (`several-apis`, exit 26), listing each API
 * found: its files, title and server. `input` is the path as the user
 * gave it; the hint names one API's file or folder under it.
 */
export function severalApis(input: string, groups: ApiGroup[]): FetchwrightError {
  const shown = groups.slice(0, 20);
  const lines = shown.flatMap(describeGroup);
  if (groups.length > shown.length) lines.push(`  - and ${groups.length - shown.length} more`);
  const first = groups[0]!;
  const dirs = new Set(first.files.map((f) => path.dirname(f)));
  const onlyDir = dirs.size === 1 ? [...dirs][0]! : '.';
  const example = first.files.length > 1 && onlyDir !== '.' ? onlyDir : first.files[0]!;
  return new FetchwrightError(
    'several-apis',
    `${input} holds ${groups.length} different APIs, told apart by their servers and titles; a connector reads one API:\n${lines.join('\n')}`,
    {
      file: input,
      hint: `Point fetchwright at one API's file or folder, e.g. ${path.join(input, example)}. The files of one API split over several files are read together when they share a server, a title or $ref'd files.`,
    },
  );
}
