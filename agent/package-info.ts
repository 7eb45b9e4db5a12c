import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where fetchwright's own package is, and what it says about itself. The code runs from two places:
 * the checkout's sources (`agent/package-info.ts`, one folder below the root) and the compiled
 * package (`dist/agent/package-info.js`, two below): both find the root by walking up to the
 * `package.json` named `fetchwright`.
 */

const PACKAGE_NAME = 'fetchwright';
/** The compiled file is two folders below the root; allow a little more, never a walk to `/`. */
const MAX_LEVELS_UP = 4;

interface PackageJson {
  name?: unknown;
  version?: unknown;
}

let cached: { root: string; manifest: PackageJson } | undefined;

function findPackage(): { root: string; manifest: PackageJson } {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level <= MAX_LEVELS_UP; level++) {
    const manifest = readManifest(path.join(dir, 'package.json'));
    if (manifest?.name === PACKAGE_NAME) return (cached = { root: dir, manifest });
    dir = path.dirname(dir);
  }
  // Only a broken install gets here (package.json left out of the package): a bug, not a user error.
  throw new Error(`fetchwright's package.json was not found above ${fileURLToPath(import.meta.url)}`);
}

function readManifest(file: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/**
 * The absolute path of fetchwright's package root — the checkout, or `node_modules/fetchwright` —
 * the folder holding its `package.json`. Throws a plain Error (an internal error) if none is found.
 */
export function packageRoot(): string {
  return findPackage().root;
}

/** fetchwright's version, as its `package.json` declares it (e.g. `0.1.0`), for `--version`. */
export function packageVersion(): string {
  const { version } = findPackage().manifest;
  if (typeof version !== 'string') throw new Error(`fetchwright's package.json at ${packageRoot()} has no version`);
  return version;
}
