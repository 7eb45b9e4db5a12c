import { statSync } from 'node:fs';
import type { Io } from '../cli/io.ts';
import type { Context } from '../cli/main.ts';
import { EXIT, FetchwrightError } from '../errors.ts';
import { isWithin } from '../output-dir.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { branchFor } from '../pr/branch-name.ts';
import { loadSigningKey } from '../pr/change-record.ts';
import { gitCli, remoteExists } from '../pr/git-repo.ts';
import { openPr, type OpenPrResult } from '../pr/open-pr.ts';

/** The options `pr` and `generate --pr` share, as commander parses them (agent/cli/command-table.ts). */
export interface PrOptions {
  repo: string;
  github?: string;
  remote: string;
  requestedBy?: string;
  githubApi?: string;
  json?: boolean;
}

/**
 * Refuses, before any work, a --repo that does not exist or is not a folder (exit 3), and --github
 * without a human-provided GITHUB_TOKEN (exit 15).
 */
export function checkPrInputs(opts: PrOptions, env: NodeJS.ProcessEnv): void {
  const st = statSync(opts.repo, { throwIfNoEntry: false });
  if (!st) throw new FetchwrightError('input-not-found', `--repo ${opts.repo}: no such folder`, { file: opts.repo, hint: 'Give the path of a clone of your team\'s connectors repository (git clone … first).' });
  if (!st.isDirectory()) throw new FetchwrightError('input-not-found', `--repo ${opts.repo} is a file, not a folder`, { file: opts.repo, hint: 'Give the path of a clone of your team\'s connectors repository.' });
  if (opts.github && !env.GITHUB_TOKEN) {
    throw new FetchwrightError('pr-refused', '--github needs a GITHUB_TOKEN in the environment, provided by a human', {
      hint: 'Export a token that can push branches and open pull requests on that repository. fetchwright never creates one.',
    });
  }
}

/** Commits the connector in `dir` on a new branch of --repo and, with --github, opens the draft PR. Throws what openPr throws. */
export async function proposeConnector(dir: string, opts: PrOptions, ctx: Pick<Context, 'audit' | 'redactor' | 'env' | 'interrupts'>, changes?: string): Promise<OpenPrResult> {
  checkPrInputs(opts, ctx.env);
  let github: Parameters<typeof openPr>[0]['github'];
  if (opts.github) {
    const [owner, repo] = opts.github.split('/') as [string, string];
    github = { owner, repo, remote: opts.remote, token: ctx.env.GITHUB_TOKEN!, ...(opts.githubApi ? { baseUrl: opts.githubApi } : {}) };
  }
  return openPr({
    connectorDir: dir,
    repoPath: opts.repo,
    ...(opts.requestedBy ? { requestedBy: opts.requestedBy } : {}),
    ...(github ? { github } : {}),
    env: ctx.env,
    git: gitCli,
    audit: ctx.audit,
    redactor: ctx.redactor,
    interrupts: ctx.interrupts,
    ...(changes ? { changes } : {}),
  });
}

/** The PR as people read it: the draft PR's URL, or the branch and the body; a note when unsigned. */
export function printPr(result: OpenPrResult, repo: string, io: Io): void {
  if (result.pullRequest) {
    io.stdout.write(`draft pull request #${result.pullRequest.number}: ${result.pullRequest.url}\n  branch ${result.branch} (commit ${result.commit.slice(0, 12)}) → ${result.base}\n`);
    for (const w of result.pullRequest.warnings) io.stdout.write(`  warning: ${w}\n`);
  } else {
    io.stderr.write(`branch ${result.branch} (commit ${result.commit.slice(0, 12)}) in ${repo}, from ${result.base}; the pull request body is PULL_REQUEST.md on the branch:\n\n`);
    io.stdout.write(result.body);
  }
  if (!result.signed) io.stderr.write('note: the change record is UNSIGNED (set FETCHWRIGHT_SIGNING_KEY to an ed25519 PEM to sign it)\n');
}

/** The PR in the JSON contract's spelling: `{branch, commit, base, body, signed, pull_request: {number, url, warnings} | null}`. */
export function prJson(result: OpenPrResult): Record<string, unknown> {
  const { pullRequest, ...rest } = result;
  return { ...rest, pull_request: pullRequest ?? null };
}

/** `fetchwright pr <connector-dir> --repo PATH`. */
export async function run([dir]: string[], opts: PrOptions, io: Io, ctx: Context): Promise<number> {
  ctx.interrupts.describe = () => `the connector folder ${dir} is as it was; no pull request was opened (a branch already pushed stays: review or delete it)`;
  const result = await proposeConnector(dir!, opts, ctx);
  if (opts.json) {
    io.stdout.write(`${JSON.stringify(prJson(result), null, 2)}\n`);
    if (!result.signed) io.stderr.write('note: the change record is UNSIGNED (set FETCHWRIGHT_SIGNING_KEY to an ed25519 PEM to sign it)\n');
  } else printPr(result, opts.repo, io);
  return EXIT.ok;
}

/** The options that only mean something with --pr (commander's names → the flags a user typed). */
const PR_ONLY = { repo: '--repo', github: '--github', remote: '--remote', requestedBy: '--requested-by', githubApi: '--github-api' } as const;

/** The --pr options, or a usage error naming what is missing; without --pr, a usage error for any PR-only option given. */
export function prOptionsOf(opts: Partial<PrOptions> & { pr?: boolean; json?: boolean }): PrOptions | undefined {
  if (!opts.pr) {
    const given = (Object.keys(PR_ONLY) as (keyof typeof PR_ONLY)[]).filter((k) => opts[k] !== undefined).map((k) => PR_ONLY[k]);
    if (given.length) throw new FetchwrightError('usage', `${given.join(', ')} ${given.length === 1 ? 'means' : 'mean'} something only with --pr`, { hint: 'Add --pr to propose the connector, or leave them out.' });
    return undefined;
  }
  if (!opts.repo) {
    throw new FetchwrightError('usage', '--pr needs --repo PATH: the git working tree of your team\'s connectors repository', { hint: 'e.g. fetchwright generate docs/ --pr --repo ~/src/connectors' });
  }
  return { repo: opts.repo, remote: opts.remote ?? 'origin', ...(opts.github ? { github: opts.github } : {}), ...(opts.requestedBy ? { requestedBy: opts.requestedBy } : {}), ...(opts.githubApi ? { githubApi: opts.githubApi } : {}), json: !!opts.json };
}

/**
 * generate --pr: what `pr` would refuse after the proof is refused before it — a missing --repo, no
 * token for --github, an --out inside the repository (its files would be uncommitted changes there),
 * a repository that is not a git working tree or has uncommitted changes.
 */
export async function checkRepoBeforeWork(prOpts: PrOptions, out: string, env: NodeJS.ProcessEnv): Promise<void> {
  checkPrInputs(prOpts, env);
  if (isWithin(out, prOpts.repo)) {
    throw new FetchwrightError('usage', `--out ${out} is inside --repo ${prOpts.repo}`, {
      hint: 'Write the connector outside the repository (e.g. --out /tmp/connectors): pr commits it onto a new branch there itself, and files left in the working tree would block it as uncommitted changes.',
    });
  }
  const repo = await gitCli.inspect(prOpts.repo, prOpts.github ? { remote: prOpts.remote } : {});
  if (repo.dirty) throw new FetchwrightError('dirty-worktree', `${prOpts.repo} has uncommitted changes`, { hint: 'Commit or stash them first: fetchwright only ever adds a new branch and leaves your work alone.' });
  if (!repo.headSha) throw new FetchwrightError('pr-refused', `${prOpts.repo} has no commit yet to branch from`, { hint: 'Make a first commit on the default branch.' });
  loadSigningKey(env); // a key that cannot be used fails now (exit 14), not after the proof
  if (prOpts.github && !(await remoteExists(prOpts.repo, prOpts.remote))) {
    throw new FetchwrightError('git-failed', `${prOpts.repo} has no remote named ${prOpts.remote} to push to`, { hint: `Add it (git -C ${prOpts.repo} remote add ${prOpts.remote} <url>) or name another with --remote.` });
  }
}

/** generate --pr, once the plan is known: a branch this plan was already proposed on is refused before the proof (exit 20). */
export async function checkBranchBeforeProof(prOpts: PrOptions, plan: ConnectorPlan): Promise<void> {
  const branch = branchFor(plan);
  if (await gitCli.branchExists(prOpts.repo, branch, prOpts.github ? prOpts.remote : undefined)) {
    throw new FetchwrightError('branch-exists', `the branch ${branch} already exists`, { hint: 'This plan was already proposed. Review that branch, or delete it if it is stale.' });
  }
}
