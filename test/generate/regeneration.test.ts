import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { CONNECTOR_FILES } from '../../agent/generate/connector-dir.ts';
import { shellStatus } from '../helpers/exit-status.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

/**
 * Regeneration keeps what was proved (issue 7, part 5), through the real CLI in a child process:
 * a failing proof never replaces a passing connector, an interrupted run leaves one whole connector
 * and no staging or backup folder, a dead run's leftovers are recovered, and a user's own files
 * are not deleted without --force.
 */

const JUPYTERHUB = path.join(REPO_ROOT, 'examples/jupyterhub');
const BIN = path.join(REPO_ROOT, 'bin/fetchwright.js');
const SPEC = 'jupyterhub-3.0.0-rest-api.yml';
const SLOW = 120_000;

const temps: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), `fetchwright-regen-${prefix}-`));
  temps.push(d);
  return d;
}
afterAll(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Interrupt {
  /** Send the signal once stderr or stdout matches this. */
  when: RegExp;
  signal: NodeJS.Signals;
}

/**
 * Runs `fetchwright <args>` as its own process group, the way a terminal runs it, with the
 * project's Node. With `interrupt`, the signal goes to the whole group — what Ctrl-C does — once
 * the output matches.
 */
function cli(args: string[], options: { env?: Record<string, string>; interrupt?: Interrupt } = {}): Promise<Run> {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--disable-warning=ExperimentalWarning', BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let sent = false;
  const watch = () => {
    if (options.interrupt && !sent && options.interrupt.when.test(stderr + stdout)) {
      sent = true;
      process.kill(-child.pid!, options.interrupt.signal);
    }
  };
  child.stdout.setEncoding('utf8').on('data', (s: string) => ((stdout += s), watch()));
  child.stderr.setEncoding('utf8').on('data', (s: string) => ((stderr += s), watch()));
  const guard = setTimeout(() => child.kill('SIGKILL'), SLOW - 5_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code: shellStatus(code, signal), signal, stdout, stderr });
    });
  });
}

/** A copy of the JupyterHub docs whose proof fails: the user id field `name` may take one value only, so every seeded user collides. */
function failingDocs(): string {
  const dir = tempDir('docs');
  for (const f of readdirSync(JUPYTERHUB)) cpSync(path.join(JUPYTERHUB, f), path.join(dir, f));
  const spec = parseYaml(readFileSync(path.join(JUPYTERHUB, SPEC), 'utf8')) as { components: { schemas: { User: { properties: { name: Record<string, unknown> } } } } };
  spec.components.schemas.User.properties.name.enum = ['alice'];
  writeFileSync(path.join(dir, SPEC), toYaml(spec));
  return dir;
}

/** Every file of a folder, by name (recursively, `/`-separated), as bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'), readFileSync(path.join(entry.parentPath, entry.name)));
  }
  return files;
}

/** The names that differ between a snapshot and a folder now: changed bytes, missing, or new. [] when byte-identical. */
function changedFiles(before: Map<string, Buffer>, dir: string): string[] {
  const now = existsSync(dir) ? snapshot(dir) : new Map<string, Buffer>();
  const names = new Set([...before.keys(), ...now.keys()]);
  return [...names].filter((n) => !before.get(n)?.equals(now.get(n) ?? Buffer.alloc(0)) || !now.has(n) || !before.has(n)).sort();
}

/** Staging and backup folders of any process in `out`. */
function leftovers(out: string): string[] {
  return existsSync(out) ? readdirSync(out).filter((n) => /\.(tmp|old)-/.test(n)) : [];
}

/** The connector files missing from `dir` ([] when it is a whole connector). */
function missingFiles(dir: string): string[] {
  return CONNECTOR_FILES.filter((f) => !existsSync(path.join(dir, f)));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function verdictIn(dir: string): string {
  return (JSON.parse(readFileSync(path.join(dir, 'scorecard.json'), 'utf8')) as { verdict: string }).verdict;
}

/** The seed a connector was proved with (the scorecard's `hashes.seed`): tells one run's connector from another's. */
function seedIn(dir: string): number {
  return Number((JSON.parse(readFileSync(path.join(dir, 'scorecard.json'), 'utf8')) as { hashes: { seed: unknown } }).hashes.seed);
}

/** The pid of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

let passing: string;
let failing: string;

beforeAll(async () => {
  // One passing JupyterHub connector (seed 1), copied into each test's output folder.
  passing = tempDir('golden');
  const r = await cli(['generate', JUPYTERHUB, '--out', passing]);
  expect(r.code, r.stderr).toBe(0);
  failing = failingDocs();
}, SLOW);

/** A fresh output folder holding the passing JupyterHub connector. */
function outWithPassing(): string {
  const out = tempDir('out');
  cpSync(path.join(passing, 'jupyterhub'), path.join(out, 'jupyterhub'), { recursive: true });
  return out;
}

describe('regeneration never replaces a passing connector with a failing one', () => {
  it('a failing proof leaves the passing connector byte-identical and writes the failure to <vendor>.failed/ (exit 9)', async () => {
    const out = outWithPassing();
    const target = path.join(out, 'jupyterhub');
    const before = snapshot(target);
    const r = await cli(['generate', failing, '--out', out, '--max-attempts', '1']);
    expect(r.code, r.stderr).toBe(9);
    expect(changedFiles(before, target)).toEqual([]);
    expect(verdictIn(path.join(out, 'jupyterhub.failed'))).toBe('fail');
    expect(missingFiles(path.join(out, 'jupyterhub.failed'))).toEqual([]);
    const kept = new RegExp(`kept the passing connector in ${escape(target)}: .* written to ${escape(target)}\\.failed`);
    expect(r.stderr).toMatch(kept);
    expect(r.stdout).toMatch(kept);
    expect(r.stdout).toMatch(/jupyterhub: FAIL/);
    expect(leftovers(out)).toEqual([]);

    // Again, with --json and another seed: the older .failed is replaced, the passing one still kept.
    const j = await cli(['generate', failing, '--out', out, '--max-attempts', '1', '--seed', '2', '--json']);
    expect(j.code, j.stderr).toBe(9);
    const json = JSON.parse(j.stdout) as { verdict: string; kept_previous: boolean; failed_dir: string; dir: string };
    expect(json).toMatchObject({ verdict: 'fail', kept_previous: true, failed_dir: `${target}.failed`, dir: `${target}.failed` });
    expect(seedIn(`${target}.failed`)).toBe(2);
    expect(changedFiles(before, target)).toEqual([]);
    expect(leftovers(out)).toEqual([]);
  }, SLOW);

  it('a passing regeneration replaces the connector and removes a stale <vendor>.failed/', async () => {
    const out = outWithPassing();
    const target = path.join(out, 'jupyterhub');
    expect((await cli(['generate', failing, '--out', out, '--max-attempts', '1'])).code).toBe(9);
    expect(existsSync(`${target}.failed`)).toBe(true);
    const r = await cli(['generate', JUPYTERHUB, '--out', out, '--seed', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'pass', kept_previous: false, failed_dir: null, dir: target });
    expect(existsSync(`${target}.failed`)).toBe(false);
    expect(seedIn(target)).toBe(2);
    expect(missingFiles(target)).toEqual([]);
    expect(leftovers(out)).toEqual([]);
  }, SLOW);

  it('with no passing connector to keep, a failing one is written to <vendor>/ as before (exit 9)', async () => {
    const out = tempDir('out');
    const r = await cli(['generate', failing, '--out', out, '--max-attempts', '1', '--json']);
    expect(r.code, r.stderr).toBe(9);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'fail', kept_previous: false, failed_dir: null });
    expect(verdictIn(path.join(out, 'jupyterhub'))).toBe('fail');
    expect(existsSync(path.join(out, 'jupyterhub.failed'))).toBe(false);
    // A failing connector is not "what was proved": the next failure replaces it too.
    expect((await cli(['generate', failing, '--out', out, '--max-attempts', '1', '--seed', '2'])).code).toBe(9);
    expect(seedIn(path.join(out, 'jupyterhub'))).toBe(2);
    expect(existsSync(path.join(out, 'jupyterhub.failed'))).toBe(false);
    expect(leftovers(out)).toEqual([]);
  }, SLOW);
});

describe("a user's own files are not removed without --force", () => {
  it('refuses before any work (exit 25), naming the files; --force replaces the folder', async () => {
    const out = outWithPassing();
    const target = path.join(out, 'jupyterhub');
    writeFileSync(path.join(target, 'notes.md'), 'my notes\n');
    const before = snapshot(target);
    const r = await cli(['generate', JUPYTERHUB, '--out', out, '--seed', '2']);
    expect(r.code, r.stderr).toBe(25);
    expect(r.stderr).toMatch(/error\[connector-dir-has-user-files\]: .*jupyterhub holds files fetchwright did not write: notes\.md/);
    expect(r.stderr).toMatch(/--force/);
    expect(r.stderr).not.toMatch(/attempt 1/); // refused before the proof
    expect(changedFiles(before, target)).toEqual([]);

    const forced = await cli(['generate', JUPYTERHUB, '--out', out, '--seed', '2', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(existsSync(path.join(target, 'notes.md'))).toBe(false);
    expect(seedIn(target)).toBe(2);
    expect(leftovers(out)).toEqual([]);
  }, SLOW);

  it("the files `fetchwright pr` adds are fetchwright's: regenerating over them needs no --force", async () => {
    const out = outWithPassing();
    const target = path.join(out, 'jupyterhub');
    writeFileSync(path.join(target, 'change-record.json'), '{}\n');
    writeFileSync(path.join(target, 'PULL_REQUEST.md'), 'body\n');
    const r = await cli(['generate', JUPYTERHUB, '--out', out, '--seed', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(target).sort()).toEqual([...CONNECTOR_FILES].sort());
  }, SLOW);

  it('a connector path that is a file is exit 10, before any work', async () => {
    const out = tempDir('out');
    writeFileSync(path.join(out, 'jupyterhub'), 'not a folder\n');
    const r = await cli(['generate', JUPYTERHUB, '--out', out]);
    expect(r.code, r.stderr).toBe(10);
    expect(r.stderr).toMatch(/error\[output-unwritable\]: cannot write .*jupyterhub: it exists and is not a folder/);
    expect(r.stderr).not.toMatch(/attempt 1/);
    expect(readFileSync(path.join(out, 'jupyterhub'), 'utf8')).toBe('not a folder\n');
  }, SLOW);

  it('an output folder that is a symbolic link to a folder is written through (a connector folder that is a link is exit 10)', async () => {
    const real = tempDir('real');
    const out = path.join(tempDir('link'), 'connectors');
    symlinkSync(real, out);
    const r = await cli(['generate', JUPYTERHUB, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(missingFiles(path.join(real, 'jupyterhub'))).toEqual([]);
    const linked = tempDir('out');
    symlinkSync(path.join(real, 'jupyterhub'), path.join(linked, 'jupyterhub'));
    const refused = await cli(['generate', JUPYTERHUB, '--out', linked]);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toMatch(/cannot write .*jupyterhub: it is a symbolic link/);
  }, SLOW);
});

describe('an interrupted run leaves one whole connector and nothing else', () => {
  it('Ctrl-C during the first attempt of a first run: nothing written, exit 130', async () => {
    const out = tempDir('out');
    const r = await cli(['generate', JUPYTERHUB, '--out', out], { interrupt: { when: /attempt 1: proving/, signal: 'SIGINT' } });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted by SIGINT: nothing was written/);
    expect(existsSync(path.join(out, 'jupyterhub'))).toBe(false);
    expect(leftovers(out)).toEqual([]);
  }, SLOW);

  it('Ctrl-C right after "attempt 1: pass", before the write: the previous connector stays byte-identical, exit 130', async () => {
    const out = outWithPassing();
    const target = path.join(out, 'jupyterhub');
    const before = snapshot(target);
    const r = await cli(['generate', JUPYTERHUB, '--out', out, '--seed', '2'], { env: { FETCHWRIGHT_TEST_PAUSE: 'proved' }, interrupt: { when: /attempt 1: pass/, signal: 'SIGINT' } });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted by SIGINT: nothing was written: .*jupyterhub holds the previous connector, unchanged/);
    expect(changedFiles(before, target)).toEqual([]);
    expect(leftovers(out)).toEqual([]);
  }, SLOW);

  it('SIGTERM after the write: the new connector is whole, exit 143', async () => {
    const out = outWithPassing();
    const target = path.join(out, 'jupyterhub');
    const r = await cli(['generate', JUPYTERHUB, '--out', out, '--seed', '2'], { env: { FETCHWRIGHT_TEST_PAUSE: 'written' }, interrupt: { when: /paused at written/, signal: 'SIGTERM' } });
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(/interrupted by SIGTERM: this run's connector is whole in .*jupyterhub/);
    expect(missingFiles(target)).toEqual([]);
    expect(seedIn(target)).toBe(2);
    expect(leftovers(out)).toEqual([]);
  }, SLOW);

  it('Ctrl-C right after "attempt 1: pass" with no pause (a real race): one whole connector, old or new, no leftovers', async () => {
    const out = outWithPassing();
    const target = path.join(out, 'jupyterhub');
    const before = snapshot(target);
    const r = await cli(['generate', JUPYTERHUB, '--out', out, '--seed', '2'], { interrupt: { when: /attempt 1: pass/, signal: 'SIGINT' } });
    // 0 only when the run finished before the signal arrived.
    expect([0, 130], r.stderr).toContain(r.code);
    expect(missingFiles(target)).toEqual([]);
    if (seedIn(target) === 1) expect(changedFiles(before, target)).toEqual([]);
    else expect(seedIn(target)).toBe(2);
    expect(leftovers(out)).toEqual([]);
  }, SLOW);
});

describe("the leftovers of a run that died without cleaning up (SIGKILL, power loss)", () => {
  it("are recovered at the next write: the backup restored when the connector is missing, the staging folder removed", async () => {
    const out = outWithPassing();
    const target = path.join(out, 'jupyterhub');
    const before = snapshot(target);
    const pid = deadPid();
    // Died between its two renames: the connector moved to its backup, a staging folder half-written.
    const madeAt = Date.now() - 60_000;
    renameSync(target, `${target}.old-${pid}-${madeAt}`);
    mkdirSync(`${target}.tmp-${pid}-${madeAt}`);
    writeFileSync(`${target}.tmp-${pid}-${madeAt}/fetcher.ts`, '// half');
    const r = await cli(['generate', failing, '--out', out, '--max-attempts', '1']);
    expect(r.stderr).toMatch(new RegExp(`restored ${escape(target)} from .*jupyterhub\\.old-${pid}-\\d+, a backup left by process ${pid}, which is no longer running`));
    expect(r.stderr).toMatch(/removed .*jupyterhub\.tmp-\d+-\d+, a staging folder left by process \d+/);
    // The restored connector passed, so this run's failure went beside it.
    expect(r.code, r.stderr).toBe(9);
    expect(changedFiles(before, target)).toEqual([]);
    expect(verdictIn(`${target}.failed`)).toBe('fail');
    expect(leftovers(out)).toEqual([]);
  }, SLOW);

  it("never touches a live process's leftovers or another vendor's; a pid reused by a younger process is not the owner", async () => {
    const out = outWithPassing();
    const target = path.join(out, 'jupyterhub');
    const dead = deadPid();
    const live = `jupyterhub.tmp-${process.pid}-${Date.now()}`; // this test's own process, alive and older than the folder
    const otherVendor = `okta.tmp-${dead}-${Date.now()}`;
    const staleBackup = `jupyterhub.old-${dead}-${Date.now()}`;
    const reusedPid = `jupyterhub.tmp-${process.pid}-1000`; // made in 1970: this process, started later, cannot own it
    for (const d of [live, otherVendor, staleBackup, reusedPid]) mkdirSync(path.join(out, d));
    const r = await cli(['generate', JUPYTERHUB, '--out', out, '--seed', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(leftovers(out).sort()).toEqual([live, otherVendor].sort());
    expect(r.stderr).toMatch(/removed .*jupyterhub\.old-\d+-\d+, a backup left by process \d+, which is no longer running \(jupyterhub is in place\)/);
    expect(seedIn(target)).toBe(2);
  }, SLOW);
});

describe('each check above can fail (negative controls on the helpers)', () => {
  it('the byte-identical check catches an overwritten fetcher.ts, a removed file and an added one', () => {
    const dir = tempDir('control');
    cpSync(path.join(passing, 'jupyterhub'), dir, { recursive: true });
    const before = snapshot(dir);
    expect(changedFiles(before, dir)).toEqual([]);
    writeFileSync(path.join(dir, 'fetcher.ts'), `${readFileSync(path.join(dir, 'fetcher.ts'), 'utf8')} `);
    expect(changedFiles(before, dir)).toEqual(['fetcher.ts']);
    rmSync(path.join(dir, 'plan.json'));
    writeFileSync(path.join(dir, 'extra.txt'), '');
    expect(changedFiles(before, dir)).toEqual(['extra.txt', 'fetcher.ts', 'plan.json']);
    expect(missingFiles(dir)).toEqual(['plan.json']);
  });

  it('the leftover check sees staging and backup folders; the seed check tells two runs apart', () => {
    const out = tempDir('control');
    mkdirSync(path.join(out, 'jupyterhub.tmp-1-2'));
    mkdirSync(path.join(out, 'jupyterhub.failed.old-1-2'));
    expect(leftovers(out).sort()).toEqual(['jupyterhub.failed.old-1-2', 'jupyterhub.tmp-1-2']);
    expect(seedIn(path.join(passing, 'jupyterhub'))).toBe(1);
  });
});
