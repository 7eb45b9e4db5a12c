import type { ListReading } from '../../../synthetic-data/mock-api/read-list.ts';
import type { Stream } from '../../plan/connector-plan.ts';
import { arg, defineFindings, findingOf, type Finding } from '../finding.ts';

/**
 * The plan's reading of a list against the mock's own, literal reading of the same docs: where the
 * records are (and whether they are a list or a map's values), and every mechanism the plan's pagination relies on — a `Link` header, a cursor in a
 * response field or header or the last record, a next URL, each stop condition's field, the offset or page parameter. What the plan
 * relies on and the docs do not declare fails the proof by name, instead of passing against a mock
 * that happened to serve it.
 */

export const MECHANISM_FINDINGS = defineFindings({
  'items-path-disagrees': { level: 'error', text: (a) => `the plan reads the records at ${a.plan === '' ? 'the body' : `"${arg(a, 'plan')}"`}, but the docs put them at ${a.docs === '' ? 'the body' : `"${arg(a, 'docs')}"`}` },
  'items-container-disagrees': {
    level: 'error',
    text: (a) => `the plan reads the records as ${arg(a, 'plan')}, but the docs (as the mock reads them) give ${arg(a, 'docs')}`,
    hint: 'The planner and the mock read the shape of this list differently: one of the two readings is wrong, so a pass would prove nothing. Check the response schema (an array, or an object keyed by data with each record in additionalProperties).',
  },
  'records-location-ambiguous': { level: 'error', text: (a) => `${arg(a, 'problem')}: the mock cannot tell where the records are, so the proof cannot pass on the plan's guess` },
  'pagination-mechanism-undeclared': {
    level: 'error',
    text: (a) => `the plan relies on ${arg(a, 'mechanism')}, which the docs do not declare for this operation`,
    hint: 'The plan reads this list\'s paging differently from what the docs declare. If the real API does page that way, its docs are incomplete: build this connector by hand or from a live run\'s observed shapes; never trust a pass on an undeclared mechanism.',
  },
  'docs-say-records-omitted': {
    level: 'warning',
    text: (a) => `the docs say this list leaves records out: “${arg(a, 'sentence')}”`,
    hint: 'The proof served every record; the real API may not. Check whether the omitted records are identities the inventory needs, and how the docs say to include them.',
  },
  'pagination-ignored': {
    level: 'error',
    text: (a) => `the plan reads one page, but the docs say this list is paged (${arg(a, 'how')})`,
    hint: 'No approved paginator the planner chose can follow this list\'s documented paging (for example a cursor taken from the last record): build this connector by hand, or report the pattern.',
  },
});

const paths = (fields: { path: string }[]) => fields.map((f) => f.path);

/** The body fields the docs declare for each body stop condition, as the mock reads them. */
function declaredStopPaths(r: ListReading): Record<'more-false' | 'last-true' | 'total-reached' | 'page-count', { paths: string[]; what: string }> {
  return {
    'more-false': { paths: paths(r.stops.more), what: 'a has-more flag' },
    'last-true': { paths: paths(r.stops.last), what: 'a last-page flag' },
    'total-reached': { paths: paths(r.stops.total), what: 'a total count' },
    'page-count': { paths: paths(r.stops.pages), what: 'a page count' },
  };
}

/** What the plan's pagination relies on that the docs (as the mock reads them literally) do not declare: its position source, and each stop condition's signal. */
function undeclared(stream: Stream, r: ListReading): string[] {
  const p = stream.pagination;
  const out: string[] = [];
  const field = (path: string | undefined, declared: string[], what: string) => {
    if (path !== undefined && !declared.includes(path)) out.push(`${what} in the response field "${path}"`);
  };
  switch (p.style) {
    case 'link-header':
      if (!r.carriers.link) out.push('a Link response header (rel="next")');
      break;
    case 'cursor':
      if (p.cursor_header !== undefined && !r.carriers.headers.some((h) => h.toLowerCase() === p.cursor_header!.toLowerCase())) out.push(`a next cursor in the ${p.cursor_header} response header`);
      field(p.cursor_path, paths(r.carriers.fields), 'a next cursor');
      if (p.last_record_path !== undefined && r.keyset?.field !== p.last_record_path) out.push(`a next cursor taken from the last record's "${p.last_record_path}"`);
      if (r.query.position?.name !== p.cursor_param) out.push(`the cursor parameter "${p.cursor_param}"`);
      break;
    case 'next-url':
      field(p.next_path, paths(r.carriers.nextLinks), 'a next-page URL');
      break;
    case 'offset':
      if (r.query.skip?.name !== p.offset_param) out.push(`the offset parameter "${p.offset_param}"`);
      break;
    case 'page':
      if (r.query.pageNumber?.name !== p.page_param) out.push(`the page-number parameter "${p.page_param}"`);
      break;
    case 'none':
      return out;
  }
  const declared = declaredStopPaths(r);
  for (const stop of p.stops) {
    if (stop.when === 'short-page' && !r.stops.shortPage) out.push('a short page as the end of the list');
    if (stop.when === 'more-false' || stop.when === 'last-true' || stop.when === 'total-reached' || stop.when === 'page-count') field(stop.path, declared[stop.when].paths, declared[stop.when].what);
  }
  return out;
}

/** How the docs say a list is paged, for a person. */
function pagedBy(r: ListReading): string {
  const ways = [
    r.query.position && `the \`${r.query.position.name}\` parameter`,
    r.query.skip && `the \`${r.query.skip.name}\` offset`,
    r.query.pageNumber && `the \`${r.query.pageNumber.name}\` page number`,
    r.carriers.link && 'a Link header',
    ...r.carriers.nextLinks.map((f) => `the next URL in "${f.path}"`),
  ].filter(Boolean);
  return ways.join(', ') || 'a next position in the response';
}

function containerWords(container: 'array' | 'map'): string {
  return container === 'map' ? 'the values of a map keyed by data' : 'a list';
}

export function checkMechanisms(stream: Stream, reading: ListReading): Finding[] {
  const findings: Finding[] = [];
  const at = { stream: stream.name };
  for (const problem of reading.problems.filter((p) => p.id === 'records-location-ambiguous')) findings.push(findingOf(MECHANISM_FINDINGS, 'records-location-ambiguous', { problem: problem.text }, at));
  if (stream.items_path !== reading.itemsPath) findings.push(findingOf(MECHANISM_FINDINGS, 'items-path-disagrees', { plan: stream.items_path, docs: reading.itemsPath }, at));
  const planned = stream.items_container ?? 'array';
  if (planned !== reading.container) findings.push(findingOf(MECHANISM_FINDINGS, 'items-container-disagrees', { plan: containerWords(planned), docs: containerWords(reading.container) }, at));
  for (const mechanism of undeclared(stream, reading)) findings.push(findingOf(MECHANISM_FINDINGS, 'pagination-mechanism-undeclared', { mechanism }, at));
  for (const sentence of reading.omissions) findings.push(findingOf(MECHANISM_FINDINGS, 'docs-say-records-omitted', { sentence: sentence.slice(0, 240) }, at));
  if (stream.pagination.style === 'none' && reading.paged) findings.push(findingOf(MECHANISM_FINDINGS, 'pagination-ignored', { how: pagedBy(reading) }, at));
  return findings;
}
