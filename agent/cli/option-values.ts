import { InvalidArgumentError } from 'commander';

/**
 * Parsers for option and argument values, in commander's `argParser` form: each returns the parsed
 * value or throws `InvalidArgumentError` with a sentence saying what the value must be. The CLI
 * reports it as `error[usage]: option '--port <n>' argument 'abc' is invalid. <sentence>` (exit 2).
 */

/** A whole number in [min, max], written in decimal digits only (no `1e3`, `0x10`, `  5`). */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`It takes a whole number from ${min} to ${max}.`);
    return n;
  };
}

/** A vendor's short name: lower-case letters, digits and dashes, starting with a letter or digit (it names a folder and a branch). */
export function vendorName(value: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(value)) throw new InvalidArgumentError('A vendor name is 1–64 lower-case letters, digits and dashes, starting with a letter or digit (e.g. okta, google-workspace).');
  return value;
}

/** `owner/repo` as GitHub spells repositories. */
export function ownerRepo(value: string): string {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(value)) throw new InvalidArgumentError('It takes the GitHub repository as owner/repo, e.g. acme/connectors.');
  return value;
}

/** A git remote's name (`origin`). */
export function remoteName(value: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(value) || value.startsWith('-')) throw new InvalidArgumentError('It takes the name of a git remote, e.g. origin.');
  return value;
}

/** An http(s) URL (the GitHub API base for GitHub Enterprise Server). */
export function httpUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new InvalidArgumentError('It takes an http(s) URL, e.g. https://github.example.com/api/v3.');
  return value;
}

/**
 * Text that is not empty and does not look like an option (a name, a path): `--out --json` is a
 * forgotten value, not a file named `--json` (write `./--json` for that).
 */
export function nonEmpty(value: string): string {
  if (!value.trim()) throw new InvalidArgumentError('It cannot be empty.');
  if (value.startsWith('-')) throw new InvalidArgumentError(`It looks like an option, not a value: was the value forgotten? (For a file whose name starts with "-", write ./${value}.)`);
  return value;
}

/**
 * A path to local docs. A URL is refused with what to do instead: fetchwright reads a file or a
 * folder and never fetches docs itself (yet).
 */
export function docsPath(value: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new InvalidArgumentError('a URL: docs are read from a local file or folder (URLs are not supported yet). Download it first: curl -fLo api.yaml <URL>');
  }
  return nonEmpty(value);
}

/**
 * Docs as a local path or an `http(s)://` URL of a web reference (issue 14: rendered and crawled in
 * the browser). A URL with a user or password is refused (fetchwright never sends credentials to
 * docs), as is any other scheme.
 */
/** Query parameters that carry a credential (a token, a key, a signature): never part of a docs URL. */
const CREDENTIAL_QUERY = /^(access_?token|token|id_?token|api_?key|apikey|key|secret|client_?secret|password|passwd|pwd|sig|signature|auth|authorization|session|x-amz-[a-z-]+)$/i;

export function docsPathOrUrl(value: string): string {
  // A URL with blanks around it is still a URL: never taken for a path (whose error would echo it whole).
  const trimmed = value.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new InvalidArgumentError('not a URL fetchwright can read: give an http:// or https:// URL of the reference, or a file or folder');
    }
    if (url.username || url.password) throw new InvalidArgumentError('the docs URL carries a user or password: fetchwright never sends credentials to docs; give the public URL of the reference, or download the pages and give their folder');
    // A credential in the query (`?access_token=…`, a signed URL): docs are public pages, and the URL is written to the state and the audit log.
    const secret = [...url.searchParams.keys()].find((k) => CREDENTIAL_QUERY.test(k));
    if (secret) throw new InvalidArgumentError(`the docs URL carries a credential in its query (${secret}=…): fetchwright never sends credentials to docs; give the public URL of the reference, or download the pages and give their folder`);
    return trimmed;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) throw new InvalidArgumentError('a URL fetchwright does not read: docs are a local file or folder, or an http:// or https:// URL of a web reference');
  return nonEmpty(value);
}

/** A repeatable option: each value parsed by `parse` and collected in order. */
export function collect(parse: (value: string) => string): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}
