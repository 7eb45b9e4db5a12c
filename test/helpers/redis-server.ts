import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { debianServerMissing, exited, freePort } from './local-server.ts';

export { freePort };

/** Debian's redis-server (`apt-get install redis-server`). */
export const REDIS_SERVER = '/usr/bin/redis-server';

/** Why a real Redis cannot run here, or `undefined` when it can (CI installs redis-server and requires it). */
export function redisServerMissing(): string | undefined {
  return debianServerMissing(REDIS_SERVER, 'redis-server');
}

export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>/0`. */
  url: string;
  /** The server's folder (its append-only files). */
  dir: string;
  /** The pid of the redis-server running now (a test may pause it with SIGSTOP). */
  readonly pid: number;
  /** Stops it as an operator would (SIGTERM: Redis flushes its append-only file) and starts it again on the same port and folder. */
  restart(): Promise<void>;
  /** Stops it by the pid started and removes its folder. */
  stop(): Promise<void>;
  /** The bytes of its append-only files, for a test that checks what Redis holds. */
  persisted(): string;
  log(): string;
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port (10 s at most). */
async function listening(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port} in 10 s: ${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts Debian's redis-server on 127.0.0.1 on a free port, with a folder of its own and the
 * persistence the README asks of a queue's Redis (`appendonly yes`, every write fsynced at once,
 * no eviction), and `extra` arguments (`--requirepass x`). Resolves once it accepts connections.
 */
export async function startRedis(extra: string[] = []): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fw-redis-'));
  const port = await freePort();
  let output = '';
  let child: ChildProcess;
  const start = async () => {
    child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (output = (output + s).slice(-20_000)));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (output = (output + s).slice(-20_000)));
    await listening(port, child, () => output);
  };
  const stopIt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(guard);
    }
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    dir,
    get pid() {
      return child.pid!;
    },
    restart: async () => {
      await stopIt();
      await start();
    },
    stop: async () => {
      await stopIt();
      rmSync(dir, { recursive: true, force: true });
    },
    persisted: () => {
      const files: string[] = [];
      const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) walk(p);
          else files.push(readFileSync(p, 'latin1'));
        }
      };
      walk(dir);
      return files.join('\n');
    },
    log: () => output,
  };
}
