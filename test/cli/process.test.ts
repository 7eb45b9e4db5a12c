import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { shellStatus } from '../helpers/exit-status.ts';
import { REPO_ROOT, vendorDoc } from '../helpers/vendor-docs.ts';

/**
 * The CLI as a process, the way a shell runs it: Ctrl-C says it was interrupted and closes the
 * audit log, and a reader that closes the pipe (`| head`) ends the run quietly.
 */

const BIN = path.join(REPO_ROOT, 'bin/fetchwright.js');
const EXAMPLE = path.join(REPO_ROOT, 'examples/jupyterhub');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  auditSteps: { step: string; details?: Record<string, unknown> }[];
}

interface Spawned {
  env?: Record<string, string>;
  /** Once stdout or stderr matches, send this signal. */
  when?: RegExp;
  /** Or send it this long after the start. */
  afterMs?: number;
  act?: NodeJS.Signals;
}

function cli(args: string[], o: Spawned = {}): Promise<Run> {
  const state = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-process-'));
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, FETCHWRIGHT_STATE_DIR: state, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let done = false;
  const watch = () => {
    if (done || !o.when || !o.when.test(stdout + stderr)) return;
    done = true;
    child.kill(o.act);
  };
  if (o.afterMs !== undefined) setTimeout(() => child.kill(o.act), o.afterMs);
  child.stdout.setEncoding('utf8').on('data', (s: string) => ((stdout += s), watch()));
  child.stderr.setEncoding('utf8').on('data', (s: string) => ((stderr += s), watch()));
  const guard = setTimeout(() => child.kill('SIGKILL'), 50_000);
  return new Promise((resolve) => {
    child.on('close', (exitCode, signal) => {
      const code = shellStatus(exitCode, signal);
      clearTimeout(guard);
      const file = path.join(state, 'audit.jsonl');
      const auditSteps = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Run['auditSteps'][number]) : [];
      resolve({ code, stdout, stderr, auditSteps });
    });
  });
}

describe('Ctrl-C and SIGTERM', () => {
  for (const [signal, exit] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} during plan: one line saying so, exit ${exit}, and the audit log's closing line`, async () => {
      const r = await cli(['plan', EXAMPLE, '--out', path.join(os.tmpdir(), 'never-written.json')], { env: { FETCHWRIGHT_TEST_PAUSE: 'started' }, when: /paused at started/, act: signal });
      expect(r.code).toBe(exit);
      expect(r.stderr).toContain(`interrupted by ${signal}: nothing was written`);
      expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
      const last = r.auditSteps.at(-1)!;
      expect(last.step).toBe('end');
      expect(last.details).toMatchObject({ exit_code: exit, interrupted_by: signal });
    }, 60_000);
  }
});

describe('Ctrl-C around the work', () => {
  it('during a long synchronous plan: delivered when the work yields — exit 130 and the line saying so', async () => {
    const r = await cli(['plan', vendorDoc('digitalocean.yaml')], { afterMs: 400, act: 'SIGINT' });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted by SIGINT: /);
    expect(r.auditSteps.at(-1)?.details).toMatchObject({ interrupted_by: 'SIGINT' });
  }, 60_000);

  it('after the command has finished: the command\'s own exit code, no "interrupted" line', async () => {
    const r = await cli(['plan', EXAMPLE, '--json'], { env: { FETCHWRIGHT_TEST_PAUSE: 'finished' }, when: /paused at finished/, act: 'SIGINT' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/interrupted/);
    expect(JSON.parse(r.stdout).vendor).toBe('jupyterhub');
    expect(r.auditSteps.at(-1)).toMatchObject({ step: 'end', details: { exit_code: 0 } });
  }, 60_000);
});

describe('mock', () => {
  it('Ctrl-C is its normal stop (exit 0); an HTTP Basic credential is also shown as the user:password pair for curl -u', async () => {
    const r = await cli(['mock', vendorDoc('twilio.json'), '--port', '0'], { when: /press Ctrl-C to stop/, act: 'SIGINT' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('stopped by SIGINT: served 0 requests');
    const basic = /Authorization: Basic (\S+)\n\s+\(curl -u '([^']+)'\)/.exec(r.stdout);
    expect(basic, r.stdout).not.toBeNull();
    expect(Buffer.from(basic![1]!, 'base64').toString('utf8')).toBe(basic![2]);
  }, 60_000);
});

describe('mock --observed', () => {
  /** Starts `fetchwright mock` on a free port, GETs `apiPath` with the mock's placeholder token, stops it. */
  async function served(args: string[], apiPath: string): Promise<unknown> {
    const child = spawn(process.execPath, [BIN, 'mock', vendorDoc('jupyterhub'), '--port', '0', '--no-faults', ...args], { cwd: REPO_ROOT, env: { ...process.env, FETCHWRIGHT_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'fetchwright-mock-')) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          const m = /mock of \S+ at (http:\/\/127\.0\.0\.1:\d+\S*)/.exec(stdout);
          if (m && /press Ctrl-C to stop/.test(stdout + stderr)) resolve(m[1]!);
        });
        void exited.then(() => reject(new Error(`mock ended: ${stderr}`)));
      });
      const token = /Authorization: (token \S+)/.exec(stdout)![1]!;
      const response = await fetch(`${url}${apiPath}`, { headers: { authorization: token } });
      expect(response.status, stderr).toBe(200);
      return await response.json();
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  }

  it('serves the shapes a live run observed (services as a map keyed by name), as the proof of generate --observed does; without it, the docs\' array', async () => {
    const shapes = path.join(REPO_ROOT, 'test/fixtures/observed/jupyterhub-3.0.0.shapes.json');
    const observed = (await served(['--observed', shapes], '/services')) as Record<string, { name: string }>;
    expect(Array.isArray(observed)).toBe(false);
    expect(Object.keys(observed).length).toBeGreaterThan(0);
    for (const [key, record] of Object.entries(observed)) expect(record.name).toBe(key);
    expect(Array.isArray(await served([], '/services'))).toBe(true);
  }, 60_000);
});

describe('Ctrl-C during pr', () => {
  it('after the change record is written and before the commit: the connector folder is put back as it was, exit 130', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-pr-sigint-'));
    const out = path.join(root, 'out');
    const io = captureIo();
    expect(await main(['generate', EXAMPLE, '--out', out], io, { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state') }), io.err()).toBe(0);
    const connector = path.join(out, 'jupyterhub');
    const before = readdirSync(connector).sort();
    const repo = path.join(root, 'repo');
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.test', ...a], { cwd: repo, encoding: 'utf8' });
    writeFileSync(path.join(repo, 'README.md'), '# r\n');
    git('add', '.');
    git('commit', '-qm', 'init');
    const r = await cli(['pr', connector, '--repo', repo], { env: { FETCHWRIGHT_TEST_PAUSE: 'pr-written', FETCHWRIGHT_SIGNING_KEY: '', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.test' }, when: /paused at pr-written/, act: 'SIGINT' });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain(`interrupted by SIGINT: the connector folder ${connector} is as it was`);
    expect(readdirSync(connector).sort()).toEqual(before);
    expect(before).not.toContain('change-record.json');
  }, 60_000);
});

describe('a closed pipe', () => {
  it('plan --json | head -c 10: a quiet exit 141, no stack trace', async () => {
    // Through a real shell pipe, as a person types it; PIPESTATUS[0] is fetchwright's own exit code.
    const script = `"$0" "$1" plan "$2" --json | head -c 10 >/dev/null; echo "exit=\${PIPESTATUS[0]}" >&2`;
    const child = spawn('bash', ['-c', script, process.execPath, BIN, vendorDoc('okta.yaml')], { cwd: REPO_ROOT, env: { ...process.env, FETCHWRIGHT_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'fetchwright-pipe-')) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    await new Promise((resolve) => child.on('close', resolve));
    expect(stderr.trim()).toBe('exit=141');
  }, 60_000);
});

describe('a broken install', () => {
  it('a package without its compiled files: one message naming what is missing and what to do, exit 1, no stack trace', async () => {
    const bin = path.join(mkdtempSync(path.join(os.tmpdir(), 'fetchwright-broken-')), 'node_modules', 'fetchwright', 'bin');
    mkdirSync(bin, { recursive: true });
    for (const f of ['fetchwright.js', 'preflight.js']) copyFileSync(path.join(REPO_ROOT, 'bin', f), path.join(bin, f));
    const child = spawn(process.execPath, [path.join(bin, 'fetchwright.js'), '--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error\[internal\]: fetchwright's CLI could not be loaded from .*dist\/agent\/cli\/main\.js \(ERR_MODULE_NOT_FOUND\)/);
    expect(stderr).toMatch(/hint: .*npm pack/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a closed stderr', () => {
  it('generate 2>&1 | head -1: the connector is still written whole', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-stderr-'));
    const script = `"$0" "$1" generate "$2" --out "$3" 2>&1 | head -1 >/dev/null; echo "exit=\${PIPESTATUS[0]}" >&2`;
    const child = spawn('bash', ['-c', script, process.execPath, BIN, EXAMPLE, out], { cwd: REPO_ROOT, env: { ...process.env, FETCHWRIGHT_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'fetchwright-stderr-state-')) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    await new Promise((resolve) => child.on('close', resolve));
    // 141: the pipe closed under the last lines of output, after the connector was written.
    expect(stderr.trim()).toBe('exit=141');
    expect(readdirSync(path.join(out, 'jupyterhub'))).toContain('scorecard.json');
  }, 60_000);
});

