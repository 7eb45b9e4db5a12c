import { copyFileSync, readFileSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FetchwrightError } from '../errors.ts';
import { AuditLog } from './audit-log.ts';
import { Redactor } from './redact.ts';
import { verifyChain } from './verify-chain.ts';

/** A chained log of `n` lines (line i has step `s<i>`), written by AuditLog as a run would. */
async function chainedLog(n: number, details: (i: number) => Record<string, unknown> = () => ({})): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-verify-chain-'));
  for (let i = 1; i <= n; i++) new AuditLog({ dir, command: 'plan', redactor: new Redactor([]) }).record(`s${i}`, 'ok', {}, details(i));
  return path.join(dir, 'audit.jsonl');
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, -1);
const writeLines = (file: string, ls: string[]) => writeFileSync(file, `${ls.join('\n')}\n`);

describe('audit verify: the whole chain, line by line', () => {
  it('an intact log: every line counted, audit.head matching', async () => {
    const file = await chainedLog(6);
    expect(await verifyChain(file, { stateLog: true })).toEqual({ file, lines: 6, intact: true, head: 'matches' });
  });

  const cases: [string, (file: string) => void, { line?: number; reason: string; message: RegExp }][] = [
    ['a value changed in the middle, JSON still valid', (f) => writeFileSync(f, readFileSync(f, 'utf8').replace('"step":"s3"', '"step":"s9"')), { line: 3, reason: 'edited', message: /line 3 was edited/ }],
    ['line 1 edited', (f) => writeFileSync(f, readFileSync(f, 'utf8').replace('"step":"s1"', '"step":"s9"')), { line: 1, reason: 'edited', message: /line 1 was edited/ }],
    ['a line deleted from the middle', (f) => writeLines(f, lines(f).filter((_, i) => i !== 3)), { line: 4, reason: 'removed', message: /line 4 was removed/ }],
    ['three lines deleted from the middle', (f) => writeLines(f, lines(f).filter((_, i) => i < 1 || i > 3)), { line: 2, reason: 'removed', message: /lines 2–4 were removed/ }],
    ['the first line deleted', (f) => writeLines(f, lines(f).slice(1)), { line: 1, reason: 'removed', message: /line 1 was removed/ }],
    ['two lines swapped', (f) => writeLines(f, ((ls) => [ls[0]!, ls[2]!, ls[1]!, ...ls.slice(3)])(lines(f))), { line: 2, reason: 'reordered', message: /line 2 carries seq 3, and the line after it seq 2/ }],
    ['the last two lines swapped', (f) => writeLines(f, ((ls) => [...ls.slice(0, 4), ls[5]!, ls[4]!])(lines(f))), { line: 5, reason: 'reordered', message: /reordered/ }],
    ['a line repeated', (f) => writeLines(f, ((ls) => [...ls.slice(0, 3), ls[1]!, ...ls.slice(3)])(lines(f))), { line: 4, reason: 'reordered', message: /line 4 carries seq 2/ }],
    ['the last line removed', (f) => writeLines(f, lines(f).slice(0, -1)), { line: 6, reason: 'removed', message: /line 6 was removed from the end/ }],
    ['the last line edited', (f) => writeFileSync(f, readFileSync(f, 'utf8').replace('"step":"s6"', '"step":"s9"')), { line: 6, reason: 'edited', message: /line 6, the last, was edited/ }],
    ['the file cut mid-line', (f) => truncateSync(f, readFileSync(f).length - 7), { line: 6, reason: 'truncated', message: /line 6 has no end/ }],
    ['a line that is not JSON', (f) => writeLines(f, ((ls) => [...ls.slice(0, 2), '{"seq":3,', ...ls.slice(3)])(lines(f))), { line: 3, reason: 'not-json', message: /line 3 is not JSON/ }],
    ['a JSON line that is not an audit entry', (f) => writeLines(f, ((ls) => [...ls.slice(0, 2), '{"seq":3,"hello":"world"}', ...ls.slice(3)])(lines(f))), { line: 3, reason: 'not-an-entry', message: /line 3 is not an audit entry/ }],
    ['a line appended by hand, audit.head left behind', (f) => writeLines(f, [...lines(f), lines(f).at(-1)!.replace('"seq":6', '"seq":7')]), { line: 6, reason: 'edited', message: /line 6 was edited, or line 7 was not chained on it/ }],
    ['the log emptied', (f) => truncateSync(f, 0), { line: 1, reason: 'deleted', message: /deleted \(from line 1 on\), but audit.head records 6 lines/ }],
    ['the log deleted', (f) => unlinkSync(f), { line: 1, reason: 'deleted', message: /deleted \(from line 1 on\), but audit.head records 6 lines/ }],
    ['audit.head deleted', (f) => unlinkSync(f.replace(/jsonl$/, 'head')), { reason: 'head-missing', message: /audit.head is missing/ }],
    ['audit.jsonl replaced by a link to another log', (f) => ((other) => (copyFileSync(f, other), unlinkSync(f), symlinkSync(other, f)))(`${f}.real`), { reason: 'link', message: /audit.jsonl is a symbolic link/ }],
  ];
  for (const [what, tamper, broken] of cases) {
    it(`${what}: the first broken line and why`, async () => {
      const file = await chainedLog(6);
      tamper(file);
      const report = await verifyChain(file, { stateLog: true });
      expect(report.intact).toBe(false);
      expect(report.broken).toMatchObject({ reason: broken.reason, message: expect.stringMatching(broken.message) });
      if (broken.line !== undefined) expect(report.broken!.line).toBe(broken.line);
    });
  }

  it('a log written before the chain: line 1 carries no chain', async () => {
    const file = await chainedLog(1);
    writeFileSync(file, `${JSON.stringify({ ts: 't', run_id: 'r', command: 'plan', step: 'start', actor: { user: 'u', host: 'h' }, outcome: 'ok', inputs: {}, details: {} })}\n`);
    unlinkSync(file.replace(/jsonl$/, 'head'));
    expect((await verifyChain(file, { stateLog: true })).broken).toMatchObject({ line: 1, reason: 'unchained' });
  });

  it('lines longer than a read chunk are hashed whole; a byte changed inside one is found', async () => {
    const big = (i: number) => ({ blob: `${'x'.repeat(300_000 + i)}é` });
    const file = await chainedLog(4, big);
    expect(await verifyChain(file, { stateLog: true })).toMatchObject({ lines: 4, intact: true });
    const bytes = readFileSync(file);
    const at = bytes.indexOf('xxxx', bytes.indexOf('"seq":2'));
    bytes[at + 200_000] = 0x79; // 'y', deep inside line 2, across a chunk boundary
    writeFileSync(file, bytes);
    expect((await verifyChain(file, { stateLog: true })).broken).toMatchObject({ line: 2, reason: 'edited' });
  });

  it('the head one line behind (a run ended between its two writes) is intact, and said so', async () => {
    const file = await chainedLog(2);
    const head = file.replace(/jsonl$/, 'head');
    const first = readFileSync(head);
    new AuditLog({ dir: path.dirname(file), command: 'plan', redactor: new Redactor([]) }).record('s3', 'ok');
    writeFileSync(head, first); // audit.head as it was after line 2
    expect(await verifyChain(file, { stateLog: true })).toMatchObject({ lines: 3, intact: true, head: 'one-behind' });
  });

  it('--file: a copy without a head is checked to its last line; a missing file is input-not-found; the state log missing is 0 lines', async () => {
    const file = await chainedLog(3);
    const copy = path.join(path.dirname(file), 'copy.jsonl');
    copyFileSync(file, copy);
    expect(await verifyChain(copy, { stateLog: false })).toMatchObject({ lines: 3, intact: true, head: 'absent' });
    await expect(verifyChain(path.join(path.dirname(file), 'nope.jsonl'), { stateLog: false })).rejects.toBeInstanceOf(FetchwrightError);
    const empty = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-verify-chain-'));
    expect(await verifyChain(path.join(empty, 'audit.jsonl'), { stateLog: true })).toEqual({ file: path.join(empty, 'audit.jsonl'), lines: 0, intact: true, head: 'absent' });
  });
});
