import type { Evidence, Pagination } from '../connector-plan.ts';
import { fieldEvidence, fieldNamed, mentions, pageSizeOf, paramEvidence, paramNamed, type PaginationSignals } from './signals.ts';
import { LAST_FIELD, LIMIT_PARAM, MORE_FIELD, OFFSET_PARAM, ONE_BASED, THIS_PAGE_COUNT, TOTAL_FIELD } from './vocabulary.ts';


/** Pages by record offset and limit (`offset`/`limit`, `startAt`/`maxResults`). */
export function detectOffset(s: PaginationSignals): Pagination[] {
  const offset = paramNamed(s, OFFSET_PARAM);
  const limit = s.params.find((p) => LIMIT_PARAM.test(p.name) && p !== offset);
  if (!offset || !limit) return [];
  const schema = s.view.resolve(offset.schema);
  const oneBased = (schema.minimum ?? 0) >= 1 || ONE_BASED.test(offset.description ?? '');
  const evidence: Evidence[] = [paramEvidence(offset, `${offset.name} is the record offset, from ${oneBased ? 1 : 0}`, oneBased ? ONE_BASED : undefined), paramEvidence(limit, `${limit.name} is the page size`)];
  let score = 0.6;
  if (mentions(offset.description, /paginat|page/i) || mentions(limit.description, /paginat|page/i)) score += 0.15;
  const more = fieldNamed(s, MORE_FIELD, 'boolean');
  const last = more ? undefined : fieldNamed(s, LAST_FIELD, 'boolean');
  const total = s.fields.find((f) => TOTAL_FIELD.test(f.name) && !THIS_PAGE_COUNT.test(f.node.description ?? ''));
  if (more) evidence.push(fieldEvidence(s, more, `paging stops when the body's ${more.path} is false`));
  else if (last) evidence.push(fieldEvidence(s, last, `paging stops when the body's ${last.path} is true`));
  else if (total) evidence.push(fieldEvidence(s, total, `paging stops once the body's ${total.path} records are fetched`));
  if (more || last || total) score += 0.2;
  return [
    {
      style: 'offset',
      offset_param: offset.name,
      limit_param: limit.name,
      page_size: pageSizeOf(limit, s.view) ?? 100,
      first_offset: oneBased ? 1 : 0,
      stop: more ? 'has-more-field' : last ? 'last-field' : total ? 'total' : 'empty-page',
      ...(more ? { more_path: more.path } : {}),
      ...(last ? { last_path: last.path } : {}),
      ...(!more && !last && total ? { total_path: total.path } : {}),
      evidence,
      confidence: Math.min(1, score),
    },
  ];
}
