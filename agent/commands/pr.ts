import { z } from 'zod';
import type { Command, Context } from '../cli/main.ts';
import type { Io } from '../cli/io.ts';
import { EXIT, FetchwrightError } from '../errors.ts';
import { gitCli } from '../pr/git-repo.ts';
import { openPr, type OpenPrResult } from '../pr/open-pr.ts';

export const PrOptions = z.object({
  dir: z.string().min(1),
  repo: z.string().min(1, '--repo PATH: the team\'s connectors repository'),
  github: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, '--github takes owner/repo').optional(),
  remote: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('origin'),
  requestedBy: z.string().min(1).optional(),
  githubApi: z.url().optional(),
  json: z.boolean().default(false),
});
export type PrOptions = z.infer<typeof PrOptions>;

export const PR_ARGS = {
  repo: { type: 'string' },
  github: { type: 'string' },
  remote: { type: 'string' },
  'requested-by': { type: 'string' },
  'github-api': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Shared with `generate --pr`: open the pull request for a connector directory and report it. */
export async function runPr(opts: PrOptions, io: Io, ctx: Context): Promise<number> {
  let github: Parameters<typeof openPr>[0]['github'];
  if (opts.github) {
    const token = ctx.env.GITHUB_TOKEN;
    if (!token) {
      throw new FetchwrightError('pr-refused', '--github needs a GITHUB_TOKEN in the environment, provided by a human', {
        hint: 'Export a token that can push branches and open pull requests on that repository. fetchwright never creates one.',
      });
    }
    const [owner, repo] = opts.github.split('/') as [string, string];
    github = { owner, repo, remote: opts.remote, token, ...(opts.githubApi ? { baseUrl: opts.githubApi } : {}) };
  }
  const result: OpenPrResult = await openPr({
    connectorDir: opts.dir,
    repoPath: opts.repo,
    ...(opts.requestedBy ? { requestedBy: opts.requestedBy } : {}),
    ...(github ? { github } : {}),
    env: ctx.env,
    git: gitCli,
    audit: ctx.audit,
    redactor: ctx.redactor,
  });
  if (opts.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else if (result.pullRequest) {
    io.stdout.write(`draft pull request #${result.pullRequest.number}: ${result.pullRequest.url}\n  branch ${result.branch} (commit ${result.commit.slice(0, 12)}) → ${result.base}\n`);
    for (const w of result.pullRequest.warnings) io.stdout.write(`  warning: ${w}\n`);
  } else {
    io.stderr.write(`branch ${result.branch} (commit ${result.commit.slice(0, 12)}) in ${opts.repo}, from ${result.base}; the pull request body is PULL_REQUEST.md on the branch:\n\n`);
    io.stdout.write(result.body);
  }
  if (!result.signed) io.stderr.write('note: the change record is UNSIGNED (set FETCHWRIGHT_SIGNING_KEY to an ed25519 PEM to sign it)\n');
  return EXIT.ok;
}

export const command: Command = {
  usage: 'fetchwright pr <connector-dir> --repo PATH [--github owner/repo] [--remote NAME] [--requested-by WHO] [--json]',
  summary:
    'Commits a proved connector to a new branch fetchwright/<vendor>-<hash> of the repository at PATH, under\n' +
    'connectors/<vendor>/, with a change record signed by FETCHWRIGHT_SIGNING_KEY (ed25519 PEM) and the PR\n' +
    'body in PULL_REQUEST.md. Never touches the default branch, never merges, never force-pushes. With\n' +
    '--github and a human-provided GITHUB_TOKEN it pushes the branch to --remote (default origin) and opens\n' +
    'a draft pull request; without it, the body is printed.',
  args: PR_ARGS,
  async run(values, positionals, io, ctx) {
    if (positionals.length !== 1) {
      io.stderr.write(`error[usage]: pr takes exactly one <connector-dir>\n  usage: ${command.usage}\n`);
      return EXIT.usage;
    }
    const opts = PrOptions.parse({ ...values, requestedBy: values['requested-by'], githubApi: values['github-api'], dir: positionals[0] });
    return runPr(opts, io, ctx);
  },
};
