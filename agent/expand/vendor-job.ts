import path from 'node:path';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Redactor } from '../audit/redact.ts';
import { proposeConnector, type PrOptions } from '../commands/pr.ts';
import { diffDocs, renderDriftMarkdown } from '../drift/docs-diff.ts';
import { EXIT, FetchwrightError, isFetchwrightError } from '../errors.ts';
import { checkConnectorTarget, connectorPaths, isPassingConnector, readConnectorDir, writeConnectorDir, type ConnectorOnDisk } from '../generate/connector-dir.ts';
import { generateConnector } from '../generate/generate-connector.ts';
import { renderDifference } from '../generate/rerender-check.ts';
import { hashJson } from '../hash.ts';
import { ingest } from '../ingest/ingest.ts';
import { readObservedShapes } from '../observed/read-observed-shapes.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { planHeuristically, skippedReason } from '../plan/heuristic-planner.ts';
import { streamEmits } from '../plan/stream-emits.ts';
import { branchFor } from '../pr/branch-name.ts';
import { slotsFromPlan } from '../render/slots-from-plan.ts';
import { firstError } from '../validate/findings-text.ts';
import type { CatalogueEntry } from './catalogue.ts';
import { connectorFilesSha256 } from './connector-files.ts';
import type { VendorOutcome, VendorSummary } from './coverage-summary.ts';
import { waitLock } from './file-lock.ts';
import type { VendorInputs } from './inputs-key.ts';
import { retryDelayMs, writeVendorState, type VendorState } from './vendor-state.ts';

/**
 * One vendor's work in `expand`, run in a worker process (worker-main.ts): what `generate` (and with
 * --pr, `pr`) does for one catalogue entry, decided by what changed since its last successful run.
 *
 * - No connector on disk: ingest, plan (the entry's `skip_streams` left out), prove, write
 *   (`generated`).
 * - A passing connector from earlier docs: the new docs are planned and diffed against what the
 *   connector depends on (agent/drift); when the new plan's decisions (its template slots) are the
 *   connector's and the approved templates render its fetcher.ts unchanged and nothing breaking was
 *   found, the connector still reads the new docs: nothing is regenerated or proposed (`kept`).
 *   Otherwise — a breaking change, a new identity list, new templates — it is generated and proved
 *   again (`regenerated`) and its PR body carries the classified drift.
 * - With --pr, a passing connector whose plan was not proposed yet is proposed (one git writer per
 *   repository at a time: a lock beside the state); a branch already there for this plan counts as
 *   proposed, so the same change never yields a second PR.
 *
 * The job writes its vendor's state itself (vendor-state.ts), last: a job killed before that leaves
 * the previous state, and the next run does the vendor again. Any failure is recorded with its cause,
 * exit code and a retry time (exponential backoff on unchanged inputs); it never throws.
 */

export interface VendorJob {
  entry: CatalogueEntry;
  key: string;
  inputs: VendorInputs;
  /** The state before this run (vendor-state.ts). */
  previous: VendorState;
  /** The connectors folder (`--out`). */
  out: string;
  stateDir: string;
  seed: number;
  maxAttempts: number;
  pr?: PrOptions;
}

export interface JobDeps {
  audit: AuditLog;
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
  onLog?: (line: string) => void;
  now?: () => number;
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

/** A failure as the summary gives it: one line, and the exit code `generate` would have ended with. */
function causeOf(e: unknown): { cause: string; exit_code: number } {
  if (e instanceof ProofFailed) return { cause: e.message.replace(/\s+/g, ' ').slice(0, 400), exit_code: EXIT.validationFailed };
  if (isFetchwrightError(e)) return { cause: `${e.message}${e.details.hint ? ` (${e.details.hint})` : ''}`.replace(/\s+/g, ' ').slice(0, 400), exit_code: e.exitCode };
  return { cause: `internal error: ${(e as Error)?.message ?? String(e)}`.replace(/\s+/g, ' ').slice(0, 400), exit_code: EXIT.internal };
}

/** The plan's decisions without evidence, hashed: equal when two plans make the same connector. */
function decisionsSha256(plan: ConnectorPlan): string {
  return hashJson(slotsFromPlan(plan));
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
export async function runVendorJob(job: VendorJob, deps: JobDeps): Promise<VendorSummary> {
  const now = deps.now ?? Date.now;
  const started = now();
  const { entry } = job;
  const target = connectorPaths(job.out, entry.vendor).target;
  const base: VendorSummary = {
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
  try {
    const observed = entry.observedPath ? readObservedShapes(entry.observedPath) : undefined;
    const model = await ingest(entry.docsPath, { vendor: entry.vendor, ...(observed ? { observed } : {}) });
    const plan = planHeuristically(model, { skip: new Set(entry.skip_streams) });
    const unknown = unknownSkips(plan, entry.skip_streams);
    if (unknown.length) {
      throw new FetchwrightError('invalid-catalogue', `skip_streams names ${unknown.join(', ')}, which the plan does not have as streams (it has: ${plan.streams.map((s) => s.name).join(', ')})`, { hint: 'Use the stream names `fetchwright plan <docs>` prints.' });
    }
    const badTenant = unknownTenantNames(plan, entry.tenant);
    if (badTenant.length) {
      const known = [...Object.keys(plan.base_url.variables), ...Object.keys(plan.tenant_variables)];
      throw new FetchwrightError('invalid-catalogue', `tenant names ${badTenant.join(', ')}, which the plan has neither as a base-URL placeholder nor a tenant variable (it has: ${known.length ? known.join(', ') : 'none'})`, { hint: 'Use the names `fetchwright plan <docs>` prints under the base URL and tenant variables.' });
    }
    deps.audit.record('expand-plan', 'ok', { docs_sha256: model.docs_sha256, plan_sha256: hashJson(plan) }, { vendor: entry.vendor, streams: plan.streams.map((s) => s.name) });

    const previous = isPassingConnector(target) ? await readConnectorDir(target).catch(() => undefined) : undefined;
    let outcome: VendorOutcome;
    let connector: { plan: ConnectorPlan; dir: string };
    let changes: string | undefined;
    if (previous) {
      const drift = diffDocs({ plan: previous.plan, model: previous.model }, { model, plan });
      base.drift = { ...drift.counts };
      const same = decisionsSha256(previous.plan) === decisionsSha256(plan) && renderDifference(previous.plan, previous.fetcher) === undefined;
      if (same && drift.counts.breaking === 0) {
        outcome = 'kept';
        connector = { plan: previous.plan, dir: previous.dir };
        log(`the docs changed (${drift.counts.additive} additive, ${drift.counts.info} informational); the connector reads them as before: kept`);
      } else {
        changes = renderDriftMarkdown(drift);
        connector = await generateAndWrite(job, model, plan, log, deps);
        outcome = 'regenerated';
      }
    } else {
      connector = await generateAndWrite(job, model, plan, log, deps);
      outcome = 'generated';
    }
    Object.assign(base, { outcome, covered: true, connector_dir: connector.dir, streams: connector.plan.streams.length, identity_kinds: identityKindsOf(connector.plan) });
    const planSha = hashJson(connector.plan);
    state = {
      ...state,
      done_key: job.key,
      inputs: job.inputs,
      docs_sha256: connector.plan.docs_sha256,
      files_sha256: connectorFilesSha256(connector.dir) ?? null,
      plan_sha256: planSha,
      template_versions: job.inputs.templates_sha256,
      policy: job.inputs.policy,
      verdict: 'pass',
      connector_dir: connector.dir,
      streams: base.streams,
      identity_kinds: base.identity_kinds,
      failure: null,
      drift: base.drift,
      pr: state.pr?.plan_sha256 === planSha ? state.pr : null,
    };
    if (job.pr && !state.pr) {
      const pr = await propose(job, connector.plan, connector.dir, changes, deps);
      state.pr = { plan_sha256: planSha, ...pr };
    }
    base.pr = state.pr ? { branch: state.pr.branch, url: state.pr.url } : null;
    base.elapsed_ms = now() - started;
    state.last_run = { at: new Date(now()).toISOString(), outcome, elapsed_ms: base.elapsed_ms };
    writeVendorState(job.stateDir, state);
    return base;
  } catch (e) {
    const { cause, exit_code } = causeOf(e);
    const attempts = state.failure?.key === job.key ? state.failure.attempts + 1 : 1;
    const failedAt = now();
    const retryAt = new Date(failedAt + retryDelayMs(attempts)).toISOString();
    base.elapsed_ms = failedAt - started;
    Object.assign(base, { outcome: 'failed', cause: deps.redactor.text(cause), exit_code, retry_at: retryAt });
    // What is on disk still covers the vendor when an earlier connector passed.
    if (isPassingConnector(target)) {
      const plan = await readConnectorDir(target).then((c: ConnectorOnDisk) => c.plan).catch(() => undefined);
      if (plan) Object.assign(base, { covered: true, connector_dir: path.resolve(target), streams: plan.streams.length, identity_kinds: identityKindsOf(plan) });
    }
    state = { ...state, failure: { key: job.key, cause: base.cause!, exit_code, attempts, at: new Date(failedAt).toISOString(), retry_at: retryAt }, last_run: { at: new Date(failedAt).toISOString(), outcome: 'failed', elapsed_ms: base.elapsed_ms } };
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
async function generateAndWrite(job: VendorJob, model: Parameters<typeof generateConnector>[0], plan: ConnectorPlan, log: (line: string) => void, deps: JobDeps): Promise<{ plan: ConnectorPlan; dir: string }> {
  checkConnectorTarget(job.out, plan.vendor);
  const result = await generateConnector(model, plan, {
    seed: job.seed,
    maxAttempts: job.maxAttempts,
    force: false,
    onLog: log,
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
  const release = await waitLock(repoLockFile(job.stateDir));
  try {
    const pr = await proposeConnector(dir, job.pr!, { audit: deps.audit, redactor: deps.redactor, env: deps.env, interrupts: { describe: () => 'nothing was written' } }, changes);
    return { branch: pr.branch, url: pr.pullRequest?.url ?? null };
  } catch (e) {
    if (isFetchwrightError(e) && e.code === 'branch-exists') return { branch: branchFor(plan), url: null };
    throw e;
  } finally {
    release();
  }
}

