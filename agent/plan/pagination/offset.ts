import type { Evidence, Pagination } from '../connector-plan.ts';
import { reasoned } from '../evidence.ts';
import { mentions, pageSizeOf, paramEvidence, paramNamed, type PaginationSignals } from './signals.ts';
import { documentedStops } from './stops.ts';
import { LIMIT_PARAM, OFFSET_PARAM, ONE_BASED } from './vocabulary.ts';


/** Pages by record offset and limit (`offset`/`limit`, `startAt`/`maxResults`), stopping on every signal the docs document, else on an empty page. */
export function detectOffset(s: PaginationSignals): Pagination[] {
  const offset = paramNamed(s, OFFSET_PARAM);
  const limit = s.params.find((p) => LIMIT_PARAM.test(p.name) && p !== offset);
  if (!offset || !limit) return [];
  const schema = s.view.resolve(offset.schema);
  const oneBased = (schema.minimum ?? 0) >= 1 || ONE_BASED.test(offset.description ?? '');
  const evidence: Evidence[] = [paramEvidence(offset, `${offset.name} is the record offset, from ${oneBased ? 1 : 0}`, oneBased ? ONE_BASED : undefined), paramEvidence(limit, `${limit.name} is the page size`)];
  let score = 0.6;
  if (mentions(offset.description, /paginat|page/i) || mentions(limit.description, /paginat|page/i)) score += 0.15;
  const pageSize = pageSizeOf(limit, s.view) ?? 100;
  const documented = documentedStops(s, { pageSize });
  evidence.push(...documented.evidence);
  if (documented.stops.length) score += 0.2;
  else evidence.push(reasoned(s.op.source, 'the docs give no end-of-list signal for this list: paging stops at the first empty page'));
  return [
    {
      style: 'offset',
      offset_param: offset.name,
      limit_param: limit.name,
      page_size: pageSize,
      first_offset: oneBased ? 1 : 0,
      stops: documented.stops.length ? documented.stops : [{ when: 'empty-page' }],
      evidence,
      confidence: Math.min(1, score),
    },
  ];
}
