import { describe, expect, it } from 'vitest';
import { REDACTED } from './call-log.ts';
import { anchorSource, base64Forms, patternSource, SecretScrubber } from './secret-scrubber.ts';

const SECRET = 'FwLive/AbC+dEf=GhIjKl Mn~Op!0123';

describe('SecretScrubber', () => {
  it.each([
    ['verbatim', SECRET],
    ['encodeURIComponent', encodeURIComponent(SECRET)],
    ['encodeURI (leaves / + = as they are)', encodeURI(SECRET)],
    ['form-urlencoded (space as +, ~ and ! escaped)', new URLSearchParams({ k: SECRET }).toString().slice(2)],
    ['lower-case percent escapes', encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
    ['every character percent-encoded', [...Buffer.from(SECRET)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')],
    ['encoded twice', encodeURIComponent(encodeURIComponent(SECRET))],
    ['a JSON string with \\/ and \\u escapes', JSON.stringify(SECRET).slice(1, -1).replace(/\//g, '\\/').replace(/\+/g, '\\u002B').replace(/=/g, '\\u003d')],
    ['HTML character references', SECRET.replace(/\//g, '&#x2F;').replace(/\+/g, '&#43;').replace(/ /g, '&#32;')],
    ['HTML named entities', SECRET.replace(/\//g, '&sol;').replace(/\+/g, '&plus;').replace(/=/g, '&equals;')],
    ['a JSON string with only \\/ escapes', SECRET.replace(/\//g, '\\/')],
    ['base64', Buffer.from(SECRET).toString('base64')],
    ['base64 without padding', Buffer.from(SECRET).toString('base64').replace(/=+$/, '')],
    ['base64url', Buffer.from(SECRET).toString('base64url')],
    ['base64 padding percent-encoded', encodeURIComponent(Buffer.from(SECRET).toString('base64'))],
    ['a JSON string with every letter and digit \\u-escaped', [...SECRET].map((c) => (/[A-Za-z0-9]/.test(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('')],
    ['a JSON string with a few letters \\u-escaped', SECRET.replace('A', '\\u0041').replace('K', '\\u004b')],
    ['HTML decimal references of letters', SECRET.replace(/[A-Za-z]/g, (c) => `&#${c.charCodeAt(0)};`)],
    ['hex of its bytes', Buffer.from(SECRET).toString('hex')],
    ['hex of its bytes, upper case', Buffer.from(SECRET).toString('hex').toUpperCase()],
  ])('replaces the secret written %s', (_, form) => {
    const s = new SecretScrubber([SECRET]);
    expect(s.scrub(`before ${form} after`)).toBe('before REDACTED after');
  });

  it.each([0, 1, 2, 3, 4])('finds the secret base64-encoded inside a larger value (%i bytes before it)', (before) => {
    const s = new SecretScrubber([SECRET]);
    for (const alphabet of ['base64', 'base64url'] as const) {
      const blob = Buffer.from(`${'x'.repeat(before)}${SECRET}{"after":1}`).toString(alphabet);
      const out = s.scrub(blob);
      expect(out).toContain('REDACTED');
      // What is left cannot be decoded back to the secret, or to most of it.
      expect(Buffer.from(out.replace('REDACTED', ''), alphabet).toString('latin1')).not.toContain(SECRET.slice(0, 8));
    }
  });

  it('replaces a longer secret whole before a shorter one inside it', () => {
    const s = new SecretScrubber(['tok_12345678', 'Bearer tok_12345678']);
    expect(s.scrub('auth=Bearer%20tok_12345678; t=tok_12345678')).toBe('auth=REDACTED; t=REDACTED');
  });

  it('handles Unicode secrets, their UTF-8 escapes and JSON surrogate pairs', () => {
    const secret = 'pässwörd-🔑-0123';
    const s = new SecretScrubber([secret]);
    expect(s.scrub(encodeURIComponent(secret))).toBe('REDACTED');
    expect(s.scrub('p\\u00e4ssw\\u00F6rd-\\ud83d\\udd11-0123')).toBe('REDACTED');
  });

  it('leaves text without the secret byte for byte, escapes and all', () => {
    const s = new SecretScrubber([SECRET]);
    const text = `{"next":"https://api.test/?a=%2F&b=c+d&e=\\u00e9","html":"&amp;&#x2F;","near":"${SECRET.slice(0, -1)}"}`;
    expect(s.scrub(text)).toBe(text);
  });

  it('matches header names ignoring case, bodies not', () => {
    const s = new SecretScrubber([SECRET]);
    expect(s.scrubName(`x-${encodeURIComponent(SECRET).toLowerCase()}`)).toBe('x-REDACTED');
    expect(s.scrub(SECRET.toUpperCase())).toBe(SECRET.toUpperCase());
  });

  it('is linear: a body of near misses is scanned quickly', () => {
    const s = new SecretScrubber([SECRET, `Bearer ${SECRET}`]);
    for (const near of [SECRET.slice(0, -1), encodeURIComponent(SECRET).slice(0, -1), '%25'.repeat(20)]) {
      const body = near.repeat(Math.ceil((4 * 1024 * 1024) / near.length));
      const started = performance.now();
      expect(s.scrub(body)).toBe(body);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });

  it('skips a pattern only where it has no match: the same result as running every pattern, on texts with and without escapes', () => {
    const secrets = ['Bearer tok_live 8c9d/+=', 'tok_live 8c9d/+=', 'pässwörd-🔑', 'k3y/with=signs+in/it'];
    const s = new SecretScrubber(secrets);
    // The reference: every pattern, always, longest secret first (what scrub did before it looked for anchors first).
    const longestFirst = [...secrets].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    const reference = (flags: string) => longestFirst.map((secret) => new RegExp(patternSource(secret), flags));
    const [body, names] = [reference('g'), reference('gi')];
    const full = (text: string, patterns: RegExp[]) => patterns.reduce((out, re) => out.replace(re, REDACTED), text);
    const pieces = secrets.flatMap((secret) => {
      const hex = Buffer.from(secret).toString('hex');
      // Each kind of escape on its own, as the only escape in the secret.
      const escaped = [encodeURIComponent(secret), secret.replaceAll('/', '\\/'), secret.replace('t', '\\u0074'), secret.replace('t', '&#116;'), secret.replaceAll('/', '&sol;'), secret.replaceAll('=', '&equals;')];
      return [secret, secret.replaceAll(' ', '+'), secret.toUpperCase(), hex, hex.toUpperCase(), hex.slice(0, -2), ...base64Forms(secret), Buffer.from(`xy${secret}z`).toString('base64'), secret.slice(1), secret.slice(0, -1), ...escaped];
    });
    const noise = ['a', ' ', '+', '"', '\\', '/', '%', '%2F', '\\u0041', '\\/', '&#x2F;', '&amp;', '&', '0', 'é', ',', ':'];
    let seed = 7;
    const pick = <T,>(list: T[]): T => list[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % list.length]!;
    let redactedWithoutEscapes = 0;
    for (let i = 0; i < 2_000; i++) {
      let text = '';
      for (let n = 0; n < 6; n++) text += pick([pick(pieces), pick(noise), pick(noise) + pick(noise), 'plain text 2024-01-02T03:04:05+02:00']);
      const scrubbed = s.scrub(text);
      expect(scrubbed, text).toBe(full(text, body));
      expect(s.scrubName(text), text).toBe(full(text, names));
      if (scrubbed !== text && !/%|\\|&/.test(text)) redactedWithoutEscapes++;
    }
    // Both paths were taken: texts whose secrets were found through their anchors, and texts with escapes.
    expect(redactedWithoutEscapes).toBeGreaterThan(100);
  });

  it('an anchor holds each form without its spaces, and the hex of the bytes', () => {
    const source = anchorSource('ab cdefg');
    expect(new RegExp(source).test('xx cdefg')).toBe(true);
    expect(new RegExp(source).test('6162206364656667'.toUpperCase())).toBe(true);
    expect(new RegExp(source).test('ab cdef')).toBe(false);
  });

  it('with no secret, changes nothing', () => {
    expect(new SecretScrubber().scrub('REDACTED? no: %2F')).toBe('REDACTED? no: %2F');
  });
});

describe('base64Forms', () => {
  it('keeps only runs long enough not to occur by chance', () => {
    expect(base64Forms('abcd').every((f) => f === 'YWJjZA==' || f === 'YWJjZA' || f.length >= 8)).toBe(true);
  });
});
