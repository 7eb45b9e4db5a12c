import type { Operation, Parameter } from '../../ingest/api-model.ts';
import type { Evidence, Pagination } from '../connector-plan.ts';
import { quoted, reasoned } from '../evidence.ts';
import { mentions, pageSizeOf, paramEvidence, paramNamed, type PaginationSignals } from './signals.ts';
import { documentedStops } from './stops.ts';
import { LIMIT_PARAM, PAGE_ECHO_FIELD, PAGE_PARAM, PAGES_FIELD, TOTAL_FIELD } from './vocabulary.ts';

/**
 * Pages by page number (`page` with `page_size`/`per_page`), stopping on every end-of-list signal
 * the docs document (a page count, a total, a flag), else on an empty page. When this operation
 * declares no page parameter but its body is a page envelope (it echoes the page and counts pages
 * or records) and a sibling operation with the same envelope declares the page parameter, that
 * parameter is the one: docs often declare a shared parameter on one operation only.
 */
export function detectPageNumber(s: PaginationSignals): Pagination[] {
  const own = paramNamed(s, PAGE_PARAM);
  const borrowed = own ? undefined : siblingPageParam(s);
  const page = own ?? borrowed?.param;
  if (!page) return [];
  const pageSchema = s.view.resolve(page.schema);
  if (pageSchema.type && !pageSchema.type.some((t) => t === 'integer' || t === 'number')) return [];
  const size = s.params.find((p) => LIMIT_PARAM.test(p.name) && p !== page);
  const evidence: Evidence[] = [paramEvidence(page, borrowed ? `${page.name} is the page number: ${borrowed.op.method.toUpperCase()} ${borrowed.op.path} declares it, and this operation's body is the same page envelope (${borrowed.envelope.join(', ')})` : `${page.name} is the page number`)];
  if (borrowed) evidence.push(reasoned(s.op.source, `this operation declares no page parameter, but its response echoes the page and counts the list (${borrowed.envelope.join(', ')}), as its sibling's does`));
  if (size) evidence.push(paramEvidence(size, `${size.name} is the page size`));
  let score = borrowed ? 0.45 : 0.5;
  if (mentions(page.description, /page/i)) score += 0.1;
  if (borrowed && mentions(s.op.description, /paginat|\bpages?\b/i)) {
    score += 0.1;
    evidence.push(quoted(s.op.source, s.op.description!.slice(0, 200), 'the operation says its list is paged'));
  }
  const pageSize = pageSizeOf(size, s.view);
  const documented = documentedStops(s, { pageSize: size ? pageSize : undefined });
  evidence.push(...documented.evidence);
  if (documented.stops.length) score += 0.25;
  else evidence.push(reasoned(s.op.source, 'the docs give no end-of-list signal for this list: paging stops at the first empty page'));
  const first = typeof pageSchema.default === 'number' ? pageSchema.default : pageSchema.minimum ?? 1;
  return [
    {
      style: 'page',
      page_param: page.name,
      ...(size ? { size_param: size.name } : {}),
      ...(size && pageSize ? { page_size: pageSize } : {}),
      first_page: first === 0 ? 0 : 1,
      stops: documented.stops.length ? documented.stops : [{ when: 'empty-page' }],
      evidence,
      confidence: Math.min(1, score),
    },
  ];
}

/** The names of the body's page-envelope fields: a page echo and a count of pages or records; empty when the body is no envelope. */
function envelopeOf(names: string[]): string[] {
  const echo = names.find((n) => PAGE_ECHO_FIELD.test(n));
  const count = names.find((n) => PAGES_FIELD.test(n) || TOTAL_FIELD.test(n));
  return echo && count ? [echo, count] : [];
}

/** The page parameter a sibling GET with the same page envelope declares, when this operation's body is one. */
function siblingPageParam(s: PaginationSignals): { param: Parameter; op: Operation; envelope: string[] } | undefined {
  const envelope = envelopeOf(s.fields.filter((f) => !f.path.includes('.')).map((f) => f.name));
  if (!envelope.length) return undefined;
  for (const op of s.siblings) {
    if (op.method !== 'get') continue;
    const param = op.parameters.find((p) => p.in === 'query' && PAGE_PARAM.test(p.name));
    if (!param) continue;
    const response = op.responses.find((r) => /^2/.test(r.status) && r.schema);
    const names = Object.keys(s.view.properties(response?.schema));
    if (envelope.every((n) => names.includes(n))) return { param, op, envelope };
  }
  return undefined;
}
