import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FetchwrightError } from '../errors.ts';
import { AuditLine, AuditLog } from './audit-log.ts';
import { withLock } from './audit-lock.ts';
import { Redactor } from './redact.ts';
import { verifyChain } from './verify-chain.ts';

const AUDIT_LOG_MODULE = fileURLToPath(new URL('./audit-log.ts', import.meta.url));
const REDACT_MODULE = fileURLToPath(new URL('./redact.ts', import.meta.url));

async function tmpDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'fetchwright-audit-lock-'));
}

/** `count` appends to the log in `dir` from a process of its own (as a second CLI run would). */
function appender(dir: string, count: number, name: string): Promise<number | null> {
  const script = `
    const { AuditLog } = await import(${JSON.stringify(AUDIT_LOG_MODULE)});
    const { Redactor } = await import(${JSON.stringify(REDACT_MODULE)});
    for (let i = 0; i < ${count}; i++) new AuditLog({ dir: ${JSON.stringify(dir)}, command: ${JSON.stringify(name)}, redactor: new Redactor([]) }).record('step-' + i, 'ok');
  `;
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

const lockFile = (dir: string) => path.join(dir, 'audit.lock');
const owner = (o: { pid: number; host?: string; at?: number }) => `${JSON.stringify({ pid: o.pid, host: o.host ?? os.hostname(), nonce: 'someone-else', at: o.at ?? Date.now() })}\n`;

/** A pid that no process has: one that has just exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

describe('audit lock', () => {
  it('four processes appending at once leave one intact chain with every line', async () => {
    const dir = await tmpDir();
    const codes = await Promise.all(['a', 'b', 'c', 'd'].map((name) => appender(dir, 40, name)));
    expect(codes).toEqual([0, 0, 0, 0]);
    const report = await verifyChain(path.join(dir, 'audit.jsonl'), { stateLog: true });
    expect(report.broken).toBeUndefined();
    expect(report).toMatchObject({ lines: 160, intact: true, head: 'matches' });
    const lines = readFileSync(path.join(dir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => AuditLine.parse(JSON.parse(l)));
    for (const name of ['a', 'b', 'c', 'd']) expect(lines.filter((l) => l.command === name)).toHaveLength(40);
    expect(existsSync(lockFile(dir))).toBe(false);
  }, 60_000);

  it('a lock left by a process that died is broken, and the append goes on', async () => {
    const dir = await tmpDir();
    writeFileSync(lockFile(dir), owner({ pid: deadPid() }));
    new AuditLog({ dir, command: 'plan', redactor: new Redactor([]), lock: { waitMs: 5_000 } }).record('start', 'ok');
    expect((await verifyChain(path.join(dir, 'audit.jsonl'), { stateLog: true })).lines).toBe(1);
    expect(existsSync(lockFile(dir))).toBe(false);
  });

  it('a lock older than the stale age is broken whoever holds it (a writer on another host that hung)', async () => {
    const dir = await tmpDir();
    writeFileSync(lockFile(dir), owner({ pid: process.pid, host: 'another-host.example', at: Date.now() - 60_000 }));
    new AuditLog({ dir, command: 'plan', redactor: new Redactor([]), lock: { waitMs: 5_000, staleMs: 10_000 } }).record('start', 'ok');
    expect(existsSync(path.join(dir, 'audit.jsonl'))).toBe(true);
  });

  it('a lock a live process holds is waited for, then refused naming its holder (audit-unwritable), nothing written', async () => {
    const dir = await tmpDir();
    const held = owner({ pid: process.pid });
    writeFileSync(lockFile(dir), held);
    const log = new AuditLog({ dir, command: 'plan', redactor: new Redactor([]), lock: { waitMs: 100 } });
    let caught: unknown;
    try {
      log.record('start', 'ok');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FetchwrightError);
    expect((caught as FetchwrightError).code).toBe('audit-unwritable');
    expect((caught as FetchwrightError).message).toContain(`locked by process ${process.pid} on ${os.hostname()}`);
    expect(existsSync(path.join(dir, 'audit.jsonl'))).toBe(false);
    expect(readFileSync(lockFile(dir), 'utf8')).toBe(held);
  });

  it('a lock file never written whole is stale once it is a few seconds old, not before', async () => {
    const dir = await tmpDir();
    writeFileSync(lockFile(dir), '');
    const log = () => new AuditLog({ dir, command: 'plan', redactor: new Redactor([]), lock: { waitMs: 100 } });
    expect(() => log().record('start', 'ok')).toThrow(/locked by another process/);
    const old = new Date(Date.now() - 30_000);
    utimesSync(lockFile(dir), old, old);
    log().record('start', 'ok');
    expect(existsSync(lockFile(dir))).toBe(false);
  });

  it('a holder whose lock was taken over does not remove the new holder\'s lock', async () => {
    const dir = await tmpDir();
    const theirs = owner({ pid: process.pid });
    withLock(lockFile(dir), () => writeFileSync(lockFile(dir), theirs));
    expect(readFileSync(lockFile(dir), 'utf8')).toBe(theirs);
  });
});
