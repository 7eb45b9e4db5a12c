import { z } from 'zod';
import type { Command } from '../cli/main.ts';
import { renderPlan } from '../cli/render-plan.ts';
import { writeFileAtomic } from '../cli/write-file.ts';
import { EXIT } from '../errors.ts';
import { ingest } from '../ingest/ingest.ts';
import { hashJson } from '../hash.ts';
import { planHeuristically } from '../plan/heuristic-planner.ts';

export const PlanOptions = z.object({
  docs: z.string().min(1, 'give the path of the vendor\'s API description (a file or a folder)'),
  json: z.boolean().default(false),
  out: z.string().min(1).optional(),
  vendor: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a vendor name is lower-case letters, digits and dashes').optional(),
});
export type PlanOptions = z.infer<typeof PlanOptions>;

export const command: Command = {
  usage: 'fetchwright plan <docs> [--json] [--out plan.json] [--vendor NAME]',
  summary:
    'Reads an OpenAPI 3.x / Swagger 2.0 description (a file, or a folder of split specs and Markdown pages)\n' +
    'and prints which identity streams a connector would fetch, how it authenticates and pages, and why.\n\n' +
    '  --json          print the plan as JSON on stdout (the machine contract)\n' +
    '  --out FILE      also write the plan as JSON to FILE (written whole or not at all)\n' +
    '  --vendor NAME   the vendor\'s short name, when the docs\' title does not give it',
  args: {
    json: { type: 'boolean' },
    out: { type: 'string' },
    vendor: { type: 'string' },
  },
  async run(values, positionals, io, { audit }) {
    if (positionals.length !== 1) {
      io.stderr.write(`error[usage]: plan takes exactly one <docs> path, got ${positionals.length}\n  usage: ${command.usage}\n`);
      return EXIT.usage;
    }
    const opts = PlanOptions.parse({ ...values, docs: positionals[0] });
    const model = await ingest(opts.docs, opts.vendor ? { vendor: opts.vendor } : {});
    audit.record('ingest', 'ok', { docs_sha256: model.docs_sha256 }, { docs: opts.docs, operations: model.operations.length });
    const plan = planHeuristically(model);
    audit.record('plan', 'ok', { api_model_sha256: plan.api_model_sha256, plan_sha256: hashJson(plan) }, { planner: plan.planner.kind, streams: plan.streams.map((s) => s.name), verdict: plan.assessment.verdict });
    const json = `${JSON.stringify(plan, null, 2)}\n`;
    if (opts.out) await writeFileAtomic(opts.out, json);
    io.stdout.write(opts.json ? json : renderPlan(plan));
    if (opts.out) io.stderr.write(`plan written to ${opts.out}\n`);
    return EXIT.ok;
  },
};
