import { spawnSync } from 'node:child_process';
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConnectorDir, userFiles } from './connector-dir.ts';

/** readConnectorDir's errors are the same for the same folder, every run: checked first, all missing files named in one order. */

async function folder(files: string[] = []): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-conndir-'));
  for (const f of files) await writeFile(path.join(dir, f), '{}');
  return dir;
}

async function failure(dir: string): Promise<{ code: string; exitCode: number; message: string; hint?: string }> {
  try {
    await readConnectorDir(dir);
  } catch (e) {
    const { code, exitCode, message, details } = e as { code: string; exitCode: number; message: string; details: { hint?: string } };
    return { code, exitCode, message, ...(details.hint ? { hint: details.hint } : {}) };
  }
  throw new Error('readConnectorDir did not fail');
}

describe('readConnectorDir: what a folder that is not a connector is told', () => {
  it('an empty folder: every missing file, in a fixed order, the same on every run', async () => {
    const dir = await folder();
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add((await failure(dir)).message);
    expect([...seen]).toEqual([`plan.json, api-model.json, scorecard.json and fetcher.ts are missing from ${dir}`]);
    expect((await failure(dir)).exitCode).toBe(12);
  });

  it('some files present: only the missing ones, still in order', async () => {
    const dir = await folder(['api-model.json', 'fetcher.ts']);
    expect((await failure(dir)).message).toBe(`plan.json and scorecard.json are missing from ${dir}`);
    const one = await folder(['plan.json', 'api-model.json', 'scorecard.json']);
    expect((await failure(one)).message).toBe(`fetcher.ts is missing from ${one}`);
  });

  it('all files present but plan.json is not a plan: that file is named (files are read in order, never raced)', async () => {
    const dir = await folder(['plan.json', 'api-model.json', 'scorecard.json', 'fetcher.ts']);
    const f = await failure(dir);
    expect(f.code).toBe('invalid-connector');
    expect(f.message).toBe('plan.json is not as fetchwright wrote it: schema_version is missing (it must be 1)');
    expect(f.hint).toMatch(/Regenerate the connector/);
  });

  it('a folder that does not exist: "no such folder", exit 3', async () => {
    const dir = path.join(await folder(), 'nope');
    const f = await failure(dir);
    expect(f).toMatchObject({ code: 'input-not-found', exitCode: 3, message: `no such folder: ${dir}` });
  });

  it('a connector file that is a symbolic link (VALIDATION.md to a private key): refused, the link never followed', async () => {
    const outside = await folder(['id_ed25519']);
    const dir = await folder(['plan.json', 'api-model.json', 'scorecard.json', 'fetcher.ts']);
    await symlink(path.join(outside, 'id_ed25519'), path.join(dir, 'VALIDATION.md'));
    expect(await failure(dir)).toMatchObject({ code: 'invalid-connector', exitCode: 12, message: `VALIDATION.md in ${dir} is a symbolic link: a connector folder holds regular files only` });
  });

  it('a file instead of a folder: said so, exit 12', async () => {
    const dir = await folder(['plan.json']);
    const file = path.join(dir, 'plan.json');
    expect(await failure(file)).toMatchObject({ code: 'invalid-connector', exitCode: 12, message: `${file} is a file, not a connector folder` });
  });
});

describe('userFiles: a pr\'s temporary files', () => {
  it('a dead pr\'s change-record.json.<pid>.tmp is fetchwright\'s leftover; a live one\'s, and any other name, are not ignored', async () => {
    const dir = await folder(['plan.json']);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    await writeFile(path.join(dir, `change-record.json.${dead}.tmp`), '{');
    await writeFile(path.join(dir, `PULL_REQUEST.md.${process.pid}.tmp`), '#');
    await writeFile(path.join(dir, `notes.${dead}.tmp`), 'mine');
    expect(userFiles(dir)).toEqual([`PULL_REQUEST.md.${process.pid}.tmp`, `notes.${dead}.tmp`].sort());
  });
});
