import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTOR_FILES } from '../../agent/generate/connector-dir.ts';
import { EXIT_NODE_TOO_OLD, MIN_NODE_MAJOR, nodeTooOldMessage } from '../../bin/preflight.js';
import { loadTemplates, TEMPLATES } from '../../templates/registry.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';
import { consumerLockfile, type Lockfile } from './consumer-lockfile.ts';
import { findOldNode } from './old-node.ts';

/**
 * fetchwright as a package (issue 8): `npm pack` builds a tarball that installs into a fresh
 * folder, and its `fetchwright` bin runs there — from a folder outside the checkout, on the
 * compiled code, with the approved template sources it hashes. The install is offline: the
 * tarball's dependencies come from npm's cache, at the versions of the checkout's lockfile.
 */

const SLOW = 180_000;
/** What the copy of the checkout that is packed leaves out: what .gitignore keeps out of a clone. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'scratch', 'connectors', 'out', '.fetchwright']);

/** The test's environment for npm and the bin: the project's Node 24 first on PATH, no npm_* variables of an outer `npm test`. */
function env(): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...clean, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` };
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: env(), encoding: 'utf8', timeout: SLOW - 10_000 });
}

function mustSucceed(what: string, r: SpawnSyncReturns<string>): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status} (${r.error?.message ?? r.signal ?? ''}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

interface PackReport {
  filename: string;
  integrity: string;
  files: Array<{ path: string }>;
}

let work: string;
let pack: PackReport;
/** The fresh project the tarball is installed into. */
let consumer: string;
/** `<consumer>/node_modules/.bin/fetchwright`, as npm linked it. */
let bin: string;
/** A folder outside the checkout to run the bin from. */
let elsewhere: string;
const timings: string[] = [];
/** What stderr must not show: Node's warnings (the bin hides ExperimentalWarning), a stack, an error. */
const QUIET_BREACH = /Warning|Error|error\[|\n\s+at /;

function timed<T>(label: string, f: () => T): T {
  const start = performance.now();
  try {
    return f();
  } finally {
    timings.push(`${label} ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
}

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-package-'));
  // Packed from a copy: `npm pack` rebuilds dist/, which must not race another run in the checkout.
  const source = path.join(work, 'checkout');
  cpSync(REPO_ROOT, source, { recursive: true, filter: (from) => !NOT_COPIED.has(path.relative(REPO_ROOT, from).split(path.sep)[0]!) });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(source, 'node_modules'));
  const packed = timed('npm pack (with the build)', () => mustSucceed('npm pack', run('npm', ['pack', '--json', '--pack-destination', work], source)));
  pack = (JSON.parse(packed) as PackReport[])[0]!;

  consumer = path.join(work, 'consumer');
  mkdirSync(consumer);
  cpSync(path.join(work, pack.filename), path.join(consumer, pack.filename));
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    dependencies: Record<string, string>;
    bin: Record<string, string>;
    engines: Record<string, string>;
  };
  const checkoutLock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  const registry = mustSucceed('npm config get registry', run('npm', ['config', 'get', 'registry'], consumer)).trim();
  const lock = consumerLockfile(checkoutLock, { ...manifest, tarball: pack.filename, integrity: pack.integrity }, registry);
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: lock.name, private: true, dependencies: lock.packages['']!.dependencies }, null, 2));
  writeFileSync(path.join(consumer, 'package-lock.json'), JSON.stringify(lock, null, 2));
  timed('npm ci --offline of the tarball', () => mustSucceed('npm ci', run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], consumer)));
  bin = path.join(consumer, 'node_modules', '.bin', 'fetchwright');
  elsewhere = path.join(work, 'elsewhere');
  mkdirSync(elsewhere);
}, SLOW);

afterAll(() => {
  console.log(`package test: ${timings.join(', ')}`);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships the bin, the compiled CLI, every approved template source and the example docs — no tests, no CLI sources', () => {
    const files = pack.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'bin/fetchwright.js', 'bin/preflight.js', 'dist/agent/cli/main.js', 'dist/sandbox/sandbox-process-main.js']));
    expect(files).toEqual(expect.arrayContaining(TEMPLATES.map((t) => `templates/${t.file}`)));
    expect(files).toEqual(expect.arrayContaining(['examples/jupyterhub/jupyterhub-3.0.0-rest-api.yml', 'examples/jupyterhub/SOURCE']));
    expect(files.filter((f) => /\.(test|fixture)\.|^test\/|^bench\/|^agent\/|^bin\/fetchwright\.ts$/.test(f))).toEqual([]);
  });
});

describe('the installed fetchwright bin, run from a folder outside the checkout', () => {
  it('plans the example docs', () => {
    const r = run(bin, ['plan', path.join(REPO_ROOT, 'examples/jupyterhub'), '--json'], elsewhere);
    expect(r.stderr).not.toMatch(QUIET_BREACH);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ vendor: 'jupyterhub' });
  });

  it('generates and proves a connector from the example it ships, with the same template hashes as the checkout', () => {
    const docs = path.join(consumer, 'node_modules', 'fetchwright', 'examples', 'jupyterhub');
    const out = path.join(work, 'connectors');
    const r = run(bin, ['generate', docs, '--out', out], elsewhere);
    expect(r.stderr).not.toMatch(QUIET_BREACH);
    expect(r.stdout).toContain('jupyterhub: PASS');
    expect(r.status).toBe(0);
    for (const file of CONNECTOR_FILES) expect(existsSync(path.join(out, 'jupyterhub', file)), file).toBe(true);
    const fetcher = readFileSync(path.join(out, 'jupyterhub', 'fetcher.ts'), 'utf8');
    for (const t of loadTemplates()) expect(fetcher, t.id).toContain(t.sha256);
  });

  it('finds its own package.json from the compiled code (for --version)', () => {
    const installed = realpathSync(path.join(consumer, 'node_modules', 'fetchwright'));
    const script = `import(${JSON.stringify(path.join(installed, 'dist', 'agent', 'package-info.js'))}).then((m) => process.stdout.write(JSON.stringify([m.packageRoot(), m.packageVersion()])))`;
    const r = run(process.execPath, ['-e', script], elsewhere);
    expect(r.stderr).toBe('');
    const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(JSON.parse(r.stdout)).toEqual([installed, version]);
  });
});

describe('the installed bin on a Node older than 24', () => {
  const old = findOldNode(MIN_NODE_MAJOR);
  const title = old
    ? `Node ${old.version} gets the message and exit ${EXIT_NODE_TOO_OLD}, not a stack trace`
    : 'skipped: no Node older than 24 on PATH (outside node_modules/.bin) to run it with';
  (old ? it : it.skip)(title, () => {
    const r = run(old!.bin, [bin, 'plan', path.join(REPO_ROOT, 'examples/jupyterhub')], elsewhere);
    expect(r.stderr).toBe(nodeTooOldMessage(old!.version, old!.execPath));
    expect(r.stdout).toBe('');
    expect(r.status).toBe(EXIT_NODE_TOO_OLD);
  });
});
