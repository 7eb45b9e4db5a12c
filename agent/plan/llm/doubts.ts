import type { ConnectorPlan } from '../connector-plan.ts';

/**
 * Where the heuristic planner doubted its own plan (issue 13, `--planner auto`): streams it selected
 * with a confidence below {@link AUTO_STREAM_CONFIDENCE}, and GETs it considered and left out with a
 * doubtful reason (`excluded[].doubtful`: the path names identities, but no list, no identifier or no
 * parent could be read). A rule's refusal — the request policy, a deprecated or covered list, a
 * single record — is never a doubt. Paging is not asked about: the proof and its alternatives judge it.
 */

/** Streams selected with a lower confidence than this are asked about. */
export const AUTO_STREAM_CONFIDENCE = 0.6;

export interface Doubt {
  /** A stream's name (selected with low confidence) or an excluded operation's id. */
  stream?: string;
  operation_id: string;
  path: string;
  /** fetchwright's words: why it is in doubt. */
  why: string;
}

/** The doubts of `plan`, streams first; `[]` when every decision is confident. */
export function doubtsOf(plan: ConnectorPlan): Doubt[] {
  const streams = plan.streams
    .filter((s) => !s.link && !s.container && s.confidence < AUTO_STREAM_CONFIDENCE)
    .map((s) => ({ stream: s.name, operation_id: s.operation_id, path: s.path, why: `selected as ${s.kind} records with confidence ${s.confidence} (below ${AUTO_STREAM_CONFIDENCE})` }));
  const excluded = (plan.excluded ?? []).filter((x) => x.doubtful).map((x) => ({ operation_id: x.operation_id, path: x.path, why: `left out: ${x.reason}` }));
  return [...streams, ...excluded];
}
