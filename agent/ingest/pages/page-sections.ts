import { parse } from 'parse5';

/**
 * A docs web page as a person reads it (issue 14): its sections, each a heading with its anchor and
 * the prose and code blocks under it, in page order. HTML is parsed by **parse5** (the WHATWG
 * parser jsdom uses) — static pages are read without a browser; a page drawn by JavaScript is first
 * rendered (page-browser.ts) and its rendered HTML read the same way. Navigation, headers, footers,
 * scripts and styles are not the reference and are skipped. Text is data: nothing here runs, fetches
 * or follows anything.
 */

export interface PageSection {
  /** The heading's text (`Paginating over user records`, a permalink's symbol left off); `''` for what comes before the first heading. */
  heading: string;
  level: number;
  /** The anchor a reader links to (`#paginating-over-user-records`): the heading's id, its section's, or its permalink. */
  anchor: string;
  /** Paragraphs, list items, table rows (cells joined by ` | `) and definitions, whitespace collapsed. */
  prose: string[];
  /** Code blocks (`<pre>`) as their text, lines kept. */
  code: string[];
  /** For each code block (by index), the prose block just before it in the section: what the page says of that sample. */
  before: (string | undefined)[];
  /** For each code block (by index), true when no reader sees it (a closed tab, hidden text): its samples may show requests, never where the API is. */
  unseen?: boolean[];
}

interface Node {
  nodeName: string;
  tagName?: string;
  value?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  content?: Node;
  parentNode?: Node;
}

const SKIP = new Set(['script', 'style', 'noscript', 'template', 'nav', 'header', 'footer', 'svg', 'button', 'form']);
const PROSE = new Set(['p', 'li', 'dd', 'dt', 'td', 'th', 'blockquote', 'caption']);
const HEADING = /^h([1-6])$/;
/** The most sections and blocks kept from one page: a hostile page cannot make the reader's work unbounded. */
const MAX_SECTIONS = 2_000;
const MAX_BLOCKS = 5_000;
const MAX_TEXT = 20_000;
/** How deep the reader goes into nested elements: what lies deeper (no page a person reads nests so) is not read — a hostile page cannot exhaust the stack. */
const MAX_DEPTH = 256;

const attr = (n: Node, name: string) => n.attrs?.find((a) => a.name === name)?.value;
const hidden = (n: Node) => attr(n, 'role') === 'navigation' || attr(n, 'aria-hidden') === 'true' || /\b(wy-nav-side|sphinxsidebar|related|toctree-wrapper)\b/.test(attr(n, 'class') ?? '');
/**
 * Not shown to a reader: the `hidden` attribute, an inline `display: none` / `visibility: hidden`,
 * or what the browser found not rendered (page-browser.ts marks it `data-fw-unseen`). Its prose and
 * headings are not read — a base URL or an instruction no reader sees is not the docs' word — but
 * its code blocks are: docs keep samples in tabs a reader opens (curl, Python…).
 */
const unseen = (n: Node) => attr(n, 'hidden') !== undefined || attr(n, 'data-fw-unseen') !== undefined || hiddenByStyle(attr(n, 'style') ?? '');
/** An inline style that hides what it holds: none, hidden, transparent, no size, clipped away or far off the page. */
function hiddenByStyle(style: string): boolean {
  if (!style) return false;
  const css = style.toLowerCase().replace(/\s+/g, '');
  const has = (re: RegExp) => re.test(css);
  return (
    has(/(^|;)display:none\b/) || has(/(^|;)visibility:(hidden|collapse)\b/) || has(/(^|;)opacity:0?\.?0*(;|$|!)/) || has(/(^|;)font-size:0(px|em|rem|%|pt)?(;|$|!)/) ||
    (has(/(^|;)overflow:hidden\b/) && has(/(^|;)(max-)?(height|width):0(px|em|rem|%)?(;|$|!)/)) ||
    has(/(^|;)(left|top|right|text-indent|margin-left|margin-top):-\d{3,}/) || has(/(^|;)clip(-path)?:(rect\(0|inset\(50%|circle\(0)/) || has(/(^|;)transform:scale\(0\)/)
  );
}

/** The text under `n`, as the page shows it (`keepLines`: a code block's line breaks). */
function textOf(n: Node, keepLines = false): string {
  const out: string[] = [];
  const walk = (x: Node, depth: number) => {
    if (out.length > MAX_TEXT || depth > MAX_DEPTH) return;
    if (x.nodeName === '#text') out.push(x.value ?? '');
    else if (x.tagName && SKIP.has(x.tagName)) return;
    else if (x.tagName === 'br') out.push('\n');
    for (const c of x.childNodes ?? []) walk(c, depth + 1);
  };
  walk(n, 0);
  const text = out.join('');
  return keepLines ? text.replace(/\r\n?/g, '\n').replace(/\n+$/, '') : text.replace(/\s+/g, ' ').trim();
}

/** The anchor of a heading: its id, its section's id, or the `#…` of its permalink. */
function anchorOf(h: Node): string {
  const own = attr(h, 'id');
  if (own) return `#${own}`;
  const link = (h.childNodes ?? []).find((c) => c.tagName === 'a' && (attr(c, 'href') ?? '').startsWith('#'));
  if (link) return attr(link, 'href')!;
  for (let p = h.parentNode; p; p = p.parentNode) if ((p.tagName === 'section' || p.tagName === 'div') && attr(p, 'id')) return `#${attr(p, 'id')}`;
  return '';
}

/** The page's sections in order (see the module comment). Never throws on any input. */
export function pageSections(html: string): PageSection[] {
  const doc = parse(html) as unknown as Node;
  const sections: PageSection[] = [{ heading: '', level: 0, anchor: '', prose: [], code: [], before: [] }];
  let blocks = 0;
  const walk = (n: Node, shown: boolean, depth: number) => {
    if (sections.length >= MAX_SECTIONS || blocks >= MAX_BLOCKS || depth > MAX_DEPTH) return;
    const tag = n.tagName;
    if (tag && (SKIP.has(tag) || hidden(n))) return;
    if (tag === 'template' && n.content) return;
    if (shown && tag && unseen(n)) shown = false;
    const level = tag ? HEADING.exec(tag)?.[1] : undefined;
    if (level) {
      if (!shown) return;
      sections.push({ heading: textOf(n).replace(/^[\s\p{Co}\p{So}¶#§]+|[\s\p{Co}\p{So}¶#§]+$/gu, '').trim(), level: Number(level), anchor: anchorOf(n), prose: [], code: [], before: [] });
      return;
    }
    if (tag === 'pre') {
      const code = textOf(n, true);
      if (code.trim()) {
        const s = sections.at(-1)!;
        s.code.push(code);
        s.before.push(s.prose.at(-1));
        (s.unseen ??= []).push(!shown);
      }
      blocks++;
      return;
    }
    // A table row is one line of prose, its cells joined by ` | `: a reference table's row stays a row (`GET | /v1/users | List users`).
    if (tag === 'tr') {
      if (!shown) return;
      const cells = (n.childNodes ?? []).filter((c) => c.tagName === 'td' || c.tagName === 'th').map((c) => textOf(c));
      if (cells.some(Boolean)) sections.at(-1)!.prose.push(cells.join(' | '));
      blocks++;
      return;
    }
    if (tag && PROSE.has(tag)) {
      if (!shown && !(n.childNodes ?? []).some((c) => c.tagName === 'pre')) return;
      // A list item or cell holding a code block or a nested list: its own text first, then what it holds.
      const nested = (n.childNodes ?? []).some((c) => c.tagName === 'pre' || c.tagName === 'ul' || c.tagName === 'ol' || c.tagName === 'p');
      if (!nested) {
        if (!shown) return;
        const text = textOf(n);
        if (text) sections.at(-1)!.prose.push(text);
        blocks++;
        return;
      }
    }
    for (const c of n.childNodes ?? []) walk(c, shown, depth + 1);
  };
  walk(doc, true, 0);
  return sections.filter((s, i) => i > 0 || s.prose.length || s.code.length);
}

/** The page's `<title>`, entities decoded and whitespace collapsed (at most 300 characters); `''` when it has none. */
export function pageTitle(html: string): string {
  const doc = parse(html) as unknown as Node;
  let title = '';
  const walk = (n: Node, depth = 0) => {
    if (title || depth > MAX_DEPTH) return;
    if (n.tagName === 'title') {
      title = textOf(n).slice(0, 300);
      return;
    }
    if (n.tagName === 'body') return;
    for (const c of n.childNodes ?? []) walk(c, depth + 1);
  };
  walk(doc);
  return title;
}

/**
 * The links a page gives to other pages (`<a href>`, `<link rel=next|prev>`), resolved against
 * `base` and without their fragment; at most 1,000. Never throws.
 */
export function pageLinks(html: string, base: string): string[] {
  const doc = parse(html) as unknown as Node;
  const out = new Set<string>();
  const walk = (n: Node, depth = 0) => {
    if (out.size >= 1_000 || depth > MAX_DEPTH) return;
    if ((n.tagName === 'a' || n.tagName === 'link') && attr(n, 'href')) {
      try {
        const u = new URL(attr(n, 'href')!, base);
        u.hash = '';
        if (u.protocol === 'http:' || u.protocol === 'https:') out.add(u.toString());
      } catch {
        // Not a URL: not a page.
      }
    }
    for (const c of n.childNodes ?? []) walk(c, depth + 1);
  };
  walk(doc);
  return [...out];
}
