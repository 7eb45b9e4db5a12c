import type { Evidence, Pagination } from '../connector-plan.ts';
import { mentions, pageSizeOf, paramEvidence, paramNamed, type PaginationSignals } from './signals.ts';
import { CURSORISH, CURSOR_FIELD, CURSOR_PARAM, LIMIT_PARAM, LINK_WORDS, NEXT_PATH, OPAQUE_CURSOR } from './vocabulary.ts';

/** Pages by following `Link: <…>; rel="next"` — documented as a response header or in a parameter's prose. */
export function detectLinkHeader(s: PaginationSignals): Pagination[] {
  const evidence: Evidence[] = [];
  let score = 0;
  const header = s.headers.find((h) => h.toLowerCase() === 'link');
  if (header) {
    score += 0.5;
    const response = s.op.responses.find((r) => r.headers.some((h) => h.name === header));
    evidence.push({ source: response?.source ?? s.op.source, quote: `response header ${header}` });
  }
  // The parameter the next link carries: one whose prose names the link, never the page-size parameter.
  let cursorParam = s.params.find((p) => mentions(p.description, LINK_WORDS) && !LIMIT_PARAM.test(p.name));
  if (cursorParam) {
    score += CURSORISH.test(cursorParam.name) ? 0.6 : 0.45;
    evidence.push(paramEvidence(cursorParam));
  } else if (mentions(s.op.description, LINK_WORDS)) {
    score += 0.3;
    evidence.push({ source: s.op.source, quote: (s.op.description ?? '').replace(/\s+/g, ' ').slice(0, 300) });
  } else if (!header) {
    // A cursor parameter whose value no response field carries can only come back in a header.
    const orphan = s.params.find((p) => CURSOR_PARAM.test(p.name) && !LIMIT_PARAM.test(p.name) && OPAQUE_CURSOR.test(p.description ?? ''));
    const carried = s.fields.some((f) => CURSOR_FIELD.test(f.name) || NEXT_PATH.test(f.path));
    if (orphan && !carried) {
      cursorParam = orphan;
      score += 0.4;
      evidence.push(paramEvidence(orphan), { source: s.op.source, quote: `no response field carries the next ${orphan.name}: it comes back in the Link header` });
    }
  }
  if (!score) return [];
  const prose = s.prose.find((p) => LINK_WORDS.test(p.text));
  if (prose) {
    score += 0.1;
    evidence.push({ source: prose.source, quote: prose.text.replace(/\s+/g, ' ').slice(0, 300) });
  }
  const limit = paramNamed(s, LIMIT_PARAM);
  const pageSize = pageSizeOf(limit, s.view);
  return [
    {
      style: 'link-header',
      rel: 'next',
      ...(cursorParam ? { cursor_param: cursorParam.name } : {}),
      ...(limit ? { limit_param: limit.name } : {}),
      ...(limit && pageSize ? { page_size: pageSize } : {}),
      stop: 'no-next-link',
      evidence,
      confidence: Math.min(1, score),
    },
  ];
}
