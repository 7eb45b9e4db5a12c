import type { ApiModel, Operation } from '../../agent/ingest/api-model.ts';

/**
 * The mock's own reading of what the docs say a 429 carries — written apart from the planner's
 * (agent/plan/rate-limit.ts), so a misreading on either side shows up in the proof. For one
 * operation: the headers its 429 declares (else the rate-limit headers its success responses declare,
 * which real APIs send on every response), plus a header the docs' prose says a 429 carries
 * (`Retry-After`, unless the prose says the 429 comes without it); each with the form its words give
 * — seconds or milliseconds to wait, UTC epoch seconds or milliseconds, an HTTP date — and the
 * longest wait the docs allow. With nothing named, the 429 carries `Retry-After` in seconds
 * (RFC 9110 §10.2.3), as today.
 */

/** How the mock writes a header on its 429. */
export type HeaderForm = 'delay-s' | 'delay-ms' | 'epoch-s' | 'epoch-ms' | 'http-date' | 'remaining' | 'limit' | 'unknown';
// `remaining` and `limit` are the counts a 429 carries beside the wait (`0`, and a budget).

export interface MockRateLimit {
  headers: { name: string; form: HeaderForm }[];
  /** The longest wait the docs allow, in ms; null when they give none. */
  maxWaitMs: number | null;
}

/** Prose passages (text) about rate limits: the docs' rate-limit sections and every 429's description. */
function passagesOf(model: ApiModel): string[] {
  const texts = model.prose.filter((p) => p.topics.includes('rate_limit')).map((p) => p.text);
  const seen = new Set<string>();
  for (const op of model.operations) {
    for (const r of op.responses) {
      if (r.status === '429' && r.description && !seen.has(r.description) && seen.size < 20) seen.add(r.description);
    }
  }
  return [...texts, ...seen];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What the prose says of one header: the words from each place it is named up to the next header
 * named, a blank line, or 240 characters; and whether the prose says a 429 comes without it.
 */
function proseAbout(passages: string[], name: string): { words: string; absent: boolean } {
  let words = '';
  let absent = false;
  const at = new RegExp(`(^|[^A-Za-z0-9-])${escapeRegExp(name)}(?![A-Za-z0-9-])`, 'gi');
  for (const text of passages) {
    for (const m of text.matchAll(at)) {
      const start = m.index + m[1]!.length;
      const lead = text.slice(Math.max(0, start - 60), start);
      // The clause before the name, its last 30 characters: "comes without a `…`", "does not include a `…`".
      const clauseLead = (lead.split(/[.,;:!?\n]/).pop() ?? '').slice(-30);
      if (/\b(without|no|not|never|omits?)\b/i.test(clauseLead)) {
        absent = true;
        continue;
      }
      let tail = text.slice(start + name.length, start + name.length + 240);
      // Stop where another header is named: its words are its own.
      const other = /[`*]\s*[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9-]+|\n\s*\n/.exec(tail);
      if (other && other.index > 0) tail = tail.slice(0, other.index);
      words += ` ${tail}`;
    }
  }
  return { words, absent };
}

/** Whether a header says when to retry: by its name, or (declared on a 429) by its own words. */
function saysWhen(name: string, description: string | undefined): boolean {
  if (/retry|reset|after|wait|until|resume|opens?$/i.test(name) && !/(remaining|limit|used|count|quota|policy)$/i.test(name)) return true;
  return !!description && /\b(retry|retrying|try again|wait|until|resets?)\b/i.test(description) && !/\b(number of requests|requests? (remaining|left|allowed|per)|remaining requests)\b/i.test(description);
}

/** The form a header's words give; `unknown` for a wait whose words name no unit. */
function formOf(name: string, said: string, example: unknown, format: string | undefined, wait = true): HeaderForm {
  const lower = name.toLowerCase();
  // The mock's own reading of a denial: the sentence part after "not" (up to its next comma) tells what the value is not.
  const words = said
    .split(/(?<=[.;,])/)
    .map((part) => part.replace(/\b(?:not|never)\s.*$/i, ''))
    .join(' ');
  if (!wait) return /remaining/.test(lower) ? 'remaining' : 'limit';
  const milli = /milli|\bms\b|msec/i.test(words) || /-ms$/.test(lower);
  if (lower === 'retry-after') return /http[- ]?date|\bgmt\b|rfc ?1123|imf-fixdate/i.test(words) ? 'http-date' : milli ? 'delay-ms' : 'delay-s';
  if (/\b(epoch|unix|posix|timestamp)\b|since (the )?(epoch|1970)/i.test(words)) return milli ? 'epoch-ms' : 'epoch-s';
  if (/http[- ]?date|\bgmt\b|rfc ?(1123|7231|9110)|imf-fixdate|iso ?8601/i.test(words) || format === 'date-time') return 'http-date';
  if (typeof example === 'number' && example > 1e11) return 'epoch-ms';
  if (typeof example === 'number' && example > 1e9) return 'epoch-s';
  if (milli) return 'delay-ms';
  if (/\bsec(ond)?s?\b/i.test(words)) return 'delay-s';
  return 'unknown';
}

/** A wait bound in the docs' words (`never exceeds 60 seconds`, `at most 2 minutes`), in ms. */
function maxWaitOf(texts: string[]): number | null {
  const bound = /\b(?:at most|up to|(?:no|not|never)(?: \w+){0,2}? (?:more|longer) than|never exceeds?|does not exceed|will not exceed|won't exceed|cannot exceed|maximum(?: of| is)?|max(?:imum)? (?:wait|delay|value)(?: is| of)?)\s*:?\s*(\d+(?:\.\d+)?)\s*(milli-?seconds?|ms|seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h)\b/gi;
  for (const text of texts) {
    for (const m of text.matchAll(bound)) {
      // Only a bound in a sentence about waiting: "up to 60 seconds" of a window's length is not one.
      const sentence = text.slice(Math.max(0, text.lastIndexOf('.', m.index) + 1), text.indexOf('.', m.index + m[0].length) + 1 || undefined);
      if (!/wait|retry|retries|reset|back ?off|delay/i.test(sentence)) continue;
      const n = Number(m[1]);
      const unit = m[2]!.toLowerCase();
      const ms = unit.startsWith('ms') || unit.startsWith('milli') ? n : unit.startsWith('h') ? n * 3_600_000 : unit.startsWith('m') ? n * 60_000 : n * 1000;
      if (ms > 0 && ms <= 86_400_000) return Math.round(ms);
    }
  }
  return null;
}

/** A response header's name on the wire: a token of letters, digits and dashes. */
const WIRE_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,99}$/;

/** The mock's reading of what `op`'s 429 carries, as the docs say. */
export function readRateLimit(model: ApiModel, op: Operation): MockRateLimit {
  const passages = passagesOf(model);
  const on429 = op.responses.find((r) => r.status === '429')?.headers ?? [];
  const declared = on429.length ? on429 : op.responses.filter((r) => /^2/.test(r.status)).flatMap((r) => r.headers).filter((h) => /rate|limit|reset|retry|throttl|quota|wait/i.test(h.name));
  const headers: MockRateLimit['headers'] = [];
  const named = new Set<string>();
  const descriptions: string[] = [];
  for (const h of declared) {
    const lower = h.name.toLowerCase();
    if (named.has(lower) || !WIRE_NAME.test(h.name)) continue;
    named.add(lower);
    const prose = proseAbout(passages, h.name);
    if (h.description) descriptions.push(h.description);
    headers.push({ name: lower, form: formOf(h.name, `${h.description ?? ''} ${prose.words}`, h.schema?.example, h.schema?.format, saysWhen(h.name, on429.length ? h.description : undefined)) });
  }
  // A header named only in the prose as what a 429 carries (`X-Quota-Resets-At`), with its words.
  for (const text of passages) {
    for (const m of text.matchAll(/`([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+)`|\*\*([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+)\*\*/g)) {
      const name = m[1] ?? m[2]!;
      const lower = name.toLowerCase();
      if (named.has(lower) || lower === 'retry-after' || !saysWhen(name, undefined) || headers.length >= 6) continue;
      const prose = proseAbout(passages, name);
      if (prose.absent) continue;
      named.add(lower);
      headers.push({ name: lower, form: formOf(name, prose.words, undefined, undefined) });
    }
  }
  // Retry-After, when the prose says a 429 carries it (and nothing declares it), or says nothing of it and names no other wait.
  if (!named.has('retry-after')) {
    const prose = proseAbout(passages, 'Retry-After');
    const waits = headers.some((h) => h.form !== 'remaining' && h.form !== 'limit' && h.form !== 'unknown');
    if ((prose.words && !prose.absent) || (!waits && !prose.absent)) headers.unshift({ name: 'retry-after', form: formOf('Retry-After', prose.words, undefined, undefined) });
  }
  return { headers, maxWaitMs: maxWaitOf([...descriptions, ...passages]) };
}

/** Whether a connector's retry time can be judged: every header that says when to retry is in a known form. */
export function judgeable(reading: MockRateLimit): boolean {
  return reading.headers.some((h) => h.form !== 'remaining' && h.form !== 'limit') && !reading.headers.some((h) => h.form === 'unknown');
}

/**
 * The 429's header values for a window that opens at `opensAt` (epoch ms, a whole second), seen at
 * `now` (epoch ms). Delays are rounded up, so no header says the window opens before it does.
 */
export function rateLimitValues(reading: MockRateLimit, opensAt: number, now: number): Record<string, string> {
  const left = Math.max(0, opensAt - now);
  const out: Record<string, string> = {};
  for (const h of reading.headers) {
    out[h.name] =
      h.form === 'delay-s' ? String(Math.ceil(left / 1000))
      : h.form === 'delay-ms' ? String(Math.ceil(left))
      : h.form === 'epoch-s' ? String(Math.ceil(opensAt / 1000))
      : h.form === 'epoch-ms' ? String(opensAt)
      : h.form === 'http-date' ? new Date(opensAt).toUTCString()
      : h.form === 'remaining' ? '0'
      : h.form === 'limit' ? '600'
      : String(Math.ceil(left / 1000));
  }
  return out;
}
