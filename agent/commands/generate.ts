import { z } from 'zod';
import type { Command } from '../cli/main.ts';
import { renderScorecard } from '../cli/render-scorecard.ts';
import { EXIT } from '../errors.ts';
import { writeConnectorDir } from '../generate/connector-dir.ts';
import { generateConnector } from '../generate/generate-connector.ts';
import { ingest } from '../ingest/ingest.ts';
import { planHeuristically } from '../plan/heuristic-planner.ts';

export const GenerateOptions = z.object({
  docs: z.string().min(1),
  out: z.string().min(1).default('connectors'),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(1),
  json: z.boolean().default(false),
  force: z.boolean().default(false),
  maxAttempts: z.coerce.number().int().min(1).max(10).default(3),
  vendor: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).optional(),
});

export const command: Command = {
  usage: 'fetchwright generate <docs> [--out DIR] [--seed N] [--json] [--force] [--max-attempts N]',
  summary:
    'Plans a connector from the docs, renders it from approved templates, and proves it in an isolated-vm\n' +
    'sandbox against a mock of the vendor API seeded with synthetic identities. Writes DIR/<vendor>/\n' +
    '(fetcher.ts, plan.json, manifest.json, scorecard.json, VALIDATION.md, api-model.json, attempts.json).\n' +
    'Exits 0 when every seeded identity came back exactly once and correctly mapped, 9 when not.\n\n' +
    '  --out DIR          where to write (default: connectors)\n' +
    '  --seed N           seed for the synthetic identities (default 1)\n' +
    '  --json             print {vendor, dir, verdict, scorecard, attempts} as JSON on stdout\n' +
    '  --force            generate even when the assessment recommends a manual build\n' +
    '  --max-attempts N   how many pagination hypotheses to try when the proof fails (default 3)',
  args: {
    out: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    force: { type: 'boolean' },
    'max-attempts': { type: 'string' },
    vendor: { type: 'string' },
  },
  async run(values, positionals, io) {
    if (positionals.length !== 1) {
      io.stderr.write(`error[usage]: generate takes exactly one <docs> path\n  usage: ${command.usage}\n`);
      return EXIT.usage;
    }
    const opts = GenerateOptions.parse({ ...values, maxAttempts: values['max-attempts'], docs: positionals[0] });
    const model = await ingest(opts.docs, opts.vendor ? { vendor: opts.vendor } : {});
    const plan = planHeuristically(model);
    const result = await generateConnector(model, plan, { seed: opts.seed, maxAttempts: opts.maxAttempts, force: opts.force, onLog: (line) => io.stderr.write(`${line}\n`) });
    const dir = await writeConnectorDir(opts.out, result);
    if (opts.json) io.stdout.write(`${JSON.stringify({ vendor: result.plan.vendor, dir, verdict: result.scorecard.verdict, scorecard: result.scorecard, attempts: result.attempts }, null, 2)}\n`);
    else io.stdout.write(renderScorecard(result.scorecard, dir));
    return result.scorecard.verdict === 'pass' ? EXIT.ok : EXIT.validationFailed;
  },
};
