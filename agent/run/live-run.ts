import { randomBytes } from 'node:crypto';
import { streamEmits } from '../plan/stream-emits.ts';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { runFetcher } from '../../sandbox/run-fetcher.ts';
import type { RunResult } from '../../sandbox/result.ts';
import { OutputRecord, type RunRecord } from '../../templates/canonical.ts';
import type { RunInput } from '../../templates/runtime/contract.ts';
import { FetchwrightError } from '../errors.ts';
import { readConnectorDir } from '../generate/connector-dir.ts';
import { ensureDir } from '../output-dir.ts';
import { sha256 } from '../hash.ts';
import { unsafeBaseUrl } from '../plan/base-url.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { declaredHeaders } from '../plan/declared-headers.ts';
import { compileFetcher } from '../render/compile-fetcher.ts';
import { isLoopback } from './loopback.ts';
import { assertProvedConnector } from './proved-connector.ts';
import { startClientCredentials, type ClientCredentialsInput } from './oauth2-client-credentials.ts';
import { readFile } from 'node:fs/promises';
import type { ObservedShapes } from '../observed/observed-shapes.ts';
import { classifyDrift, type DriftEntry } from './drift.ts';
import { ResponseObserver, type DeprecationSeen, type OutsidePlanCall } from './observe-responses.ts';

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
  /** OAuth 2.0 client credentials: the host obtains and renews the access token (oauth2-client-credentials.ts). */
  clientCredentials?: ClientCredentialsInput;
  /** Called with each secret the run obtains (an access token) before it is used: the caller redacts it. */
  onSecret?: (secret: string) => void;
  /** Values for the plan's `{placeholders}`: base-URL variables and tenant path variables. */
  tenant: Record<string, string>;
  /** The longest wait before a retry the API asks for (a 429's Retry-After or reset time), in ms; 30,000 by default. */
  maxWaitMs?: number;
  /** Where the records go, as JSON lines (written whole: a temporary file renamed at the end). */
  outFile?: string;
  onLog?: (line: string) => void;
  /**
   * Identity records received so far by stream, called as they arrive (at most every PROGRESS_MS per stream)
   * and once more with `done` when the stream's last record came (the next stream began, or the run ended).
   */
  onProgress?: (stream: string, records: number, done: boolean) => void;
  /** Given the synchronous removal of the temporary records file, for a signal handler (Ctrl-C). */
  onCleanup?: (cleanup: (() => void) | undefined) => void;
  /** Given what the run observed of the API, no value kept (`run --observe`), whether the run was complete or not. */
  onShapes?: (shapes: ObservedShapes) => void;
}

export interface LiveRunReport {
  vendor: string;
  base_url: string;
  /** True only when every stream says it saw its whole list. */
  complete: boolean;
  /** A stream was refused by the API's authentication (401/403). */
  auth_refused: boolean;
  streams: { name: string; kind: string; complete: boolean; records: number; pages: number; requests: number; retries: number; waited_ms: number; error: string | null; findings: RunRecord['streams'][number]['findings'] }[];
  records_by_kind: Record<string, number>;
  calls: { total: number; refused_by_gate: number };
  /** Why the sandbox stopped the run early, when it did. */
  failure: string | null;
  out: string | null;
  /** How the answers differ from what the connector expects (agent/run/drift.ts), breaking first; never a value. */
  drift: DriftEntry[];
  /** Additive and info drift entries past the report's cap. */
  drift_omitted: number;
  /** Requests sent to no stream's path (a next link elsewhere on the API): how many, and the first distinct ones. */
  calls_outside_plan: { total: number; calls: OutsidePlanCall[] };
  /** Operations that answered with `Sunset` (RFC 8594) or `Deprecation` (RFC 9745) headers or links. */
  deprecations: DeprecationSeen[];
}

/** Largest response body a live run reads (the egress gate's cap, which the observation shares). */
const LIVE_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** How long one request may take, connection to last byte (ms): a server that never answers fails the request, not the run's clock. */
const REQUEST_TIMEOUT_MS = 60_000;

/** Limits of a live run: as validation's, with the time a real API needs. */
export const LIVE_LIMITS = { memoryMb: 128, cpuMs: 120_000, wallMs: 30 * 60_000, maxRecords: 1_000_000 };

/**
 * Runs the connector in `dir` against the live API. Throws FetchwrightError for what cannot be run
 * (exit 2, 12), and with client credentials for a token endpoint that refuses the client (29) or
 * issues no usable token (28).
 */
export async function runLive(o: LiveRunOptions): Promise<LiveRunReport> {
  const c = await readConnectorDir(o.dir);
  // What the proof hashed: the observer and drift read this slice, never the rest of api-model.json.
  const model = assertProvedConnector(c);
  const base = liveBaseUrl(c.plan, o.baseUrl, o.tenant);
  const tenantVariables = tenantValues(c.plan, o.tenant);
  // The observer sees raw answers (before the gate's scrubber): it is told every secret, each access token as it is obtained.
  const observer = new ResponseObserver({ plan: c.plan, model, baseUrl: base.href.replace(/\/$/, ''), maxResponseBytes: LIVE_MAX_RESPONSE_BYTES, secrets: [...Object.values(o.credentials), ...(o.clientCredentials ? [o.clientCredentials.clientSecret] : [])] });
  const oauth = o.clientCredentials ? await startClientCredentials({ plan: c.plan, base, tenant: o.tenant, input: o.clientCredentials, onSecret: (secret: string) => (observer.addSecret(secret), o.onSecret?.(secret)), ...(o.onLog ? { onLog: o.onLog } : {}) }) : undefined;
  const { headers, query } = credentialPlacement(c.plan, o.credentials, oauth?.scheme);
  const compiled = compileFetcher(c.fetcher);
  if (!compiled.ok) throw new FetchwrightError('invalid-connector', `fetcher.ts cannot be compiled: ${compiled.message}`, { file: path.join(c.dir, 'fetcher.ts') });

  const origin = base.origin;
  // The shapes file names the plan the run read (its bytes, as `pr` hashes them).
  const planSha256 = sha256(await readFile(path.join(c.dir, 'plan.json')));
  const sink = o.outFile ? openSink(o.outFile) : undefined;
  o.onCleanup?.(sink ? () => sink.abandon() : undefined);
  const byKind: Record<string, number> = {};
  const progress = o.onProgress ? streamProgress(o.onProgress) : undefined;
  let run: RunRecord | undefined;
  const input: RunInput = { base_url: base.href.replace(/\/$/, ''), tenant_variables: tenantVariables, max_pages_per_stream: 10_000, max_records: LIVE_LIMITS.maxRecords, retry: { max_attempts: 5, base_delay_ms: 500, max_delay_ms: o.maxWaitMs ?? 30_000 } };
  let result: RunResult;
  try {
    result = await runFetcher({
      source: compiled.js,
      filename: 'fetcher.ts',
      input,
      limits: LIVE_LIMITS,
      // Records go to the sink as they arrive; the host keeps none (bounded memory whatever the count).
      keepRecords: false,
      egress: {
        allowedOrigins: [origin],
        // liveBaseUrl allows plain http only to a loopback server the human named: the credential may go there.
        ...(base.protocol === 'http:' && isLoopback(base.hostname) ? { plaintextCredentialOrigins: [origin] } : {}),
        allowedHeaders: declaredHeaders(c.plan),
        allowedMethods: ['GET'],
        maxRequests: 100_000,
        maxResponseBytes: LIVE_MAX_RESPONSE_BYTES,
        // Never sent to the API, but a server that has it could echo it: kept out of what the fetcher sees.
        ...(o.clientCredentials ? { secrets: [o.clientCredentials.clientSecret] } : {}),
        // The credential goes only to the exact origin (scheme, host, port) of the base URL.
        injectAuth: (url) => (url.origin === origin ? { ...headers, ...oauth?.auth().headers } : {}),
        injectQuery: (url) => (url.origin === origin ? { ...query, ...oauth?.auth().query } : {}),
        // The access token is renewed before it expires, and once when the API answers 401 (the gate then retries that request).
        ...(oauth ? { prepareAuth: (url: URL) => (url.origin === origin ? oauth.session.fresh() : Promise.resolve()), renewAuth: (url: URL, sent: string[]) => (url.origin === origin ? oauth.session.renewAfterUnauthorized(sent) : Promise.resolve(false)) } : {}),
        // Every answer passes the observer (shapes, no value) on its way to the gate.
        fetchImpl: (request) => (new URL(request.url).origin === origin ? fetch(request, { redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).then((response) => observer.observe(request, response)) : Promise.reject(new Error(`refused: ${new URL(request.url).origin} is not the run's origin ${origin}`))),
      },
      onRecord: (record) => {
        // The run record decides completeness: parsed whole. The others are counted by a look at
        // their type and kind (a zod parse of each of 200,000 records is garbage the host need not make).
        if (record.type === 'run') {
          const parsed = OutputRecord.safeParse(record);
          if (parsed.success && parsed.data.type === 'run') run = parsed.data;
          else byKind['not-canonical'] = (byKind['not-canonical'] ?? 0) + 1;
          return;
        }
        const kind = record.type === 'identity' && typeof record.kind === 'string' ? record.kind : record.type === 'relationship' ? 'relationship' : 'not-canonical';
        if (kind !== 'not-canonical' && record.type === 'identity') {
          const source = record.source;
          if (source && typeof source === 'object' && !Array.isArray(source) && typeof source.stream === 'string') progress?.record(source.stream);
        }
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
  const shapes = observer.shapes({ plan_sha256: planSha256, observed_at: new Date().toISOString() });
  o.onShapes?.(shapes);
  const drift = classifyDrift(c.plan, model, shapes.operations);
  // A stream whose records were not where the plan reads them is never complete, whatever the fetcher said.
  const listDrift = new Set(drift.entries.filter((d) => d.severity === 'breaking' && (d.class === 'list-shape-changed' || d.class === 'items-path-missing')).map((d) => d.stream));
  const streams = (run?.streams ?? []).map((s) => ({ name: s.name, kind: ((p) => (p ? streamEmits(p) : '?'))(c.plan.streams.find((p) => p.name === s.name)), complete: s.complete && !listDrift.has(s.name), records: s.records, pages: s.pages, requests: s.requests, retries: s.retries, waited_ms: s.waited_ms, error: s.error, findings: s.findings }));
  const complete = result.ok && !!run?.complete && streams.length === c.plan.streams.length && streams.every((s) => s.complete);
  progress?.end();
  // The records end with the run record a consumer needs before it treats a missing identity as gone:
  // the host's verdict (a stream whose records were not where the plan reads them is not complete).
  if (run) sink?.write(`${JSON.stringify({ ...run, complete, streams: run.streams.map((s) => ({ ...s, complete: s.complete && !listDrift.has(s.name) })) })}\n`);
  sink?.finish();
  o.onCleanup?.(undefined);
  return {
    vendor: c.plan.vendor,
    base_url: input.base_url,
    complete,
    auth_refused: streams.some((s) => s.findings.some((f) => f.id === 'auth-refused')) || oauth?.session.refusal !== undefined,
    streams,
    records_by_kind: byKind,
    calls: { total: result.stats.calls, refused_by_gate: result.stats.violations },
    failure: result.ok ? (run ? null : 'the fetcher ended without its run record: completeness unknown') : `${result.failure.kind}: ${result.failure.message}`,
    out: o.outFile ?? null,
    drift: drift.entries,
    drift_omitted: drift.omitted,
    calls_outside_plan: observer.outsidePlan(),
    deprecations: observer.deprecations(),
  };
}

/** Shorter credentials are refused: the scrubbers cannot tell them from ordinary text. */
const MIN_CREDENTIAL_LENGTH = 8;

/**
 * The base URL of a live run: `--base-url`, or the plan's with its `{placeholders}` filled from
 * `--tenant` and the docs' defaults. https, or http to a loopback address; no user name or password.
 */
export function liveBaseUrl(plan: ConnectorPlan, override: string | undefined, tenant: Record<string, string>): URL {
  let text = override;
  if (!text) {
    // The plan's own host (its docs' defaults; what the human gives with --tenant is theirs) must be public, as `plan` and `validate` require.
    const human = Object.fromEntries(Object.entries(plan.base_url.variables).filter(([name]) => !(name in tenant)));
    const unsafe = unsafeBaseUrl(plan.base_url.url, human);
    if (unsafe) throw new FetchwrightError('unsafe-host', `the plan's base URL ${plan.base_url.url.replace(/\/\/[^/@]*@/, '//[REDACTED]@')} cannot be the API's host: ${unsafe}`, { hint: 'A live run against a test server is yours to name: give it with --base-url (plain http only to loopback).' });
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
  // A name the connector has no {placeholder} for is a typo that would otherwise pass unnoticed.
  const placeholders = (text: string | undefined) => [...(text ?? '').matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const known = new Set([...names, ...placeholders(plan.base_url.url), ...placeholders(plan.auth.client_credentials?.token_url)]);
  const unknown = Object.keys(tenant).filter((n) => !known.has(n));
  if (unknown.length) {
    throw new FetchwrightError('usage', `--tenant ${unknown.join(', ')}: the connector has no {${unknown[0]}} placeholder`, { hint: known.size ? `Its placeholders: ${[...known].map((k) => `{${k}}`).join(', ')}.` : 'This connector has no placeholders: leave --tenant out.' });
  }
  const missing = names.filter((n) => !tenant[n]);
  if (missing.length) throw new FetchwrightError('usage', `the connector's paths need ${missing.map((m) => `{${m}}`).join(', ')}`, { hint: `Give ${missing.map((m) => `--tenant ${m}=VALUE`).join(' ')}.` });
  return Object.fromEntries(names.map((n) => [n, tenant[n]!]));
}

/**
 * Where each credential goes, as the plan's auth says (header with its prefix, or a query parameter),
 * by scheme key (`*`: the one scheme of a plan that has one). HTTP Basic's `user:password` is encoded
 * (RFC 7617). A plan without auth sends nothing. `tokenScheme`'s credential is the OAuth 2 access token
 * the host obtains, left out here: it is placed per request, as it is renewed.
 */
function credentialPlacement(plan: ConnectorPlan, credentials: Record<string, string>, tokenScheme?: string): { headers: Record<string, string>; query: Record<string, string> } {
  const headers: Record<string, string> = {};
  const query: Record<string, string> = {};
  const schemes = new Set(plan.auth.credentials.map((c) => c.scheme));
  for (const cred of plan.auth.credentials) {
    // The OAuth 2 access token the host obtains is placed per request (it is renewed).
    if (cred.scheme === tokenScheme) continue;
    // `--credential-env VAR` (key `*`) names the credential of a plan with one scheme.
    const secret = credentials[cred.scheme] ?? (schemes.size === 1 ? credentials['*'] : undefined);
    if (secret !== undefined && secret.length < MIN_CREDENTIAL_LENGTH) {
      throw new FetchwrightError('usage', `the credential for the ${cred.scheme} scheme is shorter than ${MIN_CREDENTIAL_LENGTH} characters`, { hint: 'A value that short cannot be told apart from ordinary text, so it could not be kept out of the records and logs: use a real token.' });
    }
    const viaClient = plan.auth.client_credentials?.scheme === cred.scheme ? ' (or --client-id-env and --client-secret-env: the host then obtains the token at the docs\' token URL)' : '';
    if (secret === undefined) throw new FetchwrightError('usage', `no credential given for the ${cred.scheme} scheme`, { hint: `Give --credential-env ${plan.auth.credentials.length > 1 ? `${cred.scheme}=` : ''}VAR, naming an environment variable that holds it${viaClient}.` });
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

/** Least time between two progress calls for one stream (ms). */
const PROGRESS_MS = 2_000;

/** Counts records per stream in arrival order (streams run one after another) and reports them, throttled. */
function streamProgress(report: (stream: string, records: number, done: boolean) => void): { record: (stream: string) => void; end: () => void } {
  let current: string | undefined;
  let records = 0;
  let last = 0;
  const finish = () => {
    if (current !== undefined) report(current, records, true);
  };
  return {
    record(stream) {
      if (stream !== current) {
        finish();
        current = stream;
        records = 0;
        last = performance.now();
      }
      records++;
      const now = performance.now();
      if (now - last >= PROGRESS_MS) {
        last = now;
        report(stream, records, false);
      }
    },
    end: finish,
  };
}
