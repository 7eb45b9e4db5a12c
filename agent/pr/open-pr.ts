import path from 'node:path';
import { currentActor } from '../audit/actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Redactor } from '../audit/redact.ts';
import { FetchwrightError } from '../errors.ts';
import { hashJson, sha256 } from '../hash.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import type { Scorecard } from '../validate/scorecard.ts';
import { CANONICAL_SCHEMA_VERSION } from '../../templates/canonical.ts';
import { ChangeRecord, loadSigningKey, signerName, POLICY_SET_VERSION, signRecord } from './change-record.ts';
import type { GitRepo } from './git-repo.ts';
import { findCodeowners, openDraftPullRequest, reviewersFromCodeowners } from './github.ts';
import { prTitle, renderPrBody } from './pr-body.ts';
import { readConnectorToPropose, reprove } from './proposable.ts';
import { prepareRestorableWrite, type RestorableWrite } from './restorable-write.ts';
import { testPause } from '../test-pause.ts';
import { branchFor } from './branch-name.ts';
import { RECORD_FILE } from './verify-connector.ts';

/**
 * The last act: the connector, its signed change record and the PR body, committed on a new
 * branch `fetchwright/<vendor>-<short hash>` of the team's connectors repository — never on the
 * default branch, never merged, never force-pushed — and, with GitHub, a *draft* pull request.
 */

export const GENERATOR = 'fetchwright/0.1.0';
export const PR_FILE = 'PULL_REQUEST.md';

export interface OpenPrOptions {
  connectorDir: string;
  repoPath: string;
  requestedBy?: string;
  github?: { owner: string; repo: string; remote: string; token: string; baseUrl?: string };
  env: NodeJS.ProcessEnv;
  git: GitRepo;
  audit: AuditLog;
  redactor: Redactor;
  /**
   * The CLI's interrupt hooks (agent/cli/main.ts): from just before change-record.json and
   * PULL_REQUEST.md are written until the pr is done, `cleanup` puts the connector folder back if a
   * signal ends the run; when it cannot, it changes `describe` to say which files are not as before.
   */
  interrupts?: { cleanup?: () => void; describe?: () => string };
  /** Markdown for the PR body's "What changed in the docs" (expand: the classified drift), already escaped. */
  changes?: string;
}

export interface OpenPrResult {
  branch: string;
  commit: string;
  base: string;
  body: string;
  signed: boolean;
  pullRequest?: { number: number; url: string; warnings: string[] };
}

/**
 * Proposes a proved connector: checks it and proves it again (agent/pr/proposable.ts: a failing
 * scorecard, a file changed since its proof, a fetcher.ts that is not what the approved templates
 * render from plan.json, a manifest.json or VALIDATION.md that is not what its sources give, or a
 * proof that does not pass or reproduce scorecard.json when pr runs it itself are `pr-refused`,
 * exit 15; the PR body and the change record state the proof pr ran) and the repository (`dirty-worktree`, exit 19, for uncommitted changes;
 * `branch-exists`, exit 20, when this plan's branch is already there), writes change-record.json and
 * PULL_REQUEST.md into the connector folder, commits on a new branch and, with `github`, pushes it
 * and opens a draft pull request.
 *
 * A PULL_REQUEST.md or change-record.json that is a symbolic link, folder, pipe or device is
 * `output-unwritable` (exit 10) before anything is written. A failure once the writing has begun
 * (`output-unwritable`, `git-failed`, `nothing-to-commit`, `push-rejected`, `github-failed`, …), or a
 * signal, puts the connector folder back exactly as it was before the error is thrown: files that
 * existed keep their old bytes and mode, new ones and temporary files are removed.
 */
export async function openPr(o: OpenPrOptions): Promise<OpenPrResult> {
  const { c, files, manifest } = await readConnectorToPropose(o.connectorDir);
  const attempts = JSON.parse(files['attempts.json']!) as unknown[];

  const repo = await o.git.inspect(o.repoPath, o.github ? { remote: o.github.remote } : {});
  if (repo.dirty) throw new FetchwrightError('dirty-worktree', `${o.repoPath} has uncommitted changes`, { hint: 'Commit or stash them first: fetchwright only ever adds a new branch and leaves your work alone.' });
  if (!repo.headSha) throw new FetchwrightError('pr-refused', `${o.repoPath} has no commit yet to branch from`, { hint: 'Make a first commit on the default branch.' });
  const planSha = hashJson(c.plan);
  const branch = branchFor(c.plan);
  if (await o.git.branchExists(o.repoPath, branch, o.github?.remote)) {
    throw new FetchwrightError('branch-exists', `the branch ${branch} already exists`, { hint: 'This plan was already proposed. Review that branch, or delete it if it is stale.' });
  }
  // The proof is run again here, by pr itself: the PR body and the change record state what it showed.
  const proved = await reprove(c);
  o.audit.record('pr-checks', 'ok', { plan_sha256: planSha, scorecard_sha256: proved.hashes.scorecard_sha256 }, { repo: o.repoPath, branch, base: repo.defaultBranch, rerendered: true, reproved: proved.verdict });

  const key = loadSigningKey(o.env);
  const forced = c.plan.assessment.verdict === 'manual-build-recommended';
  const requestedBy = o.requestedBy ?? (repo.user.name ? `${repo.user.name}${repo.user.email ? ` <${repo.user.email}>` : ''}` : 'unknown');
  const body = o.redactor.text(renderPrBody({ plan: c.plan, manifest, scorecard: proved, signed: !!key, ...(key ? { signer: signerName(key) } : {}), forced, requestedBy, ...(o.changes ? { changes: o.changes } : {}) }));

  files[PR_FILE] = body;
  const unsigned: ChangeRecord = {
    schema_version: 1,
    connector: c.plan.vendor,
    requested_by: requestedBy,
    agent_identity: currentActor(o.env),
    created_at: new Date().toISOString(),
    generator: GENERATOR,
    docs_sha256: c.plan.docs_sha256,
    ...(c.plan.observed_sha256 ? { observed_sha256: c.plan.observed_sha256 } : {}),
    api_model_sha256: c.plan.api_model_sha256,
    plan_sha256: planSha,
    templates: manifest.templates,
    planner: c.plan.planner,
    policy_set_version: POLICY_SET_VERSION,
    canonical_schema_version: CANONICAL_SCHEMA_VERSION,
    assessment: { score: c.plan.assessment.score, verdict: c.plan.assessment.verdict, forced },
    scorecard: { sha256: proved.hashes.scorecard_sha256, verdict: proved.verdict, seed: proved.hashes.seed },
    files: Object.fromEntries(Object.entries(files).map(([name, content]) => [name, sha256(content)])),
    signature: null,
  };
  const record = o.redactor.value(signRecord(unsigned, key));
  const recordJson = `${JSON.stringify(record, null, 2)}\n`;
  o.audit.record('change-record', 'ok', { record_sha256: sha256(recordJson) }, { signed: !!key, files: Object.keys(record.files), attempts: attempts.length });

  // The connector directory carries its record and PR body too, so `verify` works where it was
  // generated; written before anything is published (a full disk fails first), taken back on failure.
  // The way back is registered before the first byte is written, so a signal at any point after
  // (the writes are synchronous; the pauses and the publishing are not) leaves the folder as it was.
  const prFile = path.join(c.dir, PR_FILE);
  const recordFile = path.join(c.dir, RECORD_FILE);
  const written = prepareRestorableWrite([prFile, recordFile]);
  if (o.interrupts) o.interrupts.cleanup = () => restoreOnSignal(o, c.dir, written);
  try {
    written.write(prFile, body);
    await testPause(o.env, 'pr-half-written', process.stderr);
    written.write(recordFile, recordJson);
    await testPause(o.env, 'pr-written', process.stderr);
    return await commitAndPropose(o, { plan: c.plan, verdict: proved.verdict, files, recordJson, body, branch, base: repo.defaultBranch, planSha, signed: !!key });
  } catch (e) {
    const unrestored = await written.restore();
    o.audit.record('restore-folder', unrestored.length ? 'fail' : 'ok', {}, { dir: c.dir, unrestored });
    if (unrestored.length && e instanceof FetchwrightError) {
      e.details.hint = `${e.details.hint ? `${e.details.hint} ` : ''}Also, ${unrestored.join(' and ')} could not be put back as before: remove or restore ${unrestored.length > 1 ? 'them' : 'it'} by hand.`;
    }
    throw e;
  } finally {
    if (o.interrupts) delete o.interrupts.cleanup;
  }
}

/** The signal handler's way back (synchronous): the folder restored, the audit told, and `describe` corrected when a file could not be put back. */
function restoreOnSignal(o: OpenPrOptions, dir: string, written: RestorableWrite): void {
  const unrestored = written.restoreSync();
  try {
    o.audit.record('restore-folder', unrestored.length ? 'fail' : 'ok', {}, { dir, unrestored, on: 'signal' });
  } catch {
    // exiting anyway: the line describe() prints says what is on disk
  }
  if (unrestored.length && o.interrupts) {
    o.interrupts.describe = () => `${unrestored.join(' and ')} could not be put back as before (remove or restore ${unrestored.length > 1 ? 'them' : 'it'} by hand); no pull request was opened`;
  }
}

/** What `commitAndPropose` commits and proposes, prepared by `openPr`. */
interface Proposal {
  plan: ConnectorPlan;
  verdict: Scorecard['verdict'];
  /** The connector's files by name (PULL_REQUEST.md included), without the record. */
  files: Record<string, string>;
  recordJson: string;
  body: string;
  branch: string;
  base: string;
  planSha: string;
  signed: boolean;
}

/** The steps of `openPr` that publish: the commit on a new branch, and with GitHub the push and the draft pull request. Throws their errors as they are. */
async function commitAndPropose(o: OpenPrOptions, p: Proposal): Promise<OpenPrResult> {
  const { plan, recordJson, branch, base } = p;
  const inRepo: Record<string, string> = {};
  for (const [name, content] of [...Object.entries(p.files), [RECORD_FILE, recordJson] as const]) inRepo[`connectors/${plan.vendor}/${name}`] = content;
  const commit = await o.git.commitOnNewBranch({
    repoPath: o.repoPath,
    branch,
    base,
    files: inRepo,
    message: `Add the ${plan.vendor} identity connector (fetchwright)\n\n${plan.streams.length} read-only streams, proved in the sandbox against synthetic identities.\nChange record: connectors/${plan.vendor}/${RECORD_FILE}${p.signed ? ' (signed, ed25519)' : ' (UNSIGNED)'}.`,
    trailers: {
      'Generated-by': GENERATOR,
      'Fetchwright-Plan': p.planSha,
      'Fetchwright-Verdict': p.verdict,
      'Fetchwright-Change-Record': sha256(recordJson),
      'Fetchwright-Signed': p.signed ? 'ed25519' : 'no',
    },
    ...(o.github ? { remote: o.github.remote } : {}),
  });
  o.audit.record('commit', 'ok', { commit, record_sha256: sha256(recordJson) }, { branch, base });

  const result: OpenPrResult = { branch, commit, base, body: p.body, signed: p.signed };
  if (o.github) {
    try {
      await o.git.push({ repoPath: o.repoPath, remote: o.github.remote, branch });
    } catch (e) {
      // Nothing was published: take the local branch back so the same plan can be proposed again.
      await o.git.deleteUnpublishedBranch(o.repoPath, branch, commit).catch(() => undefined);
      o.audit.record('push', 'fail', { commit }, { remote: o.github.remote, branch, error: e instanceof Error ? e.message : String(e) });
      throw e;
    }
    o.audit.record('push', 'ok', { commit }, { remote: o.github.remote, branch });
    const codeowners = await findCodeowners(o.repoPath);
    const reviewers = codeowners ? reviewersFromCodeowners(codeowners, `connectors/${plan.vendor}/fetcher.ts`) : { users: [], teams: [] };
    const pr = await openDraftPullRequest({
      owner: o.github.owner,
      repo: o.github.repo,
      token: o.github.token,
      head: branch,
      base,
      title: prTitle(plan),
      body: p.body,
      labels: ['fetchwright', 'identity-connector', `vendor:${plan.vendor}`],
      reviewers,
      ...(o.github.baseUrl ? { baseUrl: o.github.baseUrl } : {}),
    }).catch((e: unknown) => {
      // The branch is published: say so, since a second `pr` of this plan is refused as branch-exists.
      if (e instanceof FetchwrightError) e.details.hint = `${e.details.hint ? `${e.details.hint} ` : ''}The branch ${branch} was pushed to ${o.github!.remote}: open the pull request from it by hand, or delete that branch and run pr again.`;
      throw e;
    });
    result.pullRequest = { number: pr.number, url: pr.url, warnings: pr.warnings };
    o.audit.record('pull-request', 'ok', {}, { number: pr.number, url: pr.url, draft: true, reviewers, warnings: pr.warnings });
  }
  return result;
}
