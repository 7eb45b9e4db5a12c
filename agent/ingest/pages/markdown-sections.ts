import type { PageSection } from './page-sections.ts';

/**
 * A Markdown reference read as a person reads it (issue 14), in the same shape as a web page's
 * sections (page-sections.ts): ATX headings (`## GET /v1/users`) with GitHub's anchor for them,
 * paragraphs and list items as prose (inline markup dropped: `code`, *emphasis*, [links](…) keep
 * their text), table rows as ` | `-joined cells (the separator row left out), fenced and indented
 * code blocks as code, each with the prose block just before it. Line-based and bounded; nothing
 * is rendered or followed.
 */

const MAX_SECTIONS = 2_000;
const MAX_BLOCKS = 5_000;

/** GitHub's heading anchor: lower case, punctuation dropped, spaces as dashes. */
function slug(heading: string): string {
  return `#${heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-')}`;
}

/** Inline Markdown as the text it shows. */
function inline(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_]+)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/<[^>]{0,200}>/g, (t) => (/^<[^>\s]+@|^<https?:/.test(t) ? t.slice(1, -1) : ''))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The sections of a Markdown document (see the module comment). Never throws. */
export function markdownSections(markdown: string): PageSection[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const sections: PageSection[] = [{ heading: '', level: 0, anchor: '', prose: [], code: [], before: [] }];
  let paragraph: string[] = [];
  let blocks = 0;
  const flush = () => {
    if (paragraph.length) {
      const text = inline(paragraph.join(' '));
      if (text) sections.at(-1)!.prose.push(text);
      blocks++;
    }
    paragraph = [];
  };
  const code = (text: string) => {
    const s = sections.at(-1)!;
    if (text.trim()) {
      s.code.push(text.replace(/\n+$/, ''));
      s.before.push(s.prose.at(-1));
    }
    blocks++;
  };
  for (let i = 0; i < lines.length && sections.length < MAX_SECTIONS && blocks < MAX_BLOCKS; i++) {
    const line = lines[i]!;
    const fence = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !new RegExp(`^\\s{0,3}${fence[1]![0] === '`' ? '`' : '~'}{${fence[1]!.length},}\\s*$`).test(lines[j]!)) body.push(lines[j]!), j++;
      code(body.join('\n'));
      i = j;
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      const text = inline(heading[2]!);
      sections.push({ heading: text, level: heading[1]!.length, anchor: slug(text), prose: [], code: [], before: [] });
      continue;
    }
    if (/^\s*\|.*\|\s*$/.test(line)) {
      flush();
      if (/^\s*\|[\s:|-]+\|\s*$/.test(line)) continue;
      const cells = line.trim().slice(1, -1).split(/(?<!\\)\|/).map((c) => inline(c));
      if (cells.some(Boolean)) sections.at(-1)!.prose.push(cells.join(' | '));
      blocks++;
      continue;
    }
    if (/^( {4}|\t)/.test(line) && !paragraph.length) {
      const body: string[] = [];
      let j = i;
      while (j < lines.length && (/^( {4}|\t)/.test(lines[j]!) || (!lines[j]!.trim() && /^( {4}|\t)/.test(lines[j + 1] ?? '')))) body.push(lines[j]!.replace(/^( {4}|\t)/, '')), j++;
      code(body.join('\n'));
      i = j - 1;
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const item = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      paragraph = [item[2]!];
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  return sections.filter((s, i) => i > 0 || s.prose.length || s.code.length);
}
