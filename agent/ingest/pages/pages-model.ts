import { sha256 } from '../../hash.ts';
import type { ApiModel, DocsDefect, Operation, Parameter, Prose, SecurityScheme, Source } from '../api-model.ts';
import { chooseOrigin } from './api-origin.ts';
import { topicsOf } from '../prose.ts';
import { vendorName } from '../vendor-name.ts';
import { pageSections, pageTitle, type PageSection } from './page-sections.ts';
import { markdownSections } from './markdown-sections.ts';
import { rstSections } from './rst-sections.ts';
import { requestSamples, type RequestSample } from './request-samples.ts';

/**
 * Web-page docs made into the ApiModel every later stage reads (issue 14): each request a page shows
 * becomes an operation of its method and path template, with the section's heading as its summary,
 * its prose as the description, the query parameters its samples send (described by the sentences
 * of the section that name them) and the responses the samples printed as examples (the planner and
 * the mock infer schemas from them). Every item's source is the page (URL or file) and the section's
 * anchor, so quotes are checked against the page's own words.
 *
 * Path templates: a segment is a value, not a word, when the pages' printed responses hold it as a
 * field's value (`/3.0/users/1` beside `user_id: 1` → `/3.0/users/{user_id}`; `example.com` beside
 * `mail_host: example.com`), or when it has a value's shape (digits, an email address, a long hex or
 * UUID); a version (`3.0`, `v2`) stays a word. Auth: HTTP Basic, when the pages' prose says so.
 */

export interface PageInput {
  /** Where the page came from: its URL, or its file path. */
  source: string;
  /** The page's HTML; or, for a Markdown reference, its Markdown. */
  html?: string;
  markdown?: string;
  /** For a reStructuredText reference (a Sphinx site's sources), its text. */
  rst?: string;
}

interface Located extends RequestSample {
  page: string;
  section: PageSection;
  /** From a code block no reader sees: never a vote on where the API is. */
  unseen?: boolean;
  /** What the page says just before the sample. */
  said?: string;
  /** Query parameters a reference table of the section lists for the request, with what it says of each. */
  params?: { name: string; description: string }[];
}

const METHOD = '(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)';
/** A heading that is a request (`GET /v1/users`, `GET https://api.example.com/v1/users — List users`). */
const HEADING_REQUEST = new RegExp(`^${METHOD}\\s+((?:https?://[^\\s]+)|/[^\\s]*)`);
/** A paragraph that is only a request line (`GET /users` under `## List users`). */
const PROSE_REQUEST = new RegExp(`^${METHOD}\\s+((?:https?://[^\\s]+)|/[^\\s]*)$`);
/** A reference table's row that is a request (`GET | /v1/users | List users`). */
const ROW_REQUEST = new RegExp(`^${METHOD}\\s*\\|\\s*((?:https?://[^\\s|]+)|/[^\\s|]*)(?:\\s*\\|\\s*(.*))?$`);
/** A parameter table's row: an identifier, then what the table says of it (`per_page | integer | Records a page, at most 100`). */
const PARAM_ROW = /^([a-z][A-Za-z0-9_.[\]-]{0,63})\s*\|\s*(.+)$/;
const HEADER_CELLS = /^(name|parameter|param|field|argument|key)$/i;

/**
 * The requests a reference states outside code blocks: a heading that is a request (its section's
 * first JSON code block its response, its parameter table's rows its query parameters), and the rows
 * of an endpoint table. Never throws.
 */
function referenceSamples(section: PageSection): (RequestSample & { params?: { name: string; description: string }[]; said?: string })[] {
  const out: (RequestSample & { params?: { name: string; description: string }[]; said?: string })[] = [];
  // The request as the heading, or as a paragraph of its own under it (`## List users` then `GET /users`).
  const heading = HEADING_REQUEST.exec(section.heading) ?? section.prose.map((x) => PROSE_REQUEST.exec(x)).find((m) => !!m);
  if (heading) {
    // The section's first JSON block a reader sees: a hidden one never shapes what the records are.
    const json = section.code.map((c) => c.trim()).find((c, i) => !section.unseen?.[i] && /^[[{]/.test(c) && parseJson(c) !== undefined);
    const params = section.prose
      .map((row) => PARAM_ROW.exec(row))
      .filter((m): m is RegExpExecArray => !!m && !HEADER_CELLS.test(m[1]!))
      .map((m) => ({ name: m[1]!, description: m[2]!.replace(/\s*\|\s*/g, ' — ').slice(0, 400) }));
    const said = section.prose.find((p) => !p.includes(' | '));
    out.push({ method: heading[1]!.toLowerCase() as RequestSample['method'], url: heading[2]!, line: section.heading, ...(json ? { response: parseJson(json) } : {}), ...(params.length ? { params } : {}), ...(said ? { said } : {}) });
  }
  for (const row of section.prose) {
    const m = ROW_REQUEST.exec(row);
    if (m) out.push({ method: m[1]!.toLowerCase() as RequestSample['method'], url: m[2]!, line: row, ...(m[3] ? { said: m[3] } : {}) });
  }
  return out;
}

/**
 * A block's last request without a printed response takes the next code block of the section as its
 * response when that block is JSON and shows no request of its own ("Response:" in a block of its own,
 * as references write a curl sample and its answer).
 */
function withNextBlockResponse(samples: RequestSample[], next: string | undefined): RequestSample[] {
  const last = samples.at(-1);
  if (!last || last.response !== undefined || next === undefined || requestSamples(next).length) return samples;
  // JSON, or an HTTP response (`HTTP/1.1 200 OK`, headers, a blank line, the JSON body).
  const text = next.trim();
  const body = /^HTTP\/[\d.]+\s+2\d\d\b/.test(text) ? text.split(/\r?\n\s*\r?\n/).slice(1).join('\n\n').trim() : text;
  if (!/^[[{]/.test(body)) return samples;
  const response = parseJson(body);
  return response !== undefined && typeof response === 'object' ? [...samples.slice(0, -1), { ...last, response }] : samples;
}

/** The deepest a printed response may nest (as descriptions are bounded when read): a deeper one is no example a reader follows. */
const MAX_EXAMPLE_DEPTH = 64;

/** Whether `value` nests at most MAX_EXAMPLE_DEPTH levels (walked without recursion). */
function shallow(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  let seen = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > MAX_EXAMPLE_DEPTH || ++seen > 200_000) return false;
    if (v && typeof v === 'object') for (const child of Object.values(v as object)) stack.push([child, depth + 1]);
  }
  return true;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const VERSION = /^v?\d+(\.\d+)+$|^v\d+$/i;
/** A credential header as a code block writes it (a bare header line, or curl's `-H`/`--header` argument): the header itself. */
const AUTH_HEADER_LINE = /^\s*(?:.*?(?:-H|--header)\s+['"])?((?:Authorization|Proxy-Authorization|X-[A-Za-z-]*(?:Api|API)[-_]?Key|X-[A-Za-z-]*Token|Api-Key|Private-Token)\s*:\s*[^'"\n\\]{1,200})/i;
/** A sentence that states the API's base URL. */
const BASE_URL_SAID = /\b(base URL|root URL|API(?:'s)? (?:is (?:served |available )?at|endpoint is|host is)|(?:all|every|API) requests (?:go|are sent) to)\b[^.]{0,80}?(https?:\/\/[^\s'"<>)`]+)/i;
/** Whether a URL carries a user part (`user:pass@`, `api.acme.com@`): its host is not what it seems. */
const hasUserinfo = (url: string): boolean => {
  try {
    const u = new URL(url);
    return !!(u.username || u.password);
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url);
  }
};
const safeOrigin = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};
/** Prose that speaks of every collection (a paging section that applies to them all). */
const EVERY_COLLECTION = /\b(all|every|each)\s+(of the\s+)?(collections?|lists?|list endpoints?|resources? that return (a )?lists?)\b|^\s*(list (endpoints|operations|requests|responses)|collection endpoints|collections|paginated endpoints)\b/i;
/** Whether a printed response holds a list of records (an array of objects, at the top or one level down). */
const holdsList = (v: unknown): boolean => (Array.isArray(v) ? v.some((x) => x && typeof x === 'object') : !!v && typeof v === 'object' && Object.values(v).some((x) => Array.isArray(x) && x.some((y) => y && typeof y === 'object')));
const VALUE_SHAPE = /^\d+$|@|^[0-9a-f]{8,}$|^[0-9a-f]{8}-[0-9a-f]{4}-/i;
const MAX_DESCRIPTION = 1_200;
/** Query parameters that page a list (`page`, `per_page`, `count`, `limit`, `offset`, `cursor`, `after`, `marker`…). */
const PAGING_NAME = /^(page|pages?_?(number|num|no|index|size|token)|per_?page|page_?size|size|count|limit|max_?results|offset|start|skip|top|cursor|after|before|since|marker|next|next_?(token|cursor|page)|continuation_?token|starting_?after|ending_?before|from)$/i;
const MAX_PAGING_NAMES = 4;
const MAX_SEGMENTS = 33;

const singular = (w: string) => w.replace(/ies$/, 'y').replace(/(ses|xes)$/, (m) => m.slice(0, -2)).replace(/s$/, '');

/** Every scalar value the printed responses hold, with the fields that hold it. */
function valueFields(samples: Located[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const walk = (v: unknown, key: string | undefined, depth: number) => {
    if (depth > 6 || out.size > 50_000) return;
    if (Array.isArray(v)) v.slice(0, 200).forEach((x) => walk(x, key, depth + 1));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k, depth + 1);
    else if (key && (typeof v === 'string' || typeof v === 'number') && String(v).length <= 200) {
      const fields = out.get(String(v)) ?? new Set<string>();
      if (fields.size < 20) fields.add(key);
      out.set(String(v), fields);
    }
  };
  for (const s of samples) walk(s.response, undefined, 0);
  return out;
}

/** `/3.0/users/1/addresses` → `/3.0/users/{user_id}/addresses`, with the names of its path parameters. */
function templateOf(path: string, values: Map<string, Set<string>>): { path: string; params: string[] } {
  const params: string[] = [];
  // A second parameter of one name is numbered (`{id}`, `{id_2}`): one look, however many segments.
  const unique = (base: string) => {
    let name = base;
    for (let n = 2; params.includes(name); n++) name = `${base}_${n}`;
    return name;
  };
  const segments = path.split('/').map((seg, i, all) => {
    if (!seg || VERSION.test(seg)) return seg;
    const decoded = safeDecode(seg);
    // A parameter the docs write as a template (`/teams/{team_id}/members`, `:team_id`, `<team_id>`, `(int:team_id)`): kept by its own name.
    // Sphinx's HTTP domain writes one with its converter: `(int:group_id)`.
    const written = /^(?:\{([A-Za-z_][\w.-]{0,63})\}|:([A-Za-z_]\w{0,63})|<([A-Za-z_][\w-]{0,63})>|\((?:\w+:)?([A-Za-z_]\w{0,63})\))$/.exec(decoded);
    if (written) {
      let name = (written[1] ?? written[2] ?? written[3] ?? written[4]!).replace(/[^A-Za-z0-9_]/g, '_');
      name = unique(name);
      params.push(name);
      return `{${name}}`;
    }
    const fields = [...(values.get(decoded) ?? [])].filter((f) => !/(^|_)(link|etag)$/.test(f));
    const valueLike = VALUE_SHAPE.test(decoded) || (fields.length > 0 && /[.@\d]/.test(decoded) && !/^[a-z]+$/i.test(decoded));
    if (!valueLike) return seg;
    // The field that holds the value, named for the collection before it (`users/1` → user_id), else its id, else by its shape.
    const noun = singular(all[i - 1] ?? 'item').replace(/[^A-Za-z0-9]/g, '_');
    const field = fields.find((f) => f.toLowerCase().startsWith(noun.toLowerCase())) ?? fields.find((f) => f === 'id') ?? (decoded.includes('@') ? fields.find((f) => /e?mail|address/i.test(f)) : undefined) ?? (fields.length === 1 ? fields[0] : undefined);
    let name = field ?? `${noun}_id`;
    name = name.replace(/[^A-Za-z0-9_]/g, '_');
    name = unique(name);
    params.push(name);
    return `{${name}}`;
  });
  return { path: segments.join('/'), params };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A section's place in its page, as a source pointer: its anchor without `#` (`users.html#paginating-over-user-records`); `''` for the top. */
const pointerOf = (s: PageSection) => s.anchor.replace(/^#/, '');

/** The sentences of a section that name `word` (as a word), for a parameter's description. */
function sentencesNaming(section: PageSection, word: string): string | undefined {
  const re = new RegExp(`(^|[^A-Za-z0-9_])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9_]|$)`);
  const hits = section.prose.filter((p) => re.test(p));
  return hits.length ? hits.join(' ').slice(0, 600) : undefined;
}

/**
 * What a page's sections say of auth, paging, errors and rate limits, as prose items (a section each,
 * with its anchor): the prose a reader sees, and the credential headers its code blocks show
 * (`Authorization: Bearer <token>`, curl's `-H "X-Api-Key: …"`). Also how an HTML page beside a
 * description is read (agent/ingest/ingest.ts).
 */
export function sectionsProse(source: string, sections: PageSection[]): Prose[] {
  return sections.flatMap((s) => {
    const headers = s.code.flatMap((c) => c.split('\n').map((l) => AUTH_HEADER_LINE.exec(l)?.[1]).filter((h): h is string => !!h)).slice(0, 5);
    const text = [...s.prose, ...headers].join('\n').slice(0, 8_000);
    const topics = text ? topicsOf(`${s.heading}\n${text}`) : [];
    return topics.length ? [{ topics, text, source: { file: source, pointer: pointerOf(s) } }] : [];
  });
}

/** The web pages as one ApiModel (see the module comment). Never throws for what the pages say. */
export function modelFromPages(pages: PageInput[], o: { vendor?: string; title?: string } = {}): ApiModel {
  const read = pages.map((p) => {
    if (p.rst !== undefined) {
      const sections = rstSections(p.rst);
      return { source: p.source, text: p.rst, sections, title: sections.find((s) => s.level === 1)?.heading ?? '' };
    }
    if (p.markdown !== undefined) {
      const sections = markdownSections(p.markdown);
      return { source: p.source, text: p.markdown, sections, title: sections.find((s) => s.level === 1)?.heading ?? '' };
    }
    const html = p.html ?? '';
    return { source: p.source, text: html, sections: pageSections(html), title: pageTitle(html) };
  });
  const samples: Located[] = read.flatMap((p) => p.sections.flatMap((section) => [
    // A sample no reader sees may show a request, never what it answers (its printed response is dropped).
    ...section.code.flatMap((code, i) => withNextBlockResponse(requestSamples(code), section.unseen?.[i + 1] ? undefined : section.code[i + 1]).map(({ response, ...s }) => ({ ...s, ...(response !== undefined && !section.unseen?.[i] ? { response } : {}), page: p.source, section, ...(section.before[i] ? { said: section.before[i] } : {}), ...(section.unseen?.[i] ? { unseen: true } : {}) }))),
    ...referenceSamples(section).map((s) => ({ ...s, page: p.source, section })),
  ]));
  const values = valueFields(samples);
  const origins = new Map<string, number>();
  // Where the API is, by the reads the pages show a reader: GET samples written with their host, none from text no reader sees.
  for (const s of samples) {
    const o = /^https?:\/\//i.test(s.url) && s.method === 'get' && !s.unseen && !hasUserinfo(s.url) ? safeOrigin(s.url) : undefined;
    if (o) origins.set(o, (origins.get(o) ?? 0) + 1);
  }
  // The base URL the prose states ("The base URL is https://api.acme.example/") and the hosts the samples call:
  // one injected sample on another host never outvotes a stated base URL (agent/ingest/pages/api-origin.ts).
  const statedAt = read.flatMap((p) => p.sections.flatMap((s) => s.prose.flatMap((x) => {
    const said = BASE_URL_SAID.exec(x)?.[2]?.replace(/[.,;:`)\]]+$/, '') ?? '';
    // A URL with a user part (`https://api.acme.com@evil.example/`) names its host after the `@`: no statement at all.
    const o = hasUserinfo(said) || said.includes('\\') ? undefined : safeOrigin(said);
    return o ? [{ origin: o, path: new URL(said).pathname.replace(/\/+$/, ''), source: { file: p.source, pointer: pointerOf(s) } }] : [];
  })));
  const choice = chooseOrigin(statedAt.map((x) => x.origin), origins);
  const origin = choice.origin;
  // The stated base URL's path (`https://api.acme.example/v2` → `/v2`): the server's, and the operations' paths are under it.
  const basePath = statedAt.find((x) => x.origin === origin)?.path ?? '';
  const underBase = (pathname: string) => (basePath && (pathname === basePath || pathname.startsWith(`${basePath}/`)) ? pathname.slice(basePath.length) || '/' : pathname);
  const sampleAt = (o: string) => samples.find((s) => /^https?:\/\//.test(s.url) && safeOrigin(s.url) === o)!;
  const defects: DocsDefect[] = [
    ...choice.ignored.map((o) => {
      const s = sampleAt(o);
      return { kind: 'other-origin' as const, source: { file: s.page, pointer: pointerOf(s.section) }, ref: o, text: `${origins.get(o)} sample${origins.get(o) === 1 ? '' : 's'} of the pages call ${o}, which is not the API's origin${origin ? ` (${origin})` : ''}: not read as requests of this API`, fix: 'Check the page: a sample on another origin may be another product\'s API, another port of the same server, or injected text.' };
    }),
    ...(choice.ambiguous ? [{ kind: 'ambiguous-origin' as const, source: statedAt[0]?.source ?? { file: read[0]?.source ?? '', pointer: '' }, ref: '', text: choice.ambiguous, fix: 'Give the API\'s base URL yourself when you run the connector (fetchwright run --base-url …).' }] : []),
  ];
  // Samples that call this machine (localhost, 127.0.0.1) or an example host show where *your* server goes: its host is a variable a human fills.
  // A host only the prose states is a variable too, its stated value named: a human confirms it (api-origin.ts `statedOnly`).
  const local = origin ? !!choice.statedOnly || /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|[^:]*\.(example|test|invalid|localhost)|example\.(com|org|net))$/i.test(new URL(origin).hostname) : false;
  const groups = new Map<string, { method: Operation['method']; path: string; params: string[]; samples: Located[] }>();
  // Each sample's URL read once; one no URL parser accepts (`https://[bad`) is not a request.
  const targets = new Map<Located, URL>();
  for (const s of samples) {
    try {
      targets.set(s, new URL(s.url, origin ?? 'http://docs.invalid'));
    } catch {
      // Not a URL: the page's text, not a request.
    }
  }
  const query = (s: Located) => targets.get(s)!.searchParams;
  for (const s of samples) {
    const url = targets.get(s);
    // No origin chosen: only the samples written as paths are requests of this API.
    if (!url || hasUserinfo(s.url) || (origin ? url.origin !== origin : /^https?:\/\//i.test(s.url))) continue;
    // No API path is 32 segments deep: such a "request" is text, not a request.
    if (url.pathname.split('/').length > MAX_SEGMENTS) continue;
    const t = templateOf(underBase(url.pathname.replace(/\/+$/, '') || '/'), values);
    const key = `${s.method} ${t.path}`;
    const g = groups.get(key) ?? { method: s.method, path: t.path, params: t.params, samples: [] };
    g.samples.push(s);
    groups.set(key, g);
  }

  const operations: Operation[] = [...groups.values()].map((g) => {
    const first = g.samples[0]!;
    const source: Source = { file: first.page, pointer: pointerOf(first.section) };
    const queryNames = [...new Set(g.samples.flatMap((s) => [...query(s).keys()]))].slice(0, 30);
    const parameters: Parameter[] = [
      ...g.params.map((name) => ({ name, in: 'path' as const, required: true, schema: { type: ['string'] }, source })),
      // What a reference table lists for the request, beside what its samples send.
      ...[...new Map(g.samples.flatMap((x) => (x.params ?? []).map((p) => [p.name, { ...p, at: x }] as const))).values()]
        .filter((p) => !queryNames.includes(p.name) && !g.params.includes(p.name))
        .slice(0, 30)
        .map((p) => ({ name: p.name, in: 'query' as const, required: false, description: p.description, schema: { type: [/\binteger\b|\bnumber\b/i.test(p.description) ? 'integer' : 'string'] }, source: { file: p.at.page, pointer: pointerOf(p.at.section) } })),
      ...queryNames.map((name) => {
        const at = g.samples.find((s) => query(s).has(name))!;
        const vals = g.samples.map((s) => query(s).get(name)).filter((v): v is string => v !== null);
        const said = sentencesNaming(at.section, name);
        return { name, in: 'query' as const, required: false, ...(said ? { description: said } : {}), schema: { type: [vals.every((v) => /^\d+$/.test(v)) ? 'integer' : 'string'] }, source: { file: at.page, pointer: pointerOf(at.section) } };
      }),
    ];
    const printed = g.samples.filter((s) => s.response !== undefined && typeof s.response === 'object' && shallow(s.response)).sort((a, b) => JSON.stringify(b.response).length - JSON.stringify(a.response).length);
    // The fullest three, and the shortest too when it is another answer (an empty collection printed without its list).
    const examples = [...new Set([...printed.slice(0, 3), ...printed.slice(-1)].map((s) => s.response))];
    // The operation's own words: what the page says just before its fullest sample (a section's intro speaks of the whole resource, its writes too).
    const description = (printed[0]?.said ?? first.said ?? '').slice(0, MAX_DESCRIPTION);
    return {
      id: `${g.method.toUpperCase()} ${g.path}`,
      method: g.method,
      path: g.path,
      ...(first.section.heading ? { summary: first.section.heading } : {}),
      ...(description ? { description } : {}),
      tags: [],
      deprecated: false,
      parameters,
      has_request_body: g.method !== 'get' && g.method !== 'head' && g.method !== 'delete',
      responses: examples.length ? [{ status: '200', content_type: 'application/json', examples, headers: [], source }] : [],
      extensions: {},
      source,
    };
  });

  // A section about paging in general ("All collections automatically support pagination") applies its
  // samples' query parameters to every collection — every GET whose printed response holds a list.
  const general = read.flatMap((p) => p.sections.filter((s) => s.prose.some((x) => EVERY_COLLECTION.test(x) && topicsOf(x).includes('pagination'))).map((s) => ({ page: p.source, section: s })));
  // With no sample of its own, the parameters it names that a collection's own docs give (`limit`, `cursor` in the users' table) are its.
  const listOps = operations.filter((op) => op.method === 'get' && op.responses.some((r) => r.examples.some(holdsList)));
  const documented = new Map(listOps.flatMap((op) => op.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p] as const)));
  for (const g of general) {
    // Paging parameters only, a few: the section pages the collections, it does not give them every parameter it names.
    const names = [...new Set(samples.filter((x) => x.section === g.section && x.method === 'get' && targets.has(x)).flatMap((x) => [...query(x).keys()]))].filter((n) => PAGING_NAME.test(n)).slice(0, MAX_PAGING_NAMES);
    if (!names.length) names.push(...[...documented.keys()].filter((name) => PAGING_NAME.test(name)).filter((name) => sentencesNaming(g.section, name)).slice(0, MAX_PAGING_NAMES));
    const said = g.section.prose.find((x) => EVERY_COLLECTION.test(x))!;
    const owns = new Map(names.map((name) => [name, sentencesNaming(g.section, name)]));
    for (const op of listOps) {
      for (const name of names) {
        if (op.parameters.some((p) => p.in === 'query' && p.name === name)) continue;
        const own = owns.get(name);
        op.parameters.push({ name, in: 'query', required: false, description: `${said}${own && own !== said ? ` ${own}` : ''}`.slice(0, 600), schema: documented.get(name)?.schema ?? { type: ['integer'] }, source: { file: g.page, pointer: pointerOf(g.section) } });
      }
    }
  }

  const prose: Prose[] = read.flatMap((p) => sectionsProse(p.source, p.sections));
  const security_schemes: SecurityScheme[] = [];
  const basic = read.flatMap((p) => p.sections.flatMap((s) => s.prose.filter((x) => /\bbasic\s+auth(entication|orization)?\b|\bHTTP Basic\b/i.test(x)).map((x) => ({ text: x, source: { file: p.source, pointer: pointerOf(s) } }))))[0];
  if (basic) security_schemes.push({ key: 'basic', type: 'http', scheme: 'basic', description: basic.text.slice(0, 600), flows: [], scopes: [], source: basic.source });

  const title = o.title ?? (read.find((p) => p.title)?.title.split(/\s+[—–|-]\s+/).pop() ?? 'API reference');
  return {
    title,
    vendor: o.vendor ?? vendorName([title]),
    format: 'web-pages',
    docs_sha256: sha256(read.map((p) => `${p.source}\n${sha256(p.text)}`).join('\n')),
    documents: read.map((p, i) => ({ file: p.source, kind: pages[i]!.rst !== undefined ? ('rst' as const) : pages[i]!.markdown !== undefined ? ('markdown' as const) : ('html' as const), sha256: sha256(p.text) })),
    servers: origin
      ? [
          local
            ? { url: `${new URL(origin).protocol}//{host}${new URL(origin).port ? `:${new URL(origin).port}` : ''}${basePath}`, variables: [{ name: 'host', description: choice.statedOnly ? `the API's host: the pages state ${new URL(origin).hostname}, and no sample they show calls a host — confirm it (--tenant host=… or --base-url)` : `the host of your server (the docs' samples call ${new URL(origin).hostname})` }], source: operations[0]?.source ?? { file: read[0]?.source ?? '', pointer: '' } }
            : { url: `${origin}${basePath}`, variables: [], source: operations[0]?.source ?? { file: read[0]?.source ?? '', pointer: '' } },
        ]
      : [],
    security_schemes,
    security: basic ? [[{ scheme: 'basic', scopes: [] }]] : [],
    operations,
    schemas: {},
    prose,
    ...(defects.length ? { defects } : {}),
  };
}
