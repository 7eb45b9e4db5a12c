import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { isIP } from 'node:net';
import { runFetcher } from '../../sandbox/run-fetcher.ts';
import type { RunResult } from '../../sandbox/result.ts';
import { OutputRecord, type RunRecord } from '../../templates/canonical.ts';
import type { RunInput } from '../../templates/runtime/contract.ts';
import { FetchwrightError } from '../errors.ts';
import { readConnectorDir } from '../generate/connector-dir.ts';
import { ensureDir } from '../output-dir.ts';
import { sha256 } from '../hash.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { compileFetcher } from '../render/compile-fetcher.ts';

/**
 * A live run of a proved connector: the same isolate, egress gate and limits as validation; the
 * transport is real HTTP and the credential is one a human provides, which the host adds at the
 * gate for the base URL's exact origin only — it never enters the isolate, the records or the report.
 * Plain http is allowed only to a loopback test server.
 */

export interface LiveRunOptions {
  /** The connector folder (written by `generate`, its proof passed). */
  dir: string;
  /** Overrides the plan's base URL (scheme, host, port, path): a test server, a tenant's host. */
  baseUrl?: string;
  /** The credential for each of the plan's security schemes, by scheme key. */
  credentials: Record<string, string>;
  /** Values for the plan's `{placeholders}`: base-URL variables and tenant path variables. */
  tenant: Record<string, string>;
  /** Where the records go, as JSON lines (written whole: a temporary file renamed at the end). */
  outFile?: string;
  onLog?: (line: string) => void;
  /** Given the synchronous removal of the temporary records file, for a signal handler (Ctrl-C). */
  onCleanup?: (cleanup: (() => void) | undefined) => void;
}

export interface LiveRunReport {
  vendor: string;
  base_url: string;
  /** True only when every stream says it saw its whole list. */
  complete: boolean;
  /** A stream was refused by the API's authentication (401/403). */
  auth_refused: boolean;
  streams: { name: string; kind: string; complete: boolean; records: number; pages: number; requests: number; retries: number; error: string | null; findings: RunRecord['streams'][number]['findings'] }[];
  records_by_kind: Record<string, number>;
  calls: { total: number; refused_by_gate: number };
  /** Why the sandbox stopped the run early, when it did. */
  failure: string | null;
  out: string | null;
}

/** How long one request may take, connection to last byte (ms): a server that never answers fails the request, not the run's clock. */
const REQUEST_TIMEOUT_MS = 60_000;

/** Limits of a live run: as validation's, with the time a real API needs. */
export const LIVE_LIMITS = { memoryMb: 128, cpuMs: 120_000, wallMs: 30 * 60_000, maxRecords: 1_000_000 };

/** Runs the connector in `dir` against the live API. Throws FetchwrightError for what cannot be run (exit 2, 12). */
export async function runLive(o: LiveRunOptions): Promise<LiveRunReport> {
  const c = await readConnectorDir(o.dir);
  if (c.scorecard.verdict !== 'pass' || c.scorecard.hashes.fetcher_sha256 !== sha256(c.fetcher)) {
    throw new FetchwrightError('invalid-connector', `${c.dir}/fetcher.ts is not the code a passing proof proved`, { file: path.join(c.dir, 'fetcher.ts'), hint: 'Only proved code runs against a live API: run fetchwright validate, or regenerate.' });
  }
  const base = liveBaseUrl(c.plan, o.baseUrl, o.tenant);
  const tenantVariables = tenantValues(c.plan, o.tenant);
  const { headers, query } = credentialPlacement(c.plan, o.credentials);
  const compiled = compileFetcher(c.fetcher);
  if (!compiled.ok) throw new FetchwrightError('invalid-connector', `fetcher.ts cannot be compiled: ${compiled.message}`, { file: path.join(c.dir, 'fetcher.ts') });

  const origin = base.origin;
  const sink = o.outFile ? openSink(o.outFile) : undefined;
  o.onCleanup?.(sink ? () => sink.abandon() : undefined);
  const byKind: Record<string, number> = {};
  let run: RunRecord | undefined;
  const input: RunInput = { base_url: base.href.replace(/\/$/, ''), tenant_variables: tenantVariables, max_pages_per_stream: 10_000, max_records: LIVE_LIMITS.maxRecords, retry: { max_attempts: 5, base_delay_ms: 500, max_delay_ms: 30_000 } };
  let result: RunResult;
  try {
    result = await runFetcher({
      source: compiled.js,
      filename: 'fetcher.ts',
      input,
      limits: LIVE_LIMITS,
      egress: {
        allowedHosts: [base.host],
        allowedMethods: ['GET'],
        maxRequests: 100_000,
        // The credential goes only to the exact origin (scheme, host, port) of the base URL.
        injectAuth: (url) => (url.origin === origin ? headers : {}),
        injectQuery: (url) => (url.origin === origin ? query : {}),
        fetchImpl: (request) => (new URL(request.url).origin === origin ? fetch(request, { redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }) : Promise.reject(new Error(`refused: ${new URL(request.url).origin} is not the run's origin ${origin}`))),
      },
      onRecord: (record) => {
        const parsed = OutputRecord.safeParse(record);
        if (parsed.success && parsed.data.type === 'run') {
          run = parsed.data;
          return;
        }
        const kind = parsed.success && parsed.data.type === 'identity' ? parsed.data.kind : parsed.success ? parsed.data.type : 'not-canonical';
        byKind[kind] = (byKind[kind] ?? 0) + 1;
        sink?.write(`${JSON.stringify(record)}\n`);
      },
      ...(o.onLog ? { onLog: o.onLog } : {}),
    });
  } catch (e) {
    sink?.abandon();
    o.onCleanup?.(undefined);
    throw e;
  }
  const streams = (run?.streams ?? []).map((s) => ({ name: s.name, kind: c.plan.streams.find((p) => p.name === s.name)?.kind ?? '?', complete: s.complete, records: s.records, pages: s.pages, requests: s.requests, retries: s.retries, error: s.error, findings: s.findings }));
  const complete = result.ok && !!run?.complete && streams.length === c.plan.streams.length && streams.every((s) => s.complete);
  sink?.finish();
  o.onCleanup?.(undefined);
  return {
    vendor: c.plan.vendor,
    base_url: input.base_url,
    complete,
    auth_refused: streams.some((s) => s.findings.some((f) => f.id === 'auth-refused')),
    streams,
    records_by_kind: byKind,
    calls: { total: result.calls.length, refused_by_gate: result.violations.length },
    failure: result.ok ? (run ? null : 'the fetcher ended without its run record: completeness unknown') : `${result.failure.kind}: ${result.failure.message}`,
    out: o.outFile ?? null,
  };
}

/** Shorter credentials are refused: the scrubbers cannot tell them from ordinary text. */
const MIN_CREDENTIAL_LENGTH = 8;

/** Loopback hosts, where plain http is allowed (a test server on this machine). */
function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * The base URL of a live run: `--base-url`, or the plan's with its `{placeholders}` filled from
 * `--tenant` and the docs' defaults. https, or http to a loopback address; no user name or password.
 */
export function liveBaseUrl(plan: ConnectorPlan, override: string | undefined, tenant: Record<string, string>): URL {
  let text = override;
  if (!text) {
    const missing: string[] = [];
    text = plan.base_url.url.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = tenant[name] ?? plan.base_url.variables[name];
      if (!value) missing.push(name);
      return value ?? '';
    });
    if (missing.length) throw new FetchwrightError('usage', `the base URL ${plan.base_url.url} needs ${missing.map((m) => `{${m}}`).join(', ')}`, { hint: `Give ${missing.map((m) => `--tenant ${m}=VALUE`).join(' ')}, or the whole URL with --base-url.` });
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FetchwrightError('usage', `--base-url ${text} is not a URL`, { hint: 'e.g. --base-url https://hub.example.com/hub/api' });
  }
  if (url.search || url.hash) throw new FetchwrightError('usage', `the base URL ${url.origin}${url.pathname} must have no query or fragment`, { hint: 'The connector appends each list\'s path to the base URL: give it without ?… or #….' });
  if (url.username || url.password) throw new FetchwrightError('usage', 'the base URL holds a user name or password', { hint: 'Give the credential with --credential-env, never in the URL.' });
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) throw new FetchwrightError('usage', `plain http is allowed only to a loopback test server, not ${url.host}`, { hint: 'Use https:// for a real API: the credential never travels unencrypted.' });
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new FetchwrightError('usage', `the base URL must be https (or http to a loopback test server), not ${url.protocol}`);
  return url;
}

/** The plan's tenant path variables, every one given with --tenant. */
function tenantValues(plan: ConnectorPlan, tenant: Record<string, string>): Record<string, string> {
  const names = Object.keys(plan.tenant_variables);
  const missing = names.filter((n) => !tenant[n]);
  if (missing.length) throw new FetchwrightError('usage', `the connector's paths need ${missing.map((m) => `{${m}}`).join(', ')}`, { hint: `Give ${missing.map((m) => `--tenant ${m}=VALUE`).join(' ')}.` });
  return Object.fromEntries(names.map((n) => [n, tenant[n]!]));
}

/**
 * Where each credential goes, as the plan's auth says (header with its prefix, or a query parameter),
 * by scheme key (`*`: the one scheme of a plan that has one). HTTP Basic's `user:password` is encoded
 * (RFC 7617). A plan without auth sends nothing.
 */
function credentialPlacement(plan: ConnectorPlan, credentials: Record<string, string>): { headers: Record<string, string>; query: Record<string, string> } {
  const headers: Record<string, string> = {};
  const query: Record<string, string> = {};
  const schemes = new Set(plan.auth.credentials.map((c) => c.scheme));
  for (const cred of plan.auth.credentials) {
    // `--credential-env VAR` (key `*`) names the credential of a plan with one scheme.
    const secret = credentials[cred.scheme] ?? (schemes.size === 1 ? credentials['*'] : undefined);
    if (secret !== undefined && secret.length < MIN_CREDENTIAL_LENGTH) {
      throw new FetchwrightError('usage', `the credential for the ${cred.scheme} scheme is shorter than ${MIN_CREDENTIAL_LENGTH} characters`, { hint: 'A value that short cannot be told apart from ordinary text, so it could not be kept out of the records and logs: use a real token.' });
    }
    if (secret === undefined) throw new FetchwrightError('usage', `no credential given for the ${cred.scheme} scheme`, { hint: `Give --credential-env ${plan.auth.credentials.length > 1 ? `${cred.scheme}=` : ''}VAR, naming an environment variable that holds it.` });
    const value = /^basic\s/i.test(cred.prefix) && secret.includes(':') ? Buffer.from(secret, 'utf8').toString('base64') : secret;
    (cred.in === 'query' ? query : headers)[cred.name] = `${cred.prefix}${value}`;
  }
  return { headers, query };
}

/** Records as JSON lines into a temporary file beside `file`, renamed into place at the end (or removed). */
function openSink(file: string): { write: (line: string) => void; finish: () => void; abandon: () => void } {
  ensureDir(path.dirname(path.resolve(file)));
  const tmp = `${path.resolve(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    write: (line) => void writeSync(fd, line),
    finish: () => {
      close();
      renameSync(tmp, file);
    },
    abandon: () => {
      close();
      rmSync(tmp, { force: true });
    },
  };
}
