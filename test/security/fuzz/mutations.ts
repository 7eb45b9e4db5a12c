/**
 * Mutations of a parsed API description, as plain data: a fuzz case is a real vendor spec and a list of
 * mutations, so a case fast-check finds can be printed, pasted into the attack list, and replayed.
 *
 * A mutation names its target either by a JSON pointer (`at: '/paths/~1users/get'`, a regression case)
 * or by a pick (`{ zone, pick }`: the pick-th node, modulo their count, among the document's nodes in
 * that zone), which is how the generators reach any node of any spec. `applyMutations` resolves picks
 * into pointers and returns the concrete list it applied, which is what a failure report prints.
 */

/** Where a picked target is looked for. */
export type Zone = 'any' | 'top' | 'scalars' | 'paths' | 'parameters' | 'responses' | 'schemas' | 'security' | 'servers' | 'refs';

/** A node of the document: a JSON pointer, or the pick-th node of a zone. */
export type Target = string | { zone: Zone; pick: number };

export type Mutation =
  /** Removes the node (an object member or an array element). */
  | { kind: 'delete'; at: Target }
  /** Replaces the node at `to` with a copy of the node at `from` (in an array, `to` may be one past the end: an append). */
  | { kind: 'copy'; from: Target; to: Target }
  /** Replaces the node with `value` (another type, a hostile string, a `$ref`…); the string `{{self}}` in it becomes the node's own pointer. */
  | { kind: 'set'; at: Target; value: unknown }
  /** Gives an object member another key (prototype keys, control characters, `{`…). */
  | { kind: 'rename'; at: Target; key: string }
  /** Wraps the node in `depth` levels of `shape`. */
  | { kind: 'nest'; at: Target; depth: number; shape: 'properties' | 'items' | 'allOf' | 'array' | 'object' }
  /** Replaces the node with the head of a chain of `length` `$ref`s, each to the next, kept under `/x-fuzz-chain`; the last is the node itself. */
  | { kind: 'refChain'; at: Target; length: number; hops: 'ref' | 'properties' | 'allOf' }
  /** Replaces the document's servers (OpenAPI 3 `servers`, or Swagger 2.0 `schemes`, `host` and `basePath`). */
  | { kind: 'servers'; servers: unknown[]; swagger?: { host?: unknown; basePath?: unknown; schemes?: unknown } }
  /** Adds `parameter` to the parameters of the operation (or path item) at `at`. */
  | { kind: 'parameter'; at: Target; parameter: unknown };

/** A mutation with every target resolved to a pointer: what was applied. */
export type ConcreteMutation = Mutation & { at?: string; from?: string; to?: string };

type Json = unknown;
type Container = Record<string, Json> | Json[];

function isContainer(v: unknown): v is Container {
  return !!v && typeof v === 'object';
}

export function escapeToken(t: string): string {
  return t.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerOf(tokens: string[]): string {
  return tokens.map((t) => `/${escapeToken(t)}`).join('');
}

export function tokensOf(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const ZONES: Record<Exclude<Zone, 'any' | 'top' | 'scalars' | 'refs'>, RegExp> = {
  paths: /^\/paths\/[^/]+(\/(get|put|post|delete|options|head|patch|trace|parameters))?$/,
  parameters: /\/parameters(\/|$)/,
  responses: /\/responses(\/|$)/,
  schemas: /^\/(components\/schemas|definitions)(\/|$)|\/schema(\/|$)/,
  security: /securitySchemes|securityDefinitions|(^|\/)security(\/|$)/,
  servers: /(^|\/)servers(\/|$)|^\/(host|basePath|schemes)(\/|$)/,
};

/** Most nodes enumerated when picking a target: enough for any small spec, bounded for a grown one. */
const MAX_NODES = 60_000;
/** Nodes deeper than this are not picked: real specs stay far above it, and a nested one stays cheap to walk. */
const MAX_PICK_DEPTH = 64;

/** Every node's tokens (the root excluded) down to {@link MAX_PICK_DEPTH}, walked without recursion, in document order. */
function nodes(doc: Json): string[][] {
  const out: string[][] = [];
  const stack: { value: Json; tokens: string[] }[] = [{ value: doc, tokens: [] }];
  const seen = new Set<object>();
  while (stack.length && out.length < MAX_NODES) {
    const { value, tokens } = stack.pop()!;
    if (tokens.length) out.push(tokens);
    if (!isContainer(value) || seen.has(value) || tokens.length >= MAX_PICK_DEPTH) continue;
    seen.add(value);
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (value as Record<string, Json>)[keys[i]!], tokens: [...tokens, keys[i]!] });
  }
  return out;
}

function get(doc: Json, tokens: string[]): Json {
  let v = doc;
  for (const t of tokens) {
    if (!isContainer(v) || !Object.hasOwn(v, t)) return undefined;
    v = (v as Record<string, Json>)[t];
  }
  return v;
}

function resolve(doc: Json, target: Target): string[] | undefined {
  if (typeof target === 'string') return tokensOf(target);
  const all = nodes(doc);
  const zone = target.zone;
  let pool = all;
  if (zone === 'refs') pool = all.filter((t) => { const v = get(doc, t); return isContainer(v) && typeof (v as { $ref?: unknown }).$ref === 'string'; });
  // The document's frame: top-level members, info, servers, path items and operations and their members.
  else if (zone === 'top') pool = all.filter((t) => t.length <= (t[0] === 'paths' ? 4 : 3));
  // Strings, numbers and booleans: where the code expects a scalar, and an object or a list may break it.
  else if (zone === 'scalars') pool = all.filter((t) => !isContainer(get(doc, t)));
  else if (zone !== 'any') pool = all.filter((t) => ZONES[zone].test(pointerOf(t)));
  if (!pool.length) pool = all;
  return pool.length ? pool[target.pick % pool.length] : undefined;
}

/** Sets (or, with `value` undefined, removes) the node at `tokens`; false when its parent is not a container. */
function put(doc: Json, tokens: string[], value: Json): boolean {
  const parent = get(doc, tokens.slice(0, -1));
  const key = tokens[tokens.length - 1]!;
  if (!isContainer(parent)) return false;
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) return false;
    if (value === undefined) parent.splice(i, 1);
    else parent[i] = value;
    return true;
  }
  // defineProperty: a `__proto__` key is a member like any other, as JSON.parse makes it.
  if (value === undefined) delete parent[key];
  else define(parent, key, value);
  return true;
}

function define(o: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A deep copy of JSON data, made without recursion (a mutated document may nest thousands deep); shared objects are copied once per place. */
function clone<T>(v: T): T {
  if (!isContainer(v)) return v;
  const root: Container = Array.isArray(v) ? [] : {};
  const stack: { from: Container; to: Container }[] = [{ from: v, to: root }];
  while (stack.length) {
    const { from, to } = stack.pop()!;
    for (const [k, child] of Object.entries(from)) {
      let copy: Json = child;
      if (isContainer(child)) {
        copy = Array.isArray(child) ? [] : {};
        stack.push({ from: child, to: copy as Container });
      }
      if (Array.isArray(to)) to.push(copy);
      else define(to, k, copy);
    }
  }
  return root as T;
}

/** JSON text of `doc`, written without recursion (JSON.stringify overflows the stack on thousands of levels). */
export function toJsonText(doc: Json): string {
  const parts: string[] = [];
  type Frame = { entries: [string, Json][]; i: number; array: boolean };
  const stack: Frame[] = [];
  const open = (v: Json): void => {
    if (!isContainer(v)) {
      parts.push(v === undefined ? 'null' : JSON.stringify(v) ?? 'null');
      return;
    }
    const array = Array.isArray(v);
    parts.push(array ? '[' : '{');
    stack.push({ entries: Object.entries(v), i: 0, array });
  };
  open(doc);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.i === top.entries.length) {
      parts.push(top.array ? ']' : '}');
      stack.pop();
      continue;
    }
    const [k, v] = top.entries[top.i]!;
    if (top.i++) parts.push(',');
    if (!top.array) parts.push(`${JSON.stringify(k)}:`);
    open(v);
  }
  return parts.join('');
}

function replaceSelf(value: Json, self: string): Json {
  if (typeof value === 'string') return value.replace(/\{\{self\}\}/g, self);
  if (Array.isArray(value)) return value.map((v) => replaceSelf(v, self));
  if (isContainer(value)) {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) define(out, k, replaceSelf(v, self));
    return out;
  }
  return value;
}

/** `value` inside `depth` levels of `shape`, built without recursion. */
function nested(value: Json, depth: number, shape: Extract<Mutation, { kind: 'nest' }>['shape']): Json {
  let v = value;
  for (let i = 0; i < depth; i++) {
    if (shape === 'properties') v = { type: 'object', properties: { child: v } };
    else if (shape === 'items') v = { type: 'array', items: v };
    else if (shape === 'allOf') v = { allOf: [v] };
    else if (shape === 'array') v = [v];
    else v = { nested: v };
  }
  return v;
}

function ensureObject(doc: Record<string, Json>, key: string): Record<string, Json> {
  const existing = doc[key];
  if (isContainer(existing) && !Array.isArray(existing)) return existing as Record<string, Json>;
  const fresh: Record<string, Json> = {};
  doc[key] = fresh;
  return fresh;
}

/**
 * Applies `mutations` in order to a copy of `doc`. Returns the mutated document and the mutations as
 * applied, each target a pointer (a mutation whose target cannot be found or set is left out). Never throws
 * for a mutation that does not fit the document: it is skipped.
 */
export function applyMutations(doc: Json, mutations: Mutation[]): { doc: Json; applied: ConcreteMutation[] } {
  let out = clone(doc) as Record<string, Json>;
  const applied: ConcreteMutation[] = [];
  for (const m of mutations) {
    switch (m.kind) {
      case 'delete': {
        const t = resolve(out, m.at);
        if (t?.length && put(out, t, undefined)) applied.push({ ...m, at: pointerOf(t) });
        break;
      }
      case 'copy': {
        const from = resolve(out, m.from);
        const to = resolve(out, m.to);
        if (!from || !to?.length) break;
        const value = from.length ? get(out, from) : out;
        if (value !== undefined && put(out, to, clone(value))) applied.push({ ...m, from: pointerOf(from), to: pointerOf(to) });
        break;
      }
      case 'set': {
        const t = resolve(out, m.at);
        if (!t) break;
        const value = replaceSelf(m.value, pointerOf(t));
        if (!t.length) {
          if (isContainer(value) && !Array.isArray(value)) out = value as Record<string, Json>;
          else break;
        } else if (!put(out, t, value)) break;
        applied.push({ ...m, at: pointerOf(t) });
        break;
      }
      case 'rename': {
        const t = resolve(out, m.at);
        if (!t?.length) break;
        const parent = get(out, t.slice(0, -1));
        if (!isContainer(parent) || Array.isArray(parent)) break;
        const old = t[t.length - 1]!;
        // Rebuilt in order, the renamed member in the old one's place.
        const entries = Object.entries(parent).map(([k, v]) => [k === old ? m.key : k, v] as const);
        for (const k of Object.keys(parent)) delete parent[k];
        for (const [k, v] of entries) define(parent, k, v);
        applied.push({ ...m, at: pointerOf(t) });
        break;
      }
      case 'nest': {
        const t = resolve(out, m.at);
        if (!t?.length) break;
        if (put(out, t, nested(get(out, t), m.depth, m.shape))) applied.push({ ...m, at: pointerOf(t) });
        break;
      }
      case 'refChain': {
        const t = resolve(out, m.at);
        if (!t?.length) break;
        const chain = ensureObject(out, 'x-fuzz-chain');
        const base = Object.keys(chain).length;
        const name = (i: number) => `c${base + i}`;
        for (let i = 0; i < m.length; i++) {
          const next = { $ref: `#/x-fuzz-chain/${name(i + 1)}` };
          chain[name(i)] = m.hops === 'ref' ? next : m.hops === 'allOf' ? { allOf: [next] } : { type: 'object', properties: { id: { type: 'string' }, next } };
        }
        chain[name(m.length)] = clone(get(out, t) ?? {});
        if (put(out, t, { $ref: `#/x-fuzz-chain/${name(0)}` })) applied.push({ ...m, at: pointerOf(t) });
        break;
      }
      case 'servers': {
        if (typeof out.swagger === 'string') {
          for (const key of ['host', 'basePath', 'schemes'] as const) {
            const v = m.swagger?.[key];
            if (v === undefined) delete out[key];
            else out[key] = clone(v);
          }
        } else out.servers = clone(m.servers);
        applied.push(m);
        break;
      }
      case 'parameter': {
        const t = resolve(out, m.at);
        if (!t) break;
        const host = get(out, t);
        if (!isContainer(host) || Array.isArray(host)) break;
        const list = (host as Record<string, Json>).parameters;
        if (Array.isArray(list)) list.push(clone(m.parameter));
        else (host as Record<string, Json>).parameters = [clone(m.parameter)];
        applied.push({ ...m, at: pointerOf(t) });
        break;
      }
    }
  }
  return { doc: out, applied };
}
