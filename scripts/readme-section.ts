/** The markers around the README's generated exit-code table. */
export const START = '<!-- exit-codes:start (generated from agent/errors.ts by npm run readme:exit-codes) -->';
export const END = '<!-- exit-codes:end -->';

/** The text between the markers, or undefined when the README has none. */
export function exitCodesSection(readme: string): string | undefined {
  const i = readme.indexOf(START);
  const j = readme.indexOf(END);
  return i < 0 || j < i ? undefined : readme.slice(i + START.length, j).trim();
}

/** `readme` with the text between the markers replaced by `table`. Throws when the markers are missing. */
export function replaceExitCodesSection(readme: string, table: string): string {
  const i = readme.indexOf(START);
  const j = readme.indexOf(END);
  if (i < 0 || j < i) throw new Error(`README.md has no ${START} … ${END} markers`);
  return `${readme.slice(0, i + START.length)}\n${table}\n${readme.slice(j)}`;
}
