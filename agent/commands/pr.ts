import { statSync } from 'node:fs';
import type { Io } from '../cli/io.ts';
import type { Context } from '../cli/main.ts';
import { EXIT, FetchwrightError } from '../errors.ts';
import { gitCli } from '../pr/git-repo.ts';
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
export async function proposeConnector(dir: string, opts: PrOptions, ctx: Context): Promise<OpenPrResult> {
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
