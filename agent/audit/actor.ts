import os from 'node:os';

/** Which identity ran the agent: the OS user, the host, and the CI job when there is one. */
export interface Actor {
  user: string;
  host: string;
  ci_job?: string;
}

const CI_JOBS: [string, (env: NodeJS.ProcessEnv) => string | undefined][] = [
  ['github-actions', (e) => (e.GITHUB_RUN_ID ? `${e.GITHUB_REPOSITORY ?? ''}#${e.GITHUB_RUN_ID}/${e.GITHUB_JOB ?? ''}` : undefined)],
  ['gitlab', (e) => (e.CI_JOB_ID ? `${e.CI_PROJECT_PATH ?? ''}#${e.CI_JOB_ID}` : undefined)],
  ['buildkite', (e) => e.BUILDKITE_BUILD_ID],
  ['circleci', (e) => e.CIRCLE_BUILD_NUM],
  ['jenkins', (e) => (e.BUILD_TAG ?? e.BUILD_ID)],
];

export function currentActor(env: NodeJS.ProcessEnv = process.env): Actor {
  let user = env.USER ?? env.LOGNAME ?? 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (some containers): keep the environment's word
  }
  for (const [name, read] of CI_JOBS) {
    const job = read(env);
    if (job) return { user, host: os.hostname(), ci_job: `${name}:${job}` };
  }
  if (env.CI) return { user, host: os.hostname(), ci_job: 'ci' };
  return { user, host: os.hostname() };
}
