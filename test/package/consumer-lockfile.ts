/**
 * A lockfile for a fresh project that depends on nothing but fetchwright's packed tarball, taken
 * from the checkout's own `package-lock.json`: the same versions and integrity hashes the checkout
 * was tested with. With it, `npm ci --offline` installs the tarball from npm's cache alone (the
 * checkout's `npm ci` put every tarball there), with no registry look-up — which a plain
 * `npm install <tgz>` needs for each dependency's metadata.
 *
 * Only what fetchwright needs at run time is kept: the closure of its `dependencies` (and optional
 * and peer ones), found as Node finds a package, from the dependent's folder up. A devDependency
 * the code imported at run time would be missing from the install, and the installed bin would fail.
 */

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

export interface Lockfile {
  name?: string;
  version?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

export interface PackedPackage {
  name: string;
  version: string;
  /** The tarball's file name, in the consumer's folder. */
  tarball: string;
  /** The tarball's `sha512-…` integrity, as `npm pack --json` reports it. */
  integrity: string;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
}

/**
 * The registry URL of a locked package's tarball. The checkout's lockfile may leave it out
 * (`omit-lockfile-registry-resolved`); npm then looks each package up in the registry to find it,
 * which an offline install cannot. Given here, npm takes the tarball from its cache by integrity.
 */
function registryTarball(registry: string, key: string, entry: LockEntry): string {
  const name = typeof entry.name === 'string' ? entry.name : key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const base = name.slice(name.lastIndexOf('/') + 1);
  return `${registry.replace(/\/+$/, '')}/${name}/-/${base}-${entry.version}.tgz`;
}

/** Where Node finds `name` for the package at `from` (a lockfile key), or undefined if nowhere. */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? '' : dir.slice(0, cut);
  }
}

/**
 * The lockfile of a project named `consumer` whose one dependency is `packed` (by its tarball),
 * with every package it needs copied from `checkout` (the checkout's lockfile, v3). Throws if a
 * required (non-optional) dependency is not in the checkout's lockfile.
 */
export function consumerLockfile(checkout: Lockfile, packed: PackedPackage, registry: string, consumer = 'fetchwright-consumer'): Lockfile {
  const self = `node_modules/${packed.name}`;
  const packages: Record<string, LockEntry> = {
    '': { name: consumer, dependencies: { [packed.name]: `file:${packed.tarball}` } },
    [self]: {
      version: packed.version,
      resolved: `file:${packed.tarball}`,
      integrity: packed.integrity,
      dependencies: packed.dependencies,
      ...(packed.optionalDependencies ? { optionalDependencies: packed.optionalDependencies } : {}),
      ...(packed.bin ? { bin: packed.bin } : {}),
      ...(packed.engines ? { engines: packed.engines } : {}),
    },
  };
  // The checkout resolves fetchwright's own dependencies from its root: so does the consumer's copy.
  const queue: Array<{ key: string; from: string; deps: LockEntry }> = [{ key: self, from: '', deps: packages[self]! }];
  while (queue.length > 0) {
    const { key, from, deps } = queue.shift()!;
    const wanted: Array<[string, boolean]> = [
      ...Object.keys(deps.dependencies ?? {}).map((n): [string, boolean] => [n, false]),
      ...Object.keys(deps.optionalDependencies ?? {}).map((n): [string, boolean] => [n, true]),
      ...Object.keys(deps.peerDependencies ?? {}).map((n): [string, boolean] => [n, true]),
    ];
    for (const [name, optional] of wanted) {
      const found = resolveIn(checkout.packages, from, name);
      if (!found) {
        if (optional) continue;
        throw new Error(`${name}, needed by ${key}, is not in the checkout's package-lock.json`);
      }
      if (packages[found]) continue;
      const { dev, devOptional, peer, ...entry } = checkout.packages[found]!;
      void dev;
      void peer;
      entry.resolved ??= registryTarball(registry, found, entry);
      packages[found] = devOptional ? { ...entry, optional: true } : entry;
      queue.push({ key: found, from: found, deps: packages[found]! });
    }
  }
  return { name: consumer, lockfileVersion: 3, requires: true, packages };
}
