import type { Evidence, Pagination } from '../connector-plan.ts';
import { quoted } from '../evidence.ts';
import { fieldEvidence, pageSizeOf, paramEvidence, paramNamed, type BodyField, type PaginationSignals } from './signals.ts';
import { CURSOR_FIELD, CURSOR_HEADER, CURSOR_PARAM, LIMIT_PARAM } from './vocabulary.ts';

/**
 * The declared response header that carries a cursor parameter's next value: the one the
 * parameter's prose names (“from the `X-Next-Page-Token` header”), else one named like a cursor.
 */
export function cursorHeaderFor(s: PaginationSignals, param: { description?: string | undefined }): { name: string; named: boolean } | undefined {
  const named = s.headers.find((h) => h.toLowerCase() !== 'link' && namesWord(param.description, h));
  if (named) return { name: named, named: true };
  const looks = s.headers.find((h) => CURSOR_HEADER.test(h));
  return looks ? { name: looks, named: false } : undefined;
}


/** Pages with an opaque cursor the body returns (`response_metadata.next_cursor`, `metadata.continue`). */
export function detectCursor(s: PaginationSignals): Pagination[] {
  const out: Pagination[] = [];
  // A parameter whose prose talks about the cursor is one only when it is not the page size.
  for (const param of s.params.filter((p) => CURSOR_PARAM.test(p.name) || (/\bcursor\b/i.test(p.description ?? '') && !LIMIT_PARAM.test(p.name)))) {
    const limit = paramNamed(s, LIMIT_PARAM);
    const pageSize = pageSizeOf(limit, s.view);
    /** A cursor reading of `param`, its next value read from `from` (a body path or a response header). */
    const reading = (from: { cursor_path: string } | { cursor_header: string }, evidence: Evidence[], confidence: number): Pagination => ({
      style: 'cursor',
      cursor_param: param.name,
      ...from,
      ...(limit ? { limit_param: limit.name } : {}),
      ...(limit && pageSize ? { page_size: pageSize } : {}),
      stop: 'empty-cursor',
      evidence,
      confidence: Math.min(1, confidence),
    });
    const header = cursorHeaderFor(s, param);
    if (header) {
      const response = s.op.responses.find((r) => r.headers.some((h) => h.name === header.name)) ?? s.op.responses[0];
      out.push(
        reading(
          { cursor_header: header.name },
          [
          paramEvidence(param, `${param.name} is the cursor parameter${header.named ? `, its value taken from the ${header.name} header as its description says` : ''}`, header.named ? wordPattern(header.name) : undefined),
          quoted(response?.source ?? s.op.source, header.name, `the response declares the ${header.name} header: it carries the next ${param.name}; paging stops when a page has none`),
          ],
          header.named ? 0.95 : 0.8,
        ),
      );
    }
    const candidates = s.fields.filter((f) => CURSOR_FIELD.test(f.name) && isScalar(f) && !isUrl(f));
    if (!candidates.length) continue;
    // Prefer the field the parameter's prose names, then one named like the parameter, then the nearest.
    // The prose names the parameter itself too ("set the `cursor` parameter to …"): another field it names is the one meant.
    const mentioned = candidates.filter((f) => namesWord(param.description, f.name));
    const named = mentioned.find((f) => f.name.toLowerCase() !== param.name.toLowerCase()) ?? mentioned[0];
    const same = candidates.find((f) => f.name.toLowerCase() === param.name.toLowerCase());
    const field = named ?? same ?? candidates.sort((a, b) => a.path.split('.').length - b.path.split('.').length)[0]!;
    const evidence: Evidence[] = [
      paramEvidence(param, `${param.name} is the cursor parameter`, named ? wordPattern(named.name) : /\bcursor\b/i),
      fieldEvidence(s, field, `the body's ${field.path} carries the next ${param.name}${named ? ', as the parameter\'s description says' : same ? ', named like the parameter' : ''}; paging stops when it is empty`),
    ];
    out.push(reading({ cursor_path: field.path }, evidence, named || same ? 0.95 : 0.8));
  }
  return out;
}

/** `word` as a whole word: `marker` is not named by `next_marker`. */
function wordPattern(word: string): RegExp {
  return new RegExp(`(^|[^A-Za-z0-9_])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`);
}

/** True when `text` has `word` as a whole word. */
function namesWord(text: string | undefined, word: string): boolean {
  return !!text && wordPattern(word).test(text);
}

function isScalar(f: BodyField): boolean {
  return !f.node.type || f.node.type.some((t) => t === 'string' || t === 'integer');
}

function isUrl(f: BodyField): boolean {
  return typeof f.example === 'string' && /^(https?:\/\/|\/)/.test(f.example);
}
