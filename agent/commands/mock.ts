import { z } from 'zod';
import { createMockVendor } from '../../synthetic-data/mock-api/mock-vendor.ts';
import { serveMock } from '../../synthetic-data/mock-api/serve.ts';
import type { Command } from '../cli/main.ts';
import { EXIT } from '../errors.ts';
import { ingest } from '../ingest/ingest.ts';
import { credentialFor } from '../plan/detect-auth.ts';

export const MockOptions = z.object({
  docs: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(1),
});

export const command: Command = {
  usage: 'fetchwright mock <docs> --port N [--seed N]',
  summary:
    'Serves the same synthetic mock of the vendor API that validation uses, on 127.0.0.1:N, until\n' +
    'interrupted. It prints the synthetic placeholder credentials to send (never real ones).',
  args: { port: { type: 'string' }, seed: { type: 'string' } },
  async run(values, positionals, io, { audit }) {
    if (positionals.length !== 1 || values.port === undefined) {
      io.stderr.write(`error[usage]: mock takes one <docs> path and --port\n  usage: ${command.usage}\n`);
      return EXIT.usage;
    }
    const opts = MockOptions.parse({ ...values, docs: positionals[0] });
    const model = await ingest(opts.docs);
    const mock = createMockVendor(model, { seed: opts.seed });
    const served = await serveMock(mock, opts.port);
    audit.record('serve', 'ok', { docs_sha256: model.docs_sha256 }, { url: served.url, seed: opts.seed });
    const base = new URL(mock.baseUrl);
    io.stdout.write(`mock of ${model.vendor} at ${served.url}${base.pathname === '/' ? '' : base.pathname} (standing in for ${mock.baseUrl})\n`);
    io.stdout.write('synthetic credentials (placeholders, accepted only by this mock):\n');
    for (const scheme of model.security_schemes) {
      const { header } = credentialFor(scheme, model);
      io.stdout.write(`  ${scheme.key}: ${header.in} ${header.name}: ${header.prefix}${mock.credentials[scheme.key]?.value}\n`);
    }
    io.stdout.write('press Ctrl-C to stop\n');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await served.close();
    io.stderr.write(`served ${mock.calls.length} requests\n`);
    return EXIT.ok;
  },
};
