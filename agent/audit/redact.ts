/**
 * Secrets never appear in the audit log, a change record, a PR body or an error. The redactor knows
 * the secret values this process holds (tokens and keys in its environment, the signing key) and
 * the shapes of well-known tokens, and replaces both with [REDACTED].
 */

const SECRET_ENV = /TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE|CREDENTIAL|SIGNING_KEY|(^|_)PAT($|_)|ACCESS_?KEY/i;
/** A variable whose name says it holds a key file's path (`FETCHWRIGHT_SIGNING_KEY=~/keys/k.pem`): its value is a path, not the secret. */
const PATH_ENV = /(_FILE|_PATH|_DIR|SIGNING_KEY)$/i;
/** A URL with a password in it (`postgres://admin:pw@db`): the password is a secret, whatever the variable is called. */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^/\s@]{8,})@/i;
const TOKEN_SHAPES = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  /\bsk_(?:live|test)_[A-Za-z0-9]{10,}\b/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  // A URL's user and password, whatever its scheme (`redis://:pw@queue`, `postgres://admin:pw@db`).
  // (The scheme is bounded and starts a word: an unbounded one is quadratic on a long run of letters.)
  /\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^/\s:@]*:[^/\s@]+@/gi,
];

/**
 * A command-line argument with a URL's user information blanked up to its last `@`
 * (`--queue=redis://:pa/ss@host/0` → `--queue=redis://[REDACTED]@host/0`): an argument is one value,
 * so a password holding `/` or `@`, which no URL pattern can bound, is still cut out whole.
 */
export function argumentRedacted(arg: string): string {
  return arg.replace(/\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s]*@/gi, '$1[REDACTED]@');
}

export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: string[]) {
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets = [...new Set(secrets.filter((s) => s.length >= 8))].sort((a, b) => b.length - a.length);
  }

  with(more: string[]): Redactor {
    return new Redactor([...this.secrets, ...more]);
  }

  text(input: string): string {
    let out = input;
    for (const s of this.secrets) out = out.split(s).join('[REDACTED]');
    for (const shape of TOKEN_SHAPES) out = out.replace(shape, (m, scheme: unknown) => (typeof scheme === 'string' && m.startsWith(scheme) ? `${scheme}[REDACTED]@` : '[REDACTED]'));
    return out;
  }

  /**
   * A JSON value with every string redacted (keys included), one string at a time: a pattern never
   * spans two strings or the JSON between them, and a replacement never splits an escape sequence.
   */
  value<T>(input: T): T {
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.text(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.text(k), walk(x)]));
      return v;
    };
    return walk(JSON.parse(JSON.stringify(input))) as T;
  }
}

/**
 * The secret values of an environment: every value of 8 characters or more whose variable's name says
 * it is one (TOKEN, SECRET, PASSWORD, API_KEY, a PAT, an ACCESS_KEY…) — a value that starts
 * like a path is skipped only when the name also says it is a file's path (a key file) — and the
 * password of any URL with one (`DATABASE_URL=postgres://admin:…@db`).
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'string') continue;
    const password = URL_PASSWORD.exec(value)?.[1];
    if (password) out.push(password);
    if (!SECRET_ENV.test(name) || value.length < 8) continue;
    if (/^(\/|\.\/|~)/.test(value) && PATH_ENV.test(name)) continue;
    out.push(value);
  }
  return out;
}

export function redactorFromEnv(env: NodeJS.ProcessEnv = process.env): Redactor {
  return new Redactor(secretsFromEnv(env));
}
