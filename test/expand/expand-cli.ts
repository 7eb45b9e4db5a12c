import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { shellStatus } from '../helpers/exit-status.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

/** `fetchwright expand` as a process, as a scheduler runs it. */

export const BIN = path.join(REPO_ROOT, 'bin/fetchwright.js');

export interface ExpandRun {
  code: number | null;
  stdout: string;
  stderr: string;
  pid: number;
}

/**
 * Runs `fetchwright <args>` with `FETCHWRIGHT_STATE_DIR=state` (the audit log there) and no CI
 * variable unless given; `until(child)` may kill it (polled every 50 ms); `onStderr` sees its stderr so far as it grows. Killed after `guardMs`.
 */
export function fetchwright(args: string[], o: { state: string; env?: Record<string, string>; until?: (child: ChildProcess) => boolean; guardMs?: number; onStderr?: (all: string) => void }): Promise<ExpandRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Never a real token from the machine; a test that needs one passes it.
  delete env.GITHUB_TOKEN;
  Object.assign(env, { FETCHWRIGHT_STATE_DIR: o.state }, o.env);
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    o.onStderr?.(stderr);
  });
  const poll = o.until ? setInterval(() => o.until!(child) && clearInterval(poll), 50) : undefined;
  const guard = setTimeout(() => child.kill('SIGKILL'), o.guardMs ?? 240_000);
  return new Promise((resolve) => {
    child.on('close', (exitCode, signal) => {
      clearTimeout(guard);
      if (poll) clearInterval(poll);
      resolve({ code: shellStatus(exitCode, signal), stdout, stderr, pid: child.pid! });
    });
  });
}

/** The pids of live processes whose environment holds `marker` (a test's own state folder): a job's workers and their sandboxes. */
export function processesWithEnv(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').includes(marker)) pids.push(Number(name));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}
