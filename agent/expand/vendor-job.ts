import { lstatSync } from 'node:fs';
import path from 'node:path';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Redactor } from '../audit/redact.ts';
import { proposeConnector, type PrOptions } from '../commands/pr.ts';
import { diffDocs, renderDriftMarkdown } from '../drift/docs-diff.ts';
import { EXIT, FetchwrightError, isFetchwrightError } from '../errors.ts';
import { checkConnectorTarget, connectorPaths, isPassingConnector, readConnectorDir, writeConnectorDir, type ConnectorOnDisk } from '../generate/connector-dir.ts';
import { generateConnector } from '../generate/generate-connector.ts';
import { manifestFromPlan } from '../generate/rerender-check.ts';
import { readConnectorToPropose } from '../pr/proposable.ts';
import { hashJson } from '../hash.ts';
import { ingestWithReport } from '../ingest/ingest.ts';
import { readObservedShapes } from '../observed/read-observed-shapes.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { planHeuristically, skippedReason } from '../plan/heuristic-planner.ts';
import { planDocs, type Planned, type PlannerKind } from '../plan/choose-planner.ts';
import { streamEmits } from '../plan/stream-emits.ts';
import { branchFor } from '../pr/branch-name.ts';
import { findPullRequest } from '../pr/github.ts';
import { slotsFromPlan } from '../render/slots-from-plan.ts';
import { firstError } from '../validate/findings-text.ts';
import { mdCode } from '../markdown-text.ts';
import type { CatalogueEntry } from './catalogue.ts';
import { connectorFilesSha256 } from './connector-files.ts';
import type { VendorOutcome, VendorSummary } from './coverage-summary.ts';
import { waitLock } from './file-lock.ts';
import { filesUnchanged, isDocsUrl, withCrawledPages, type VendorInputs } from './inputs-key.ts';
import { isDone, retryDelayMs, writeVendorState, type VendorState } from './vendor-state.ts';

/**
 * One vendor's work in `expand`, run in a worker process (worker-main.ts): what `generate` (and with
 * --pr, `pr`) does for one catalogue entry, decided by what changed since its last successful run.
 *
 * - Docs that are a web reference's URL: the pages are crawled first (the ingest, in this worker's
 *   browser) and the key completed with their bytes (inputs-key.ts withCrawledPages); when it is the
 *   last success's and the connector is still what that run made (vendor-state.ts isDone), nothing
 *   else is done (`skipped`). A crawl that fails is this vendor's failure like any ingest failure.
 * - No connector on disk: ingest, plan (the entry's `skip_streams` left out), prove, write
 *   (`generated`).
 * - A passing connector whose files are still what its proof gave (pr's static check): the new
 *   docs are planned and diffed against what the connector depends on (agent/drift); when the new
 *   plan's decisions (`decisionsSha256`: template slots and manifest) are the connector's and
 *   nothing breaking was found, the connector still reads the new docs: nothing is regenerated or
 *   proposed (`kept`). Otherwise — a breaking change, a new identity list, other scopes or auth, new
 *   templates, a folder edited since — it is generated and proved again (`regenerated`) and its PR
 *   body carries the classified drift.
 * - With --pr, a passing connector whose plan was not proposed yet is proposed (one git writer per
 *   repository at a time: a lock beside the state); a branch already there for this plan counts as
 *   proposed (with --github only when GitHub has a pull request from it), so the same change never
 *   yields a second PR.
 *
 * The job writes its vendor's state itself (vendor-state.ts), last: a job killed before that leaves
 * the previous state, and the next run does the vendor again. Any failure is recorded with its cause,
 * exit code and a retry time (exponential backoff on unchanged inputs); it never throws.
 */

export interface VendorJob {
  entry: CatalogueEntry;
  /** The idempotency key and its parts (inputs-key.ts); for a docs URL, without the pages' bytes yet (the job crawls them). */
  key: string;
  inputs: VendorInputs;
  /** The state before this run (vendor-state.ts). */
  previous: VendorState;
  /** The connectors folder (`--out`). */
  out: string;
  stateDir: string;
  seed: number;
  maxAttempts: number;
  /** `--planner` (default heuristic) and `--model`. */
  planner?: PlannerKind;
  model?: string;
  /** `--model-timeout`, seconds. */
  modelTimeout?: number;
  pr?: PrOptions;
}

export interface JobDeps {
  audit: AuditLog;
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
  onLog?: (line: string) => void;
  now?: () => number;
  /** The lock serialising git work on the connectors repository (default: the lock file beside the state, one machine's workers). */
  repoLock?: () => Promise<() => void>;
}

/** A job's summary, and the catalogue problem its entry turned out to have (the entry names what the docs lack). */
export interface JobSummary extends VendorSummary {
  problem?: { field: string; message: string };
}

/** A failed proof, as the summary reports it: exit 9, as `generate` ends. */
class ProofFailed extends Error {}

/** The lock file serialising git work on one connectors repository among workers. */
export function repoLockFile(stateDir: string): string {
  return path.join(stateDir, 'repo.lock');
}

/** The identity kinds a plan's streams emit, sorted, unique (a discriminated stream's listed kinds too). */
export function identityKindsOf(plan: ConnectorPlan): string[] {
  const kinds = new Set<string>();
  for (const s of plan.streams) {
    if (s.container) continue;
    if (s.link) {
      kinds.add(streamEmits(s));
      continue;
    }
    kinds.add(s.kind);
    for (const k of Object.values(s.kind_from?.values ?? {})) kinds.add(k);
  }
  return [...kinds].sort();
}

/** `text` on one line, at most `max` characters (an ellipsis when cut). */
function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * A failure as the summary gives it: one line — the message, then the hint (each bounded on its own,
 * so a long message never cuts off what to do) — and the exit code `generate` would have ended with.
 */
export function causeOf(e: unknown): { cause: string; exit_code: number } {
  if (e instanceof ProofFailed) return { cause: oneLine(e.message, 400), exit_code: EXIT.validationFailed };
  if (isFetchwrightError(e)) return { cause: `${oneLine(e.message, 300)}${e.details.hint ? ` (${oneLine(e.details.hint, 200)})` : ''}`, exit_code: e.exitCode };
  return { cause: `internal error: ${oneLine((e as Error)?.message ?? String(e), 300)}`, exit_code: EXIT.internal };
}

/** A catalogue entry that names what the docs do not have: reported as the entry's problem (exit 34), not retried with backoff. */
export class EntryMismatch extends FetchwrightError {
  readonly field: string;
  constructor(field: string, message: string, hint: string) {
    super('invalid-catalogue', message, { hint });
    this.field = field;
  }
}

/** At most `n` names, then how many more. */
function someNames(names: string[], n = 10): string {
  return names.length > n ? `${names.slice(0, n).join(', ')} and ${names.length - n} more` : names.join(', ') || 'none';
}

/**
 * What a pull request proposed by expand says beyond `pr`'s body: the catalogue entry (owner,
 * streams left out on purpose, the tenant values to run it with) and, for a connector proposed
 * again, the classified drift of the docs change. Markdown, every catalogue string escaped.
 */
export function prSections(entry: CatalogueEntry, dir: string, drift: string | undefined): string {
  const lines = ['### From the coverage catalogue', '', `Proposed by \`fetchwright expand\` for the catalogue entry ${mdCode(entry.vendor)}, owned by ${mdCode(entry.owner)}.`];
  if (entry.skip_streams.length) lines.push('', `- Left out on purpose (\`skip_streams\`): ${entry.skip_streams.map((s) => mdCode(s)).join(', ')}.`);
  const tenant = Object.entries(entry.tenant);
  if (tenant.length) lines.push('', `- Run it for this tenant with: ${mdCode(`fetchwright run ${path.basename(dir)} ${tenant.map(([k, v]) => `--tenant ${k}=${v}`).join(' ')} --credential-env …`)}`);
  if (drift) lines.push('', '### What changed in the docs', '', drift.replace(/^#{1,6} [^\n]*\n+/, '').trim());
  return lines.join('\n');
}

/**
 * What a plan decides, without its evidence or the docs' hashes, hashed: equal when two plans make
 * the same connector — the templates' slots (streams, paging, mapping) and what the manifest tells
 * a person to provision and what the gate allows (base URL and its variables, tenant variables,
 * hosts, credentials: scheme, placement, prefix, least scopes or role, token URL; fixed values sent;
 * the assessment's verdict).
 */
export function decisionsSha256(plan: ConnectorPlan): string {
  const m = manifestFromPlan(plan);
  return hashJson({
    slots: slotsFromPlan(plan),
    base_url: m.base_url,
    tenant_variables: m.tenant_variables,
    hosts: m.hosts,
    credentials: m.credentials.map(({ evidence: _evidence, ...c }) => c),
    fixed_values: m.fixed_values,
    verdict: m.assessment.verdict,
  });
}

/** The names in skip_streams the planner did not skip: no stream of that name (a typo, or a stream the docs no longer give). */
function unknownSkips(plan: ConnectorPlan, skips: string[]): string[] {
  const reasons = new Set((plan.excluded ?? []).map((x) => x.reason));
  return skips.filter((name) => !reasons.has(skippedReason(name)));
}

/** Tenant or server variables the entry names that the plan has neither as a base-URL placeholder nor a tenant variable. */
function unknownTenantNames(plan: ConnectorPlan, tenant: Record<string, string>): string[] {
  return Object.keys(tenant).filter((k) => !Object.hasOwn(plan.base_url.variables, k) && !Object.hasOwn(plan.tenant_variables, k));
}

/** Runs one vendor's job (see the module comment). Never throws: a failure is the summary's `failed`. */
export async function runVendorJob(job: VendorJob, deps: JobDeps): Promise<JobSummary> {
  const now = deps.now ?? Date.now;
  const started = now();
  const { entry } = job;
  const target = connectorPaths(job.out, entry.vendor).target;
  const base: JobSummary = {
    vendor: entry.vendor,
    owner: entry.owner,
    docs: entry.docs,
    outcome: 'failed',
    covered: false,
    connector_dir: null,
    streams: 0,
    identity_kinds: [],
    skipped_streams: [...entry.skip_streams],
    drift: null,
    pr: job.previous.pr ? { branch: job.previous.pr.branch, url: job.previous.pr.url } : null,
    cause: null,
    exit_code: null,
    retry_at: null,
    elapsed_ms: 0,
  };
  const log = (line: string) => deps.onLog?.(`${entry.vendor}: ${line}`);
  let state: VendorState = { ...job.previous, vendor: entry.vendor, skipped_streams: [...entry.skip_streams] };
  // Set once the drift of the docs against the connector on disk was read, and whether it was breaking.
  let driftRead = false;
  let breakingDrift = false;
  // The key and inputs of this run: a docs URL's are completed with the pages' bytes once crawled.
  const webPages = isDocsUrl(entry.docsPath);
  let key = job.key;
  let inputs = job.inputs;
  let pagesRead = false;
  try {
    const observed = entry.observedPath ? readObservedShapes(entry.observedPath) : undefined;
    const { model, files } = await ingestWithReport(entry.docsPath, { vendor: entry.vendor, ...(observed ? { observed } : {}), ...(webPages ? { onProgress: log } : {}) });
    if (webPages) {
      ({ key, inputs } = withCrawledPages(job.inputs, files));
      pagesRead = true;
      if (isDone(state, key, path.resolve(target), !!job.pr)) {
        // The pages are the last success's, byte for byte: the vendor is done (a failure since, on pages back as they were, is over).
        base.elapsed_ms = now() - started;
        Object.assign(base, { outcome: 'skipped', covered: true, connector_dir: state.connector_dir, streams: state.streams, identity_kinds: state.identity_kinds, drift: state.drift });
        log(`the ${files.length} page${files.length === 1 ? '' : 's'} read are the last run's, byte for byte: skipped`);
        if (state.failure) writeVendorState(job.stateDir, { ...state, failure: null, last_run: { at: new Date(now()).toISOString(), outcome: 'skipped', elapsed_ms: base.elapsed_ms } });
        return base;
      }
    }
    const { plan, repair } = await planDocs(model, { planner: job.planner ?? 'heuristic', ...(job.model ? { modelName: job.model } : {}), ...(job.modelTimeout ? { timeoutSeconds: job.modelTimeout } : {}), env: deps.env, audit: deps.audit, onNote: log, skip: new Set(entry.skip_streams) });
    // skip_streams name the heuristic plan's streams (a model's plan leaves out the operations behind them).
    const unknown = unknownSkips(plan.planner.kind === 'llm' && entry.skip_streams.length ? planHeuristically(model, { skip: new Set(entry.skip_streams) }) : plan, entry.skip_streams);
    if (unknown.length) {
      throw new EntryMismatch('skip_streams', `skip_streams names ${unknown.join(', ')}, which is not a stream the docs give`, `use the names \`fetchwright plan ${entry.docs}\` prints: ${someNames(plan.streams.map((s) => s.name))}`);
    }
    const badTenant = unknownTenantNames(plan, entry.tenant);
    if (badTenant.length) {
      const known = [...Object.keys(plan.base_url.variables), ...Object.keys(plan.tenant_variables)];
      throw new EntryMismatch('tenant', `tenant names ${badTenant.join(', ')}, which is neither a placeholder of the base URL nor a tenant variable of the docs`, `use a name \`fetchwright plan ${entry.docs}\` prints under the base URL and tenant variables: ${someNames(known)}`);
    }
    deps.audit.record('expand-plan', 'ok', { docs_sha256: model.docs_sha256, plan_sha256: hashJson(plan) }, { vendor: entry.vendor, streams: plan.streams.map((s) => s.name) });

    // A passing connector whose every file is still what its proof and the approved templates give
    // (pr's own check, without the re-proof); one edited since is made again, never kept.
    // A folder replaced by a link is never taken for the connector (generate refuses to write through one).
    const hadConnector = isPassingConnector(target) && !lstatSync(target).isSymbolicLink();
    const previous = hadConnector ? await readConnectorToPropose(target).then((p) => p.c).catch(() => undefined) : undefined;
    let outcome: VendorOutcome;
    let connector: { plan: ConnectorPlan; dir: string };
    let driftMarkdown: string | undefined;
    if (previous) {
      const drift = diffDocs({ plan: previous.plan, model: previous.model }, { model, plan });
      base.drift = { ...drift.counts };
      driftRead = true;
      breakingDrift = drift.counts.breaking > 0;
      const same = decisionsSha256(previous.plan) === decisionsSha256(plan);
      if (same && drift.counts.breaking === 0) {
        outcome = 'kept';
        connector = { plan: previous.plan, dir: previous.dir };
        log(`the docs changed (${drift.counts.additive} additive, ${drift.counts.info} informational); the connector reads them as before: kept`);
      } else {
        driftMarkdown = renderDriftMarkdown(drift);
        connector = await generateAndWrite(job, model, plan, log, deps, repair);
        outcome = 'regenerated';
      }
    } else {
      connector = await generateAndWrite(job, model, plan, log, deps, repair);
      // A passing connector was there but is not what its proof gave (edited since): made again.
      outcome = hadConnector ? 'regenerated' : 'generated';
    }
    Object.assign(base, { outcome, covered: true, connector_dir: connector.dir, streams: connector.plan.streams.length, identity_kinds: identityKindsOf(connector.plan) });
    // A model that gave no plan is said in the summary, and asked again next run (the success is not recorded under the model's key).
    const fallback = connector.plan.planner.fallback;
    if (fallback) base.cause = `the model gave nothing (${fallback.slice(0, 120)}): the heuristic plan stands; asked again next run`;
    const planSha = hashJson(connector.plan);
    state = {
      ...state,
      done_key: fallback ? `${key}:model-gave-no-plan` : key,
      inputs,
      docs_sha256: connector.plan.docs_sha256,
      docs_files: files,
      files_sha256: connectorFilesSha256(connector.dir) ?? null,
      plan_sha256: planSha,
      template_versions: inputs.templates_sha256,
      policy: inputs.policy,
      verdict: 'pass',
      connector_dir: connector.dir,
      streams: base.streams,
      identity_kinds: base.identity_kinds,
      failure: null,
      drift: base.drift,
      pr: state.pr?.plan_sha256 === planSha ? state.pr : null,
    };
    if (job.pr && !state.pr) {
      const pr = await propose(job, connector.plan, connector.dir, prSections(entry, connector.dir, driftMarkdown), deps);
      state.pr = { plan_sha256: planSha, ...pr };
    }
    base.pr = state.pr ? { branch: state.pr.branch, url: state.pr.url } : null;
    base.elapsed_ms = now() - started;
    state.last_run = { at: new Date(now()).toISOString(), outcome, elapsed_ms: base.elapsed_ms };
    writeVendorState(job.stateDir, state);
    return base;
  } catch (e) {
    const { cause, exit_code } = causeOf(e);
    // Recorded under the key expand computes before any job (for a docs URL, without the pages), which its `waiting` rule compares.
    const attempts = state.failure?.key === job.key ? state.failure.attempts + 1 : 1;
    const failedAt = now();
    // A catalogue entry the docs contradict is the catalogue's to fix: tried again on the next run, no backoff.
    const retryAt = new Date(failedAt + (e instanceof EntryMismatch ? 0 : retryDelayMs(attempts))).toISOString();
    if (e instanceof EntryMismatch) base.problem = { field: e.field, message: `${e.message}; ${e.details.hint}` };
    base.elapsed_ms = failedAt - started;
    Object.assign(base, { outcome: 'failed', cause: deps.redactor.text(cause), exit_code, retry_at: retryAt });
    // What is on disk still covers the vendor only when it is byte for byte the connector its job
    // left (the state's hash of its files), and its docs did not change — or changed in nothing it
    // depends on (a drift was read, nothing breaking). Anything else — a folder edited since, docs
    // that no longer plan, a breaking change — is not covered until a regeneration passes.
    const intact = !!state.files_sha256 && !lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink() && connectorFilesSha256(target) === state.files_sha256;
    // Pages that could not be crawled (the docs site down) are not known to have changed: the connector still reads the last ones read.
    const docsSame = (webPages && !pagesRead ? true : state.inputs?.docs_bytes_sha256 === inputs.docs_bytes_sha256) && state.inputs?.observed_sha256 === inputs.observed_sha256 && filesUnchanged(state.docs_files);
    const covered = intact && (driftRead ? !breakingDrift : docsSame);
    if (covered) {
      const plan = await readConnectorDir(target).then((c: ConnectorOnDisk) => c.plan).catch(() => undefined);
      if (plan) Object.assign(base, { covered: true, connector_dir: path.resolve(target), streams: plan.streams.length, identity_kinds: identityKindsOf(plan) });
    }
    state = { ...state, failure: { key: job.key, cause: base.cause!, exit_code, attempts, at: new Date(failedAt).toISOString(), retry_at: retryAt, covered: base.covered }, last_run: { at: new Date(failedAt).toISOString(), outcome: 'failed', elapsed_ms: base.elapsed_ms } };
    deps.audit.record('expand-vendor', 'fail', {}, { vendor: entry.vendor, exit_code, cause: base.cause, attempts });
    try {
      writeVendorState(job.stateDir, state);
    } catch (w) {
      base.cause = `${base.cause}; and its state could not be written: ${causeOf(w).cause}`;
    }
    return base;
  }
}

/** Proves and writes the connector; a failed proof is thrown as `validation-failed`-like error (exit 9) naming the first error. */
async function generateAndWrite(job: VendorJob, model: Parameters<typeof generateConnector>[0], plan: ConnectorPlan, log: (line: string) => void, deps: JobDeps, repair: Planned['repair']): Promise<{ plan: ConnectorPlan; dir: string }> {
  checkConnectorTarget(job.out, plan.vendor);
  const result = await generateConnector(model, plan, {
    seed: job.seed,
    maxAttempts: job.maxAttempts,
    force: false,
    onLog: log,
    ...(repair ? { repair } : {}),
    onAttempt: (a) => deps.audit.record(`attempt-${a.attempt}`, a.verdict === 'pass' ? 'ok' : 'fail', { scorecard_sha256: a.scorecard_sha256 }, { vendor: plan.vendor, changes: a.changes, findings: a.findings.slice(0, 5).map((f) => ({ id: f.id, stream: f.stream })) }),
  });
  const written = writeConnectorDir(job.out, result);
  deps.audit.record('write', result.scorecard.verdict === 'pass' ? 'ok' : 'fail', { fetcher_sha256: result.scorecard.hashes.fetcher_sha256, plan_sha256: result.scorecard.hashes.plan_sha256 }, { vendor: plan.vendor, dir: written.dir, verdict: result.scorecard.verdict, kept_previous: written.keptPrevious });
  for (const note of written.notes) log(note);
  if (result.scorecard.verdict !== 'pass') {
    throw new ProofFailed(`the sandbox proof failed: ${firstError(result.scorecard) ?? 'see VALIDATION.md'}${written.keptPrevious ? ` (the passing connector was kept; this one is in ${written.failedDir})` : ` (written to ${written.dir})`}`);
  }
  return { plan: result.plan, dir: written.dir };
}


/** Commits and proposes the connector, one git writer at a time; a branch already there for this plan is the earlier proposal. */
async function propose(job: VendorJob, plan: ConnectorPlan, dir: string, changes: string | undefined, deps: JobDeps): Promise<{ branch: string; url: string | null }> {
  const release = deps.repoLock ? await deps.repoLock() : await waitLock(repoLockFile(job.stateDir));
  try {
    const pr = await proposeConnector(dir, job.pr!, { audit: deps.audit, redactor: deps.redactor, env: deps.env, interrupts: { describe: () => 'nothing was written' } }, changes);
    // GitHub's answer is data: a URL holding a secret of the run (the token echoed) is kept redacted.
    return { branch: pr.branch, url: pr.pullRequest ? deps.redactor.text(pr.pullRequest.url) : null };
  } catch (e) {
    if (!isFetchwrightError(e) || e.code !== 'branch-exists') throw e;
    const branch = branchFor(plan);
    // Without GitHub the branch is the proposal. With GitHub, it is one only when a pull request was
    // opened from it: a branch an earlier run pushed without opening one (GitHub refused) is said, loudly.
    if (!job.pr!.github) return { branch, url: null };
    const [owner, repo] = job.pr!.github.split('/') as [string, string];
    const pr = await findPullRequest({ owner, repo, token: deps.env.GITHUB_TOKEN ?? '', branch, ...(job.pr!.githubApi ? { baseUrl: job.pr!.githubApi } : {}) });
    if (pr) return { branch, url: deps.redactor.text(pr.url) };
    throw new FetchwrightError('pr-refused', `the branch ${branch} is already pushed, but no pull request was opened from it`, {
      hint: `An earlier run pushed it and could not open the pull request: open it by hand from ${branch}, or delete the branch, and run expand again.`,
    });
  } finally {
    release();
  }
}

