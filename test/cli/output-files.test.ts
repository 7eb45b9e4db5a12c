import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { writeFileAtomic } from '../../agent/cli/write-file.ts';
import { isFetchwrightError } from '../../agent/errors.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

/**
 * `plan --out FILE` writes a regular file, whole, and nothing else: an --out that is a symbolic
 * link, a device, a named pipe or a socket is refused (exit 10, naming what it is) before any work,
 * and left as it was. Writing follows the link nowhere and replaces nothing but a regular file
 * (as generate refuses a connector folder that is a link). A link among the folders above is fine.
 */

const EXAMPLE = path.join(REPO_ROOT, 'examples/jupyterhub');

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'fetchwright-out-'));
}

async function run(...argv: string[]) {
  const io = captureIo();
  const state = tmp();
  const code = await main(argv, io, { ...process.env, FETCHWRIGHT_STATE_DIR: state });
  const audit = readFileSync(path.join(state, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: string });
  return { code, out: io.out(), err: io.err(), steps: audit.map((e) => e.step) };
}

describe('plan --out onto what is not a regular file', () => {
  it('a symbolic link: exit 10 naming the link and its target, before any work; the link and its target untouched', async () => {
    const dir = tmp();
    const target = path.join(tmp(), 'elsewhere.json');
    writeFileSync(target, 'not yours\n');
    const link = path.join(dir, 'plan.json');
    symlinkSync(target, link);
    const r = await run('plan', EXAMPLE, '--out', link);
    expect(r.code).toBe(10);
    expect(r.out).toBe('');
    expect(r.err).toContain(`error[output-unwritable]: --out ${link} is a symbolic link to ${target}, not a regular file: writing it would replace the link`);
    expect(r.err).toContain(`hint: Give --out the file itself (--out ${target}), or a new path.`);
    expect(r.steps).not.toContain('ingest');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('not yours\n');
  });

  it('a dangling symbolic link: refused the same way, nothing created at its target', async () => {
    const dir = tmp();
    const link = path.join(dir, 'plan.json');
    symlinkSync('missing/plan.json', link);
    const r = await run('plan', EXAMPLE, '--out', link);
    expect(r.code).toBe(10);
    expect(r.err).toContain(`--out ${link} is a symbolic link to missing/plan.json, not a regular file`);
    expect(r.err).toContain(`(--out ${path.join(dir, 'missing/plan.json')})`);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('a named pipe: exit 10 at once (never waits for a reader), the pipe left in place', async () => {
    const fifo = path.join(tmp(), 'plan.fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await run('plan', EXAMPLE, '--out', fifo);
    expect(r.code).toBe(10);
    expect(r.err).toContain(`error[output-unwritable]: --out ${fifo} is a named pipe, not a regular file: writing it would replace it`);
    expect(r.err).toContain('use --json');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('a socket: exit 10 saying so', async () => {
    const sock = path.join(tmp(), 'plan.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      const r = await run('plan', EXAMPLE, '--out', sock);
      expect(r.code).toBe(10);
      expect(r.err).toContain(`--out ${sock} is a socket, not a regular file`);
      expect(lstatSync(sock).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  });

  it('a device: exit 10 saying so, the device node left in place', async (t) => {
    // A device node of our own (the null device's numbers), never a real one under /dev.
    const dev = path.join(tmp(), 'fakedev');
    try {
      execFileSync('mknod', [dev, 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      t.skip(); // not root, or a container that forbids mknod
      return;
    }
    const r = await run('plan', EXAMPLE, '--out', dev);
    expect(r.code).toBe(10);
    expect(r.err).toContain(`--out ${dev} is a device, not a regular file`);
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
  });

  it('/dev/stdout (a link to the process’s own output): refused, left as it was', async () => {
    const r = await run('plan', EXAMPLE, '--out', '/dev/stdout');
    expect(r.code).toBe(10);
    expect(r.err).toMatch(/--out \/dev\/stdout is a (symbolic link to \S+|device), not a regular file/);
    expect(lstatSync('/dev/stdout').isFile()).toBe(false);
  });

  it('a link to a pipe: the way out offered is --json, not the pipe', async () => {
    const dir = tmp();
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    const link = path.join(dir, 'out');
    symlinkSync('pipe', link);
    const r = await run('plan', EXAMPLE, '--out', link);
    expect(r.code).toBe(10);
    expect(r.err).toContain(`--out ${link} is a symbolic link to pipe, not a regular file`);
    expect(r.err).toContain('use --json');
    expect(r.err).not.toContain(`--out ${path.join(dir, 'pipe')}`);
  });
});

describe('plan --out onto a regular file or a new path', () => {
  it('an existing regular file is replaced with the plan; a link among the folders above is followed', async () => {
    const real = tmp();
    const linkedDir = path.join(tmp(), 'linked');
    symlinkSync(real, linkedDir);
    writeFileSync(path.join(real, 'plan.json'), 'old\n');
    const r = await run('plan', EXAMPLE, '--out', path.join(linkedDir, 'plan.json'), '--json');
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(path.join(real, 'plan.json'), 'utf8')).toBe(r.out);
    expect(lstatSync(path.join(real, 'plan.json')).isFile()).toBe(true);
  });

  it('a new path in folders that do not exist yet: created', async () => {
    const out = path.join(tmp(), 'a', 'b', 'plan.json');
    const r = await run('plan', EXAMPLE, '--out', out, '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ vendor: 'jupyterhub' });
  });
});

describe('the write itself', () => {
  it('writeFileAtomic checks again: a link put at the path after the check before the work is refused (exit 10), no temporary file left', async () => {
    const dir = tmp();
    const target = path.join(tmp(), 'elsewhere.json');
    writeFileSync(target, 'not yours\n');
    const link = path.join(dir, 'plan.json');
    symlinkSync(target, link);
    let error: unknown;
    try {
      await writeFileAtomic(link, '{}\n');
    } catch (e) {
      error = e;
    }
    expect(isFetchwrightError(error) && error.exitCode).toBe(10);
    expect((error as Error).message).toContain('is a symbolic link');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('not yours\n');
    expect(readdirSync(dir)).toEqual(['plan.json']);
  });
});
