import type { Stream } from './connector-plan.ts';

/**
 * What a stream emits, in one word for people and reports: its records' kind (`human`, `api_key`…),
 * `links (member_of)` for a link stream (relationship records only) or `container` for a container
 * read only to reach the lists under it (nothing of its own emitted). Used wherever a stream is
 * named with its kind: the plan screen, the PR body, the manifest and a run's report.
 */
export function streamEmits(s: Pick<Stream, 'kind'> & { link?: Stream['link']; container?: Stream['container'] }): string {
  if (s.link) return `links (${s.link.relation})`;
  if (s.container) return 'container';
  return s.kind;
}
