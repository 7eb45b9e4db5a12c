import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { hashJson, sha256 } from '../hash.ts';
import { FetchwrightError } from '../errors.ts';
import { checkQuotes } from '../docs-view/quote-check.ts';
import { readConnectorDir } from '../generate/connector-dir.ts';
import { describeQuoteProblem } from '../plan/verify-evidence.ts';
import { manifestFromPlan, renderDifference } from '../generate/rerender-check.ts';
import { Manifest } from '../render/manifest.ts';
import { sliceModel } from '../validate/model-slice.ts';
import { firstError } from '../validate/findings-text.ts';
import { validateConnector } from '../validate/run-validation.ts';
import { ChangeRecord, checkSignature } from './change-record.ts';
import { describeIssue, valueAt } from '../schema-issue.ts';
import { ingest } from '../ingest/ingest.ts';
import type { ApiModel } from '../ingest/api-model.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { readObservedShapes } from '../observed/read-observed-shapes.ts';

/**
 * Checks a connector against its change record: the signature, the hash of every file (any changed
 * byte fails, naming the file), that the record, plan, manifest and scorecard agree, that fetcher.ts
 * is exactly what this fetchwright's approved templates render from plan.json and manifest.json what
 * the plan gives (design.md, security invariant 7: hashes alone can be recomputed by whoever edits a
 * file), and that every quote in plan.json is the docs' text at the item it cites (checked against
 * api-model.json). With `rerun`, the sandbox proof is repeated too.
 *
 * A signature is checked against the key the record names itself unless `pinnedPublicKeyPem` is
 * given; that alone says nothing about who signed (anyone can re-sign an edited folder with a key of
 * their own), so it is a finding unless `trustEmbeddedKey`.
 *
 * `verifyConnector` returns findings (data) for everything it checks, an unsigned record or an
 * unpinned signer included (their problems say what --allow-unsigned, --trust-embedded-key and
 * --public-key do). It throws only when there is nothing
 * to check: `input-not-found` (exit 3) for a folder that does not exist, `invalid-connector`
 * (exit 12) for a file, or a missing, unparsable or malformed change-record.json.
 */

export interface VerifyOptions {
  pinnedPublicKeyPem?: string;
  allowUnsigned?: boolean;
  /** Accept a signature checked only against the public key the record names itself (no pinned signer). */
  trustEmbeddedKey?: boolean;
  rerun?: boolean;
  /**
   * The vendor's docs (and the shapes file, when the plan rests on one): the connector's docs are
   * read again and must be the ones the plan names (`docs_sha256`, `api_model_sha256`), and
   * `api-model.json` must be what they say of the plan's operations. Without them, nothing ties the
   * connector to the vendor's docs: a folder rebuilt self-consistently from other docs would pass.
   */
  docs?: string;
  observed?: string;
}

export interface VerifyResult {
  ok: boolean;
  signer: string | null;
  /** True when the signer was checked against the pinned public key, false when only against the key the record names itself (or unsigned). */
  signer_pinned: boolean;
  findings: { file: string; problem: string }[];
  checked: string[];
}

export const RECORD_FILE = 'change-record.json';

/** The finding for an unsigned record, with what a person can do about it. */
export const UNSIGNED_PROBLEM =
  'the change record is unsigned (`fetchwright pr` ran without FETCHWRIGHT_SIGNING_KEY), so nothing says who produced it. ' +
  'To accept it anyway, run verify again with --allow-unsigned: the file hashes are still checked, but anyone who can edit this folder can rewrite the record to match. ' +
  'To rely on a signer instead, have `fetchwright pr` sign (FETCHWRIGHT_SIGNING_KEY=<ed25519 PEM>) and pin its public key with --public-key <PEM>.';

/** The finding for a signature that holds only against the key the record names itself, with what a person can do about it. */
export const UNPINNED_PROBLEM =
  'the signature was checked only against the public key the change record names itself: anyone who can edit this folder can re-sign it with a key of their own, so this says nothing about who signed. ' +
  'Pin the signer with --public-key <PEM> (the public half of the FETCHWRIGHT_SIGNING_KEY `fetchwright pr` signed with), or pass --trust-embedded-key to accept whoever signed it.';

/** Throws `input-not-found` (exit 3) when `dir` does not exist and `invalid-connector` (exit 12) when it is not a folder. */
async function assertFolder(dir: string, abs: string): Promise<void> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(abs)).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new FetchwrightError('input-not-found', `no such folder: ${dir}`, { file: abs, hint: 'Point at a connector folder committed by `fetchwright pr` (e.g. connectors/<vendor>).' });
    throw new FetchwrightError('invalid-connector', `cannot read ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: abs });
  }
  if (!isFolder) throw new FetchwrightError('invalid-connector', `${dir} is a file, not a connector folder`, { file: abs, hint: 'Point at the connector folder, not at a file in it.' });
}

export async function verifyConnector(dir: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const abs = path.resolve(dir);
  await assertFolder(dir, abs);
  let raw: string;
  try {
    raw = await readFile(path.join(abs, RECORD_FILE), 'utf8');
  } catch {
    throw new FetchwrightError('invalid-connector', `${RECORD_FILE} is missing from ${dir}: this connector was never recorded by \`fetchwright pr\``, { file: path.join(abs, RECORD_FILE), hint: 'verify checks a connector committed by `fetchwright pr` (its signed change record); to re-prove a freshly generated one, run `fetchwright validate` instead.' });
  }
  let parsed;
  try {
    parsed = ChangeRecord.safeParse(JSON.parse(raw));
  } catch (e) {
    throw new FetchwrightError('invalid-connector', `${RECORD_FILE} is not valid JSON: ${(e as Error).message}`, { file: path.join(abs, RECORD_FILE) });
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FetchwrightError('invalid-connector', `${RECORD_FILE} is not a change record fetchwright wrote: ${describeIssue(issue, valueAt(JSON.parse(raw), issue.path))}`, { file: path.join(abs, RECORD_FILE), hint: 'It was edited by hand or damaged: a change record is only ever written by fetchwright pr. Treat this connector as unverified; restore the file from the branch it was proposed on.' });
  }
  const record = parsed.data;
  const findings: VerifyResult['findings'] = [];

  // The signature covers the record as fetchwright reads it: a field it would drop was never signed.
  const unsigned = fieldsNotIn(JSON.parse(raw) as unknown, record);
  if (unsigned.length) findings.push({ file: RECORD_FILE, problem: `holds ${unsigned.length === 1 ? 'a field' : 'fields'} no signature covers (${unsigned.slice(0, 5).join(', ')}): it was edited after it was written` });

  const signature = checkSignature(record, options.pinnedPublicKeyPem);
  const pinned = signature.ok && !!options.pinnedPublicKeyPem;
  if (!signature.ok && !(options.allowUnsigned && !record.signature)) findings.push({ file: RECORD_FILE, problem: record.signature ? signature.why : UNSIGNED_PROBLEM });
  if (signature.ok && !pinned && !options.trustEmbeddedKey) findings.push({ file: RECORD_FILE, problem: UNPINNED_PROBLEM });

  const present = (await readdir(abs)).filter((f) => f !== RECORD_FILE);
  for (const file of Object.keys(record.files)) {
    let content: Buffer;
    try {
      content = await readFile(path.join(abs, file));
    } catch {
      findings.push({ file, problem: 'missing' });
      continue;
    }
    if (sha256(content) !== record.files[file]) findings.push({ file, problem: 'changed since the change record was made (sha256 differs)' });
  }
  for (const file of present) if (!(file in record.files)) findings.push({ file, problem: 'not covered by the change record' });

  if (!findings.some((f) => f.problem === 'missing')) {
    const connector = await readConnectorDir(abs).catch((e: Error) => {
      findings.push({ file: '(connector)', problem: e.message });
      return undefined;
    });
    if (connector) {
      if (hashJson(connector.plan) !== record.plan_sha256) findings.push({ file: 'plan.json', problem: 'its hash is not the plan hash the record names' });
      if (connector.plan.docs_sha256 !== record.docs_sha256) findings.push({ file: 'plan.json', problem: 'planned from other docs than the record names' });
      if ((connector.plan.observed_sha256 ?? null) !== (record.observed_sha256 ?? null)) findings.push({ file: 'plan.json', problem: 'planned from other observed shapes than the record names' });
      for (const p of checkQuotes(connector.plan, connector.model)) findings.push({ file: 'plan.json', problem: `quotes text the docs do not hold: ${describeQuoteProblem(p)}` });
      const { hashes, ...body } = connector.scorecard;
      const { scorecard_sha256, ...inputs } = hashes;
      if (hashJson({ ...body, hashes: inputs }) !== scorecard_sha256 || scorecard_sha256 !== record.scorecard.sha256) findings.push({ file: 'scorecard.json', problem: 'its hash does not match its contents or the record' });
      if (hashes.fetcher_sha256 !== sha256(connector.fetcher)) findings.push({ file: 'fetcher.ts', problem: 'is not the code the scorecard proved' });
      if (hashes.plan_sha256 !== hashJson(connector.plan)) findings.push({ file: 'plan.json', problem: 'is not the plan the scorecard proved' });
      if (hashes.api_model_sha256 !== hashJson(sliceModel(connector.model, connector.plan))) findings.push({ file: 'api-model.json', problem: 'is not the docs the scorecard\'s proof read' });
      if (connector.scorecard.verdict !== 'pass' || record.scorecard.verdict !== 'pass') findings.push({ file: 'scorecard.json', problem: 'records a failing proof' });
      const differs = renderDifference(connector.plan, connector.fetcher);
      if (differs) findings.push({ file: 'fetcher.ts', problem: `${differs}: only template code is ever signed` });
      const manifest = Manifest.safeParse(JSON.parse(await readFile(path.join(abs, 'manifest.json'), 'utf8').catch(() => 'null')));
      if (!manifest.success || hashJson(manifest.data.templates) !== hashJson(record.templates)) findings.push({ file: 'manifest.json', problem: 'its templates differ from the record' });
      else if (!differs && hashJson(manifest.data) !== hashJson(manifestFromPlan(connector.plan))) findings.push({ file: 'manifest.json', problem: 'is not what plan.json gives (its hosts, credentials or streams were edited)' });
      findings.push(...undocumentedValues(connector.plan, connector.model));
      if (options.docs) findings.push(...(await checkAgainstDocs(connector.plan, connector.model, options.docs, options.observed)));
      if (options.rerun) {
        const card = await validateConnector({ model: connector.model, plan: connector.plan, fetcherSource: connector.fetcher, seed: record.scorecard.seed });
        if (card.verdict !== 'pass') findings.push({ file: 'fetcher.ts', problem: `the sandbox proof fails now: ${firstError(card)}` });
        else if (card.hashes.mock_data_sha256 !== hashes.mock_data_sha256) findings.push({ file: 'api-model.json', problem: 'the mock built from it serves other data than the proof used' });
      }
    }
  }
  return { ok: findings.length === 0, signer: signature.ok ? signature.signer : null, signer_pinned: pinned, findings, checked: Object.keys(record.files) };
}

/**
 * Every fixed value a stream sends must be a parameter its operation documents (in api-model.json,
 * which `--docs` ties to the vendor's docs): a header or query parameter added to plan.json by hand,
 * re-proved and signed, is named.
 */
function undocumentedValues(plan: ConnectorPlan, model: ApiModel): VerifyResult['findings'] {
  const out: VerifyResult['findings'] = [];
  for (const s of plan.streams) {
    const op = model.operations.find((o) => o.id === s.operation_id && o.method === 'get');
    const documented = (where: string, name: string) => !!op?.parameters.some((p) => p.in === where && (where === 'header' ? p.name.toLowerCase() === name.toLowerCase() : p.name === name));
    const sent: [string, string][] = [...Object.keys(s.headers).map((n) => ['header', n] as [string, string]), ...Object.keys(s.query).map((n) => ['query', n] as [string, string]), ...Object.keys(s.path_params).map((n) => ['path', n] as [string, string])];
    for (const [where, name] of sent) if (!documented(where, name)) out.push({ file: 'plan.json', problem: `the stream ${s.name} sends the ${where === 'header' ? 'header' : `${where} parameter`} ${name}, which its operation ${s.operation_id} does not document` });
  }
  return out;
}

/**
 * The connector against the vendor's docs read again: the same docs (sha256), the same ApiModel, and
 * api-model.json the docs' own reading of the plan's operations. Findings name what differs.
 */
async function checkAgainstDocs(plan: ConnectorPlan, slice: ApiModel, docs: string, observedFile: string | undefined): Promise<VerifyResult['findings']> {
  if (plan.observed_sha256 && !observedFile) return [{ file: 'plan.json', problem: 'was planned with observed shapes too: give the shapes file with --observed to check it against its docs' }];
  const observed = observedFile ? readObservedShapes(observedFile) : undefined;
  const model = await ingest(docs, { vendor: plan.vendor, ...(observed ? { observed } : {}) });
  const findings: VerifyResult['findings'] = [];
  if (model.docs_sha256 !== plan.docs_sha256) findings.push({ file: 'plan.json', problem: `was not made from ${docs} (docs sha256 ${model.docs_sha256.slice(0, 16)}…, the plan names ${plan.docs_sha256.slice(0, 16)}…)` });
  else if (hashJson(model) !== plan.api_model_sha256) findings.push({ file: 'plan.json', problem: `names another reading of ${docs} than this fetchwright makes (api_model_sha256 differs): regenerate to compare` });
  if (hashJson(sliceModel(model, plan)) !== hashJson(slice)) findings.push({ file: 'api-model.json', problem: `is not what ${docs} say of the plan's operations (its servers, operations or schemas were edited)` });
  return findings;
}

/** The paths (`a.b`) in `raw` that `parsed` (the schema's reading of it) does not hold. */
function fieldsNotIn(raw: unknown, parsed: unknown, at = ''): string[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const kept = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  const out: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const p = at ? `${at}.${key}` : key;
    if (!Object.prototype.hasOwnProperty.call(kept, key)) out.push(p);
    else out.push(...fieldsNotIn(value, kept[key], p));
  }
  return out;
}
