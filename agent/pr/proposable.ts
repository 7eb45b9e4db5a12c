import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FetchwrightError } from '../errors.ts';
import { CONNECTOR_FILES, readConnectorDir, type ConnectorOnDisk } from '../generate/connector-dir.ts';
import type { Attempt } from '../generate/generate-connector.ts';
import { manifestFromPlan, unprovedFile } from '../generate/rerender-check.ts';
import { hashJson } from '../hash.ts';
import { z } from 'zod';
import { ApiModel } from '../ingest/api-model.ts';
import { Finding } from '../validate/finding.ts';
import { ConnectorPlan } from '../plan/connector-plan.ts';
import { Manifest } from '../render/manifest.ts';
import { firstError } from '../validate/findings-text.ts';
import { validateConnector } from '../validate/run-validation.ts';
import { Scorecard } from '../validate/scorecard.ts';
import { renderValidation } from '../validate/validation-report.ts';

/**
 * What `pr` checks before it signs anything (design.md, security invariant 7: only proved template
 * code is signed). Every file it can derive is derived again and must be byte for byte what is on
 * disk — fetcher.ts re-rendered from plan.json by the approved templates, manifest.json rebuilt from
 * the plan, VALIDATION.md re-rendered from the scorecard — and the sandbox proof is run again by pr
 * itself: a scorecard is only a claim (its sha256 can be recomputed by whoever edits a file), the
 * proof pr ran is the evidence the PR body and the change record state.
 *
 * Every refusal is FetchwrightError `pr-refused` (exit 15), naming the file and what to do.
 */

const REGENERATE = 'Regenerate the connector with `fetchwright generate` (change the docs or the plan\'s inputs, never the generated files), then run pr again: only what the approved templates render and the sandbox proves is signed.';

function refuse(c: ConnectorOnDisk, file: string, what: string, hint = REGENERATE): FetchwrightError {
  return new FetchwrightError('pr-refused', `${file} ${what}`, { file: path.join(c.dir, file), hint });
}

/** A connector folder as pr commits it: the files' exact bytes (text), what they parse to, and the manifest. */
export interface ConnectorToPropose {
  c: ConnectorOnDisk;
  /** Every file of CONNECTOR_FILES, by name, as read once: what is checked is what is committed. */
  files: Record<string, string>;
  manifest: Manifest;
}

/** attempts.json as generate writes it (agent/generate/generate-connector.ts `Attempt`). */
const AttemptsFile = z.array(z.object({ attempt: z.number().int(), changes: z.array(z.string()), verdict: z.enum(['pass', 'fail']), findings: z.array(Finding), scorecard_sha256: z.string() }));

/**
 * Whether `text` holds what `schema` would drop: a key it does not declare, anywhere — the JSON as
 * written and the JSON the schema gives, compared with their keys sorted. Text that is not JSON, or
 * fails the schema, is left to the checks that read it.
 */
function holdsUnwrittenFields(text: string, schema: { safeParse(v: unknown): { success: true; data: unknown } | { success: false } }): boolean {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return false;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success && hashJson(raw) !== hashJson(parsed.data);
}

/** `text` parsed as JSON and by `schema`, or undefined when it is not that. */
function parsedAs<T>(text: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): T | undefined {
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the connector folder `dir` once for pr and checks it, before any work: the scorecard passes
 * and hashes to its own sha256; fetcher.ts, plan.json and the api-model.json slice hash to what it
 * recorded; fetcher.ts is the approved templates' render of plan.json (`unprovedFile`); manifest.json
 * is what the plan gives; VALIDATION.md is the report of scorecard.json and attempts.json. The bytes
 * returned are the bytes checked (a file changed while pr read it is refused).
 *
 * Throws what `readConnectorDir` throws for a folder that is not a connector (exit 3 or 12), and
 * `pr-refused` (exit 15) naming the first file that is not as fetchwright generate wrote it.
 */
export async function readConnectorToPropose(dir: string): Promise<ConnectorToPropose> {
  const c = await readConnectorDir(dir);
  const files: Record<string, string> = {};
  for (const name of CONNECTOR_FILES) {
    const text = await readFile(path.join(c.dir, name), 'utf8').catch(() => undefined);
    if (text === undefined) throw refuse(c, name, `is missing from ${dir} or cannot be read`);
    files[name] = text;
  }
  const changed = [
    files['fetcher.ts'] !== c.fetcher && 'fetcher.ts',
    hashJson(parsedAs(files['plan.json']!, ConnectorPlan) ?? null) !== hashJson(c.plan) && 'plan.json',
    hashJson(parsedAs(files['api-model.json']!, ApiModel) ?? null) !== hashJson(c.model) && 'api-model.json',
    hashJson(parsedAs(files['scorecard.json']!, Scorecard) ?? null) !== hashJson(c.scorecard) && 'scorecard.json',
  ].find((f): f is string => !!f);
  if (changed) throw refuse(c, changed, 'changed while pr was reading the connector', 'Leave the folder alone while pr runs, then run it again.');
  // What is committed is the bytes, not what a schema keeps of them: a field fetchwright does not
  // write (a schema would drop it silently) is an edit, refused like any other.
  for (const [name, schema] of [['plan.json', ConnectorPlan], ['api-model.json', ApiModel], ['scorecard.json', Scorecard], ['manifest.json', Manifest], ['attempts.json', AttemptsFile]] as const) {
    if (holdsUnwrittenFields(files[name]!, schema)) throw refuse(c, name, 'holds fields fetchwright does not write (it was edited)');
  }
  if (c.scorecard.verdict !== 'pass') {
    throw new FetchwrightError('pr-refused', `${c.plan.vendor}'s scorecard is a fail: a connector that did not pass its sandbox proof is never proposed`, {
      file: path.join(c.dir, 'scorecard.json'),
      hint: `Fix the cause (${firstError(c.scorecard) ?? 'see VALIDATION.md'}) and regenerate, or run \`fetchwright validate\`.`,
    });
  }
  const { hashes, ...body } = c.scorecard;
  const { scorecard_sha256, ...inputs } = hashes;
  if (hashJson({ ...body, hashes: inputs }) !== scorecard_sha256) throw refuse(c, 'scorecard.json', 'does not hash to the sha256 it records (it was edited)');
  const unproved = unprovedFile(c);
  if (unproved) throw refuse(c, unproved.file, `${unproved.problem}: only proved template code is proposed`);
  const manifest = parsedAs(files['manifest.json']!, Manifest);
  if (!manifest) throw refuse(c, 'manifest.json', 'is not a manifest as fetchwright generate writes it');
  let expected: Manifest;
  try {
    expected = manifestFromPlan(c.plan);
  } catch (e) {
    throw refuse(c, 'plan.json', `asks for what no approved template can express (${(e as Error).message})`);
  }
  if (hashJson(expected) !== hashJson(manifest)) throw refuse(c, 'manifest.json', 'is not what plan.json gives (its hosts, credentials or templates were edited)');
  let report: string | undefined;
  try {
    report = renderValidation(c.scorecard, JSON.parse(files['attempts.json']!) as Attempt[]);
  } catch {
    throw refuse(c, 'attempts.json', 'is not the list of attempts fetchwright generate writes');
  }
  if (report !== files['VALIDATION.md']) throw refuse(c, 'VALIDATION.md', 'is not the report of scorecard.json and attempts.json (it was edited)');
  return { c, files, manifest };
}

/** A scorecard without what differs between two runs of the same proof (the wall-clock time, and so the scorecard's own hash). */
function withoutTiming(card: Scorecard): unknown {
  const { scorecard_sha256: _s, ...hashes } = card.hashes;
  return { ...card, sandbox: { ...card.sandbox, wall_ms: 0 }, hashes };
}

/** The recorded hashes the proof pr runs must reproduce, with what each names for a person. */
const REPRODUCED: ['fetcher_sha256' | 'plan_sha256' | 'api_model_sha256' | 'mock_data_sha256', string, string][] = [
  ['fetcher_sha256', 'fetcher.ts', 'ran other code'],
  ['plan_sha256', 'plan.json', 'proved another plan'],
  ['api_model_sha256', 'api-model.json', 'read other docs'],
  ['mock_data_sha256', 'api-model.json', 'served other synthetic data (the mock is built from the docs)'],
];

/**
 * Runs the sandbox proof again, with the seed scorecard.json records, and returns its scorecard —
 * what the PR body and the change record state. Refuses (`pr-refused`, exit 15) unless it passes,
 * reproduces the recorded hashes of the fetcher, the plan, the api-model.json slice and the mock's
 * data, and is the recorded scorecard in everything but the wall-clock time (the proof is
 * deterministic for a seed: a scorecard that says otherwise was edited). Takes about as long as the
 * proof (1–2 s). Throws what `validateConnector` throws for a plan no request can be sent from.
 */
export async function reprove(c: ConnectorOnDisk): Promise<Scorecard> {
  const card = await validateConnector({ model: c.model, plan: c.plan, fetcherSource: c.fetcher, seed: c.scorecard.hashes.seed });
  if (card.verdict !== 'pass') {
    throw refuse(c, 'fetcher.ts', `fails the sandbox proof pr ran itself: ${firstError(card) ?? 'see fetchwright validate'}`, 'scorecard.json records a pass this connector does not earn now: regenerate it with `fetchwright generate` and look at its VALIDATION.md.');
  }
  for (const [hash, file, what] of REPRODUCED) {
    if (card.hashes[hash] !== c.scorecard.hashes[hash]) throw refuse(c, file, `is not what scorecard.json records: the proof pr ran ${what} (${hash} ${card.hashes[hash].slice(0, 12)}…, recorded ${c.scorecard.hashes[hash].slice(0, 12)}…)`);
  }
  if (hashJson(withoutTiming(card)) !== hashJson(withoutTiming(c.scorecard))) throw refuse(c, 'scorecard.json', 'is not what the sandbox proof shows when pr runs it again with its seed (it was edited)');
  // The proof pr ran, carrying the recorded timing and hash: the same scorecard as the committed file.
  return { ...card, sandbox: { ...card.sandbox, wall_ms: c.scorecard.sandbox.wall_ms }, hashes: { ...card.hashes, scorecard_sha256: c.scorecard.hashes.scorecard_sha256 } };
}
