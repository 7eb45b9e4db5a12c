import type { Evidence, Pagination } from '../connector-plan.ts';
import { excerpt, quoted } from '../evidence.ts';
import { fieldEvidence, pageSizeOf, paramEvidence, paramNamed, type BodyField, type PaginationSignals } from './signals.ts';
import { documentedStops } from './stops.ts';
import { CURSOR_FIELD, CURSOR_HEADER, CURSOR_PARAM, KEYSET_PROSE, LIMIT_PARAM, NEXT_PATH, RETURNED_PROSE } from './vocabulary.ts';

/** A response header name the pagination slot's `cursor_header` takes: letters, digits and dashes. */
const SLOT_HEADER_NAME = /^[A-Za-z0-9-]{1,100}$/;

/**
 * The declared response header that carries a cursor parameter's next value: the one the
 * parameter's prose names (“from the `X-Next-Page-Token` header”), else one named like a cursor.
 */
export function cursorHeaderFor(s: PaginationSignals, param: { description?: string | undefined }): { name: string; named: boolean } | undefined {
  // Only a name the pagination slot can carry (templates/slots/pagination.ts `cursor_header`): a plan the templates refuse is no plan.
  const headers = s.headers.filter((h) => SLOT_HEADER_NAME.test(h));
  const named = headers.find((h) => h.toLowerCase() !== 'link' && namesWord(param.description, h));
  if (named) return { name: named, named: true };
  const looks = headers.find((h) => CURSOR_HEADER.test(h));
  return looks ? { name: looks, named: false } : undefined;
}


/**
 * The body field a cursor parameter's own prose names as its source when the schema declares no
 * such field ("Set `cursor` to `next_cursor` returned by the previous call"): a name like a cursor
 * field, other than the parameter, in a sentence that says the response returns it. Undefined when
 * the prose names none.
 */
export function namesBodyField(description: string | undefined, paramName: string): string | undefined {
  if (!description || !RETURNED_PROSE.test(description)) return undefined;
  for (const m of description.matchAll(/`([A-Za-z_][\w.]{1,60})`|\b([a-z]+(?:_[a-z]+)+)\b/g)) {
    const name = m[1] ?? m[2]!;
    const leaf = name.split('.').at(-1)!;
    if (leaf.toLowerCase() !== paramName.toLowerCase() && CURSOR_FIELD.test(leaf)) return name;
  }
  return undefined;
}

/** The record field a keyset parameter's prose names ("the `id` of the last user"), else the record's `id`-like field. */
function keysetField(s: PaginationSignals, texts: string[]): string | undefined {
  const fields = Object.keys(s.view.properties(s.items));
  for (const text of texts) {
    for (const m of text.matchAll(/`([A-Za-z_][\w]{0,60})`/g)) if (fields.includes(m[1]!)) return m[1]!;
  }
  return fields.find((f) => /^(id|uid|uuid|key)$/i.test(f)) ?? (fields.length ? undefined : 'id');
}

/**
 * Pages with a cursor: from a body field the response returns (`response_metadata.next_cursor`),
 * from a declared response header (`X-Next-Page-Token`), from a body field named only in the
 * parameter's prose, or — keyset paging — from a field of the page's last record, when the
 * parameter's prose says it takes a record's id and nothing returns a cursor. Every stop signal the
 * docs document is planned beside the source's own end (no next cursor).
 */
export function detectCursor(s: PaginationSignals): Pagination[] {
  const out: Pagination[] = [];
  // A parameter whose prose talks about the cursor is one only when it is not the page size.
  for (const param of s.params.filter((p) => CURSOR_PARAM.test(p.name) || (/\bcursor\b/i.test(p.description ?? '') && !LIMIT_PARAM.test(p.name)))) {
    const limit = paramNamed(s, LIMIT_PARAM);
    const pageSize = pageSizeOf(limit, s.view);
    const documented = documentedStops(s, { pageSize: limit ? pageSize : undefined });
    /** A cursor reading of `param`, its next value read from `from` (a body path, a response header, the last record). */
    const reading = (from: { cursor_path: string } | { cursor_header: string } | { last_record_path: string }, evidence: Evidence[], confidence: number): Pagination => ({
      style: 'cursor',
      cursor_param: param.name,
      ...from,
      ...(limit ? { limit_param: limit.name } : {}),
      ...(limit && pageSize ? { page_size: pageSize } : {}),
      // The last record always has a next value: only the documented signals (or an empty page) end a keyset list.
      stops: 'last_record_path' in from ? (documented.stops.length ? documented.stops : [{ when: 'empty-page' }]) : [{ when: 'no-next' }, ...documented.stops],
      evidence: [...evidence, ...documented.evidence],
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
    if (!candidates.length) {
      if (header || s.fields.some((f) => NEXT_PATH.test(f.path))) continue;
      // Keyset paging: the parameter takes a record's id, and nothing in the response returns a cursor.
      const recordFields = Object.keys(s.view.properties(s.items));
      const namesRecordField = (t: string) => [...t.matchAll(/`([A-Za-z_]\w{0,60})`/g)].some((m) => recordFields.includes(m[1]!));
      const keysetProse = [param.description ?? '', ...s.prose.map((p) => p.text).filter((t) => namesWord(t, param.name))].filter((t) => KEYSET_PROSE.test(t) || (/\blast\b/i.test(t) && namesRecordField(t)));
      const recordField = keysetProse.length ? keysetField(s, keysetProse) : undefined;
      if (recordField) {
        const [first] = keysetProse;
        const source = first === param.description ? param.source : s.prose.find((p) => p.text === first)?.source ?? param.source;
        out.push(
          reading(
            { last_record_path: recordField },
            [quoted(source, excerpt(first!, KEYSET_PROSE.test(first!) ? KEYSET_PROSE : /\blast\b/i), `keyset paging: ${param.name} takes the ${recordField} of the page's last record, and no response field or header returns a cursor`)],
            0.9,
          ),
        );
        continue;
      }
      // The body field named only in the parameter's prose: the schema leaves it out.
      const prosed = namesBodyField(param.description, param.name);
      if (prosed) {
        out.push(reading({ cursor_path: prosed }, [paramEvidence(param, `${param.name}'s description says its next value is the ${prosed} the previous response returns (the response schema does not declare it)`, wordPattern(prosed))], 0.85));
      }
      continue;
    }
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
