import type { ApiModel, Operation, Prose, Response, SchemaNode, Source } from '../ingest/api-model.ts';
import { HeaderToken, MAX_DOCUMENTED_WAIT_MS, type WaitHeader, type WaitUnit } from '../../templates/slots/rate-limit.ts';
import type { Evidence, RateLimitPlan } from './connector-plan.ts';
import { excerpt, quoted, reasoned } from './evidence.ts';

/**
 * Reads what the docs say a 429 (Too Many Requests, RFC 6585 §4) tells the client, for the retry
 * template: which response headers carry the wait and in which unit — `Retry-After` (seconds or an
 * HTTP date, RFC 9110 §10.2.3), a reset header as UTC epoch seconds or milliseconds, a delay in
 * seconds or milliseconds — and the longest wait the docs document. It reads the headers the
 * responses declare (a 429's first), their descriptions and schema examples, the 429 responses'
 * descriptions and the docs' rate-limit prose (agent/ingest/prose.ts), and quotes them verbatim.
 *
 * A header the docs name whose unit they do not give is not guessed: it is listed in `unread` and
 * the template's generic reading applies. Header names are docs text — hostile data — and are kept
 * only when they are HTTP field names (templates/slots/rate-limit.ts `HeaderToken`). Prose that
 * says a 429 comes *without* a header ("no `Retry-After`") keeps that header out.
 */

/** Words of a header's name that say it carries a time to wait for. */
const WAIT_NAME = /retry|reset|after|wait|resume|until|opens?\b/i;
/** Words of a header's description that say it carries a time to wait for. */
const WAIT_WORDS = /\b(?:retry|retrying|try again|wait|waiting|until|resets?|window opens|may (?:send|resume))\b/i;
/** Words that say a header counts requests rather than time. */
const COUNT_WORDS = /\b(?:number of requests|requests? (?:remaining|left|allowed|per)|remaining requests|request (?:limit|quota|budget))\b/i;
/** A name that is a count, whatever else it says (`X-RateLimit-Remaining`, `RateLimit-Limit`). */
const COUNT_NAME = /(?:remaining|limit|used|count|quota|policy)$/i;

const MILLIS = /\bmilli-?seconds?\b|\bmsecs?\b|\bms\b|\bmillis\b/i;
const EPOCH = /\bepoch\b|\bunix\b|\bposix\b|\bsince (?:the )?(?:unix )?(?:epoch|1970)\b|\btimestamp\b/i;
const HTTP_DATE = /\bhttp[- ]date\b|\bimf-fixdate\b|\brfc ?(?:822|1123|2822|5322|7231|9110)\b|\bgmt\b|\biso ?8601\b|\bdate-time\b/i;
const SECONDS = /\bsec(?:ond)?s?\b/i;

/** A time that ends a bound: `60 seconds`, `2 minutes`, `1500 ms`. */
const BOUND = String.raw`(\d{1,7}(?:\.\d{1,3})?)\s*(milli-?seconds?|ms|seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h)\b`;
/** A documented maximum wait: `never exceeds 60 seconds`, `at most 2 minutes`, `maximum of 30 s`. */
const MAX_WAIT = new RegExp(
  String.raw`\b(?:at most|up to|(?:no|not|never)(?:\s+[a-z]+){0,2}?\s+(?:more|longer) than|never exceeds?|does not exceed|will not exceed|won't exceed|cannot exceed|maximum(?: of| is)?|max(?:imum)? (?:wait|delay|value)(?: is| of)?)\s*:?\s*${BOUND}`,
  'i',
);
/** A sentence about waiting, in which a bound is a bound on the wait. */
const ABOUT_WAITING = /\b(?:wait|waits|waiting|retry|retries|retrying|reset|resets|back ?off|delay)\b|retry-after/i;
/** A declared header that may speak of rate limits, by its name or description. */
const RATE_HEADER = /rate|limit|reset|retry|throttl|quota|wait/i;
/** A 429 in prose. */
const TOO_MANY = /\b429\b|too many requests|rate[ -]?limited|limit is (?:reached|exceeded)|exceed(?:s|ed)? the (?:rate )?limit/i;
/** Words just before a header's name (at most two words between) that say it is *not* sent: `without a`, `no`, `does not include a`. */
const NEGATED = /\b(?:no|without|not|never|neither|nor|omits?|lacks?)\b[^\s.;:!?]*(?:\s+[^\s.;:!?]+){0,2}\s*$/i;

const UNIT_WORDS: Record<WaitUnit, string> = {
  'http-date-or-seconds': 'seconds to wait or an HTTP date',
  'delay-seconds': 'seconds to wait',
  'delay-milliseconds': 'milliseconds to wait',
  'epoch-seconds': 'UTC epoch seconds when the window opens',
  'epoch-milliseconds': 'UTC epoch milliseconds when the window opens',
};

/** One place the docs speak of a header: declared on a response, or named in prose. */
interface Mention {
  source: Source;
  /** The text to quote and read the unit from: a declared header's description, or the prose around the name. */
  text: string;
  /** The quote (verbatim, at `source`). */
  quote: string;
  on429: boolean;
  declared: boolean;
  example?: number;
  format?: string;
  why: string;
}

interface HeaderFacts {
  name: string;
  mentions: Mention[];
  /** Prose says a 429 comes without it. */
  negated: Mention | undefined;
}

/** Prose-like texts that may name headers: the rate-limit prose sections and every 429 response's description. */
interface Passage {
  text: string;
  source: Source;
  on429: boolean;
}

function sentenceAt(text: string, index: number): { start: number; end: number } {
  const before = text.slice(0, index);
  const stop = Math.max(before.lastIndexOf('. '), before.lastIndexOf('.\n'), before.lastIndexOf('\n\n'), before.lastIndexOf('\n*'), before.lastIndexOf('\n-'));
  const start = stop === -1 ? 0 : stop + 2;
  const rest = text.slice(index);
  // `[ \t]*`, not `\s*`, before a list marker: `\s*` would rescan a run of blank lines from each of its newlines (quadratic).
  const ends = [rest.search(/\.(\s|$)/), rest.search(/\n\s*\n/), rest.search(/\n[ \t]*[*-]\s/)].filter((i) => i >= 0);
  return { start, end: index + (ends.length ? Math.min(...ends) + 1 : rest.length) };
}

/**
 * The most header names read from one passage: real rate-limit prose names a handful, and each name
 * costs a scan of its sentence, so a passage naming thousands would take quadratic time.
 */
const MAX_NAMED_PER_PASSAGE = 64;

/** Names in a passage that look like response headers: `code` or **bold** tokens with a dash, and bare dashed words that speak of waiting; the first MAX_NAMED_PER_PASSAGE. */
function namedHeaders(text: string): { name: string; index: number; length: number }[] {
  const out: { name: string; index: number; length: number }[] = [];
  for (const m of text.matchAll(/`([^`\s]{1,100})`|\*\*([^*\s]{1,100})\*\*|\b((?:x-)?[a-z0-9]+(?:-[a-z0-9]+)+)\b/gi)) {
    if (out.length >= MAX_NAMED_PER_PASSAGE) break;
    const name = m[1] ?? m[2] ?? m[3]!;
    const bare = m[3] !== undefined;
    if (!name.includes('-') || !/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(name)) continue;
    if (bare && !(WAIT_NAME.test(name) && /ratelimit|rate-limit|retry|reset|wait/i.test(name))) continue;
    out.push({ name, index: m.index, length: m[0].length });
  }
  return out;
}

/** The docs' bound on a wait in `text`, in milliseconds, with where it is; undefined when none. */
function maxWaitIn(text: string): { ms: number; index: number; length: number } | undefined {
  for (const m of text.matchAll(new RegExp(MAX_WAIT.source, 'gi'))) {
    const { start, end } = sentenceAt(text, m.index);
    if (!ABOUT_WAITING.test(text.slice(start, end))) continue;
    const n = Number(m[1]);
    const unit = m[2]!.toLowerCase();
    const ms = /^(ms|milli)/.test(unit) ? n : /^h/.test(unit) ? n * 3_600_000 : /^m/.test(unit) ? n * 60_000 : n * 1000;
    // Whole milliseconds, at least one: a bound under half a millisecond ("at most 0.4 ms") rounds to none, and a slot takes no zero bound.
    const whole = Math.round(ms);
    if (whole >= 1 && whole <= MAX_DOCUMENTED_WAIT_MS) return { ms: whole, index: m.index, length: m[0].length };
  }
  return undefined;
}

/** Whether a header carries a time to wait for, by its name, else (declared on a 429) by its description. */
function carriesWait(name: string, mentions: Mention[]): boolean {
  if (/^retry-after/i.test(name)) return true;
  if (WAIT_NAME.test(name) && !COUNT_NAME.test(name)) return true;
  return mentions.some((m) => m.declared && m.on429 && WAIT_WORDS.test(m.text) && !COUNT_WORDS.test(m.text));
}

/** The unit one mention's words give, with how it was told; undefined when they give none. */
function unitOf(name: string, m: Mention): WaitUnit | undefined {
  // A denial names no unit: "a delay, not a Unix timestamp" says what the value is not.
  const text = m.text.replace(/\b(?:not|never|isn't|rather than|instead of)\b[^.;,()]{0,40}/gi, ' ');
  const millis = MILLIS.test(text) || /(?:^|-)ms$|millis/i.test(name);
  if (/^retry-after$/i.test(name)) return millis && !HTTP_DATE.test(text) ? 'delay-milliseconds' : 'http-date-or-seconds';
  if (EPOCH.test(text)) return millis ? 'epoch-milliseconds' : 'epoch-seconds';
  if (HTTP_DATE.test(text) || m.format === 'date-time') return 'http-date-or-seconds';
  if (m.example !== undefined && m.example > 1e11) return 'epoch-milliseconds';
  if (m.example !== undefined && m.example > 1e9) return 'epoch-seconds';
  if (millis) return 'delay-milliseconds';
  if (SECONDS.test(text)) return 'delay-seconds';
  if (/^retry-after/i.test(name)) return 'http-date-or-seconds';
  return undefined;
}

function exampleOf(schema: SchemaNode | undefined): number | undefined {
  const v = schema?.example;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : undefined;
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

/** Every header the responses declare that may speak of rate limits, and every name the passages give, with where. */
function gatherFacts(ops: Operation[], passages: Passage[]): Map<string, HeaderFacts> {
  const facts = new Map<string, HeaderFacts>();
  const factsOf = (name: string) => {
    const key = name.toLowerCase();
    let f = facts.get(key);
    if (!f) facts.set(key, (f = { name, mentions: [], negated: undefined }));
    return f;
  };
  // Each (header, description, status class) once: a description repeated on a thousand operations is one mention.
  const seen = new Set<string>();
  for (const op of ops) {
    for (const r of op.responses) {
      const on429 = r.status === '429';
      for (const h of r.headers) {
        const text = h.description ?? '';
        const key = `${on429}\u0000${h.name}\u0000${text}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (!on429 && !RATE_HEADER.test(h.name) && !RATE_HEADER.test(text)) continue;
        const f = factsOf(h.name);
        if (f.mentions.length >= 8) continue;
        const example = exampleOf(h.schema);
        f.mentions.push({
          source: r.source,
          text,
          quote: text ? excerpt(text) : h.name,
          on429,
          declared: true,
          ...(example !== undefined ? { example } : {}),
          ...(h.schema?.format ? { format: h.schema.format } : {}),
          why: `${op.id}'s ${r.status} response declares the header ${h.name}`,
        });
      }
    }
  }
  for (const p of passages) {
    const named = namedHeaders(p.text);
    named.forEach((n, i) => {
      const f = factsOf(n.name);
      const sentence = sentenceAt(p.text, n.index);
      const inSentence = named.filter((o) => o.index >= sentence.start && o.index < sentence.end);
      let text: string;
      if (inSentence.length === 1) {
        // The sentence is about this header alone; so is the next one when it names no header ("… expire. The value is given in Unix epoch time.").
        const after = sentence.end < p.text.length ? sentenceAt(p.text, Math.min(p.text.length - 1, sentence.end + 1)) : undefined;
        const nextAlone = after && after.start >= sentence.end - 1 && !named.some((o) => o.index >= after.start && o.index < after.end);
        text = p.text.slice(sentence.start, nextAlone ? after.end : sentence.end);
      } else {
        // Several headers in one sentence: the words from this one's name to the next name are about it.
        const next = named[i + 1];
        text = p.text.slice(n.index, next && next.index < sentence.end ? next.index : sentence.end);
      }
      const mention: Mention = {
        source: p.source,
        text,
        quote: excerpt(p.text, { index: n.index, length: n.length }),
        on429: p.on429 || TOO_MANY.test(p.text.slice(sentence.start, sentence.end)),
        declared: false,
        why: `the docs name the header ${n.name}`,
      };
      if (NEGATED.test(p.text.slice(sentence.start, n.index))) f.negated ??= mention;
      else if (f.mentions.length < 8) f.mentions.push(mention);
    });
  }
  return facts;
}

/**
 * The docs' reading of a 429 for the retry template: the headers that carry the wait, best first (a
 * header the docs place on the 429 before one they place elsewhere; an explicit delay such as
 * `Retry-After` before a reset time), each in its documented unit, at most four; the longest wait
 * the docs document (ms, or null); what they name that the runtime cannot honour (`unread`); and the
 * evidence, quoted verbatim. `streamOps` (the plan's operations) are read first and cited first.
 * Undefined when the docs say nothing of rate limits at all (no 429, no rate-limit header, no
 * rate-limit prose). Never throws.
 */
export function readRateLimit(model: ApiModel, streamOps: Operation[]): RateLimitPlan | undefined {
  const ops = [...streamOps, ...model.operations.filter((op) => !streamOps.includes(op))];
  const prose = model.prose.filter((p) => p.topics.includes('rate_limit'));
  const responses429: { op: Operation; r: Response }[] = ops.flatMap((op) => op.responses.filter((r) => r.status === '429').map((r) => ({ op, r })));
  const told429 = new Set<string>();
  const passages: Passage[] = [
    ...prose.map((p: Prose) => ({ text: p.text, source: p.source, on429: false })),
    // A 429's description is its own words on the matter ("No Retry-After header; see X-Rate-Limit-Reset").
    ...responses429
      .filter(({ r }) => r.description && !told429.has(r.description) && told429.add(r.description))
      .slice(0, 20)
      .map(({ r }) => ({ text: r.description!, source: r.source, on429: true })),
  ];
  const facts = gatherFacts(ops, passages);
  if (!responses429.length && !prose.length && ![...facts.values()].some((f) => f.mentions.some((m) => m.declared))) return undefined;

  const evidence: Evidence[] = [];
  const unread: string[] = [];
  const waits: (WaitHeader & { on429: boolean; explicit: boolean; order: number; confidence: number; evidence: Evidence[] })[] = [];
  let order = 0;
  for (const f of facts.values()) {
    order++;
    // Declared on a 429, a header is sent there whatever the prose says; named only in prose as absent, it is not.
    if (f.negated && !f.mentions.some((m) => m.declared && m.on429)) continue;
    if (!f.mentions.length || !carriesWait(f.name, f.mentions)) continue;
    const token = HeaderToken.safeParse(f.name.toLowerCase());
    if (!token.success) {
      unread.push(`${f.name.slice(0, 80)}: not an HTTP header name`);
      continue;
    }
    // The header's own description first, then the prose about it, then its example.
    const ranked = [...f.mentions.filter((m) => m.declared && m.on429), ...f.mentions.filter((m) => m.declared && !m.on429), ...f.mentions.filter((m) => !m.declared)];
    let told: { unit: WaitUnit; m: Mention } | undefined;
    for (const m of ranked) {
      const unit = unitOf(f.name, m);
      if (unit) {
        told = { unit, m };
        break;
      }
    }
    if (!told) {
      unread.push(`${f.name}: the docs do not say in which unit`);
      continue;
    }
    const on429 = f.mentions.some((m) => m.on429);
    const explicit = /^retry-after/i.test(f.name) || told.unit.startsWith('delay') || told.unit === 'http-date-or-seconds';
    const confidence = told.m.declared && told.m.text ? 0.9 : told.m.declared ? 0.6 : 0.8;
    const first = ranked[0]!;
    const cited = [quoted(first.source, first.quote, `${first.why}, which says when a 429 may be retried`)];
    if (told.m !== first) cited.push(quoted(told.m.source, told.m.quote, `its unit: ${UNIT_WORDS[told.unit]}`));
    else cited.push(reasoned(told.m.source, `read as ${UNIT_WORDS[told.unit]}${told.m.text ? '' : ` (from the documented example ${told.m.example ?? ''})`}`));
    waits.push({ header: token.data, unit: told.unit, on429, explicit, order, confidence, evidence: cited });
  }
  waits.sort((a, b) => Number(b.on429) - Number(a.on429) || Number(b.explicit) - Number(a.explicit) || a.order - b.order);
  const kept = waits.slice(0, 4);
  for (const w of kept) evidence.push(...w.evidence);

  // The documented maximum: in a wait header's own words, a 429's, or the rate-limit prose.
  let max: { ms: number; evidence: Evidence } | undefined;
  const waitNames = new Set(kept.map((w) => w.header));
  const boundTexts: { text: string; source: Source }[] = [
    ...[...facts.entries()].filter(([key]) => waitNames.has(key)).flatMap(([, f]) => f.mentions.filter((m) => m.declared && m.text).map((m) => ({ text: m.text, source: m.source }))),
    ...passages,
  ];
  for (const t of boundTexts) {
    const found = maxWaitIn(t.text);
    if (!found) continue;
    max = { ms: found.ms, evidence: quoted(t.source, excerpt(t.text, { index: found.index, length: found.length }), `the docs bound the wait: at most ${found.ms} ms`) };
    break;
  }

  if (!kept.length) {
    const said = responses429.length ? `${responses429.length === 1 ? 'a 429 response' : `${responses429.length} 429 responses`}` : 'rate limits';
    evidence.push(reasoned(responses429[0]?.r.source ?? prose[0]?.source ?? ops[0]?.source ?? { file: model.documents[0]?.file ?? '', pointer: '' }, `the docs document ${said} but name no header, in a unit the runtime reads, that says when to retry: the retry template's generic reading applies (Retry-After if sent, else exponential backoff)`));
  }
  if (max) evidence.push(max.evidence);
  const confidence = kept.length ? Math.min(...kept.map((w) => w.confidence)) : 0.3;
  return {
    waits: kept.map(({ header, unit }) => ({ header, unit })),
    max_wait_ms: max?.ms ?? null,
    unread: unread.slice(0, 10),
    evidence: evidence.slice(0, 10),
    confidence,
  };
}
