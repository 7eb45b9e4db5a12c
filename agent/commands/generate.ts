import { z } from 'zod';
import type { Command } from '../cli/main.ts';
import { renderScorecard } from '../cli/render-scorecard.ts';
import { EXIT } from '../errors.ts';
import { writeConnectorDir } from '../generate/connector-dir.ts';
import { generateConnector } from '../generate/generate-connector.ts';
import { ingest } from '../ingest/ingest.ts';
import { hashJson } from '../hash.ts';
import { planHeuristically } from '../plan/heuristic-planner.ts';
import { PR_ARGS, PrOptions, runPr } from './pr.ts';

export const GenerateOptions = z.object({
  docs: z.string().min(1),
  out: z.string().min(1).default('connectors'),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(1),
  json: z.boolean().default(false),
  force: z.boolean().default(false),
  maxAttempts: z.coerce.number().int().min(1).max(10).default(3),
  vendor: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).optional(),
  pr: z.boolean().default(false),
});

export const command: Command = {
  usage: 'fetchwright generate <docs> [--out DIR] [--seed N] [--json] [--force] [--max-attempts N] [--pr --repo PATH [--github owner/repo]]',
  summary:
    'Plans a connector from the docs, renders it from approved templates, and proves it in an isolated-vm\n' +
    'sandbox against a mock of the vendor API seeded with synthetic identities. Writes DIR/<vendor>/\n' +
    '(fetcher.ts, plan.json, manifest.json, scorecard.json, VALIDATION.md, api-model.json, attempts.json).\n' +
    'Exits 0 when every seeded identity came back exactly once and correctly mapped, 9 when not.\n\n' +
    '  --out DIR          where to write (default: connectors)\n' +
    '  --seed N           seed for the synthetic identities (default 1)\n' +
    '  --json             print {vendor, dir, verdict, scorecard, attempts} as JSON on stdout\n' +
    '  --force            generate even when the assessment recommends a manual build\n' +
    '  --max-attempts N   how many pagination hypotheses to try when the proof fails (default 3)\n' +
    '  --pr --repo PATH   then do what `fetchwright pr` does (see its --help), in one go',
  args: {
    out: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    force: { type: 'boolean' },
    'max-attempts': { type: 'string' },
    vendor: { type: 'string' },
    pr: { type: 'boolean' },
    repo: PR_ARGS.repo,
    github: PR_ARGS.github,
    remote: PR_ARGS.remote,
    'requested-by': PR_ARGS['requested-by'],
    'github-api': PR_ARGS['github-api'],
  },
  async run(values, positionals, io, ctx) {
    const { audit } = ctx;
    if (positionals.length !== 1) {
      io.stderr.write(`error[usage]: generate takes exactly one <docs> path\n  usage: ${command.usage}\n`);
      return EXIT.usage;
    }
    const opts = GenerateOptions.parse({ ...values, maxAttempts: values['max-attempts'], docs: positionals[0] });
    // Checked before any work, so a missing --repo is a usage error, not a surprise after the proof.
    const prOpts = opts.pr ? PrOptions.parse({ dir: '.', repo: values.repo, github: values.github, remote: values.remote, requestedBy: values['requested-by'], githubApi: values['github-api'], json: opts.json }) : undefined;
    const model = await ingest(opts.docs, opts.vendor ? { vendor: opts.vendor } : {});
    audit.record('ingest', 'ok', { docs_sha256: model.docs_sha256 }, { docs: opts.docs, operations: model.operations.length });
    const plan = planHeuristically(model);
    audit.record('plan', 'ok', { api_model_sha256: plan.api_model_sha256, plan_sha256: hashJson(plan) }, { planner: plan.planner.kind, streams: plan.streams.map((s) => s.name), verdict: plan.assessment.verdict, forced: opts.force });
    const result = await generateConnector(model, plan, {
      seed: opts.seed,
      maxAttempts: opts.maxAttempts,
      force: opts.force,
      onLog: (line) => io.stderr.write(`${line}\n`),
      onAttempt: (a) => audit.record(`attempt-${a.attempt}`, a.verdict === 'pass' ? 'ok' : 'fail', { scorecard_sha256: a.scorecard_sha256 }, { changes: a.changes, reasons: a.reasons.slice(0, 5), seed: opts.seed }),
    });
    const dir = await writeConnectorDir(opts.out, result);
    audit.record('write', 'ok', { fetcher_sha256: result.scorecard.hashes.fetcher_sha256, plan_sha256: result.scorecard.hashes.plan_sha256 }, { dir, verdict: result.scorecard.verdict });
    if (opts.json && !prOpts) io.stdout.write(`${JSON.stringify({ vendor: result.plan.vendor, dir, verdict: result.scorecard.verdict, scorecard: result.scorecard, attempts: result.attempts }, null, 2)}\n`);
    else if (!opts.json) io.stdout.write(renderScorecard(result.scorecard, dir));
    if (result.scorecard.verdict !== 'pass') return EXIT.validationFailed;
    return prOpts ? runPr({ ...prOpts, dir }, io, ctx) : EXIT.ok;
  },
};
