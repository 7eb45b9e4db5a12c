import type { Io } from '../cli/io.ts';
import type { Context } from '../cli/main.ts';
import { writeFileAtomic } from '../cli/write-file.ts';
import { count } from '../english.ts';
import { EXIT, FetchwrightError } from '../errors.ts';
import { checkOutputFile, isWithin, realPathOf } from '../output-dir.ts';
import { runLive, type LiveRunReport } from '../run/live-run.ts';

/** `fetchwright run`'s options, as commander parses them (agent/cli/command-table.ts). */
export interface RunOptions {
  baseUrl?: string;
  /** `VAR`, or `scheme=VAR` per security scheme (repeatable). */
  credentialEnv: string[];
  /** `name=value` (repeatable). */
  tenant?: string[];
  out?: string;
  report?: string;
  json?: boolean;
}

/**
 * `fetchwright run <connector-dir>`: the connector against the live API, with a credential a human
 * provides in an environment variable. 0 when every stream is complete, 28 when one is not, 29 when
 * the API refused the credential.
 */
export async function run([dir]: string[], opts: RunOptions, io: Io, ctx: Context): Promise<number> {
  for (const [flag, file] of [['--out', opts.out], ['--report', opts.report]] as const) {
    if (!file) continue;
    checkOutputFile(file, flag);
    if (isWithin(file, dir!)) throw new FetchwrightError('usage', `${flag} ${file} is inside the connector folder ${dir}`, { hint: 'Write it elsewhere: the connector folder holds only what its proof and change record cover.' });
  }
  if (opts.out && opts.report && realPathOf(opts.out) === realPathOf(opts.report)) throw new FetchwrightError('usage', '--out and --report name the same file', { hint: 'Give each its own file.' });
  const credentials = credentialsFrom(opts.credentialEnv, ctx.env);
  const tenant = pairs(opts.tenant ?? [], '--tenant');
  // The credential is redacted from everything this run prints or records, whatever its variable's name.
  const redactor = ctx.redactor.with(Object.values(credentials));
  ctx.interrupts.describe = () => `nothing was written${opts.out ? ` (${opts.out} is written only when the run ends)` : ''}`;
  const report = await runLive({ dir: dir!, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}), credentials, tenant, ...(opts.out ? { outFile: opts.out } : {}), onLog: (line) => io.stderr.write(`${redactor.text(line)}\n`), onCleanup: (cleanup) => (cleanup ? (ctx.interrupts.cleanup = cleanup) : delete ctx.interrupts.cleanup) });
  const safe = redactor.value(report);
  ctx.audit.record('run', safe.complete ? 'ok' : 'fail', {}, { dir, base_url: safe.base_url, complete: safe.complete, streams: safe.streams.map((s) => ({ name: s.name, complete: s.complete, records: s.records })), calls: safe.calls });
  if (opts.report) await writeFileAtomic(opts.report, `${JSON.stringify(safe, null, 2)}\n`, '--report');
  io.stdout.write(opts.json ? `${JSON.stringify(safe, null, 2)}\n` : renderReport(safe));
  return safe.complete ? EXIT.ok : safe.auth_refused ? EXIT.authRefused : EXIT.runIncomplete;
}

/** `VAR` (the plan's one scheme) or `scheme=VAR` → scheme key → the variable's value. Usage errors for a missing or empty variable. */
function credentialsFrom(specs: string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const [scheme, name] = spec.includes('=') ? (spec.split('=', 2) as [string, string]) : ['*', spec];
    const value = env[name];
    if (!value) throw new FetchwrightError('usage', `--credential-env ${name}: the environment variable ${name} is ${value === undefined ? 'not set' : 'empty'}`, { hint: `Export the credential a human provisioned for this API as ${name} (it is never written anywhere).` });
    out[scheme] = value;
  }
  return out;
}

function pairs(specs: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const i = spec.indexOf('=');
    if (i < 1) throw new FetchwrightError('usage', `${flag} ${spec}: expected name=value`);
    out[spec.slice(0, i)] = spec.slice(i + 1);
  }
  return out;
}

function renderReport(r: LiveRunReport): string {
  const lines = [`${r.vendor}: ${r.complete ? 'COMPLETE' : r.auth_refused ? 'AUTH REFUSED' : 'INCOMPLETE'} — live run against ${r.base_url}`];
  for (const s of r.streams) lines.push(`  ${s.complete ? '✓' : '✗'} ${s.name} (${s.kind}): ${count(s.records, 'record')}, ${count(s.pages, 'page')}${s.error ? ` — ${s.error}` : ''}`);
  if (r.failure) lines.push(`  the run stopped early: ${r.failure}`);
  lines.push(`  calls ${r.calls.total}, refused by the gate ${r.calls.refused_by_gate}${r.out ? `; records in ${r.out}` : ''}`);
  if (!r.complete) lines.push('  a consumer must not treat a missing identity as deprovisioned after an incomplete run');
  return `${lines.join('\n')}\n`;
}
