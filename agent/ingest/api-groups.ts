import path from 'node:path';
import { FetchwrightError } from '../errors.ts';
import { hostIdentity } from './host-identity.ts';
import type { RawDocument } from './read-docs.ts';
import { titleWords } from './vendor-name.ts';

/**
 * Which APIs a folder of descriptions holds. A folder may be one API split over several files
 * (Snowflake publishes one file per resource, each with its own title, most with the same server,
 * some with none, all `$ref`ing a shared `common.yaml`), or several vendors' descriptions side by
 * side, which must not be merged into one connector. What the docs say decides, never a vendor's
 * name. The evidence, strongest first:
 *
 * 1. Host. A server (OpenAPI `servers[].url`, its variables replaced by their defaults; Swagger
 *    `host`) whose host is a public name or address identifies the API by its registrable domain
 *    (`host-identity.ts`: `api.acme.test:443` and `scim.acme.test` are both `acme.test`; base path,
 *    scheme, port and the labels left of the domain do not count, so neither do variables there).
 *    Root specs that share a domain are one API, whatever their base paths and titles; specs whose
 *    domains differ are different APIs, whatever else they share — the same title or a `$ref`'d
 *    file does not outweigh two vendors' hosts. A server that could be anyone's (relative,
 *    `localhost`, a private address, `example.com`, `https://{host}`) counts as no server.
 * 2. Ties, for a spec without such a host: a file both reach through `$ref` (directly or through
 *    other files: a real link between them), or the same full `info.title` (whitespace and letter
 *    case aside; a title of only generic words, "REST API", or a generator's default, "OpenAPI
 *    definition", ties nothing). Specs tied to each other form one API, which joins the API with a
 *    host that they are tied to — when there is exactly one; tied to none (or to several) they are
 *    an API of their own and the folder is refused. A shared first title word is not a tie
 *    ("Microsoft Graph", "Microsoft Teams"): Snowflake's server-less files are tied by `common.yaml`.
 * 3. A spec with neither such a host nor a title (and no tie) says nothing of whose it is: it joins
 *    the folder's only API when there is one.
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
  /** Distinct `info.title`s in full, in file order (cleaned of control characters; data, never obeyed). */
  titles: string[];
  /** Distinct server URLs as written (Swagger: `host` + `basePath`). */
  servers: string[];
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** Text from a document, safe to print: control and bidi characters dropped, whitespace collapsed, cut to `max` characters. */
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
 * The server URLs a document declares, with each server variable replaced by its `default` (OpenAPI
 * 3: the value used when none is supplied, `https://{subdomain}.{site}` → `https://api.datadoghq.com`);
 * a variable without a string default stays a placeholder.
 */
function resolvedServersOf(data: Obj): string[] {
  if (!Array.isArray(data.servers)) return serversOf(data);
  return data.servers.flatMap((s) => {
    const url = obj(s)?.url;
    if (typeof url !== 'string' || !url.trim()) return [];
    const variables = obj(obj(s)?.variables) ?? {};
    return [url.replace(/\{([^}]*)\}/g, (whole, name: string) => {
      const value = obj(Object.hasOwn(variables, name) ? variables[name] : undefined)?.default;
      return typeof value === 'string' && !/[{}]/.test(value) ? value : whole;
    })];
  });
}

/** Titles that generators write when the author gave none (springdoc, FastAPI, NSwag…): they tie nothing. */
const DEFAULT_TITLES = new Set(['openapi definition', 'fastapi', 'my title', 'my api', 'untitled']);

/** The full title, cleaned (never cut: two titles may differ only after the first 80 characters). */
function titleOf(data: Obj): string {
  const title = obj(data.info)?.title;
  return typeof title === 'string' ? printable(title, Infinity) : '';
}

/** The title as a tie between files, or undefined when it names nothing in particular. */
function titleTie(title: string): string | undefined {
  const key = title.toLowerCase();
  return titleWords(title).length && !DEFAULT_TITLES.has(key) ? key : undefined;
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
 * Groups the root specs of a folder by the API they describe (the rule and its evidence are in this
 * module's header). `documents` are every document read, so `$ref`s through shared component files
 * count. Returns the groups in the order of their first file; one group means one API.
 */
export function groupByApi(roots: RootSpec[], documents: RawDocument[]): ApiGroup[] {
  const n = roots.length;
  const servers = roots.map((r) => serversOf(r.data));
  const titles = roots.map((r) => titleOf(r.data));
  const group = (members: number[]): ApiGroup => ({
    files: members.map((i) => roots[i]!.file),
    titles: [...new Map(members.filter((i) => titles[i]).map((i) => [titles[i]!.toLowerCase(), titles[i]!])).values()],
    servers: [...new Set(members.flatMap((i) => servers[i]!))],
  });
  if (n <= 1) return roots.map((_, i) => group([i]));

  const hosts = roots.map((r) => new Set(resolvedServersOf(r.data).map(hostIdentity).filter((h): h is string => !!h)));
  const ties = titles.map(titleTie);
  const edges = new Map<string, Set<string>>();
  for (const d of documents) if (d.data !== undefined) edges.set(d.absPath, filesReferenced({ absPath: d.absPath, data: d.data }));
  const reaches = roots.map((r) => reachable(r.absPath, edges));
  const tied = (i: number, j: number): boolean => (!!ties[i] && ties[i] === ties[j]) || [...reaches[i]!].some((f) => reaches[j]!.has(f));
  const api = new UnionFind(n);

  // 1. A host decides between the specs that name one.
  const firstWithHost = new Map<string, number>();
  hosts.forEach((set, i) => {
    for (const h of set) {
      const j = firstWithHost.get(h);
      if (j === undefined) firstWithHost.set(h, i);
      else api.union(i, j);
    }
  });

  // 2. Specs without a host are tied to each other, then to the one hosted API they are tied to.
  const hostless = roots.map((_, i) => i).filter((i) => hosts[i]!.size === 0);
  const hosted = roots.map((_, i) => i).filter((i) => hosts[i]!.size > 0);
  const cluster = new UnionFind(n);
  for (const i of hostless) for (const j of hostless) if (i < j && tied(i, j)) cluster.union(i, j);
  const clusters = new Map<number, number[]>();
  for (const i of hostless) clusters.set(cluster.find(i), [...(clusters.get(cluster.find(i)) ?? []), i]);
  const anonymous: number[][] = [];
  for (const members of clusters.values()) {
    for (const i of members) api.union(i, members[0]!);
    const apis = new Set(hosted.filter((j) => members.some((i) => tied(i, j))).map((j) => api.find(j)));
    if (apis.size === 1) api.union(members[0]!, [...apis][0]!);
    else if (apis.size === 0 && members.every((i) => !titles[i])) anonymous.push(members);
  }

  // 3. Specs with neither a host nor a title join the only API, when there is one.
  const anonymousRoots = new Set(anonymous.map((m) => api.find(m[0]!)));
  const others = new Set(roots.map((_, i) => api.find(i)).filter((g) => !anonymousRoots.has(g)));
  if (others.size <= 1) {
    const target = others.size ? [...others][0]! : anonymous[0]?.[0];
    if (target !== undefined) for (const members of anonymous) api.union(members[0]!, target);
  }

  const byApi = new Map<number, number[]>();
  roots.forEach((_, i) => byApi.set(api.find(i), [...(byApi.get(api.find(i)) ?? []), i]));
  return [...byApi.values()].map(group);
}

/** A title for the listing: cut in the middle when long, since two titles often differ only at the end. */
function shortTitle(title: string, max = 80): string {
  const clean = printable(title, Infinity);
  return clean.length > max ? `${clean.slice(0, max - 28).trimEnd()}…${clean.slice(-27).trimStart()}` : clean;
}

/** An API as one line (two when long): its files (a folder's files counted), titles and servers. */
function describeGroup(g: ApiGroup): string[] {
  const byFolder = new Map<string, string[]>();
  for (const f of g.files) byFolder.set(path.dirname(f), [...(byFolder.get(path.dirname(f)) ?? []), f]);
  const places = [...byFolder.entries()].map(([dir, files]) => (files.length === 1 ? files[0]! : `${dir === '.' ? './' : `${dir}/`} (${files.length} files)`));
  const shownPlaces = places.length > 3 ? [...places.slice(0, 3), `${places.length - 3} more`] : places;
  const title = g.titles.length ? `"${shortTitle(g.titles[0]!)}"${g.titles.length > 1 ? ` and ${g.titles.length - 1} other ${g.titles.length === 2 ? 'title' : 'titles'}` : ''}` : 'no title';
  const server = g.servers.length ? `server ${printable(g.servers[0]!, 60)}${g.servers.length > 1 ? ` and ${g.servers.length - 1} more` : ''}` : 'no server';
  const where = printable(shownPlaces.join(', '), 100);
  const line = `  - ${where}: ${title}, ${server}`;
  return line.length <= 116 ? [line] : [`  - ${where}`, `      ${title}, ${server}`];
}

/**
 * The refusal for a folder that holds several APIs (`several-apis`, exit 26), listing each API
 * found: its files, title and server. `input` is the path as the user gave it; the hint names one
 * API's file or folder under it and states the rule that told the APIs apart.
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
    `${input} holds ${groups.length} different APIs, told apart by their servers' hosts, titles and $refs; a connector reads one API:\n${lines.join('\n')}`,
    {
      file: input,
      hint: `Point fetchwright at one API's file or folder, e.g. ${path.join(input, example)}. Files are read as one API when their servers name the same domain (api.acme.com and scim.acme.com), whatever their base paths; a file whose servers name no public host (none, localhost, https://{host}) joins the files it shares a $ref'd file or its exact title with.`,
    },
  );
}
