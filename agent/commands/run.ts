import type { Io } from '../cli/io.ts';
import type { Context } from '../cli/main.ts';
import { writeFileAtomic } from '../cli/write-file.ts';
import { count } from '../english.ts';
import { EXIT, FetchwrightError } from '../errors.ts';
import { checkOutputFile, isWithin, realPathOf } from '../output-dir.ts';
import { runLive, type LiveRunReport } from '../run/live-run.ts';
import type { ObservedShapes } from '../observed/observed-shapes.ts';
import type { ClientCredentialsInput } from '../run/oauth2-client-credentials.ts';

/** `fetchwright run`'s options, as commander parses them (agent/cli/command-table.ts). */
export interface RunOptions {
  baseUrl?: string;
  /** `VAR`, or `scheme=VAR` per security scheme (repeatable). */
  credentialEnv?: string[];
  /** OAuth 2.0 client credentials (RFC 6749 §4.4): the variables holding the client id and secret. */
  clientIdEnv?: string;
  clientSecretEnv?: string;
  /** The token endpoint, instead of the docs' token URL. */
  tokenUrl?: string;
  /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
  clientAuth?: 'basic' | 'post';
  /** `name=value` (repeatable). */
  tenant?: string[];
  /** Seconds: the longest wait before a retry the API asks for (default 30). */
  maxWait?: number;
  out?: string;
  report?: string;
  /** Where to write what the run observed of the API, no value kept (`fetchwright/observed-shapes@1`). */
  observe?: string;
  json?: boolean;
}

/**
 * `fetchwright run <connector-dir>`: the connector against the live API, with a credential a human
 * provides in an environment variable — or an OAuth 2.0 client, for which the host obtains the access
 * token (client credentials grant). Exit 29 when the API refused the credential, else 30 when it
 * answered in a shape the connector does not read (breaking drift), else 28 when a stream is
 * incomplete, else 0. `--observe FILE` writes the shapes seen, complete run or not.
 */
export async function run([dir]: string[], opts: RunOptions, io: Io, ctx: Context): Promise<number> {
  for (const [flag, file, example] of [['--out', opts.out, 'records.jsonl'], ['--report', opts.report, 'run-report.json'], ['--observe', opts.observe, 'shapes.json']] as const) {
    if (!file) continue;
    checkOutputFile(file, flag, example);
    if (isWithin(file, dir!)) throw new FetchwrightError('usage', `${flag} ${file} is inside the connector folder ${dir}`, { hint: 'Write it elsewhere: the connector folder holds only what its proof and change record cover.' });
  }
  const files = ([['--out', opts.out], ['--report', opts.report], ['--observe', opts.observe]] as const).filter(([, f]) => f);
  for (const [i, [flag, file]] of files.entries()) {
    const same = files.slice(i + 1).find(([, other]) => realPathOf(other!) === realPathOf(file!));
    if (same) throw new FetchwrightError('usage', `${flag} and ${same[0]} name the same file`, { hint: 'Give each its own file.' });
  }
  const credentials = credentialsFrom(opts.credentialEnv ?? [], ctx.env);
  const clientCredentials = clientCredentialsFrom(opts, ctx.env);
  const tenant = pairs(opts.tenant ?? [], '--tenant');
  // The credential is redacted from everything this run prints or records, whatever its variable's name.
  // So are the client secret and every access token the run obtains, as soon as it is known (onSecret).
  let redactor = ctx.redactor.with([...Object.values(credentials), ...(clientCredentials ? [clientCredentials.clientSecret] : [])]);
  ctx.interrupts.describe = () => `nothing was written${opts.out ? ` (${opts.out} is written only when the run ends)` : ''}`;
  let shapes: ObservedShapes | undefined;
  const report = await runLive({ dir: dir!, onShapes: (s) => (shapes = s), ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}), credentials, ...(clientCredentials ? { clientCredentials } : {}), ...(opts.maxWait ? { maxWaitMs: opts.maxWait * 1000 } : {}), onSecret: (secret) => (redactor = redactor.with([secret])), tenant, ...(opts.out ? { outFile: opts.out } : {}), onLog: (line) => io.stderr.write(`${redactor.text(line)}\n`), ...(io.stderr.isTTY ? { onProgress: (stream: string, n: number, done: boolean) => io.stderr.write(`${redactor.text(stream)}: ${count(n, 'record')}${done ? '' : ' so far…'}\n`) } : {}), onCleanup: (cleanup) => (cleanup ? (ctx.interrupts.cleanup = cleanup) : delete ctx.interrupts.cleanup) });
  const safe = redactor.value(report);
  const breaking = safe.drift.filter((d) => d.severity === 'breaking').length;
  ctx.audit.record('run', safe.complete && !breaking ? 'ok' : 'fail', {}, { dir, base_url: safe.base_url, complete: safe.complete, streams: safe.streams.map((s) => ({ name: s.name, complete: s.complete, records: s.records })), calls: safe.calls, drift: { breaking, other: safe.drift.length - breaking + safe.drift_omitted }, calls_outside_plan: safe.calls_outside_plan.total, observe: opts.observe ?? null });
  // The shapes hold no value; redacted all the same, in case a server echoed the credential as a field name.
  if (opts.observe && shapes) await writeFileAtomic(opts.observe, `${JSON.stringify(redactor.value(shapes), null, 2)}\n`, '--observe');
  // The report names accounts (in URLs, findings): readable by its owner only, like the records.
  if (opts.report) await writeFileAtomic(opts.report, `${JSON.stringify(safe, null, 2)}\n`, '--report', 0o600);
  io.stdout.write(opts.json ? `${JSON.stringify(safe, null, 2)}\n` : renderReport(safe, opts.observe));
  return runExit(safe);
}

/** 29 when the credential was refused, else 30 for breaking drift, else 28 for an incomplete stream, else 0. */
export function runExit(r: Pick<LiveRunReport, 'auth_refused' | 'drift' | 'complete'>): number {
  if (r.auth_refused) return EXIT.authRefused;
  if (r.drift.some((d) => d.severity === 'breaking')) return EXIT.runDrift;
  return r.complete ? EXIT.ok : EXIT.runIncomplete;
}

/**
 * The OAuth 2.0 client from `--client-id-env` and `--client-secret-env` (both, or neither), with
 * `--token-url` and `--client-auth`, which need them. Usage errors for a missing or empty variable.
 */
function clientCredentialsFrom(opts: RunOptions, env: NodeJS.ProcessEnv): ClientCredentialsInput | undefined {
  if (!opts.clientIdEnv && !opts.clientSecretEnv) {
    const stray = opts.tokenUrl ? '--token-url' : opts.clientAuth ? '--client-auth' : undefined;
    if (stray) throw new FetchwrightError('usage', `${stray} is for the OAuth 2.0 client credentials grant`, { hint: 'Give --client-id-env and --client-secret-env with it.' });
    return undefined;
  }
  if (!opts.clientIdEnv || !opts.clientSecretEnv) throw new FetchwrightError('usage', `${opts.clientIdEnv ? '--client-secret-env' : '--client-id-env'} is missing: the client credentials grant needs both the client id and the secret`, { hint: 'Give --client-id-env VAR and --client-secret-env VAR.' });
  const read = (flag: string, name: string) => {
    // A value read from a file often ends in a newline: what goes on the wire (and is redacted) is the value without it (RFC 9110 §5.5 trims it anyway).
    const value = env[name]?.trim();
    if (!value) throw new FetchwrightError('usage', `${flag} ${name}: the environment variable ${name} is ${value === undefined ? 'not set' : 'empty'}`, { hint: `Export the OAuth 2.0 client a human registered for this API (it is never written anywhere).` });
    return value;
  };
  return {
    clientId: read('--client-id-env', opts.clientIdEnv),
    clientSecret: read('--client-secret-env', opts.clientSecretEnv),
    ...(opts.tokenUrl ? { tokenUrl: opts.tokenUrl } : {}),
    clientAuth: opts.clientAuth ?? 'basic',
  };
}

/** `VAR` (the plan's one scheme) or `scheme=VAR` → scheme key → the variable's value. Usage errors for a missing or empty variable. */
function credentialsFrom(specs: string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const [scheme, name] = spec.includes('=') ? (spec.split('=', 2) as [string, string]) : ['*', spec];
    // A value read from a file often ends in a newline: what goes on the wire (and is redacted) is the value without it (RFC 9110 §5.5 trims it anyway).
    const value = env[name]?.trim();
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

/** Drift entries of each severity printed one per line; the rest are counted. */
const DRIFT_LINES = 20;

/** A server's message (an HTML error page…) cut to what fits a line; --report keeps it whole. */
const clip = (text: string, max = 240) => (text.length > max ? `${text.slice(0, max)}… (--report has it whole)` : text);

/** One line whatever the text holds (a field name, a server's message). */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function renderReport(r: LiveRunReport, observe: string | undefined): string {
  const breaking = r.drift.filter((d) => d.severity === 'breaking');
  const state = r.auth_refused ? 'AUTH REFUSED' : breaking.length ? `DRIFT (${r.complete ? 'complete' : 'incomplete'})` : r.complete ? 'COMPLETE' : 'INCOMPLETE';
  const lines = [`${r.vendor}: ${state} — live run against ${r.base_url}`];
  for (const s of r.streams) {
    const waits = [s.retries ? count(s.retries, 'retry', 'retries') : '', s.waited_ms ? `waited ${(s.waited_ms / 1000).toFixed(1)} s` : ''].filter(Boolean).join(', ');
    lines.push(`  ${s.complete ? '✓' : '✗'} ${s.name} (${s.kind}): ${count(s.records, 'record')}, ${count(s.pages, 'page')}${waits ? `, ${waits}` : ''}${s.error ? ` — ${clip(oneLine(s.error))}` : ''}`);
  }
  // Every list answered 404: the base URL most likely lacks the API's path.
  const notFound = r.streams.filter((s) => s.findings.some((f) => f.args.status === 404));
  if (r.streams.length && notFound.length === r.streams.filter((s) => s.pages > 0).length && notFound.length) {
    lines.push(`  every list answered 404 Not Found: does the base URL ${r.base_url} include the API's path? (--base-url replaces the plan's whole URL, path too)`);
  }
  if (r.failure) lines.push(`  the run stopped early: ${oneLine(r.failure)}`);
  lines.push(`  calls ${r.calls.total}, refused by the gate ${r.calls.refused_by_gate}, outside the plan ${r.calls_outside_plan.total}; ${r.out ? `records in ${r.out}` : 'the records were not kept (--out FILE writes them)'}`);
  for (const c of r.calls_outside_plan.calls.slice(0, 5)) lines.push(`    outside the plan: ${c.method} ${oneLine(c.path)}${c.count > 1 ? ` (${c.count}×)` : ''}`);
  if (breaking.length) {
    lines.push(`  ${count(breaking.length, 'breaking difference')} from what the connector reads:`);
    for (const d of breaking.slice(0, DRIFT_LINES)) lines.push(`    ${d.class} ${d.operation} ${d.path}: ${oneLine(d.text)}`);
    if (breaking.length > DRIFT_LINES) lines.push(`    … and ${breaking.length - DRIFT_LINES} more (--report or --json lists them)`);
  }
  const minor = r.drift.length - breaking.length + r.drift_omitted;
  if (minor) lines.push(`  ${count(minor, 'other difference')} from the docs (additive or read through: --report or --json lists them)`);
  if (breaking.length) {
    lines.push(observe ? `  regenerate with the observed shapes: fetchwright generate <docs> --observed ${observe}, then run again` : '  run again with --observe shapes.json, then regenerate: fetchwright generate <docs> --observed shapes.json');
  }
  for (const d of r.deprecations) {
    const parts = [d.deprecation ? `deprecated${d.deprecation === 'true' ? '' : ` ${oneLine(d.deprecation)}`}` : '', d.sunset ? `sunset ${oneLine(d.sunset)}` : '', ...d.links.map((l) => `${l.rel} notice ${oneLine(l.url)}`)].filter(Boolean);
    lines.push(`  ${d.operation}: ${parts.join('; ')}`);
  }
  if (!r.complete) lines.push('  a consumer must not treat a missing identity as deprovisioned after an incomplete run');
  return `${lines.join('\n')}\n`;
}
