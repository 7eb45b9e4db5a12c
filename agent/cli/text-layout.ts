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

/** Columns `text` takes in a terminal: East Asian wide characters take two, combining marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || cp === 0xfe0f) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

/** `text` padded with spaces to `width` columns. */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** The longest prefix of `text` that fits in `width` columns. */
function fitPrefix(text: string, width: number): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = displayWidth(ch);
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  return out;
}

/** `text` cut to `width` columns with a trailing `…` when it does not fit. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  return `${fitPrefix(text, Math.max(0, width - 1))}…`;
}

/**
 * Splits one unbroken word into pieces of at most `width` columns, preferring to break after a `/`
 * (then after `. & ? , = - _ ~`) in the last two thirds of a piece.
 */
function breakWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let rest = word;
  while (displayWidth(rest) > width) {
    const head = fitPrefix(rest, width);
    const from = Math.floor(head.length / 3);
    const after = (chars: string): number => {
      for (let i = head.length - 1; i >= from; i--) if (chars.includes(head[i]!)) return i + 1;
      return -1;
    };
    let cut = after('/');
    if (cut === -1) cut = after('.&?,=-_~');
    if (cut <= 0) cut = Math.max(1, head.length);
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/**
 * `text` wrapped at spaces to lines of at most `width` columns (first line `firstIndent` before it,
 * the others `indent`); words longer than a line are broken. Returns the lines, indents included.
 */
export function wrap(text: string, width: number, indent = '', firstIndent = indent): string[] {
  const lines: string[] = [];
  let line = firstIndent;
  let lineIndent = firstIndent;
  const room = (ind: string) => Math.max(8, width - displayWidth(ind));
  for (const word of text.split(' ').filter(Boolean)) {
    const sep = line === lineIndent ? '' : ' ';
    if (displayWidth(line) + displayWidth(sep) + displayWidth(word) <= width) {
      line += sep + word;
      continue;
    }
    if (line !== lineIndent) {
      lines.push(line);
      line = indent;
      lineIndent = indent;
    }
    const pieces = breakWord(word, room(lineIndent));
    for (const piece of pieces.slice(0, -1)) {
      lines.push(line + piece);
      line = indent;
      lineIndent = indent;
    }
    line += pieces[pieces.length - 1] ?? '';
  }
  if (line !== lineIndent || !lines.length) lines.push(line);
  return lines.map((l) => l.trimEnd());
}

/**
 * Items joined by `separator`, wrapped so that a line breaks between items rather than inside one
 * (an item longer than a line is wrapped on its own). Returns the lines, indents included.
 */
export function wrapItems(items: readonly string[], separator: string, width: number, indent = '', firstIndent = indent): string[] {
  const lines: string[] = [];
  let line = firstIndent;
  let lineIndent = firstIndent;
  for (const item of items) {
    const sep = line === lineIndent ? '' : separator;
    if (displayWidth(line) + displayWidth(sep) + displayWidth(item) <= width) {
      line += sep + item;
      continue;
    }
    if (line !== lineIndent) {
      lines.push(`${line}${separator}`.trimEnd());
      line = indent;
      lineIndent = indent;
    }
    const wrapped = wrap(item, width, indent, line);
    lines.push(...wrapped.slice(0, -1));
    line = wrapped[wrapped.length - 1] ?? indent;
  }
  if (line !== lineIndent || !lines.length) lines.push(line);
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
 * Rows (the first is the header) as aligned columns two spaces apart, never wider than
 * `options.width` (unless the fixed columns alone are): the widest flexible column is narrowed, one
 * column at a time, and its cells wrap onto more lines.
 */
export function table(rows: string[][], options: TableOptions): string[] {
  const indent = options.indent ?? '';
  const cols = rows[0]!.length;
  const widths = Array.from({ length: cols }, (_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ''))));
  const total = () => displayWidth(indent) + widths.reduce((a, b) => a + b, 0) + 2 * (cols - 1);
  // Until the table fits, the widest flexible column gives up one column at a time.
  for (let over = total() - options.width; over > 0; over--) {
    const widest = options.flexible.filter((i) => widths[i]! > MIN_FLEXIBLE).sort((a, b) => widths[b]! - widths[a]! || options.flexible.indexOf(a) - options.flexible.indexOf(b))[0];
    if (widest === undefined) break;
    widths[widest]!--;
  }
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
