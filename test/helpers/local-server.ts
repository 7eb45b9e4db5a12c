import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

/** What the tests' real servers (JupyterHub, Mailman 3, Redis) share: a free port, a process's end, a Debian package that may be missing. */

/** A free TCP port on 127.0.0.1 (the OS picks it; two suites never share one). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves when `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/**
 * Why a real server from Debian's `aptPackage` cannot run here (its `binary` is missing), or
 * `undefined` when it can. With FETCHWRIGHT_REAL_SERVERS=required (CI) a missing one throws instead:
 * there the tests must run, not skip.
 */
export function debianServerMissing(binary: string, aptPackage: string): string | undefined {
  if (existsSync(binary)) return undefined;
  if (process.env.FETCHWRIGHT_REAL_SERVERS === 'required') throw new Error(`FETCHWRIGHT_REAL_SERVERS=required but ${aptPackage} is not installed: .ci/run installs it with apt-get`);
  return `${aptPackage} is not installed: \`sudo apt-get install -y ${aptPackage}\` (Debian/Ubuntu) runs these tests; CI installs it in .ci/run`;
}
