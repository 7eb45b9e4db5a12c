import { z } from 'zod';
import { createMockVendor } from '../../synthetic-data/mock-api/mock-vendor.ts';
import { presentationsOf, schemesOf } from '../../synthetic-data/mock-api/read-auth.ts';
import { serveMock } from '../../synthetic-data/mock-api/serve.ts';
import type { Command } from '../cli/main.ts';
import { EXIT, FetchwrightError } from '../errors.ts';
import { ingest } from '../ingest/ingest.ts';

export const MockOptions = z.object({
  docs: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(1),
  noFaults: z.boolean().default(false),
});

export const command: Command = {
  usage: 'fetchwright mock <docs> --port N [--seed N] [--no-faults]',
  summary:
    'Serves the same synthetic mock of the vendor API that validation uses, on 127.0.0.1:N, until\n' +
    'interrupted. It prints the synthetic placeholder credentials to send (never real ones). Like in\n' +
    'validation, the first request to each list answers 429 and a later page 503; --no-faults turns that off.',
  args: { port: { type: 'string' }, seed: { type: 'string' }, 'no-faults': { type: 'boolean' } },
  async run(values, positionals, io, { audit }) {
    if (positionals.length !== 1 || values.port === undefined) {
      io.stderr.write(`error[usage]: mock takes one <docs> path and --port\n  usage: ${command.usage}\n`);
      return EXIT.usage;
    }
    const opts = MockOptions.parse({ ...values, noFaults: values['no-faults'], docs: positionals[0] });
    const model = await ingest(opts.docs);
    const mock = createMockVendor(model, { seed: opts.seed, faults: !opts.noFaults });
    const served = await serveMock(mock, opts.port).catch((e: NodeJS.ErrnoException) => {
      throw new FetchwrightError('usage', `cannot listen on 127.0.0.1:${opts.port}${e.code ? ` (${e.code})` : ''}`, { hint: e.code === 'EADDRINUSE' ? 'That port is taken: choose another with --port.' : 'Choose another --port.' });
    });
    audit.record('serve', 'ok', { docs_sha256: model.docs_sha256 }, { url: served.url, seed: opts.seed });
    const base = new URL(mock.baseUrl);
    io.stdout.write(`mock of ${model.vendor} at ${served.url}${base.pathname === '/' ? '' : base.pathname} (standing in for ${mock.baseUrl})\n`);
    io.stdout.write('synthetic credentials (placeholders, accepted only by this mock):\n');
    // As the mock reads the docs (its own reading, not the planner's): every documented way to present each credential.
    for (const scheme of schemesOf(model)) {
      for (const p of presentationsOf(scheme, model)) io.stdout.write(`  ${scheme.key}: ${p.in} ${p.name}: ${p.prefix}${mock.credentials[scheme.key]?.value}\n`);
    }
    io.stdout.write(`${opts.noFaults ? 'faults off' : 'faults on: the first request to each list answers 429 (Retry-After: 1), a later page 503 — --no-faults to turn them off'}\npress Ctrl-C to stop\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await served.close();
    io.stderr.write(`served ${mock.calls.length} requests\n`);
    return EXIT.ok;
  },
};
