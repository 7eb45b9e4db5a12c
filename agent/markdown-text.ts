/**
 * Text from the docs, a server or a shapes file, made inert where people read it as Markdown (the PR
 * body, VALIDATION.md): GitHub-flavoured Markdown would otherwise render a `![pixel](…)` image, a
 * `[link](javascript:…)`, an `@team` mention, raw HTML, a `# heading` or a table row of its own.
 * Control characters are removed (they reach a terminal through `cat`), line breaks become spaces.
 *
 * - {@link mdText}: prose. The characters that open Markdown constructs on one line — emphasis,
 *   code, links and images, headings, tables, strikethrough — are backslash-escaped (CommonMark 0.31
 *   §2.4), `<`/`>`/`&` are written as entities (no raw HTML), and `@` is escaped so no mention is made.
 * - {@link mdCode}: a code span (CommonMark §6.1) fenced with more backticks than the text holds in
 *   a row, so nothing inside is interpreted; a `|` is escaped for GFM tables (GFM §4.10).
 */

const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;
const MARKUP = /[\\`*_[\]#!|@~]/g;
const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

/** One line: whitespace runs and control characters become one space; cut to `max` characters. */
function oneLine(text: string, max: number): string {
  const line = text.replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** `text` as inert Markdown prose on one line (at most `max` characters of it). */
export function mdText(text: string, max = 500): string {
  return oneLine(text, max).replace(/[<>&]/g, (c) => ENTITIES[c]!).replace(MARKUP, (c) => `\\${c}`);
}

/** `text` as an inline code span on one line; `inTable`: its `|` escaped, as a GFM table cell needs. */
export function mdCode(text: string, inTable = false, max = 300): string {
  const line = oneLine(text, max);
  const longest = Math.max(0, ...[...line.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  // A span that starts or ends with a backtick needs a space inside the fence (CommonMark §6.1).
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${inTable ? line.replace(/\|/g, '\\|') : line}${pad}${fence}`;
}
