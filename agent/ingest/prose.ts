import type { Prose, ProseTopic, Source } from './api-model.ts';

/**
 * Finds the prose that talks about pagination, rate limits, errors and auth: in a spec's info and
 * tag descriptions and in Markdown pages. Text is kept as quoted data for evidence; it is never
 * read as an instruction.
 */

const TOPIC_PATTERNS: Record<ProseTopic, RegExp> = {
  pagination: /paginat|next page|page size|page_size|per_page|\bcursor\b|link header|\bnext_?(page|url|link)\b|\boffset\b.*\blimit\b|\blimit\b.*\boffset\b/i,
  rate_limit: /rate[ -]?limit|throttl|\b429\b|too many requests|retry-after|x-ratelimit/i,
  errors: /\berror (code|response|object|format|message)s?\b|\bstatus codes?\b|\b(4\d\d|5\d\d)\b/i,
  // Scopes and permissions are authorisation: their conventions say what a credential must hold.
  auth: /authori[sz]ation|authenticat|api[ _-]?(key|token)|\bbearer\b|\boauth|access token|\bcredentials?\b|\bscopes?\b|\bpermissions?\b/i,
};
const MAX_SECTION = 6_000;

/**
 * The key a credential described only in prose is known by, when the docs declare no security
 * scheme: the planner's reading (agent/plan/prose-auth.ts) and the mock's own (synthetic-data) each
 * name their scheme so, and the proof's host injects the mock's placeholder for it. A name only:
 * each side reads the prose with its own code.
 */
export const PROSE_SCHEME_KEY = '(prose)';

export function topicsOf(text: string): ProseTopic[] {
  return (Object.keys(TOPIC_PATTERNS) as ProseTopic[]).filter((t) => TOPIC_PATTERNS[t].test(text));
}

interface Section {
  text: string;
  line: number;
}

/** Splits Markdown (or a Markdown-flavoured description) at its headings. */
export function splitSections(markdown: string): Section[] {
  const lines = markdown.split('\n');
  const sections: Section[] = [];
  let current: string[] = [];
  let start = 1;
  let inFence = false;
  lines.forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (!inFence && /^#{1,6}\s/.test(line) && current.some((l) => l.trim())) {
      sections.push({ text: current.join('\n').trim(), line: start });
      current = [];
      start = i + 1;
    }
    current.push(line);
  });
  if (current.some((l) => l.trim())) sections.push({ text: current.join('\n').trim(), line: start });
  return sections;
}

export function extractProse(text: string, source: Source, lineBased: boolean): Prose[] {
  return splitSections(text).flatMap((section): Prose[] => {
    const topics = topicsOf(section.text);
    if (!topics.length) return [];
    const body = section.text.length > MAX_SECTION ? `${section.text.slice(0, MAX_SECTION)}…` : section.text;
    return [{ topics, text: body, source: { file: source.file, pointer: lineBased ? `L${section.line}` : source.pointer } }];
  });
}
