import { checkQuotes, type QuoteProblem } from '../docs-view/quote-check.ts';
import { FetchwrightError } from '../errors.ts';
import type { ApiModel } from '../ingest/api-model.ts';
import type { ConnectorPlan } from './connector-plan.ts';

/**
 * A plan is refused when its evidence quotes text the docs do not hold where it says. For the
 * heuristic planner that is a bug in the planner; for a model-made plan, an invention.
 */

const SHOWN = 3;

/** `file#pointer: “quote” (why)`, one problem on one line. */
export function describeQuoteProblem(p: QuoteProblem): string {
  const quote = p.quote.replace(/\s+/g, ' ').trim();
  const why = p.why === 'no-such-source' ? 'no item of the docs has this source' : 'the docs hold no such text there';
  return `${p.source.file}${p.source.pointer ? `#${p.source.pointer}` : ''}: “${quote.length > 120 ? `${quote.slice(0, 120)}…` : quote}” (${why}; at ${p.at})`;
}

/**
 * Checks every quote of `plan` against `model` (`checkQuotes`) and returns the plan unchanged when
 * all hold. Throws FetchwrightError `evidence-not-in-docs` (exit 24) naming the first problems —
 * file, pointer, quote — when any does not.
 */
export function assertQuotesInDocs<T extends ConnectorPlan>(plan: T, model: ApiModel): T {
  const problems = checkQuotes(plan, model);
  if (!problems.length) return plan;
  const first = problems[0]!;
  const more = problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : '';
  throw new FetchwrightError(
    'evidence-not-in-docs',
    `the ${plan.planner.kind} plan quotes text its docs do not hold: ${problems.slice(0, SHOWN).map(describeQuoteProblem).join('; ')}${more}`,
    {
      file: first.source.file,
      at: first.source.pointer,
      hint: plan.planner.kind === 'heuristic' ? 'This is a bug in fetchwright\'s heuristic planner: please report it with the docs it read.' : 'The planner invented evidence: plan again, or use the heuristic planner.',
    },
  );
}
