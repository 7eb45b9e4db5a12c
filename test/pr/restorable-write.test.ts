import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFetchwrightError } from '../../agent/errors.ts';
import { prepareRestorableWrite } from '../../agent/pr/restorable-write.ts';

/**
 * pr's way back (agent/pr/restorable-write.ts): whatever stops a pr between or after its two writes
 * (a failed write, a failed commit, Ctrl-C), the connector folder is left byte for byte as it was,
 * with no temporary file in it.
 */

/** Every entry of `dir`: its name, kind, mode and bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const st = lstatSync(path.join(dir, name));
    out[name] = `${st.isFile() ? 'file' : st.isSymbolicLink() ? 'link' : 'other'} ${(st.mode & 0o7777).toString(8)} ${st.isFile() ? readFileSync(path.join(dir, name), 'base64') : ''}`;
  }
  return out;
}

/** A connector folder with the user's own PULL_REQUEST.md (mode 0660) and no change record yet. */
function folder(): { dir: string; pr: string; record: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-restorable-'));
  writeFileSync(path.join(dir, 'fetcher.ts'), 'export const x = 1;\n');
  const pr = path.join(dir, 'PULL_REQUEST.md');
  writeFileSync(pr, 'my own notes — not fetchwright’s\n');
  chmodSync(pr, 0o660); // group-writable: a umask of 022 would take that away
  return { dir, pr, record: path.join(dir, 'change-record.json') };
}

describe('a restorable write', () => {
  it('stopped between the two writes (a signal handler calling restoreSync): the folder is byte-identical, no .tmp left', () => {
    const { dir, pr, record } = folder();
    const before = snapshot(dir);
    const written = prepareRestorableWrite([pr, record]);
    written.write(pr, '## the generated body\n');
    expect(readFileSync(pr, 'utf8')).toBe('## the generated body\n');
    // What the CLI's SIGINT handler does at this point, before exiting.
    expect(written.restoreSync()).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('the second write fails: both are taken back, the error is output-unwritable (exit 10) naming the file', async () => {
    const { dir, pr } = folder();
    const before = snapshot(dir);
    const unwritable = path.join(dir, 'no-such-folder', 'change-record.json');
    const written = prepareRestorableWrite([pr, unwritable]);
    written.write(pr, '## the generated body\n');
    let error: unknown;
    try {
      written.write(unwritable, '{}\n');
    } catch (e) {
      error = e;
    }
    expect(isFetchwrightError(error) && error.code).toBe('output-unwritable');
    expect(isFetchwrightError(error) && error.exitCode).toBe(10);
    expect((error as Error).message).toBe(`cannot write ${unwritable} (ENOENT)`);
    expect(await written.restore()).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a temporary file this process left (a write cut short) is removed by the restore, so the next generate does not find a stranger', () => {
    const { dir, pr, record } = folder();
    const before = snapshot(dir);
    const written = prepareRestorableWrite([pr, record]);
    written.write(pr, 'body\n');
    // As if the process had been stopped inside the record's write: its temporary file is there.
    writeFileSync(`${record}.${process.pid}.tmp`, '{"half":');
    written.restoreSync();
    expect(snapshot(dir)).toEqual(before);
  });

  it('a pipe or a link planted at the temporary name is neither waited on nor followed', () => {
    const { dir, pr, record } = folder();
    const victim = path.join(mkdtempSync(path.join(os.tmpdir(), 'fetchwright-victim-')), 'victim.txt');
    writeFileSync(victim, 'precious\n');
    execFileSync('mkfifo', [`${record}.${process.pid}.tmp`]);
    symlinkSync(victim, `${pr}.${process.pid}.tmp`);
    const written = prepareRestorableWrite([pr, record]);
    written.write(pr, 'body\n');
    written.write(record, '{}\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(pr).isFile()).toBe(true);
    expect(readFileSync(record, 'utf8')).toBe('{}\n');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps a replaced file’s mode, and puts it back with its old bytes and mode', () => {
    const { dir, pr, record } = folder();
    const before = snapshot(dir);
    const written = prepareRestorableWrite([pr, record]);
    written.write(pr, 'body\n');
    written.write(record, '{}\n');
    expect(lstatSync(pr).mode & 0o777).toBe(0o660);
    written.restoreSync();
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(record)).toBe(false);
  });

  it('refuses, before writing anything, a PULL_REQUEST.md that is a symbolic link: exit 10 saying so, the link and its target untouched', () => {
    const { dir, pr, record } = folder();
    const target = path.join(mkdtempSync(path.join(os.tmpdir(), 'fetchwright-target-')), 'notes.md');
    writeFileSync(target, 'elsewhere\n');
    rmSync(pr);
    symlinkSync(target, pr);
    const before = snapshot(dir);
    let error: unknown;
    try {
      prepareRestorableWrite([pr, record]);
    } catch (e) {
      error = e;
    }
    expect(isFetchwrightError(error) && error.exitCode).toBe(10);
    expect((error as Error).message).toBe(`cannot write ${pr}: it is a symbolic link, and fetchwright only replaces regular files there`);
    expect(snapshot(dir)).toEqual(before);
    expect(readFileSync(target, 'utf8')).toBe('elsewhere\n');
  });
});
