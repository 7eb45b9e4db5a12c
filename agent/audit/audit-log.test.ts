import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, readFileSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FetchwrightError } from '../errors.ts';
import { GENESIS, lineHash } from './audit-chain.ts';
import { AuditEntry, AuditLine, AuditLog } from './audit-log.ts';
import { Redactor, redactorFromEnv } from './redact.ts';

const TOKEN = 'ghp_FAKEfetchwrightTOKEN0123456789abcdef';

async function tmpDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'fetchwright-audit-'));
}

function logIn(dir: string, redactor = new Redactor([])): AuditLog {
  return new AuditLog({ dir, command: 'plan', redactor });
}

/** The log's lines as bytes (without `\n`), as the chain hashes them. */
function rawLines(file: string): Buffer[] {
  const bytes = readFileSync(file);
  const out: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, start)) {
    out.push(bytes.subarray(start, i));
    start = i + 1;
  }
  return out;
}

/** Runs `record` and returns the FetchwrightError it throws (or fails the test). */
function refusal(log: AuditLog): FetchwrightError {
  try {
    log.record('start', 'ok');
  } catch (e) {
    expect(e).toBeInstanceOf(FetchwrightError);
    return e as FetchwrightError;
  }
  throw new Error('the append was not refused');
}

describe('audit log', () => {
  it('appends one redacted JSON line per step and never rewrites earlier lines', async () => {
    const dir = await tmpDir();
    const first = new AuditLog({ dir, command: 'generate', redactor: redactorFromEnv({ GITHUB_TOKEN: TOKEN }) });
    first.record('plan', 'ok', { plan_sha256: 'a'.repeat(64) }, { note: `token is ${TOKEN}` });
    const before = await readFile(first.file, 'utf8');
    const second = new AuditLog({ dir, command: 'pr', redactor: new Redactor([]) });
    second.record('push', 'fail', {}, { error: `https://x:${'s3cretPassw0rd'}@github.com/acme/c.git rejected` });
    const after = await readFile(first.file, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    const lines = after.trim().split('\n').map((l) => AuditEntry.parse(JSON.parse(l)));
    expect(lines.map((l) => `${l.command}:${l.step}:${l.outcome}`)).toEqual(['generate:plan:ok', 'pr:push:fail']);
    expect(lines[0]!.run_id).not.toBe(lines[1]!.run_id);
    expect(lines[0]!.actor.host).toBe(os.hostname());
    expect(after).not.toContain(TOKEN);
    expect(after).not.toContain('s3cretPassw0rd');
    expect(after).toContain('[REDACTED]');
  });

  it('refuses to run, at once, when the state folder cannot be made', async () => {
    const dir = await tmpDir();
    await writeFile(path.join(dir, 'a-file'), '');
    for (const bad of [path.join(dir, 'a-file', 'state'), '/proc/fetchwright-cannot-write-here']) {
      expect(() => new AuditLog({ dir: bad, command: 'plan', redactor: new Redactor([]) })).toThrow(FetchwrightError);
    }
  });
});

describe('audit log: the hash chain', () => {
  it('line n carries seq n and the sha256 of line n-1 (line 1: the genesis value); audit.head holds the last', async () => {
    const dir = await tmpDir();
    for (let i = 0; i < 3; i++) logIn(dir).record(`step-${i}`, 'ok');
    const lines = rawLines(path.join(dir, 'audit.jsonl'));
    expect(lines).toHaveLength(3);
    lines.forEach((bytes, i) => {
      const line = AuditLine.parse(JSON.parse(bytes.toString('utf8')));
      expect(line.seq).toBe(i + 1);
      expect(line.prev).toBe(i === 0 ? GENESIS : lineHash(lines[i - 1]!));
    });
    expect(JSON.parse(readFileSync(path.join(dir, 'audit.head'), 'utf8'))).toEqual({ seq: 3, sha256: lineHash(lines[2]!) });
    expect(lstatSync(path.join(dir, 'audit.lock'), { throwIfNoEntry: false })).toBeUndefined();
  });

  it('a run that ended between its line and audit.head (the head one line behind) is chained on, and the head catches up', async () => {
    const dir = await tmpDir();
    const head = path.join(dir, 'audit.head');
    logIn(dir).record('a', 'ok');
    const headAfterOne = readFileSync(head);
    logIn(dir).record('b', 'ok');
    writeFileSync(head, headAfterOne);
    logIn(dir).record('c', 'ok');
    const lines = rawLines(path.join(dir, 'audit.jsonl'));
    expect(JSON.parse(readFileSync(head, 'utf8'))).toEqual({ seq: 3, sha256: lineHash(lines[2]!) });
  });

  it('reads only the tail, across read chunks: long last lines chain, and an edit deep inside the one before the last is refused', async () => {
    const dir = await tmpDir();
    const file = path.join(dir, 'audit.jsonl');
    for (let i = 0; i < 4; i++) logIn(dir).record(`s${i}`, 'ok', {}, { blob: 'x'.repeat(150_000 + i) });
    logIn(dir).record('after-long-lines', 'ok');
    expect(rawLines(file)).toHaveLength(5);
    logIn(dir).record('long-again', 'ok', {}, { blob: 'y'.repeat(150_000) });
    const bytes = readFileSync(file);
    bytes[bytes.lastIndexOf('xxxx') - 100_000] = 0x7a; // inside line 4, far from the end
    writeFileSync(file, bytes);
    logIn(dir).record('still-chains-on-line-6', 'ok'); // line 4 is not in the tail: only audit verify sees it
    const edited = readFileSync(file);
    edited[edited.lastIndexOf('yyyy') - 100_000] = 0x7a; // inside line 6, the one before the last
    writeFileSync(file, edited);
    expect(refusal(logIn(dir)).message).toMatch(/line 6 was edited/);
  });

  const tampered: [string, (dir: string, file: string) => void, RegExp][] = [
    ['the last line edited (valid JSON)', (_, f) => writeFileSync(f, readFileSync(f, 'utf8').replace(/"step":"s2"/, '"step":"sX"')), /line 3, the last, was edited/],
    ['the line before the last edited', (_, f) => writeFileSync(f, readFileSync(f, 'utf8').replace(/"step":"s1"/, '"step":"sX"')), /line 2 was edited/],
    ['the last line removed', (_, f) => writeFileSync(f, `${rawLines(f).slice(0, 2).join('\n')}\n`), /line 3 was removed from the end/],
    ['the file cut mid-line', (_, f) => truncateSync(f, readFileSync(f).length - 10), /cut mid-line/],
    ['the file emptied', (_, f) => truncateSync(f, 0), /empty or was deleted \(from line 1 on\), but audit.head records 3 lines/],
    ['the file deleted (audit.head stays)', (_, f) => unlinkSync(f), /empty or was deleted/],
    ['audit.head deleted', (d) => unlinkSync(path.join(d, 'audit.head')), /audit.head is missing/],
    ['the last line repeated', (_, f) => writeFileSync(f, `${readFileSync(f, 'utf8')}${rawLines(f)[2]!.toString()}\n`), /carries seq 3 after line 3/],
  ];
  for (const [what, tamper, says] of tampered) {
    it(`${what}: the next append is refused (audit-tampered, exit 31) and writes nothing`, async () => {
      const dir = await tmpDir();
      const file = path.join(dir, 'audit.jsonl');
      for (let i = 0; i < 3; i++) logIn(dir).record(`s${i}`, 'ok');
      tamper(dir, file);
      const before = existsSync(file) ? readFileSync(file) : undefined;
      const e = refusal(logIn(dir));
      expect(e.code).toBe('audit-tampered');
      expect(e.exitCode).toBe(31);
      expect(e.message).toMatch(says);
      expect(existsSync(file) ? readFileSync(file) : undefined).toEqual(before);
    });
  }

  it('audit.jsonl a symbolic link: refused, and the file it points to is untouched', async () => {
    const dir = await tmpDir();
    const other = path.join(dir, 'other.txt');
    writeFileSync(other, 'precious\n');
    symlinkSync(other, path.join(dir, 'audit.jsonl'));
    const e = refusal(logIn(dir));
    expect(e.exitCode).toBe(31);
    expect(e.message).toMatch(/audit.jsonl is a symbolic link/);
    expect(readFileSync(other, 'utf8')).toBe('precious\n');
  });

  it('a dangling link at audit.jsonl is not created through', async () => {
    const dir = await tmpDir();
    const target = path.join(dir, 'elsewhere.jsonl');
    symlinkSync(target, path.join(dir, 'audit.jsonl'));
    expect(refusal(logIn(dir)).exitCode).toBe(31);
    expect(existsSync(target)).toBe(false);
  });

  it('the state folder a symbolic link: refused, and nothing (not even a lock) is written where it points', async () => {
    const root = await tmpDir();
    const real = path.join(root, 'real');
    mkdirSync(real);
    symlinkSync(real, path.join(root, 'state'));
    const e = refusal(logIn(path.join(root, 'state')));
    expect(e.exitCode).toBe(31);
    expect(e.message).toMatch(/is a symbolic link/);
    expect(readdir(real)).toEqual([]);
  });

  it('audit.jsonl a hard link to another file, or a FIFO: refused', async () => {
    const dir = await tmpDir();
    const other = path.join(dir, 'other.txt');
    writeFileSync(other, 'precious\n');
    linkSync(other, path.join(dir, 'audit.jsonl'));
    expect(refusal(logIn(dir)).message).toMatch(/2 names/);
    expect(readFileSync(other, 'utf8')).toBe('precious\n');
    const fifoDir = await tmpDir();
    execFileSync('mkfifo', [path.join(fifoDir, 'audit.jsonl')]);
    expect(refusal(logIn(fifoDir)).message).toMatch(/not a regular file/);
  });

  it('a log written before the chain (lines without prev, no audit.head) is moved aside whole, never chained onto; the new log says where', async () => {
    const dir = await tmpDir();
    const old = { ts: 't', run_id: 'r', command: 'plan', step: 'start', actor: { user: 'u', host: 'h' }, outcome: 'ok', inputs: {}, details: {} };
    writeFileSync(path.join(dir, 'audit.jsonl'), `${JSON.stringify(old)}\n`);
    const notes: string[] = [];
    new AuditLog({ dir, command: 'plan', redactor: new Redactor([]), onNote: (n) => notes.push(n) }).record('start', 'ok');
    const moved = readdir(dir).find((f) => f.startsWith('audit-unchained-'))!;
    expect(readFileSync(path.join(dir, moved), 'utf8')).toBe(`${JSON.stringify(old)}\n`);
    expect(notes.join('')).toMatch(/from before the hash chain; it was moved to .*audit-unchained-/);
    const first = JSON.parse(readFileSync(path.join(dir, 'audit.jsonl'), 'utf8').split('\n')[0]!);
    expect(first.seq).toBe(1);
    expect(first.details.unchained_log_moved_to).toBe(path.join(dir, moved));
  });

  it('unchained lines while audit.head stays are tampering: refused', async () => {
    const dir = await tmpDir();
    const log = logIn(dir);
    log.record('s1', 'ok');
    const old = { ts: 't', run_id: 'r', command: 'plan', step: 'start', actor: { user: 'u', host: 'h' }, outcome: 'ok', inputs: {}, details: {} };
    writeFileSync(path.join(dir, 'audit.jsonl'), `${JSON.stringify(old)}\n`);
    const e = refusal(logIn(dir));
    expect(e.exitCode).toBe(31);
  });
});

function readdir(dir: string): string[] {
  return execFileSync('ls', ['-A', dir], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('audit log: secrets are redacted as values, before the line is serialised', () => {
  // Each is a secret as the environment can hold it; JSON-escaped, most of them differ from their raw text.
  const SECRETS = {
    'a double quote': 'pa"ss-word-0123456789',
    'a backslash': 'pa\\ss-word-0123456789',
    'a slash': 'pa/ss-word-0123456789',
    'a newline': 'pass\nword-0123456789',
    'a tab and a control character': 'pass\tword\u0001-0123456789',
    'non-ASCII and a line separator': 'pässwörd-\u2028-🔑-0123456789',
    'all of them': '"\\/\n\u00e9🔑"-0123456789',
  };
  for (const [what, secret] of Object.entries(SECRETS)) {
    it(`a secret holding ${what} never reaches the log, raw or escaped, in a value or a key`, async () => {
      const dir = await tmpDir();
      const log = new AuditLog({ dir, command: 'run', redactor: redactorFromEnv({ VENDOR_API_KEY: secret }) });
      log.record('run', 'error', { [`in-${secret}-key`]: 'x' }, { error: `401 for credential ${secret}`, nested: [{ echo: secret }] });
      const text = readFileSync(log.file, 'utf8');
      const escaped = JSON.stringify(secret).slice(1, -1);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(escaped);
      const line = AuditLine.parse(JSON.parse(text));
      expect(line.details).toEqual({ error: '401 for credential [REDACTED]', nested: [{ echo: '[REDACTED]' }] });
      expect(line.inputs).toEqual({ 'in-[REDACTED]-key': 'x' });
    });
  }
});
