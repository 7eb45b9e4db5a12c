/**
 * The plan's values in a rendered fetcher.ts: one pretty-printed JSON text inside `String.raw`…``,
 * handed to `JSON.parse` at run time. It is data from end to end — never an object literal, where a
 * `"__proto__"` key would set a prototype instead of naming a property; `JSON.parse` makes every key
 * an own property.
 *
 * Why the JSON cannot end the literal or become code: in `JSON.stringify` output every character
 * outside a string is structural (`{}[]:,`, digits, `true`/`false`/`null`, a space or a line
 * feed), and every backslash begins one of JSON's own escapes. The only characters that mean
 * something inside a template literal are `` ` `` (its end) and `${` (a substitution); both are
 * written as JSON escapes (`\u0060`, `\u0024`), so neither appears in the text at all. `String.raw`
 * keeps every backslash as written, so `JSON.parse` sees exactly the JSON escapes. A template
 * literal turns a CR or CRLF in the file into LF: the text holds no CR (JSON escapes it in strings),
 * so a checkout that rewrites line endings changes only whitespace between tokens.
 *
 * For the reviewer, characters that would hide or reorder what is shown (controls, format
 * characters such as bidi overrides and zero-width spaces, private-use characters, line and
 * paragraph separators, and every space but U+0020) are written as `\uXXXX` too. JSON's output is
 * well-formed (lone surrogates are escaped), so the file is valid UTF-8.
 */

/** `` ` `` and `$` (the template literal's own syntax) and what a reviewer could not see. */
const TO_ESCAPE = /[`$]|(?![\n ])[\p{Cc}\p{Cf}\p{Co}\p{Zl}\p{Zp}\p{Zs}]/gu;

function unicodeEscape(ch: string): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/**
 * `value` as pretty-printed JSON (two-space indent, one value per line) that can sit verbatim
 * between `String.raw`` and `` ` ``: `JSON.parse` of the result equals `JSON.parse(JSON.stringify(value))`.
 * Throws a TypeError when `value` has no JSON text (`undefined`, a function) or cannot be
 * serialised (a cycle, a BigInt).
 */
export function slotsJsonText(value: unknown): string {
  const json = JSON.stringify(value, null, 2) as string | undefined;
  if (typeof json !== 'string') throw new TypeError('slots must be a JSON value');
  return json.replace(TO_ESCAPE, unicodeEscape);
}

/** The first line of the SLOTS declaration in a rendered fetcher.ts; the JSON text follows it. */
export const SLOTS_OPENING = 'const SLOTS: ConnectorSlots = JSON.parse(String.raw`';
/** The end of the SLOTS declaration, on the JSON text's last line. */
export const SLOTS_CLOSING = '`);';

/** The whole declaration: `const SLOTS: ConnectorSlots = JSON.parse(String.raw`{ … }`);`. */
export function slotsDeclaration(value: unknown): string {
  return `${SLOTS_OPENING}${slotsJsonText(value)}${SLOTS_CLOSING}`;
}
