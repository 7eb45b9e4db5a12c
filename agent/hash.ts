import { createHash, type Hash } from 'node:crypto';

/**
 * The canonical replacer: bigints as `"<n>n"`, object keys sorted by UTF-16 code units (an object
 * built with `Object.fromEntries`, so integer-like keys still come first, as JSON.stringify orders them).
 */
function canonical(_key: string, v: unknown): unknown {
  return typeof v === 'bigint'
    ? `${v}n`
    : v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v;
}

/** JSON with object keys sorted, so the same data always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, canonical);
}

/** An array index (a canonical numeric string below 2^32 − 1): such keys come first in an object, ascending. */
function isArrayIndex(k: string): boolean {
  return /^(0|[1-9]\d{0,9})$/.test(k) && Number(k) < 4294967295;
}

/** The keys of `o` in the order `canonical`'s copy of it has: array indices ascending, then the rest sorted by UTF-16 code units. */
function canonicalKeys(o: object): string[] {
  const keys = Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (!keys.some(isArrayIndex)) return keys;
  return [...keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isArrayIndex(k))];
}

/** Characters buffered before they are handed to the hash. */
const CHUNK = 1 << 16;

/**
 * Writes `canonicalJson(value)` into `hash` piece by piece, never as one string: the same bytes, so the
 * same digest, for data of any size (one string cannot pass V8's ~512 MB limit). Follows
 * JSON.stringify's steps (ECMA-262 SerializeJSONProperty): `toJSON`, then the canonical replacer,
 * `undefined`/functions/symbols left out of objects and `null` in arrays, non-finite numbers as `null`.
 * Throws TypeError for data that contains itself.
 */
function writeCanonicalJson(value: unknown, hash: Hash): void {
  let buf = '';
  const out = (s: string): void => {
    buf += s;
    if (buf.length >= CHUNK) {
      hash.update(buf);
      buf = '';
    }
  };
  const SKIP = Symbol('skip');
  /** The property `key` whose value is `raw`, as JSON.stringify sees it: `toJSON`, then the replacer; SKIP when it has no JSON form. */
  const prepare = (key: string, raw: unknown): unknown => {
    let v = raw;
    if ((v !== null && typeof v === 'object') || typeof v === 'bigint') {
      const toJSON = (v as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') v = (toJSON as (k: string) => unknown).call(v, key);
    }
    // The replacer's bigint form; its sorted copy of an object is not made: `write` visits the
    // object's keys in the order that copy would have (`canonicalKeys`). The replacer turns every
    // non-array object into a plain one (a Number or String wrapper too), so JSON.stringify's
    // unwrapping of wrappers never applies: `write` reads a wrapper's own keys, as the copy would.
    if (typeof v === 'bigint') v = `${v}n`;
    return v === undefined || typeof v === 'function' || typeof v === 'symbol' ? SKIP : v;
  };
  const ancestors = new Set<unknown>();
  /** Writes a prepared value; `identity` is the value before the replacer copied it, for the cycle check. */
  const write = (v: unknown, identity: unknown): void => {
    if (v === null) out('null');
    else if (typeof v === 'boolean') out(v ? 'true' : 'false');
    else if (typeof v === 'string') out(JSON.stringify(v));
    else if (typeof v === 'number') out(Number.isFinite(v) ? JSON.stringify(v) : 'null');
    else {
      if (ancestors.has(identity)) throw new TypeError('Converting circular structure to JSON');
      ancestors.add(identity);
      if (Array.isArray(v)) {
        out('[');
        for (let i = 0; i < v.length; i++) {
          if (i) out(',');
          const child = prepare(String(i), v[i]);
          if (child === SKIP) out('null');
          else write(child, v[i]);
        }
        out(']');
      } else {
        out('{');
        let first = true;
        for (const k of canonicalKeys(v as object)) {
          const raw = (v as Record<string, unknown>)[k];
          const child = prepare(k, raw);
          if (child === SKIP) continue;
          out(`${first ? '' : ','}${JSON.stringify(k)}:`);
          first = false;
          write(child, raw);
        }
        out('}');
      }
      ancestors.delete(identity);
    }
  };
  const root = prepare('', value);
  if (root === SKIP) throw new TypeError('hashJson: the value has no JSON form (undefined, a function or a symbol)');
  write(root, value);
  if (buf) hash.update(buf);
}

/**
 * sha256 (hex) of `canonicalJson(value)`, computed without building that string: the model of large
 * docs (shared components repeated in every operation) may serialise to more than one string can hold.
 */
export function hashJson(value: unknown): string {
  const hash = createHash('sha256');
  writeCanonicalJson(value, hash);
  return hash.digest('hex');
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
