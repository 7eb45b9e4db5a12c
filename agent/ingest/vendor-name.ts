/**
 * The vendor's short name, from the titles of its API descriptions: generic words ("API",
 * "Admin", "Management", "v1"…) dropped, kebab-cased. For a folder of split specs, the words
 * every title shares ("Snowflake User API", "Snowflake Role API" → `snowflake`).
 */

const GENERIC = new Set([
  'api', 'apis', 'rest', 'restful', 'web', 'http', 'public', 'admin', 'administration', 'management', 'collection',
  'documentation', 'docs', 'doc', 'reference', 'openapi', 'swagger', 'spec', 'specification', 'the', 'for', 'of',
  'and', 'service', 'services', 'platform', 'endpoints', 'v', 'version',
]);

/** A title's significant words, lower-cased: generic words ("API", "Admin", "v2"…) dropped. */
export function titleWords(title: string): string[] {
  return title
    .replace(/['’]s\b/g, '')
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w && !GENERIC.has(w) && !/^v?\d+(\.\d+)*$/.test(w));
}

export function vendorName(titles: string[]): string {
  const lists = titles.map(titleWords).filter((l) => l.length);
  if (!lists.length) return 'vendor';
  const first = lists[0]!;
  let common = 0;
  while (common < first.length && lists.every((l) => l[common] === first[common])) common++;
  const chosen = lists.length > 1 ? first.slice(0, Math.max(common, 1)) : first;
  return chosen.slice(0, 3).join('-');
}
