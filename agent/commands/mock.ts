import { createMockVendor } from '../../synthetic-data/mock-api/mock-vendor.ts';
import { presentationsOf, schemesOf } from '../../synthetic-data/mock-api/read-auth.ts';
import { formatServedRequest, serveMock } from '../../synthetic-data/mock-api/serve.ts';
import type { Io } from '../cli/io.ts';
import type { Context } from '../cli/main.ts';
import { EXIT, FetchwrightError } from '../errors.ts';
import type { ApiModel } from '../ingest/api-model.ts';
import { ingest } from '../ingest/ingest.ts';
import { readObservedShapes } from '../observed/read-observed-shapes.ts';
import { chooseBaseUrl, unusableBaseUrl } from '../plan/base-url.ts';

/** `fetchwright mock`'s options, as commander parses them (agent/cli/command-table.ts). */
export interface MockOptions {
  port: number;
  seed: number;
  /** false with --no-faults. */
  faults: boolean;
  /** A shapes file from `run --observe`: served over the docs, as `generate --observed` proves against. */
  observed?: string;
}

/** `fetchwright mock <docs> --port N`: serves the mock on 127.0.0.1 until Ctrl-C or SIGTERM (then exit 0). */
export async function run([docs]: string[], opts: MockOptions, io: Io, { audit, interrupts }: Context): Promise<number> {
  const observed = opts.observed ? readObservedShapes(opts.observed) : undefined;
  const model = await ingest(docs!, observed ? { observed } : {});
  const mock = buildMock(model, opts);
  const served = await serveMock(mock, opts.port, { onRequest: (r) => io.stderr.write(`${formatServedRequest(r)}\n`) }).catch((e: NodeJS.ErrnoException) => {
    throw new FetchwrightError('usage', `cannot listen on 127.0.0.1:${opts.port}${e.code ? ` (${e.code})` : ''}`, { hint: e.code === 'EADDRINUSE' ? 'That port is taken: choose another with --port (0 picks a free one).' : 'Choose another --port.' });
  });
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    interrupts.stop = resolve;
  });
  audit.record('serve', 'ok', { docs_sha256: model.docs_sha256, ...(observed ? { observed_sha256: observed.sha256 } : {}) }, { url: served.url, seed: opts.seed });
  const base = new URL(mock.baseUrl);
  io.stdout.write(`mock of ${model.vendor} at ${served.url}${base.pathname === '/' ? '' : base.pathname} (standing in for ${mock.baseUrl})\n`);
  io.stdout.write('synthetic credentials (placeholders, accepted only by this mock):\n');
  // As the mock reads the docs (its own reading, not the planner's): every documented way to present each credential.
  for (const scheme of schemesOf(model)) {
    for (const p of presentationsOf(scheme, model)) {
      const value = mock.credentials[scheme.key]?.value ?? '';
      io.stdout.write(`  ${scheme.key}: ${p.in} ${p.name}: ${p.prefix}${value}\n`);
      // HTTP Basic (RFC 7617): the pair the base64 stands for, for curl -u.
      if (/^basic\s/i.test(p.prefix)) io.stdout.write(`    (curl -u '${Buffer.from(value, 'base64').toString('utf8')}')\n`);
    }
  }
  io.stdout.write(`${opts.faults ? 'faults on: the first request to each list answers 429 (Retry-After: 1), a later page 503 — --no-faults to turn them off' : 'faults off'}\npress Ctrl-C to stop; each request is logged on stderr\n`);
  const signal = await stopped;
  await served.close();
  io.stderr.write(`stopped by ${signal}: served ${mock.calls.length} request${mock.calls.length === 1 ? '' : 's'}\n`);
  return EXIT.ok;
}

/**
 * The mock of these docs, or exit 4 (as `plan` gives) when the server it stands in for is not a URL
 * a request can be sent to (a bad default, a port out of range), and exit 32 (`unsafe-host`, as
 * `plan` gives) when no documented server is a public http(s) host: the mock never stands in for
 * loopback, a private network or a metadata service, nor for a URL with credentials in it.
 */
function buildMock(model: ApiModel, opts: MockOptions): ReturnType<typeof createMockVendor> {
  // The planner's own judgement of the docs' servers (hosts from docs must be public): throws as `plan` would.
  chooseBaseUrl(model, []);
  const refuse = (problem: string) =>
    new FetchwrightError('unreadable-docs', `the mock cannot stand in for these docs' server: ${problem}`, { hint: 'Fix the server URL (and its variables\' defaults) in the docs: it must be an absolute http(s) URL with a host.' });
  let mock: ReturnType<typeof createMockVendor>;
  try {
    mock = createMockVendor(model, { seed: opts.seed, faults: opts.faults });
  } catch (e) {
    if (e instanceof FetchwrightError) throw e;
    const first = model.servers[0];
    throw refuse(`${first ? `${JSON.stringify(first.url.replace(/\/\/[^/@]*@/, '//'))} with its defaults filled in` : 'its URL'} is not a URL (${(e as Error).message})`);
  }
  const problem = unusableBaseUrl(mock.baseUrl, {});
  if (problem) throw refuse(`${JSON.stringify(mock.baseUrl.replace(/\/\/[^/@]*@/, '//'))} — ${problem}`);
  return mock;
}
