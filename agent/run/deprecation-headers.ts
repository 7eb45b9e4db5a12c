/**
 * What a response says of its own retirement: `Sunset` (RFC 8594: an HTTP-date after which the
 * resource may stop answering), `Deprecation` (RFC 9745: a structured-field date `@<epoch
 * seconds>`; the drafts before it used `true` or an HTTP-date), and `Link` entries with
 * `rel="sunset"` or `rel="deprecation"` (both RFCs) pointing at a human-readable notice.
 * Header values are untrusted: the text kept is bounded and stripped of control characters. A
 * server may reflect the credential in them: the observer (observe-responses.ts) writes a value or
 * link holding any form of a secret of the run as `REDACTED`.
 */

export interface RetirementNotice {
  /** RFC 3339 when the value is a date, else the value as sent (bounded); null when the header was absent. */
  sunset: string | null;
  /** RFC 3339 when the value is a date, `true` when it says only that, else the value as sent (bounded); null when absent. */
  deprecation: string | null;
  links: { rel: 'sunset' | 'deprecation'; url: string }[];
}

const MAX_TEXT = 200;
const MAX_LINKS = 5;

/** Printable text only, at most `max` characters. */
function clean(text: string, max = MAX_TEXT): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, max);
}

/** An HTTP-date (RFC 9110 §5.6.7) as RFC 3339, or undefined. */
function httpDate(text: string): string | undefined {
  if (!/^[A-Za-z]{3},\s/.test(text) && !/GMT$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** `Sunset`: an HTTP-date (RFC 8594 §3). */
export function parseSunset(value: string): string {
  return httpDate(value.trim()) ?? clean(value);
}

/** `Deprecation`: `@<epoch seconds>` (RFC 9745 §2.1), or the drafts' `true` / HTTP-date. */
export function parseDeprecation(value: string): string {
  const v = value.trim();
  const epoch = /^@(-?\d{1,15})$/.exec(v);
  if (epoch) {
    const ms = Number(epoch[1]) * 1000;
    const d = new Date(ms);
    if (Number.isFinite(d.getTime())) return d.toISOString();
  }
  if (/^(\?1|true)$/i.test(v)) return 'true';
  return httpDate(v) ?? clean(v);
}

/** The `Link` entries (RFC 8288) whose relation types include `sunset` or `deprecation`. */
export function retirementLinks(value: string): RetirementNotice['links'] {
  const out: RetirementNotice['links'] = [];
  for (const m of value.matchAll(/<([^>]*)>((?:\s*;\s*[^;,<]*)*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2] ?? '');
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    for (const r of ['sunset', 'deprecation'] as const) {
      if (rels.includes(r) && out.length < MAX_LINKS) out.push({ rel: r, url: clean(m[1] ?? '', 500) });
    }
  }
  return out;
}

/** What a response's headers say of retirement, or undefined when they say nothing. */
export function retirementNotice(headers: Headers): RetirementNotice | undefined {
  const sunset = headers.get('sunset');
  const deprecation = headers.get('deprecation');
  const link = headers.get('link');
  const links = link ? retirementLinks(link) : [];
  if (sunset === null && deprecation === null && !links.length) return undefined;
  return { sunset: sunset === null ? null : parseSunset(sunset), deprecation: deprecation === null ? null : parseDeprecation(deprecation), links };
}
