/**
 * Text for a terminal of a given width: the columns a string takes, words wrapped to a width (long
 * unbroken values such as URLs and JSON pointers broken after `/`, `.`, `&` and the like), tables
 * whose widest column wraps rather than overflowing, and text from the docs made safe to print.
 */

/** The width every line of the CLI's human output fits in. */
export const MAX_WIDTH = 120;

/**
 * Docs text (hostile data) made safe for a terminal: runs of whitespace become one space, and
 * control characters (escape sequences that could rewrite the screen) and bidirectional overrides
 * (which could reorder what a reviewer reads) become `�`.
 */
export function terminalSafe(text: string): string {
  return (
    text
      .replace(/\s+/g, ' ')
      .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '\ufffd')
      .trim()
  );
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Columns one code point takes: combining marks and zero-width joiners none, East Asian wide characters two. */
function codePointWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || cp === 0xfe0f) return 0;
  return isWide(cp) ? 2 : 1;
}

/** Columns `text` takes in a terminal: East Asian wide characters take two, combining marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += codePointWidth(ch.codePointAt(0)!);
  return width;
}

/** `text` padded with spaces to `width` columns. */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** The longest prefix of `text` that fits in `width` columns. */
function fitPrefix(text: string, width: number): string {
  let end = 0;
  let used = 0;
  while (end < text.length) {
    const cp = text.codePointAt(end)!;
    const w = codePointWidth(cp);
    if (used + w > width) break;
    used += w;
    end += cp > 0xffff ? 2 : 1;
  }
  return text.slice(0, end);
}

/** `text` cut to `width` columns with a trailing `…` when it does not fit. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  return `${fitPrefix(text, Math.max(0, width - 1))}…`;
}

/** The characters a long word is broken after when there is no `/` to break after. */
const SECOND_CHOICE = new Set(['.', '&', '?', ',', '=', '-', '_', '~'].map((c) => c.codePointAt(0)!));
const SLASH = 0x2f;

/**
 * Splits one unbroken word into pieces, the first of at most `firstWidth` columns and the others of
 * at most `width`, preferring to break after a `/` (then after `. & ? , = - _ ~`) in the last two
 * thirds of a piece. A piece holds at least one character, so a wide character given one column
 * overflows it; with two columns or more every piece fits.
 *
 * Linear in the word's length: each piece is scanned once from its start, and a piece cut at a
 * break character keeps at least a third of what was scanned, so no character is scanned more than
 * three times.
 */
function breakWord(word: string, width: number, firstWidth = width): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < word.length) {
    const room = pieces.length ? width : firstWidth;
    // The longest run from `start` that fits, and the last break characters in it.
    let end = start;
    let used = 0;
    let afterSlash = -1;
    let afterOther = -1;
    while (end < word.length) {
      const cp = word.codePointAt(end)!;
      const w = codePointWidth(cp);
      if (used + w > room) break;
      used += w;
      end += cp > 0xffff ? 2 : 1;
      if (cp === SLASH) afterSlash = end;
      else if (SECOND_CHOICE.has(cp)) afterOther = end;
    }
    if (end === word.length) {
      pieces.push(word.slice(start));
      break;
    }
    // A break must leave the piece at least a third of the run (counted in UTF-16 units, as slices are).
    const from = start + Math.floor((end - start) / 3);
    let cut = afterSlash > from ? afterSlash : afterOther > from ? afterOther : end;
    if (cut === start) cut = start + (word.codePointAt(start)! > 0xffff ? 2 : 1);
    pieces.push(word.slice(start, cut));
    start = cut;
  }
  return pieces;
}

/** Content columns a line keeps whatever its indent: eight, or the whole width when that is less. */
const MIN_ROOM = 8;

/** `indent` cut so that at least `MIN_ROOM` columns (or the whole `width`) are left for text after it. */
function fitIndent(indent: string, width: number): string {
  const most = Math.max(0, width - Math.min(MIN_ROOM, width));
  return displayWidth(indent) <= most ? indent : fitPrefix(indent, most);
}

/**
 * `text` wrapped at spaces to lines of at most `width` columns (first line `firstIndent` before it,
 * the others `indent`); words longer than a line are broken, each piece sized for the line it goes
 * on. An indent that would leave fewer than eight columns for text is cut so that every line fits
 * (a line of one wide character in a width of one column is the only exception). Linear in the
 * length of `text`. Returns the lines, indents included, without trailing spaces.
 */
export function wrap(text: string, width: number, indent = '', firstIndent = indent): string[] {
  const next = fitIndent(indent, width);
  const nextWidth = displayWidth(next);
  const lines: string[] = [];
  let line = fitIndent(firstIndent, width);
  let used = displayWidth(line);
  let empty = true;
  const newLine = () => {
    lines.push(line);
    line = next;
    used = nextWidth;
    empty = true;
  };
  for (const word of text.split(' ')) {
    if (!word) continue;
    const w = displayWidth(word);
    const sep = empty ? 0 : 1;
    if (used + sep + w <= width) {
      line += (empty ? '' : ' ') + word;
      used += sep + w;
      empty = false;
      continue;
    }
    if (!empty) newLine();
    const pieces = breakWord(word, width - nextWidth, width - used);
    for (const piece of pieces.slice(0, -1)) {
      line += piece;
      newLine();
    }
    const last = pieces[pieces.length - 1] ?? '';
    line += last;
    used += displayWidth(last);
    empty = false;
  }
  if (!empty || !lines.length) lines.push(line);
  return lines.map((l) => l.trimEnd());
}

/**
 * Items joined by `separator`, wrapped so that a line breaks between items rather than inside one
 * (an item longer than a line is wrapped on its own). A line that ends with a separator (trailing
 * spaces dropped) fits `width` with it, and indents are cut as in `wrap`, so every line fits when
 * `width` leaves two columns beside the separator. Returns the lines, indents included.
 */
export function wrapItems(items: readonly string[], separator: string, width: number, indent = '', firstIndent = indent): string[] {
  const tail = separator.trimEnd();
  const tailWidth = displayWidth(tail);
  const next = fitIndent(indent, width);
  const lines: string[] = [];
  let line = fitIndent(firstIndent, width);
  let used = displayWidth(line);
  let empty = true;
  items.forEach((item, i) => {
    // Room for the separator a later item would add at the end of this line.
    const reserve = i < items.length - 1 ? tailWidth : 0;
    const sep = empty ? '' : separator;
    const w = displayWidth(sep) + displayWidth(item);
    if (used + w + reserve <= width) {
      line += sep + item;
      used += w;
      empty = false;
      return;
    }
    if (!empty) {
      lines.push(`${line}${tail}`);
      line = next;
      used = displayWidth(next);
    }
    const wrapped = wrap(item, Math.max(1, width - reserve), next, line);
    lines.push(...wrapped.slice(0, -1));
    line = wrapped[wrapped.length - 1] ?? next;
    used = displayWidth(line);
    empty = false;
  });
  if (!empty || !lines.length) lines.push(line);
  return lines.map((l) => l.trimEnd());
}

export interface TableOptions {
  /** Columns the whole table may take. */
  width: number;
  /** The columns whose cells wrap (broken at `/` and the like) when the table would be wider, widest first. */
  flexible: number[];
  /** Text before every line. */
  indent?: string;
}

/** Narrowest a flexible column is made. */
const MIN_FLEXIBLE = 10;

/**
 * Takes `over` columns from the flexible columns of `widths` (in place), as if one column at a time
 * from the widest (the earlier in `flexible` on a tie) until `over` are taken or every flexible
 * column is down to MIN_FLEXIBLE; done in steps of whole rounds so a very wide cell costs no more
 * than a narrow one.
 */
function narrow(widths: number[], flexible: readonly number[], over: number): void {
  while (over > 0) {
    const open = flexible.filter((i) => widths[i]! > MIN_FLEXIBLE);
    if (!open.length) return;
    const top = Math.max(...open.map((i) => widths[i]!));
    const tied = open.filter((i) => widths[i] === top);
    const below = Math.max(MIN_FLEXIBLE, ...open.map((i) => widths[i]!).filter((w) => w < top));
    const rounds = Math.min(Math.floor(over / tied.length), top - below);
    if (rounds > 0) {
      for (const i of tied) widths[i]! -= rounds;
      over -= rounds * tied.length;
    } else {
      // Fewer columns to take than are tied for widest: the first ones in `flexible` give one each.
      for (const i of tied.slice(0, over)) widths[i]!--;
      return;
    }
  }
}

/**
 * Rows (the first is the header) as aligned columns two spaces apart, never wider than
 * `options.width` (unless the fixed columns alone are): the widest flexible column is narrowed, one
 * column at a time, and its cells wrap onto more lines.
 */
export function table(rows: string[][], options: TableOptions): string[] {
  const indent = options.indent ?? '';
  const cols = rows[0]!.length;
  const widths = Array.from({ length: cols }, (_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ''))));
  const total = () => displayWidth(indent) + widths.reduce((a, b) => a + b, 0) + 2 * (cols - 1);
  narrow(widths, options.flexible, total() - options.width);
  const out: string[] = [];
  for (const row of rows) {
    const cells = row.map((c, i) => (options.flexible.includes(i) ? breakWord(c, widths[i]!) : [c]));
    const height = Math.max(...cells.map((c) => c.length));
    for (let line = 0; line < height; line++) {
      out.push((indent + cells.map((c, i) => padEnd(c[line] ?? '', widths[i]!)).join('  ')).trimEnd());
    }
  }
  return out;
}
