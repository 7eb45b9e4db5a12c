import type { Io } from '../cli/io.ts';
import type { Context } from '../cli/main.ts';
import { renderScorecard } from '../cli/render-scorecard.ts';
import { EXIT } from '../errors.ts';
import { readConnectorDir } from '../generate/connector-dir.ts';
import { validateConnector } from '../validate/run-validation.ts';

/** `fetchwright validate`'s options, as commander parses them (agent/cli/command-table.ts). */
export interface ValidateOptions {
  seed?: number;
  json?: boolean;
}

/** `fetchwright validate <connector-dir>`: re-proves the connector as it is on disk; 0 on pass, 9 on fail. */
export async function run([dir]: string[], opts: ValidateOptions, io: Io, { audit }: Context): Promise<number> {
  const c = await readConnectorDir(dir!);
  const card = await validateConnector({ model: c.model, plan: c.plan, fetcherSource: c.fetcher, seed: opts.seed ?? c.scorecard.hashes.seed, recorded: c.scorecard.hashes });
  audit.record('validate', card.verdict === 'pass' ? 'ok' : 'fail', { fetcher_sha256: card.hashes.fetcher_sha256, scorecard_sha256: card.hashes.scorecard_sha256 }, { dir: c.dir, findings: card.findings.filter((f) => f.level === 'error').slice(0, 5).map((f) => ({ id: f.id, stream: f.stream })) });
  io.stdout.write(opts.json ? `${JSON.stringify(card, null, 2)}\n` : renderScorecard(card));
  return card.verdict === 'pass' ? EXIT.ok : EXIT.validationFailed;
}
