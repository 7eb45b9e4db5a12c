import { z } from 'zod';
import { checkQuotes } from '../../docs-view/quote-check.ts';
import type { ApiModel } from '../../ingest/api-model.ts';
import { READ_ONLY_REQUEST_POLICY, type RequestPolicy } from '../../../policy/request-policy.ts';
import type { ConnectorPlan } from '../connector-plan.ts';
import { checkDecision, DecisionEvidence, StreamDecision, type DecisionRejection } from './decision.ts';

/**
 * A model's review of a plan it did not make from scratch (issue 13, `--planner auto`): the
 * heuristic plan where the heuristics doubted, or any plan after a failed proof. The review only
 * adds streams (each a `StreamDecision`, gated as a model's decision is) and drops streams (each with
 * a quote of the docs saying why); everything else is the plan's. Adding a stream under the name of
 * one it drops replaces it (another parent field, another kind). An empty review keeps the plan.
 */

const StreamName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/);

/** A stream the review takes out, and the docs' words that say why. */
export const StreamDrop = z.strictObject({
  stream: StreamName,
  evidence: z.array(DecisionEvidence).min(1).max(4),
});

export const PlanReview = z.strictObject({
  /** Streams of the plan to take out. */
  drop: z.array(StreamDrop).max(40),
  /** Streams to add, or to put back changed under a dropped stream's name; a parent may be a stream of the plan. */
  add: z.array(StreamDecision).max(20),
});
export type PlanReview = z.infer<typeof PlanReview>;

/**
 * Every reason `review` cannot be applied to `plan`, or `[]`: a dropped stream the plan lacks or
 * dropped twice, one whose quote is not from the dropped operation's own docs, in a repair one only
 * dropped and not replaced (losing coverage is no repair), one not in question (`mayDrop`: the streams the heuristics doubted, or that failed
 * the proof — a review never takes out what nobody questioned), or a link stream or container (the planner's own rules read those); an added stream whose name stays taken by a stream not dropped, or whose operation
 * a kept stream already reads; and every gate of a model's decision over the added streams
 * (`checkDecision`: the docs' own GETs and parameters, the request policy, verbatim quotes; a parent
 * may be a kept stream). Every quote, the drops' too, must be the docs' own words at its source.
 * Never throws.
 */
export function checkReview(model: ApiModel, plan: ConnectorPlan, review: PlanReview, policy: RequestPolicy = READ_ONLY_REQUEST_POLICY, mayDrop?: ReadonlySet<string>, repair = false): DecisionRejection[] {
  const out: DecisionRejection[] = [];
  const streams = new Map(plan.streams.map((s) => [s.name, s]));
  const dropped = new Set<string>();
  const readded = new Set(review.add.map((a) => a.name));
  review.drop.forEach((d, i) => {
    const s = streams.get(d.stream);
    // A drop quotes the dropped operation's own docs (its path item: the operation, its parameters, its responses).
    const op = s && model.operations.find((o) => o.id === s.operation_id && o.method === 'get');
    const item = op ? op.source.pointer.replace(/\/[^/]*$/, '') : undefined;
    d.evidence.forEach((e, j) => {
      if (op && (e.source.file !== op.source.file || !(e.source.pointer === item || e.source.pointer.startsWith(`${item}/`)))) out.push({ at: `drop.${i}.evidence.${j}`, reason: `a drop quotes the dropped operation's own docs (GET ${op.path}, at ${op.source.file}#${item}…): this source is elsewhere` });
    });
    // Dropping coverage to pass a failed proof is no repair: a repair replaces the failing stream.
    if (repair && s && !readded.has(d.stream)) out.push({ at: `drop.${i}.stream`, reason: `a repair replaces a failing stream (add it again under the name ${d.stream}, changed), it does not only drop it: leaving a list out to pass the proof loses identities` });
    if (!streams.has(d.stream)) out.push({ at: `drop.${i}.stream`, reason: `the plan has no stream ${d.stream}: show_plan lists them` });
    else if (dropped.has(d.stream)) out.push({ at: `drop.${i}.stream`, reason: `${d.stream} is dropped twice` });
    else if (mayDrop && !mayDrop.has(d.stream)) out.push({ at: `drop.${i}.stream`, reason: `${d.stream} is not in question: only ${mayDrop.size ? [...mayDrop].join(', ') : 'streams in doubt or failing the proof'} may be dropped or replaced; add streams instead` });
    else if (streams.get(d.stream)!.link || streams.get(d.stream)!.container) out.push({ at: `drop.${i}.stream`, reason: `${d.stream} is a ${streams.get(d.stream)!.link ? 'link stream' : 'container'} the planner reads on its own rules: a review cannot drop it` });
    dropped.add(d.stream);
  });
  const kept = plan.streams.filter((s) => !dropped.has(s.name));
  review.add.forEach((a, i) => {
    // A replacement reads the same operation, changed (parent, kind, records path): another operation is an add under a new name.
    const was = streams.get(a.name);
    if (was && dropped.has(a.name) && was.operation_id !== a.operation_id) out.push({ at: `add.${i}.operation_id`, reason: `${a.name} replaces the stream that reads ${was.operation_id}: a replacement reads the same operation (another parent field, kind or records path); add another operation under a new name` });
  });
  // The plan's only list of a kind is never only dropped: that loses every identity of the kind.
  review.drop.forEach((d, i) => {
    const s = streams.get(d.stream);
    if (!s || readded.has(d.stream) || s.link || s.container) return;
    // Only another root list of the kind stands for it: a child list reads just the records of each parent (the members of groups are not everyone).
    const others = plan.streams.filter((x) => x !== s && !x.link && !x.container && !x.parent && x.kind === s.kind && (!dropped.has(x.name) || readded.has(x.name)));
    if (!others.length) out.push({ at: `drop.${i}.stream`, reason: `${d.stream} is the plan's only root ${s.kind} list: dropping it loses every ${s.kind} identity no other list reads; replace it instead` });
  });
  review.add.forEach((a, i) => {
    if (kept.some((s) => s.name === a.name)) out.push({ at: `add.${i}.name`, reason: `the plan keeps a stream named ${a.name}: drop it to replace it, or choose another name` });
    const reader = kept.find((s) => s.operation_id === a.operation_id);
    if (reader) out.push({ at: `add.${i}.operation_id`, reason: `${a.operation_id} is read already by the stream ${reader.name}: drop that stream to replace it` });
  });
  const earlier = new Set(kept.map((s) => s.name));
  if (review.add.length) out.push(...checkDecision(model, { streams: review.add, auth_scheme: null }, policy, earlier).map((r) => ({ ...r, at: r.at.replace(/^streams\./, 'add.') })));
  for (const q of checkQuotes({ drop: review.drop }, model)) out.push({ at: q.at, reason: q.why === 'no-such-source' ? `no item of the docs is at ${q.source.file}#${q.source.pointer}: cite a source a tool showed` : `the quote is not in the docs at ${q.source.file}#${q.source.pointer}: quote the docs' own words verbatim` });
  return out;
}
