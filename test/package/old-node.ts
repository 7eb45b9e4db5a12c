import { spawnSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import path from 'node:path';

/** A Node binary older than fetchwright's minimum, as it reports itself. */
export interface OldNode {
  /** As found on PATH. */
  bin: string;
  /** `process.versions.node`, e.g. `20.20.2`. */
  version: string;
  /** `process.execPath` as that Node reports it: the name the bin's message gives. */
  execPath: string;
}

/**
 * The first `node` on PATH older than `minMajor`, leaving out `node_modules/.bin` folders (the
 * project's pinned Node) and the folder of the Node running the tests; undefined when there is
 * none (a machine with only Node 24). Each candidate is asked its version; one that fails to answer
 * is passed over.
 */
export function findOldNode(minMajor: number, env: NodeJS.ProcessEnv = process.env): OldNode | undefined {
  const seen = new Set<string>([realpathSync(process.execPath)]);
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir || dir.split(path.sep).includes('node_modules')) continue;
    const bin = path.join(dir, 'node');
    let real: string;
    try {
      accessSync(bin, constants.X_OK);
      real = realpathSync(bin);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    const probe = spawnSync(bin, ['-e', 'process.stdout.write(JSON.stringify([process.versions.node, process.execPath]))'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status !== 0) continue;
    const [version, execPath] = JSON.parse(probe.stdout) as [string, string];
    if (Number(version.split('.')[0]) < minMajor) return { bin, version, execPath };
  }
  return undefined;
}
