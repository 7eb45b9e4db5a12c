import type { Pagination } from '../connector-plan.ts';
import { fieldEvidence, pageSizeOf, paramNamed, type BodyField, type PaginationSignals } from './signals.ts';
import { documentedStops } from './stops.ts';
import { LIMIT_PARAM, NEXT_PATH } from './vocabulary.ts';


/** Pages by following a next-page URL in the body (`next_page_uri`, `links.pages.next`), absolute or relative. */
export function detectNextUrl(s: PaginationSignals): Pagination[] {
  const candidates = s.fields.filter((f) => NEXT_PATH.test(f.path) && isStringy(f));
  if (!candidates.length) return [];
  // The shortest, most specific path wins: `links.pages.next` over `links.pages.next.something`.
  const field = candidates.sort((a, b) => score(b) - score(a))[0]!;
  const example = typeof field.example === 'string' ? field.example : undefined;
  const described = field.node.description ?? '';
  const relative = example ? !/^https?:\/\//i.test(example) : /relative|\buri\b/i.test(described) || /_uri$/i.test(field.name);
  const limit = paramNamed(s, LIMIT_PARAM);
  const pageSize = pageSizeOf(limit, s.view);
  const documented = documentedStops(s, { pageSize: limit ? pageSize : undefined });
  let confidence = 0.75;
  if (example || /next|url|uri|page/i.test(described)) confidence += 0.15;
  return [
    {
      style: 'next-url',
      next_path: field.path,
      relative,
      ...(limit ? { limit_param: limit.name } : {}),
      ...(limit && pageSize ? { page_size: pageSize } : {}),
      stops: [{ when: 'no-next' }, ...documented.stops],
      evidence: [fieldEvidence(s, field, `the body's ${field.path} holds the next page's ${relative ? 'relative ' : ''}URL; paging stops when it is absent`), ...documented.evidence],
      confidence: Math.min(1, confidence),
    },
  ];
}

function isStringy(f: BodyField): boolean {
  return (!f.node.type && typeof f.example !== 'object') || !!f.node.type?.includes('string');
}

function score(f: BodyField): number {
  return (/uri|url|link|href/i.test(f.name) ? 2 : 0) + (typeof f.example === 'string' ? 1 : 0) - f.path.split('.').length * 0.1;
}
