import type { Prose } from '../api-model.ts';
import { topicsOf } from '../prose.ts';
import type { PageSection } from './page-sections.ts';

/**
 * A reStructuredText reference read as a person reads it (issue 14), in the same shape as a web
 * page's sections (page-sections.ts) — what Sphinx would have rendered from it, without rendering.
 * Follows the docutils reStructuredText spec
 * (https://docutils.sourceforge.io/docs/ref/rst/restructuredtext.html):
 *
 * - Section titles: an underline, or an overline and underline, of one punctuation character; levels
 *   are given in the order each adornment style is first met, as docutils does. A title's anchor is
 *   the id docutils makes of it (lower case, accents dropped, runs of other characters as `-`, leading
 *   digits and dashes and trailing dashes trimmed; `idN` when empty or taken), the one Sphinx's
 *   permalink links to; a `.. _label:` target just before the title is another id of the section
 *   (kept from being reused), and no text of its own.
 * - Paragraphs, block quotes, bullet, enumerated, definition and field lists, line blocks, footnotes
 *   and admonitions (`.. note::`) and the content of other directives are prose, inline markup dropped
 *   (``literal``, *emphasis*, **strong**, `text <url>`_, :role:`text`, |substitution| keep their text;
 *   a cross-reference shows its target's name, not the title Sphinx would look up).
 * - Code: literal blocks after `::` (indented or quoted), `code-block`/`code`/`sourcecode` (and the
 *   doctest directives), and doctest blocks (a block starting `>>> `: the call and what it printed; as Sphinx shows
 *   them, `<BLANKLINE>` an empty line and `# doctest:` flags dropped).
 * - Tables (grid, simple, `list-table`, `csv-table`): one prose line a row, cells joined by ` | `.
 * - A `http:get:: /path` directive (sphinxcontrib-httpdomain, the common Sphinx REST style) is a
 *   section `GET /path` one level under the section it sits in.
 * - Comments, targets, substitution definitions, and directives that show nothing of their own or
 *   read other files (`include`, `literalinclude`, `raw`, `image`, `toctree`…) are dropped: nothing is
 *   read, fetched or followed.
 *
 * Bounded like the Markdown reader: at most 2,000 sections, 5,000 blocks, 16 levels of nesting (deeper
 * content is kept as flat prose) and 20,000 characters a paragraph.
 */

const MAX_SECTIONS = 2_000;
const MAX_BLOCKS = 5_000;
const MAX_DEPTH = 16;
const MAX_PARAGRAPH = 20_000;

/** A line of one repeated ASCII punctuation character: a title's adornment or a transition. */
const ADORNMENT = /^([!-/:-@[-`{-~])\1*$/;
const BULLET = /^([-*+•‣⁃])(?: +|$)/;
const ENUMERATOR = /^(?:\((?:\d+|[a-zA-Z]|#|[ivxlcdm]+|[IVXLCDM]+)\)|(?:\d+|[a-zA-Z]|#|[ivxlcdm]+|[IVXLCDM]+)[.)])(?: +|$)/;
const FIELD = /^:((?:[^:\\\s]|\\.)(?:[^:\\]|\\.)*?):(?: +|$)/;
const OPTION = /^:[\w.-]+:(?: |$)/;
const DIRECTIVE = /^\.\.\s+([A-Za-z0-9][\w.:+-]*?)::(?:\s+|$)(.*)$/;
const GRID_BORDER = /^\+(?:[-=]+\+)+$/;
const SIMPLE_BORDER = /^=+(?: +=+)+$/;
const HTTP_DIRECTIVE = /^http:(get|post|put|patch|delete|head|options)$/i;

/** Directives whose content is code. */
const CODE_DIRECTIVES = new Set(['code-block', 'code', 'sourcecode', 'doctest', 'testcode', 'testoutput']);
/** Directives that show nothing of their own, set options, or would read another file or raw markup: dropped. */
const DROPPED_DIRECTIVES = new Set([
  'toctree', 'contents', 'include', 'literalinclude', 'raw', 'image', 'figure', 'meta', 'highlight', 'index', 'sectnum', 'section-numbering',
  'role', 'default-role', 'title', 'class', 'header', 'footer', 'target-notes', 'replace', 'unicode', 'date', 'tabularcolumns', 'math', 'csv-table-file',
  'graphviz', 'digraph', 'graph', 'automodule', 'currentmodule', 'module', 'program', 'autosummary',
]);
/** Directives whose argument is a title, shown before their content. */
const TITLED_DIRECTIVES = new Set(['admonition', 'topic', 'sidebar', 'rubric', 'versionadded', 'versionchanged', 'versionremoved', 'deprecated', 'table']);
/** Admonitions: their text may start on the directive's own line (it is content, not an argument). */
const ADMONITIONS = new Set(['note', 'warning', 'tip', 'important', 'attention', 'caution', 'danger', 'error', 'hint', 'seealso', 'todo']);

const indentOf = (line: string) => line.length - line.trimStart().length;
const blank = (line: string | undefined) => !line || !line.trim();

/** Tabs as spaces to the next multiple of 8 (docutils' tab stops), trailing whitespace dropped. */
function expandTabs(line: string): string {
  if (!line.includes('\t')) return line.trimEnd();
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out.trimEnd();
}

/** Lines shifted left by their least indentation (blank lines ignored). */
function shift(lines: string[]): string[] {
  let least = Infinity;
  for (const l of lines) if (!blank(l)) least = Math.min(least, indentOf(l));
  return Number.isFinite(least) ? lines.map((l) => l.slice(Math.min(least, indentOf(l)))) : lines;
}

/** Lines shifted left by their least indentation, leading and trailing blank lines dropped. */
function dedent(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && blank(lines[start])) start++;
  while (end > start && blank(lines[end - 1])) end--;
  return shift(lines.slice(start, end));
}

/**
 * The id docutils makes of a name (`docutils.nodes.make_id`): lower case, accents dropped, each run
 * of characters other than `a-z0-9` as one `-`, leading digits and dashes and trailing dashes trimmed.
 */
export function docutilsId(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\x00-\x7f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[-0-9]+|-+$/g, '');
}

/** Inline reStructuredText as the text it shows (the module comment lists what is dropped). */
export function rstInline(text: string): string {
  const escaped: string[] = [];
  // A backslash escapes the next character from markup; an escaped space is nothing.
  let t = text
    .slice(0, MAX_PARAGRAPH)
    .replace(/\\(\s)/g, '')
    .replace(/\\(.)/g, (_, c: string) => `\uE000${escaped.push(c) - 1}\uE001`);
  t = t
    .split(/(``[^`]+?``)/)
    .map((part, i) => {
      if (i % 2) return part.slice(2, -2);
      return part
        .replace(/:[\w.+:-]+:`([^`]*)`/g, (_, body: string) => role(body))
        .replace(/`([^`]*)`:[\w.+:-]+:/g, (_, body: string) => role(body))
        .replace(/`([^`<]*?)\s*<([^`<>]*)>`__?/g, (_, label: string, target: string) => label || target)
        .replace(/`([^`]*)`(?:__?)?/g, '$1')
        .replace(/\s*\[(?:\d+|#[\w-]*|\*|[A-Za-z][\w.-]*)\]_(?=\W|$)/g, '')
        .replace(/(^|[\s(["'<{/:-])\|(\S(?:[^|]*?\S)?)\|(?:__?)?(?=[\s)\]"'>}.,;:!?/-]|$)/g, '$1$2')
        .replace(/(^|[^\w*])\*\*(\S(?:[^*]*?\S)?)\*\*(?=[^\w*]|$)/g, '$1$2')
        .replace(/(^|[^\w*])\*(\S(?:[^*]*?\S)?)\*(?=[^\w*]|$)/g, '$1$2')
        .replace(/\b([A-Za-z0-9][\w.-]*?)__?(?=[\s.,;:!?)'"]|$)/g, '$1');
    })
    .join('');
  return t
    .replace(/\uE000(\d+)\uE001/g, (_, n: string) => escaped[Number(n)] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** An interpreted text's shown part: `title <target>` → title; `~a.b.c` → c; `!x` → x. */
function role(body: string): string {
  const titled = /^([\s\S]*?)\s*<[^<>]*>$/.exec(body);
  if (titled && titled[1]) return titled[1];
  if (body.startsWith('~')) return body.slice(1).split('.').at(-1) ?? '';
  return body.replace(/^[!.]/, '');
}

/** Cells of a CSV text (RFC 4180 quoting, `""` an escaped quote), one array a row. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  row.push(cell);
  rows.push(row);
  return rows.filter((r) => r.some((x) => x.trim()));
}

class RstReader {
  readonly sections: PageSection[] = [{ heading: '', level: 0, anchor: '', prose: [], code: [], before: [] }];
  private blocks = 0;
  private readonly styles: string[] = [];
  private readonly ids = new Set<string>();
  private autoIds = 0;
  private labels: string[] = [];

  full(): boolean {
    return this.sections.length >= MAX_SECTIONS || this.blocks >= MAX_BLOCKS;
  }

  private get current(): PageSection {
    return this.sections.at(-1)!;
  }

  private prose(text: string): void {
    if (this.full()) return;
    const t = rstInline(text);
    if (t) this.current.prose.push(t);
    this.blocks++;
  }

  private code(lines: string[]): void {
    if (this.full()) return;
    let text = dedent(lines).join('\n');
    // A Python session, as Sphinx shows it (trim_doctest_flags): `<BLANKLINE>` an empty line, `# doctest:` flags dropped.
    if (text.startsWith('>>>')) text = text.replace(/^\s*<BLANKLINE>$/gm, '').replace(/\s*#\s*doctest:.*$/gm, '').replace(/\n+$/, '');
    if (text.trim()) {
      this.current.code.push(text);
      this.current.before.push(this.current.prose.at(-1));
    }
    this.blocks++;
  }

  private row(cells: string[]): void {
    if (this.full()) return;
    const shown = cells.map((c) => rstInline(c));
    if (shown.some(Boolean)) this.current.prose.push(shown.join(' | '));
    this.blocks++;
  }

  /** An id not yet used in the document: docutils' own, or `idN`. */
  private id(name: string): string {
    let id = docutilsId(name);
    if (!id || this.ids.has(id)) {
      do id = `id${++this.autoIds}`;
      while (this.ids.has(id));
    }
    this.ids.add(id);
    return `#${id}`;
  }

  private title(text: string, level: number): void {
    const heading = rstInline(text);
    // The section's anchor is its title's id, as Sphinx's permalink gives it; a label before it is another id of it.
    const anchor = this.id(heading);
    for (const label of this.labels) this.ids.add(docutilsId(label));
    this.labels = [];
    this.sections.push({ heading, level, anchor, prose: [], code: [], before: [] });
  }

  private styleLevel(style: string): number {
    const at = this.styles.indexOf(style);
    return at >= 0 ? at + 1 : this.styles.push(style);
  }

  /** The lines from `i` that belong to a block opened on line `i`: it and the blank or indented lines after it. */
  private static indentedFrom(lines: string[], i: number): number {
    let j = i + 1;
    while (j < lines.length && (blank(lines[j]) || indentOf(lines[j]!) > 0)) j++;
    return j;
  }

  /** Reads `lines` (at indentation 0) as body elements; titles only at the top (`depth` 0). */
  read(lines: string[], depth: number): void {
    if (depth > MAX_DEPTH) {
      // Nested past the bound: what is there is kept as flat prose.
      const text = lines.filter((l) => !blank(l)).join(' ');
      if (text) this.prose(text);
      return;
    }
    let i = 0;
    while (i < lines.length && !this.full()) {
      const line = lines[i]!;
      if (blank(line)) {
        i++;
        continue;
      }
      if (indentOf(line) > 0) {
        // A block quote (a doctest block in it is still code).
        const j = RstReader.indentedFrom(lines, i);
        this.read(dedent(lines.slice(i, j)), depth + 1);
        i = j;
        continue;
      }
      const next = lines[i + 1];
      // Overline and underline.
      if (ADORNMENT.test(line) && next !== undefined && !blank(next) && lines[i + 2] === line && !ADORNMENT.test(next.trim())) {
        if (depth === 0) this.title(next.trim(), this.styleLevel(`o${line[0]}`));
        else this.prose(next);
        i += 3;
        continue;
      }
      // A transition (or a stray adornment line).
      if (ADORNMENT.test(line) && line.length >= 4) {
        i++;
        continue;
      }
      if (/^\.\.(?:\s|$)/.test(line)) {
        // An empty comment (`..` alone) ends at a blank line: what is indented after that is a block quote.
        const j = line === '..' && blank(next) ? i + 1 : RstReader.indentedFrom(lines, i);
        this.explicit(lines.slice(i, j), depth);
        i = j;
        continue;
      }
      if (GRID_BORDER.test(line)) {
        let j = i + 1;
        while (j < lines.length && /^[+|]/.test(lines[j]!)) j++;
        this.gridTable(lines.slice(i, j));
        i = j;
        continue;
      }
      if (SIMPLE_BORDER.test(line)) {
        i = this.simpleTable(lines, i);
        continue;
      }
      if (/^>>>(?: |$)/.test(line)) {
        let j = i + 1;
        while (j < lines.length && !blank(lines[j])) j++;
        this.code(lines.slice(i, j));
        i = j;
        continue;
      }
      // An enumerator starts an item only when the next line is blank, indented or another item (docutils): `1. Setup` underlined is a title.
      const enumerated = ENUMERATOR.exec(line);
      const marker = BULLET.exec(line) ?? (enumerated && (blank(next) || indentOf(next!) > 0 || ENUMERATOR.test(next!)) ? enumerated : null) ?? /^\|(?: +|$)/.exec(line);
      if (marker) {
        // A list item (or a line of a line block): its text, then what is indented under it.
        const j = RstReader.indentedFrom(lines, i);
        const column = marker[0].length;
        const body = [' '.repeat(column) + line.slice(column), ...lines.slice(i + 1, j)];
        this.read(dedent(body), depth + 1);
        i = j;
        continue;
      }
      const field = FIELD.exec(line);
      if (field) {
        const j = RstReader.indentedFrom(lines, i);
        // The field body's indentation is its second line's: the first line's text is taken as it stands.
        const body = [line.slice(field[0].length).trim(), ...shift(lines.slice(i + 1, j))];
        const first = body.findIndex(blank);
        const lead = first < 0 ? body : body.slice(0, first);
        // The field's name and its first paragraph as one line (`page: The page to return`), then the rest of its body.
        if (lead.length && !lead.some((l) => indentOf(l) > 0) && !/::$/.test(lead.at(-1)!) && !/^(>>>|\.\.\s)/.test(lead[0]!)) {
          this.prose(`${field[1]}: ${lead.join(' ')}`);
          this.read(first < 0 ? [] : body.slice(first), depth + 1);
        } else {
          this.prose(field[1]!);
          this.read(body, depth + 1);
        }
        i = j;
        continue;
      }
      // A text line over an underline (as long as the title, or 4 characters: docutils takes a shorter one as text).
      if (next !== undefined && ADORNMENT.test(next) && !ADORNMENT.test(line) && (next.length >= line.length || next.length >= 4) && line !== '::') {
        if (depth === 0) this.title(line, this.styleLevel(`u${next[0]}`));
        else this.prose(line);
        i += 2;
        continue;
      }
      if (next !== undefined && !blank(next) && indentOf(next) > 0 && !line.endsWith('::')) {
        // A definition list item: the term, then its definition.
        const j = RstReader.indentedFrom(lines, i);
        this.prose(line);
        this.read(dedent(lines.slice(i + 1, j)), depth + 1);
        i = j;
        continue;
      }
      i = this.paragraph(lines, i);
    }
  }

  /** A paragraph from line `i`, and the literal block its `::` opens; the index after them. */
  private paragraph(lines: string[], i: number): number {
    let j = i;
    while (j < lines.length && !blank(lines[j]) && indentOf(lines[j]!) === 0) j++;
    const text = lines.slice(i, j).join('\n');
    if (!text.endsWith('::')) {
      this.prose(text);
      return j;
    }
    // `Paragraph::` shows `Paragraph:`; `Paragraph ::` and a lone `::` show nothing of the marker.
    const shown = /(^|\s)::$/.test(text) ? text.replace(/\s*::$/, '') : text.slice(0, -1);
    if (shown.trim()) this.prose(shown);
    let k = j;
    while (k < lines.length && blank(lines[k])) k++;
    if (k >= lines.length) return k;
    if (indentOf(lines[k]!) > 0) {
      const end = RstReader.indentedFrom(lines, k);
      this.code(lines.slice(k, end));
      return end;
    }
    // A quoted literal block: unindented lines that each start with the same punctuation character.
    const quote = /^[!-/:-@[-`{-~]/.exec(lines[k]!)?.[0];
    if (!quote) return k;
    let end = k;
    while (end < lines.length && lines[end]!.startsWith(quote)) end++;
    this.code(lines.slice(k, end));
    return end;
  }

  /** An explicit markup block (`.. …` and its indented lines): a directive, target, footnote, substitution or comment. */
  private explicit(block: string[], depth: number): void {
    const head = block[0]!;
    const rest = block.slice(1);
    const target = /^\.\.\s+_(?:`([^`]+)`|([^:`][^:]*?)):(?:\s+(.*))?$/.exec(head);
    if (target) {
      // `.. _label:` names what follows (a section's anchor); `.. _name: url` is a link target, not shown.
      if (!(target[3] ?? '').trim() && !rest.some((l) => !blank(l)) && target[1] !== '_' && target[2] !== '_') this.labels.push((target[1] ?? target[2])!);
      return;
    }
    if (/^\.\.\s+__:/.test(head) || /^__\s/.test(head) || /^\.\.\s+\|[^|]+\|/.test(head)) return;
    const footnote = /^\.\.\s+\[[^\]]+\](?:\s+(.*))?$/.exec(head);
    if (footnote) {
      this.read(dedent([footnote[1] ?? '', ...rest]), depth + 1);
      return;
    }
    const directive = DIRECTIVE.exec(head);
    if (!directive) return; // A comment: not shown.
    const name = directive[1]!.toLowerCase();
    const bare = name.replace(/^(rst|std|py):/, '');
    const header = directive[2]!.trim();
    // Not trimmed: a blank line right after the directive's line ends its arguments.
    const body = shift(rest);
    if (DROPPED_DIRECTIVES.has(bare)) return;
    // Arguments (the header and any lines under it up to a blank or an option), options, then content after a blank line.
    let k = 0;
    const args = [header];
    const argsTaken = !ADMONITIONS.has(bare);
    if (argsTaken) while (k < body.length && !blank(body[k]) && !OPTION.test(body[k]!)) args.push(body[k++]!);
    const options = new Map<string, string>();
    while (k < body.length && OPTION.test(body[k]!)) {
      const m = /^:([\w.-]+):\s*(.*)$/.exec(body[k++]!)!;
      options.set(m[1]!.toLowerCase(), m[2]!);
    }
    const content = argsTaken ? body.slice(k) : [header, ...body.slice(k)];
    const argText = args.join(' ').trim();
    const http = HTTP_DIRECTIVE.exec(name);
    if (http && argText && depth === 0) {
      const level = Math.min(this.sections.filter((s) => s.level > 0).at(-1)?.level ?? 0, 5) + 1;
      this.title(`${http[1]!.toUpperCase()} ${argText}`, level);
      this.read(dedent(content), depth + 1);
      return;
    }
    if (CODE_DIRECTIVES.has(bare)) {
      this.code(content);
      return;
    }
    if (bare === 'list-table') {
      if (argText) this.prose(argText);
      this.listTable(dedent(content));
      return;
    }
    if (bare === 'csv-table') {
      if (argText) this.prose(argText);
      if (options.has('header')) for (const r of csvRows(options.get('header')!)) this.row(r);
      for (const r of csvRows(dedent(content).join('\n'))) this.row(r);
      return;
    }
    if (argsTaken && argText && (TITLED_DIRECTIVES.has(bare) || !ADMONITIONS.has(bare))) this.prose(argText);
    this.read(dedent(content), depth + 1);
  }

  /** A grid table: a row between separator lines, each cell's lines joined. */
  private gridTable(table: string[]): void {
    const border = table[0]!;
    const bounds: number[] = [];
    for (let c = 0; c < border.length; c++) if (border[c] === '+') bounds.push(c);
    let cells: string[] = bounds.slice(1).map(() => '');
    const flush = () => {
      if (cells.some((c) => c.trim())) this.row(cells);
      cells = bounds.slice(1).map(() => '');
    };
    for (const line of table.slice(1)) {
      if (this.full()) return;
      if (GRID_BORDER.test(line)) {
        flush();
        continue;
      }
      let cell = 0;
      let from = 1;
      for (let b = 1; b < bounds.length; b++) {
        // A cell spanning columns runs to the next `|` at a column boundary.
        if (line[bounds[b]!] !== '|' && b < bounds.length - 1) continue;
        const text = line.slice(from, bounds[b]).trim();
        if (text && !/^[-=+]+$/.test(text)) cells[cell] = `${cells[cell]} ${text}`;
        cell = b;
        from = bounds[b]! + 1;
      }
    }
    flush();
  }

  /** A simple table from its top border at `i`: a row a line (a line with an empty first column continues the row above). The index after it. */
  private simpleTable(lines: string[], i: number): number {
    const starts: number[] = [];
    const border = lines[i]!;
    for (let c = 0; c < border.length; c++) if (border[c] === '=' && (c === 0 || border[c - 1] === ' ')) starts.push(c);
    const rows: string[][] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (SIMPLE_BORDER.test(line) || /^=+$/.test(line)) {
        if (j + 1 >= lines.length || blank(lines[j + 1])) {
          j++;
          break;
        }
        continue;
      }
      if (blank(line) || /^[-\s]+$/.test(line)) continue;
      if (rows.length >= MAX_BLOCKS) continue;
      const cells = starts.map((s, k) => line.slice(s, k + 1 < starts.length ? starts[k + 1] : undefined).trim());
      if (!cells[0] && rows.length) rows.at(-1)!.forEach((c, k) => (rows.at(-1)![k] = `${c} ${cells[k]}`.trim()));
      else rows.push(cells);
    }
    for (const r of rows) this.row(r);
    return j;
  }

  /** A list-table: a bullet list of rows, each a bullet list of cells. */
  private listTable(content: string[]): void {
    const items = (lines: string[]): string[][] => {
      const out: string[][] = [];
      for (const line of lines) {
        const m = BULLET.exec(line);
        if (m && indentOf(line) === 0) out.push([' '.repeat(m[0].length) + line.slice(m[0].length)]);
        else if (out.length) out.at(-1)!.push(line);
      }
      return out.map(dedent);
    };
    for (const row of items(content)) this.row(items(row).map((cell) => cell.filter((l) => !blank(l)).join(' ')));
  }
}

/** The sections of a reStructuredText document (see the module comment). Never throws. */
export function rstSections(rst: string): PageSection[] {
  const reader = new RstReader();
  reader.read(rst.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n').map(expandTabs), 0);
  return reader.sections.filter((s, i) => i > 0 || s.prose.length || s.code.length);
}

/** The most characters of one section kept as prose (as for Markdown pages, prose.ts). */
const MAX_PROSE_SECTION = 6_000;

/**
 * reStructuredText beside a spec, read as Markdown pages are (prose.ts `extractProse`): the text
 * split before each section title, each part that speaks of pagination, rate limits, errors or auth
 * kept as it is written (quotes are checked against the file's own words), its source the file and
 * `L<line>` of its title (1-based). Never throws.
 */
export function rstProse(rst: string, file: string): Prose[] {
  const lines = rst.replace(/\r\n?/g, '\n').split('\n');
  const starts = [0];
  for (let i = 1; i < lines.length && starts.length < MAX_SECTIONS; i++) {
    const line = lines[i]!.trimEnd();
    const next = lines[i + 1]?.trimEnd();
    const after = lines[i + 2]?.trimEnd();
    const overline = ADORNMENT.test(line) && next !== undefined && !blank(next) && after === line && !ADORNMENT.test(next.trim());
    const underlined = !blank(line) && indentOf(line) === 0 && next !== undefined && ADORNMENT.test(next) && !ADORNMENT.test(line) && (next.length >= line.length || next.length >= 4) && blank(lines[i - 1]) && !ADORNMENT.test(lines[i - 1]!.trimEnd());
    if (overline || underlined) {
      if (i > starts.at(-1)!) starts.push(i);
      i += overline ? 2 : 1;
    }
  }
  return starts.flatMap((start, k): Prose[] => {
    const text = lines.slice(start, starts[k + 1] ?? lines.length).join('\n').trim();
    const topics = topicsOf(text);
    if (!text || !topics.length) return [];
    return [{ topics, text: text.length > MAX_PROSE_SECTION ? `${text.slice(0, MAX_PROSE_SECTION)}…` : text, source: { file, pointer: `L${start + 1}` } }];
  });
}
