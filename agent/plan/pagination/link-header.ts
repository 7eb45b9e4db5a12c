import type { Evidence, Pagination } from '../connector-plan.ts';
import { excerpt, quoted, reasoned } from '../evidence.ts';
import { cursorHeaderFor, namesBodyField } from './cursor.ts';
import { mentions, pageSizeOf, paramEvidence, paramNamed, type PaginationSignals } from './signals.ts';
import { documentedStops } from './stops.ts';
import { CURSOR_FIELD, CURSOR_PARAM, KEYSET_PROSE, LIMIT_PARAM, LINK_WORDS, NEXT_PATH, OPAQUE_CURSOR } from './vocabulary.ts';

/** Pages by following `Link: <…>; rel="next"` — documented as a response header or in a parameter's prose. */
export function detectLinkHeader(s: PaginationSignals): Pagination[] {
  const evidence: Evidence[] = [];
  let score = 0;
  const header = s.headers.find((h) => h.toLowerCase() === 'link');
  if (header) {
    // A declared Link header is the server's own pointer to the next page: it beats page numbers or offsets the operation also takes.
    score += 0.85;
    const response = s.op.responses.find((r) => r.headers.some((h) => h.name === header));
    evidence.push(quoted(response?.source ?? s.op.source, header, 'the response declares a Link header: each page links to the next with rel="next"'));
  }
  // The parameter the next link carries: one whose prose names the link, never the page-size parameter.
  let cursorParam = s.params.find((p) => mentions(p.description, LINK_WORDS) && !LIMIT_PARAM.test(p.name));
  if (cursorParam) {
    // The parameter's own words are the strongest evidence there is: they beat a next link in the body.
    score += 0.95;
    evidence.push(paramEvidence(cursorParam, `${cursorParam.name}'s description says its next value comes from the Link header`, LINK_WORDS));
  } else if (mentions(s.op.description, LINK_WORDS)) {
    score += 0.3;
    evidence.push(quoted(s.op.source, excerpt(s.op.description ?? '', LINK_WORDS), 'the operation\'s description names the Link header'));
  } else if (!header) {
    // A cursor parameter whose value no response field or header carries can only come back in a
    // header; the Link header is the common one. A guess: low confidence, for the proof and a live run to decide.
    const orphan = s.params.find((p) => (CURSOR_PARAM.test(p.name) || OPAQUE_CURSOR.test(p.description ?? '')) && !LIMIT_PARAM.test(p.name) && !KEYSET_PROSE.test(p.description ?? '') && !namesBodyField(p.description, p.name));
    const carried = s.fields.some((f) => CURSOR_FIELD.test(f.name) || NEXT_PATH.test(f.path)) || (!!orphan && !!cursorHeaderFor(s, orphan));
    if (orphan && !carried) {
      cursorParam = orphan;
      score += 0.35;
      evidence.push(
        paramEvidence(orphan, `${orphan.name} is a position the server hands back`),
        reasoned(s.op.source, `no response field or declared header carries the next ${orphan.name}, so the server must return it elsewhere; the Link header (rel="next") is the usual carrier — a guess the docs do not state, made with low confidence, for the proof and a live run to decide`),
      );
    }
  }
  if (!score) return [];
  const prose = s.prose.find((p) => LINK_WORDS.test(p.text));
  if (prose) {
    score += 0.1;
    evidence.push(quoted(prose.source, excerpt(prose.text, LINK_WORDS), 'the docs\' pagination prose names the Link header'));
  }
  const limit = paramNamed(s, LIMIT_PARAM);
  const pageSize = pageSizeOf(limit, s.view);
  const documented = documentedStops(s, { pageSize: limit ? pageSize : undefined });
  evidence.push(...documented.evidence);
  return [
    {
      style: 'link-header',
      rel: 'next',
      ...(cursorParam ? { cursor_param: cursorParam.name } : {}),
      ...(limit ? { limit_param: limit.name } : {}),
      ...(limit && pageSize ? { page_size: pageSize } : {}),
      stops: [{ when: 'no-next' }, ...documented.stops],
      evidence,
      confidence: Math.min(1, score),
    },
  ];
}
