import { z } from 'zod';
import type { Command } from '../cli/main.ts';
import { renderScorecard } from '../cli/render-scorecard.ts';
import { EXIT } from '../errors.ts';
import { readConnectorDir } from '../generate/connector-dir.ts';
import { validateConnector } from '../validate/run-validation.ts';

export const ValidateOptions = z.object({
  dir: z.string().min(1),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).optional(),
  json: z.boolean().default(false),
});

export const command: Command = {
  usage: 'fetchwright validate <connector-dir> [--seed N] [--json]',
  summary:
    'Re-runs the sandbox proof of a connector on disk, as it is now: its fetcher.ts against the mock built\n' +
    'from its api-model.json, with the seed its scorecard recorded (or --seed). Changes nothing on disk.\n' +
    'Exits 0 on pass, 9 on fail, naming the cause.',
  args: { seed: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, positionals, io, { audit }) {
    if (positionals.length !== 1) {
      io.stderr.write(`error[usage]: validate takes exactly one <connector-dir>\n  usage: ${command.usage}\n`);
      return EXIT.usage;
    }
    const opts = ValidateOptions.parse({ ...values, dir: positionals[0] });
    const c = await readConnectorDir(opts.dir);
    const card = await validateConnector({ model: c.model, plan: c.plan, fetcherSource: c.fetcher, seed: opts.seed ?? c.scorecard.hashes.seed, recorded: c.scorecard.hashes });
    audit.record('validate', card.verdict === 'pass' ? 'ok' : 'fail', { fetcher_sha256: card.hashes.fetcher_sha256, scorecard_sha256: card.hashes.scorecard_sha256 }, { dir: c.dir, findings: card.findings.filter((f) => f.level === 'error').slice(0, 5).map((f) => ({ id: f.id, stream: f.stream })) });
    io.stdout.write(opts.json ? `${JSON.stringify(card, null, 2)}\n` : renderScorecard(card));
    return card.verdict === 'pass' ? EXIT.ok : EXIT.validationFailed;
  },
};
