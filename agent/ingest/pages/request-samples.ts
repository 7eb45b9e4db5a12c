/**
 * The requests a docs page shows and what they answered (issue 14): in code blocks, an
 * interactive-session call followed by its printed response (`>>> dump_json('http://…/3.0/users')`
 * then `entry 0:` / `key: value` lines), an HTTP request line (`GET /3.1/users HTTP/1.1`), a curl
 * command (`curl -X GET https://…`). Each sample keeps the line it came from, for provenance.
 *
 * The method is the sample's own: a session call with data (a second argument) is a POST, one with
 * `method='PATCH'` a PATCH; curl's `-X`, `-d`/`--data` likewise. A printed response is read as JSON
 * when it is JSON, else as the indented `key: value` form interactive sessions print (values: numbers,
 * True/False/None, quoted strings; `entry 0:` blocks are the elements of a list named by the word's
 * plural: `entries`). Docs text is data: nothing is evaluated.
 */

export interface RequestSample {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';
  /** As written: absolute (`http://localhost:9001/3.0/users?count=1`) or a path (`/3.1/users`). */
  url: string;
  /** The printed response, parsed; undefined when the sample shows none. */
  response?: unknown;
  /** The line of the code block the request is on (for the evidence quote). */
  line: string;
}

const SESSION_CALL = /^>>>\s*(?:\w+\s*=\s*)?(?:\w+\.)?(dump_json|call_http|get|request|fetch|http_get)\(([\s\S]*)$/;
/** The call's first argument: one string literal, or adjacent ones the language joins (`'http://…/addresses/' 'anne@example.com'`). */
const URL_LITERALS = /^\s*((?:(['"])[^'"\n]*\2\s*)+)/;
const SAMPLE_URL = /^(https?:\/\/\S+|\/\S*)$/;
const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+((?:https?:\/\/[^\s]+)|\/[^\s]*)(?:\s+HTTP\/[\d.]+)?\s*$/;
const CURL = /^\$?\s*curl\s+(.*)$/;
const MAX_SAMPLES = 500;
const MAX_OUTPUT_LINES = 400;

/** The samples of one code block (see the module comment). Never throws. */
export function requestSamples(code: string): RequestSample[] {
  const lines = code.split('\n');
  const out: RequestSample[] = [];
  for (let i = 0; i < lines.length && out.length < MAX_SAMPLES; i++) {
    const line = lines[i]!.trimEnd();
    const session = SESSION_CALL.exec(line.trim());
    if (session) {
      // The call's arguments, continued on `...` lines.
      let args = session[2] ?? '';
      let j = i + 1;
      while (j < lines.length && /^\s*\.\.\.(\s|$)/.test(lines[j]!)) args += ` ${lines[j]!.replace(/^\s*\.\.\.\s?/, '')}`, j++;
      const literals = URL_LITERALS.exec(args);
      const url = literals ? [...literals[1]!.matchAll(/(['"])([^'"\n]*)\1/g)].map((m) => m[2]).join('') : '';
      if (!SAMPLE_URL.test(url)) continue;
      args = args.slice(literals![0].length);
      const assigned = /^>>>\s*\w+\s*=/.test(line.trim());
      const output: string[] = [];
      while (j < lines.length && !/^\s*>>>/.test(lines[j]!) && output.length < MAX_OUTPUT_LINES) output.push(lines[j]!), j++;
      const printed = assigned ? undefined : parsePrinted(output.join('\n'));
      out.push({ method: sessionMethod(args), url, ...(printed !== undefined ? { response: printed } : {}), line: line.trim().slice(0, 500) });
      i = j - 1;
      continue;
    }
    const request = REQUEST_LINE.exec(line.trim());
    if (request) {
      // A whole exchange in one block: the request, its headers, then `HTTP/1.1 200 OK`, headers, a blank line and the JSON body.
      let response: unknown;
      let j = i + 1;
      while (j < lines.length && !REQUEST_LINE.test(lines[j]!.trim()) && !/^HTTP\/[\d.]+\s+\d{3}\b/.test(lines[j]!.trim())) j++;
      if (j < lines.length && /^HTTP\/[\d.]+\s+2\d\d\b/.test(lines[j]!.trim())) {
        let k = j + 1;
        while (k < lines.length && lines[k]!.trim() !== '') k++;
        const body: string[] = [];
        for (k++; k < lines.length && !REQUEST_LINE.test(lines[k]!.trim()) && body.length < MAX_OUTPUT_LINES; k++) body.push(lines[k]!);
        const text = body.join('\n').trim();
        if (/^[[{]/.test(text)) response = parsePrinted(text);
        i = k - 1;
      }
      out.push({ method: request[1]!.toLowerCase() as RequestSample['method'], url: request[2]!, line: line.trim().slice(0, 500), ...(response !== undefined ? { response } : {}) });
      continue;
    }
    const curl = CURL.exec(line.trim());
    if (curl) {
      // Continuation lines gathered once (at most 200: no command is longer), then joined.
      const parts = [curl[1]!];
      let j = i + 1;
      while (parts.at(-1)!.endsWith('\\') && j < lines.length && parts.length < 200) parts[parts.length - 1] = parts.at(-1)!.slice(0, -1), parts.push(lines[j]!.trim()), j++;
      const cmd = parts.join(' ');
      const url = /(?:^|\s)['"]?(https?:\/\/[^\s'"]+)/.exec(cmd)?.[1];
      if (url) out.push({ method: curlMethod(cmd), url, line: line.trim().slice(0, 500) });
      i = j - 1;
    }
  }
  return out;
}

function sessionMethod(args: string): RequestSample['method'] {
  const named = /\bmethod\s*=\s*['"](\w+)['"]/i.exec(args)?.[1]?.toLowerCase();
  if (named && ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'].includes(named)) return named as RequestSample['method'];
  // A second positional argument is the request's data: a write.
  return /^\s*,\s*(\{|\[|\w+\s*[,)]|dict\(|['"])/.test(args) ? 'post' : 'get';
}

function curlMethod(cmd: string): RequestSample['method'] {
  const x = /(?:-X|--request)\s+['"]?(\w+)/.exec(cmd)?.[1]?.toLowerCase();
  if (x && ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'].includes(x)) return x as RequestSample['method'];
  return /(?:^|\s)(-d|--data(-\w+)?|-F|--form)\s/.test(cmd) ? 'post' : 'get';
}

/** A printed response (see the module comment); undefined when there is none or it is not one. */
export function parsePrinted(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (/^[[{]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return undefined;
    }
  }
  const lines = text.split('\n').filter((l) => l.trim());
  if (!lines.every((l) => /^\s*[\w.@-]+(\s+\d+)?:(\s|$)/.test(l))) return undefined;
  let pos = 0;
  const block = (indent: number): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    while (pos < lines.length) {
      const l = lines[pos]!;
      const own = l.length - l.trimStart().length;
      if (own < indent) break;
      pos++;
      const m = /^([\w.@-]+)(?:\s+(\d+))?:\s*(.*)$/.exec(l.trim())!;
      const [, key, index, raw] = m;
      const next = lines[pos];
      const deeper = next !== undefined && next.length - next.trimStart().length > own;
      const value = raw === '' && deeper ? block(next!.length - next!.trimStart().length) : scalar(raw!);
      // An element's index is at most the lines printed: `entry 4294967294:` is no list of four billion.
      if (index !== undefined && Number(index) >= MAX_OUTPUT_LINES) continue;
      if (index !== undefined) {
        const list = plural(key!);
        const arr = (Array.isArray(obj[list]) ? obj[list] : (obj[list] = [])) as unknown[];
        arr[Number(index)] = value;
      } else obj[key!] = value;
    }
    return obj;
  };
  const value = block(0);
  for (const v of Object.values(value)) if (Array.isArray(v)) for (let k = 0; k < v.length; k++) v[k] ??= null;
  return value;
}

function scalar(raw: string): unknown {
  if (raw === 'True') return true;
  if (raw === 'False') return false;
  if (raw === 'None') return null;
  if (/^-?\d+$/.test(raw) && raw.length < 16) return Number(raw);
  if (/^-?\d+\.\d+$/.test(raw)) return Number(raw);
  const quoted = /^(['"])(.*)\1$/.exec(raw);
  return quoted ? quoted[2] : raw;
}

/** `entry` → `entries`, `member` → `members`. */
function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}
