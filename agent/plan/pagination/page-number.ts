import type { Evidence, Pagination } from '../connector-plan.ts';
import { fieldEvidence, fieldNamed, mentions, pageSizeOf, paramEvidence, paramNamed, type PaginationSignals } from './signals.ts';
import { LAST_FIELD, LIMIT_PARAM, MORE_FIELD, PAGES_FIELD, PAGES_PROSE, PAGE_PARAM, THIS_PAGE_COUNT, TOTAL_FIELD } from './vocabulary.ts';


/** Pages by page number (`page` with `page_size`/`per_page`), stopping at the page count when the body gives it. */
export function detectPageNumber(s: PaginationSignals): Pagination[] {
  const page = paramNamed(s, PAGE_PARAM);
  if (!page) return [];
  const pageSchema = s.view.resolve(page.schema);
  if (pageSchema.type && !pageSchema.type.some((t) => t === 'integer' || t === 'number')) return [];
  const size = s.params.find((p) => LIMIT_PARAM.test(p.name) && p !== page);
  const evidence: Evidence[] = [paramEvidence(page, `${page.name} is the page number`)];
  if (size) evidence.push(paramEvidence(size, `${size.name} is the page size`));
  let score = 0.5;
  if (mentions(page.description, /page/i)) score += 0.1;
  const numeric = (f: { node: { type?: string[] | undefined } }) => !f.node.type || f.node.type.some((t) => t === 'integer' || t === 'number');
  const pages = fieldNamed(s, PAGES_FIELD) ?? s.fields.find((f) => numeric(f) && PAGES_PROSE.test(f.node.description ?? ''));
  const more = pages ? undefined : fieldNamed(s, MORE_FIELD, 'boolean');
  const last = pages || more ? undefined : fieldNamed(s, LAST_FIELD, 'boolean');
  // A total of records: the number of pages is ceil(total / size), counted by the records received.
  const total = pages || more || last ? undefined : s.fields.find((f) => numeric(f) && TOTAL_FIELD.test(f.name) && !PAGES_PROSE.test(f.node.description ?? '') && !THIS_PAGE_COUNT.test(f.node.description ?? ''));
  if (pages) evidence.push(fieldEvidence(s, pages, `paging stops after the page the body's ${pages.path} names`));
  else if (more) evidence.push(fieldEvidence(s, more, `paging stops when the body's ${more.path} is false`));
  else if (last) evidence.push(fieldEvidence(s, last, `paging stops when the body's ${last.path} is true`));
  else if (total) evidence.push(fieldEvidence(s, total, `paging stops once the body's ${total.path} records are fetched`));
  if (pages || more || last || total) score += 0.25;
  const first = typeof pageSchema.default === 'number' ? pageSchema.default : pageSchema.minimum ?? 1;
  const pageSize = pageSizeOf(size, s.view);
  return [
    {
      style: 'page',
      page_param: page.name,
      ...(size ? { size_param: size.name } : {}),
      ...(size && pageSize ? { page_size: pageSize } : {}),
      first_page: first === 0 ? 0 : 1,
      stop: pages ? 'page-count' : more ? 'has-more-field' : last ? 'last-field' : total ? 'total' : 'empty-page',
      ...(pages ? { pages_path: pages.path } : {}),
      ...(more ? { more_path: more.path } : {}),
      ...(last ? { last_path: last.path } : {}),
      ...(total ? { total_path: total.path } : {}),
      evidence,
      confidence: Math.min(1, score),
    },
  ];
}
