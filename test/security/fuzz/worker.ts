import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import fc from 'fast-check';
import { mutationsOf, type Family } from './arbitraries.ts';
import { caseLabel, runCase, type FuzzCase, type SpecName } from './pipeline.ts';

/**
 * The fuzz worker thread (started by `fuzz-worker-pool.ts`): runs fuzz jobs one at a time and says
 * before each case which case it starts, so the test's thread can tell a hang (a case that never ends,
 * even in a synchronous loop) from slow work, and end this thread.
 *
 * Jobs: `property` (fast-check over one spec and one family of mutations, seeded; on failure, the
 * shrunk counter-example as a replayable case), and `cases` (fixed cases, the found counter-examples).
 */

export type FuzzJob =
  | { kind: 'property'; spec: SpecName; family: Family; seed: number; numRuns: number; proofEvery?: number }
  | { kind: 'cases'; cases: FuzzCase[]; proof?: boolean };

export type WorkerMessage =
  | { id: number; type: 'case'; label: string }
  | { id: number; type: 'result'; runs: number; failures: string[] };

const dir = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-fuzz-'));
const caseDir = path.join(dir, 'docs');
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function runJob(id: number, job: FuzzJob): Promise<{ runs: number; failures: string[] }> {
  const announce = (c: FuzzCase) => parentPort!.postMessage({ id, type: 'case', label: caseLabel(c) } satisfies WorkerMessage);
  if (job.kind === 'cases') {
    const failures: string[] = [];
    for (const c of job.cases) {
      announce(c);
      const { outcome, applied } = await runCase(c, caseDir, { proof: !!job.proof });
      if (outcome.kind === 'internal') failures.push(`internal error at ${outcome.stage}: ${outcome.error}; case: ${caseLabel(c)}`);
      // A kept case that no longer fits its spec (the vendor file changed) tests nothing: say so.
      else if (applied.length !== c.mutations.length) failures.push(`the regression case no longer applies to ${c.spec} (${applied.length} of ${c.mutations.length} mutations applied): ${caseLabel(c)}`);
    }
    return { runs: job.cases.length, failures };
  }
  const arbitrary = fc.record({
    spec: fc.constant(job.spec),
    format: fc.constantFrom('json' as const, 'yaml' as const),
    mutations: mutationsOf(job.family),
    // One case in five reads a folder: the mutated spec beside the original.
    folder: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  });
  let runs = 0;
  const result = await fc.check(
    fc.asyncProperty(arbitrary, async (c) => {
      announce(c);
      // Every proofEvery-th case is proved in the sandbox too (the count goes on through shrinking).
      const proof = !!job.proofEvery && runs % job.proofEvery === 0;
      runs++;
      const { outcome } = await runCase(c, caseDir, { proof });
      if (outcome.kind === 'internal') throw new Error(`internal error at ${outcome.stage}: ${outcome.error}`);
    }),
    { seed: job.seed, numRuns: job.numRuns },
  );
  if (!result.failed) return { runs: result.numRuns, failures: [] };
  const counterexample = result.counterexample?.[0];
  // The counter-example with its targets resolved to pointers: paste it into the attack list's regressions.
  const replay = counterexample ? (await runCase(counterexample, caseDir)).applied : [];
  const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  return {
    runs: result.numRuns,
    failures: [`${error}; seed ${job.seed}, case ${result.numRuns}, shrunk ${result.numShrinks} times; replay: ${caseLabel({ ...counterexample!, mutations: replay })}`],
  };
}

parentPort!.on('message', (message: { id: number; job: FuzzJob }) => {
  runJob(message.id, message.job).then(
    (r) => parentPort!.postMessage({ id: message.id, type: 'result', ...r } satisfies WorkerMessage),
    (e: unknown) => parentPort!.postMessage({ id: message.id, type: 'result', runs: 0, failures: [`the fuzz job itself failed: ${e instanceof Error ? e.stack : String(e)}`] } satisfies WorkerMessage),
  );
});
