import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { FetchwrightError } from '../errors.ts';
import { DRIFT_CLASSES } from '../run/drift.ts';
import { describeIssue, valueAt } from '../schema-issue.ts';

/**
 * The parts of a `fetchwright run --report` file that runtime drift reads (agent/run/live-run.ts's
 * LiveRunReport): its drift entries, calls outside the plan and retirement headers. The file is
 * untrusted — edited, or the wrong file — so it is bounded in size and in every list and string,
 * and parsed with a schema; keys it does not name are dropped.
 */

/** A run report larger than this is refused: a real one keeps at most a few hundred drift entries. */
export const MAX_RUN_REPORT_BYTES = 16 * 1024 * 1024;
const MAX_ENTRIES = 5_000;
const Text = z.string().max(4_000);
const Short = z.string().max(1_000);

export const RunReportInput = z.object({
  vendor: Short,
  drift: z
    .array(
      z.object({
        class: z.enum(DRIFT_CLASSES),
        severity: z.enum(['breaking', 'additive', 'info']),
        stream: Short,
        operation: Short,
        path: Text,
        expected: Text,
        observed: Text,
        text: Text,
      }),
    )
    .max(MAX_ENTRIES),
  drift_omitted: z.number().int().min(0).default(0),
  calls_outside_plan: z.object({ total: z.number().int().min(0), calls: z.array(z.object({ method: z.string().max(20), path: Text, count: z.number().int().min(0) })).max(MAX_ENTRIES) }),
  deprecations: z
    .array(
      z.object({
        stream: Short,
        operation: Short,
        responses: z.number().int().min(0),
        sunset: Text.nullable(),
        deprecation: Text.nullable(),
        links: z.array(z.object({ rel: z.enum(['sunset', 'deprecation']), url: Text })).max(20),
      }),
    )
    .max(MAX_ENTRIES),
});
export type RunReportInput = z.infer<typeof RunReportInput>;

const HINT = 'Pass the file `fetchwright run <connector-dir> --report run-report.json` wrote, unedited.';

/**
 * The run report at `file`, checked. Throws FetchwrightError `input-not-found` (exit 3) when there
 * is no such file, `unreadable-docs` (exit 4) when it cannot be read, is over
 * {@link MAX_RUN_REPORT_BYTES}, is not JSON or is not a run report (the first problem named).
 */
export function readRunReport(file: string): RunReportInput {
  let size: number;
  try {
    const info = statSync(file);
    if (!info.isFile()) throw new FetchwrightError('input-not-found', `--report ${file} is not a file`, { file, hint: HINT });
    size = info.size;
  } catch (e) {
    if (e instanceof FetchwrightError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FetchwrightError('input-not-found', `the run report ${file} does not exist`, { file, hint: HINT });
    throw new FetchwrightError('unreadable-docs', `the run report ${file} cannot be read (${code ?? (e as Error).message})`, { file, hint: HINT });
  }
  const tooLarge = () => new FetchwrightError('unreadable-docs', `the run report ${file} is over the ${MAX_RUN_REPORT_BYTES / 1048576} MB limit`, { file, hint: HINT });
  if (size > MAX_RUN_REPORT_BYTES) throw tooLarge();
  let text: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_RUN_REPORT_BYTES) throw tooLarge();
    text = bytes.toString('utf8');
  } catch (e) {
    if (e instanceof FetchwrightError) throw e;
    throw new FetchwrightError('unreadable-docs', `the run report ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file, hint: HINT });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FetchwrightError('unreadable-docs', `the run report ${file} is not JSON: ${(e as Error).message.slice(0, 200)}`, { file, hint: HINT });
  }
  const parsed = RunReportInput.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FetchwrightError('unreadable-docs', `${file} is not a run report: ${describeIssue(issue, valueAt(data, issue.path))}`, { file, at: `/${issue.path.map(String).join('/')}`, hint: HINT });
  }
  return parsed.data;
}
