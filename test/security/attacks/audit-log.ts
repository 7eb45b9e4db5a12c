import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../../agent/audit/audit-log.ts';
import { Redactor } from '../../../agent/audit/redact.ts';
import { captureIo } from '../../../agent/cli/io.ts';
import { main } from '../../../agent/cli/main.ts';
import { REPO_ROOT } from '../../helpers/vendor-docs.ts';
import type { Attack } from '../attack-suite.ts';

/**
 * Integrity of the audit log (design.md, security invariant 6): every action is in an append-only
 * log with secrets redacted, and an edited, truncated or redirected log is detected. The attacker
 * can write the state folder: edit, remove, swap or cut lines, delete the log, plant links; or put
 * a secret with JSON's special characters where an audited error quotes it. Each attack is stopped
 * when the real CLI (agent/cli/main.ts) refuses the next command before any work (exit 31, nothing
 * appended, no output written), or `fetchwright audit verify` exits 31 naming the broken line — and,
 * for secrets, when neither the secret nor its JSON escape is in the log.
 *
 * Out of reach by design (README, "Audit log"): rewriting the log and audit.head consistently, or
 * deleting both; only a copy outside the machine defends against that.
 */

const EXAMPLE = path.join(REPO_ROOT, 'examples/jupyterhub');

interface Cli {
  code: number;
  out: string;
  err: string;
}

async function cli(state: string, argv: string[], extraEnv: Record<string, string> = {}): Promise<Cli> {
  const io = captureIo();
  const code = await main(argv, io, { ...process.env, FETCHWRIGHT_STATE_DIR: state, ...extraEnv });
  return { code, out: io.out(), err: io.err() };
}

/** A fresh state folder whose log holds `n` honest lines (step s1…sn), as earlier runs left it. */
function stateWithLog(n = 6): { state: string; log: string; head: string } {
  const state = path.join(mkdtempSync(path.join(os.tmpdir(), 'fetchwright-audit-attack-')), 'state');
  for (let i = 1; i <= n; i++) new AuditLog({ dir: state, command: 'plan', redactor: new Redactor([]) }).record(`s${i}`, 'ok', { docs_sha256: `${i}`.repeat(64).slice(0, 64) }, { docs: 'vendor.yaml' });
  return { state, log: path.join(state, 'audit.jsonl'), head: path.join(state, 'audit.head') };
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, -1);
const writeLines = (file: string, ls: string[]) => writeFileSync(file, `${ls.join('\n')}\n`);
const bytesOf = (file: string) => (existsSync(file) ? readFileSync(file) : undefined);

/**
 * Stopped when the next real command (plan, with --out) exits 31 naming the audit log, writes no plan
 * and appends nothing; otherwise the sentence of what got through.
 */
async function nextCommandRefused(state: string, log: string, says: RegExp): Promise<string | undefined> {
  const before = bytesOf(log);
  const out = path.join(path.dirname(state), 'plan.json');
  const r = await cli(state, ['plan', EXAMPLE, '--out', out]);
  if (r.code !== 31) return `the next command ran on the tampered log (exit ${r.code}${r.err ? `: ${r.err.split('\n')[0]}` : ''})`;
  if (!/error\[audit-tampered\]/.test(r.err) || !says.test(r.err)) return `refused, but the error does not say what was found: ${r.err.split('\n')[0]}`;
  if (existsSync(out)) return 'refused only after the work: the plan was written';
  const after = bytesOf(log);
  if (!!before !== !!after || (before && after && !before.equals(after))) return 'the refused command still appended to the log';
  return undefined;
}

/** Stopped when `fetchwright audit verify` (text and --json) exits 31 naming `line` and the reason, writing nothing. */
async function verifyNames(state: string, line: number, reason: string): Promise<string | undefined> {
  const log = path.join(state, 'audit.jsonl');
  const before = bytesOf(log);
  const text = await cli(state, ['audit', 'verify']);
  const after = bytesOf(log);
  if (!!before !== !!after || (before && after && !before.equals(after))) return 'audit verify changed the log it verified';
  if (text.code !== 31) return `audit verify passed the tampered log (exit ${text.code}: ${text.out.trim()})`;
  if (!new RegExp(`\\bline ${line}\\b`).test(text.err)) return `audit verify did not name line ${line}: ${text.err.split('\n')[0]}`;
  const json = await cli(state, ['audit', 'verify', '--json']);
  const report = JSON.parse(json.out) as { intact: boolean; broken?: { line?: number; reason: string } };
  if (json.code !== 31 || report.intact || report.broken?.line !== line || report.broken.reason !== reason) return `audit verify --json said ${json.out.replace(/\s+/g, ' ')}`;
  return undefined;
}

/** Both: the tampering is refused by the next command where the tail shows it, and named by verify. */
async function refusedAndNamed(state: string, log: string, says: RegExp, line: number, reason: string): Promise<string | undefined> {
  return (await nextCommandRefused(state, log, says)) ?? (await verifyNames(state, line, reason));
}

/** A secret as the environment may hold it, quoted by an audited error (the docs path in argv and in the error). */
async function secretNeverLogged(secret: string): Promise<string | undefined> {
  const { state, log } = stateWithLog(1);
  const r = await cli(state, ['plan', path.join(os.tmpdir(), `no-such-docs-${secret}`)], { VENDOR_API_KEY: secret });
  if (r.code === 0) return 'the docs path was read?';
  const text = readFileSync(log, 'utf8');
  const forms = [secret, JSON.stringify(secret).slice(1, -1)];
  const leaked = forms.find((f) => text.includes(f));
  if (leaked !== undefined) return `the audit log holds the secret${leaked === secret ? '' : ' JSON-escaped'}`;
  if (!/"error":\{"code":"input-not-found","message":"[^"]*\[REDACTED\]/.test(text)) return 'the audited error was not recorded (the attack did not reach the log)';
  const v = await cli(state, ['audit', 'verify']);
  return v.code === 0 ? undefined : `the log with the redacted lines does not verify: ${v.err.split('\n')[0]}`;
}

export const AUDIT_LOG_ATTACKS: Attack[] = [
  {
    name: 'audit log: a value changed in a middle line, JSON kept valid — audit verify names the line',
    layer: 'other',
    attempt: async () => {
      const { state, log } = stateWithLog();
      writeFileSync(log, readFileSync(log, 'utf8').replace(/("step":"s3".*?"outcome":)"ok"/, '$1"fail"'));
      return verifyNames(state, 3, 'edited');
    },
  },
  {
    name: 'audit log: an input hash rewritten in line 2 — audit verify names the line',
    layer: 'other',
    attempt: async () => {
      const { state, log } = stateWithLog();
      writeFileSync(log, readFileSync(log, 'utf8').replace('2'.repeat(64), 'f'.repeat(64)));
      return verifyNames(state, 2, 'edited');
    },
  },
  {
    name: 'audit log: the last line edited — the next command refuses before any work',
    layer: 'other',
    attempt: async () => {
      const { state, log } = stateWithLog();
      writeFileSync(log, readFileSync(log, 'utf8').replace('"step":"s6"', '"step":"s7"'));
      return refusedAndNamed(state, log, /line 6, the last, was edited/, 6, 'edited');
    },
  },
  {
    name: 'audit log: the line before the last edited — the next command refuses',
    layer: 'other',
    attempt: async () => {
      const { state, log } = stateWithLog();
      writeFileSync(log, readFileSync(log, 'utf8').replace('"step":"s5"', '"step":"s0"'));
      return refusedAndNamed(state, log, /line 5 was edited/, 5, 'edited');
    },
  },
  {
    name: 'audit log: a line deleted from the middle — audit verify names it',
    layer: 'other',
    attempt: async () => {
      const { state, log } = stateWithLog();
      writeLines(log, lines(log).filter((_, i) => i !== 2));
      return verifyNames(state, 3, 'removed');
    },
  },
  {
    name: 'audit log: the last line removed — the next command refuses',
    layer: 'other',
    attempt: async () => {
      const { state, log } = stateWithLog();
      writeLines(log, lines(log).slice(0, -1));
      return refusedAndNamed(state, log, /line 6 was removed from the end/, 6, 'removed');
    },
  },
  {
    name: 'audit log: the last lines removed and audit.head deleted — the next command refuses',
    layer: 'other',
    attempt: async () => {
      const { state, log, head } = stateWithLog();
      writeLines(log, lines(log).slice(0, -2));
      unlinkSync(head);
      return nextCommandRefused(state, log, /audit.head is missing/);
    },
  },
  {
    name: 'audit log: the file truncated mid-line — the next command refuses',
    layer: 'other',
    attempt: async () => {
      const { state, log } = stateWithLog();
      truncateSync(log, readFileSync(log).length - 25);
      return refusedAndNamed(state, log, /cut mid-line/, 6, 'truncated');
    },
  },
  {
    name: 'audit log: two lines swapped — audit verify names the first',
    layer: 'other',
    attempt: async () => {
      const { state, log } = stateWithLog();
      const ls = lines(log);
      writeLines(log, [ls[0]!, ls[1]!, ls[3]!, ls[2]!, ls[4]!, ls[5]!]);
      return verifyNames(state, 3, 'reordered');
    },
  },
  {
    name: 'audit log: the log deleted while audit.head stays — the next command refuses',
    layer: 'other',
    attempt: async () => {
      const { state, log } = stateWithLog();
      unlinkSync(log);
      return (await nextCommandRefused(state, log, /empty or was deleted \(from line 1 on\), but audit.head records 6 lines/)) ?? (await verifyNames(state, 1, 'deleted'));
    },
  },
  {
    name: 'audit log: audit.jsonl replaced by a symlink to another file — refused, the other file untouched',
    layer: 'other',
    attempt: async () => {
      const { state, log } = stateWithLog();
      const other = path.join(path.dirname(state), 'authorized_keys');
      writeFileSync(other, 'ssh-ed25519 AAAA precious\n');
      unlinkSync(log);
      symlinkSync(other, log);
      const r = await cli(state, ['plan', EXAMPLE]);
      if (readFileSync(other, 'utf8') !== 'ssh-ed25519 AAAA precious\n') return 'the linked file was appended to';
      if (r.code !== 31 || !/symbolic link/.test(r.err)) return `the run went on through the link (exit ${r.code})`;
      const v = await cli(state, ['audit', 'verify']);
      return v.code === 31 && /symbolic link/.test(v.err) ? undefined : `audit verify followed the link (exit ${v.code})`;
    },
  },
  {
    name: 'audit log: audit.jsonl a hard link to another file — refused, the other file untouched',
    layer: 'other',
    attempt: async () => {
      const { state, log } = stateWithLog();
      const other = path.join(path.dirname(state), 'victim.jsonl');
      writeFileSync(other, readFileSync(log));
      unlinkSync(log);
      linkSync(other, log);
      const before = readFileSync(other);
      const r = await cli(state, ['plan', EXAMPLE]);
      if (!readFileSync(other).equals(before)) return 'the hard-linked file was appended to';
      return r.code === 31 && /2 names/.test(r.err) ? undefined : `the run went on (exit ${r.code})`;
    },
  },
  {
    name: 'audit log: the state folder a symlink to another folder — refused, nothing written there',
    layer: 'other',
    attempt: async () => {
      const root = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-audit-attack-'));
      const elsewhere = path.join(root, 'elsewhere');
      mkdirSync(elsewhere);
      const state = path.join(root, 'state');
      symlinkSync(elsewhere, state);
      const r = await cli(state, ['plan', EXAMPLE]);
      if (readdirSync(elsewhere).length) return `written through the linked folder: ${readdirSync(elsewhere).join(', ')}`;
      return r.code === 31 && /folder .* is a symbolic link/.test(r.err) ? undefined : `the run went on (exit ${r.code})`;
    },
  },
  {
    name: 'audit log: audit.jsonl swapped for a symlink between two lines of one run — the second line is refused',
    layer: 'other',
    attempt: async () => {
      const { state, log } = stateWithLog(0);
      const run = new AuditLog({ dir: state, command: 'generate', redactor: new Redactor([]) });
      run.record('start', 'ok');
      const other = path.join(path.dirname(state), 'other.log');
      writeFileSync(other, 'keep\n');
      unlinkSync(log);
      symlinkSync(other, log);
      try {
        run.record('plan', 'ok');
      } catch (e) {
        if (readFileSync(other, 'utf8') !== 'keep\n') return 'refused, but the linked file was written';
        return (e as { exitCode?: number }).exitCode === 31 ? undefined : `refused with exit ${(e as { exitCode?: number }).exitCode}`;
      }
      return 'the line was appended through the link';
    },
  },
  {
    name: 'audit log: forged lines without the chain, with audit.head gone — never chained onto: moved aside whole, the move said on stderr and in the new log',
    layer: 'other',
    attempt: async () => {
      const { state, log, head } = stateWithLog();
      const forged = { ts: '2020-01-01T00:00:00.000Z', run_id: 'r', command: 'plan', step: 'start', actor: { user: 'someone', host: 'h' }, outcome: 'ok', inputs: {}, details: {} };
      writeLines(log, [JSON.stringify(forged)]);
      unlinkSync(head);
      const r = await cli(state, ['plan', EXAMPLE, '--out', path.join(path.dirname(state), 'plan.json')]);
      if (!/moved to .*audit-unchained-/.test(r.err)) return `no word of the unchained log on stderr (exit ${r.code})`;
      const moved = readdirSync(state).find((f) => f.startsWith('audit-unchained-'));
      if (!moved || readFileSync(path.join(state, moved), 'utf8') !== `${JSON.stringify(forged)}\n`) return 'the unchained log was not kept whole beside the new one';
      const first = JSON.parse(lines(log)[0]!) as { seq: number; details: Record<string, unknown> };
      if (first.seq !== 1 || !String(first.details.unchained_log_moved_to ?? '').endsWith(moved)) return 'the new log does not start at line 1 naming where the old one went';
      const v = await cli(state, ['audit', 'verify']);
      return v.code === 0 ? undefined : `the new log does not verify: ${v.err.split('\n')[0]}`;
    },
  },
  {
    name: 'audit log: forged unchained lines while audit.head stays — refused, never chained onto',
    layer: 'other',
    attempt: async () => {
      const { state, log } = stateWithLog();
      const forged = { ts: '2020-01-01T00:00:00.000Z', run_id: 'r', command: 'plan', step: 'start', actor: { user: 'someone', host: 'h' }, outcome: 'ok', inputs: {}, details: {} };
      writeLines(log, [JSON.stringify(forged)]);
      return nextCommandRefused(state, log, /carries no hash chain|audit\.head/);
    },
  },
  {
    name: 'audit log: a secret with a double quote, quoted by an audited error — never in the log, raw or escaped',
    layer: 'other',
    attempt: () => secretNeverLogged('fw"Live"Secret-0123456789'),
  },
  {
    name: 'audit log: a secret with backslashes — never in the log, raw or escaped',
    layer: 'other',
    attempt: () => secretNeverLogged('fw\\Live\\Secret\\0123456789'),
  },
  {
    name: 'audit log: a secret with a newline, a tab and non-ASCII — never in the log, raw or escaped',
    layer: 'other',
    attempt: () => secretNeverLogged('fw\nLive\tSécret-🔑-0123456789'),
  },
];
