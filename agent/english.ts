/**
 * Small helpers for sentences built from values: counts with the right plural ("1 stream",
 * "2 streams"), the right article ("an API key", "a bearer token", "an OAuth 2.0 token"), lists
 * joined with "and".
 */

/** `n` and the noun, singular for exactly one: `count(1, 'stream')` → "1 stream"; `many` defaults to `one` + "s". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** Letters whose spoken name starts with a vowel sound, for initialisms: an API, an HTTP header, an SSH key. */
const VOWEL_SOUND_LETTERS = new Set('AEFHILMNORSX');

/**
 * "a" or "an" for the phrase, by how its first word is spoken: a vowel sound takes "an" ("an API
 * key", "an OAuth 2.0 token", "an HTTP header", "an hour" aside), a consonant sound "a" ("a user",
 * "a one-time token", "a bearer token"). Initialisms (all capitals) are spoken letter by letter.
 */
export function article(phrase: string): 'a' | 'an' {
  const word = phrase.trim().split(/[\s-]/)[0] ?? '';
  if (!word) return 'a';
  if (/^[A-Z]{2,}s?$/.test(word) || /^[A-Z]$/.test(word)) return VOWEL_SOUND_LETTERS.has(word[0]!) ? 'an' : 'a';
  if (/^\d/.test(word)) return /^(8|11|18|80|800)(\D|$)/.test(word) ? 'an' : 'a';
  const lower = word.toLowerCase();
  if (/^(uni|use|usa|usu|ure|uti|eu|ewe|one|once)/.test(lower)) return 'a';
  if (/^(hour|honest|honou?r|heir)/.test(lower)) return 'an';
  return /^[aeiou]/.test(lower) ? 'an' : 'a';
}

/** The phrase with its article: `withArticle('API key')` → "an API key". */
export function withArticle(phrase: string): string {
  return `${article(phrase)} ${phrase}`;
}

/** "a", "a and b", "a, b and c". */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
