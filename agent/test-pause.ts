/** How long a test pause holds the run (a test interrupts it long before). */
const TEST_PAUSE_MS = 30_000;

/**
 * A hold point for tests, like git's GIT_TEST_* variables: with FETCHWRIGHT_TEST_PAUSE=<point> the
 * run waits there, so a test can send a signal at that exact moment. The points: `started` (after
 * the audit log's first line), `finished` (the command done and its audit line written), `proved` and `written` (generate: after the proof, after the write),
 * `pr-half-written` (pr: between writing PULL_REQUEST.md and change-record.json), `pr-written` (pr: both written, nothing committed), `expand-job` (an expand worker, before its vendor's job). Unset in normal use.
 */
export async function testPause(env: NodeJS.ProcessEnv, point: string, stderr: { write(s: string): unknown }): Promise<void> {
  if (env.FETCHWRIGHT_TEST_PAUSE !== point) return;
  stderr.write(`paused at ${point} (FETCHWRIGHT_TEST_PAUSE)\n`);
  await new Promise((resolve) => setTimeout(resolve, TEST_PAUSE_MS));
}
