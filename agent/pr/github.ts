import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { FetchwrightError } from '../errors.ts';

/**
 * The one edge of the `pr` stage that talks to GitHub: it opens a *draft* pull request, labels it
 * and asks for reviewers. It has no way to merge, approve or change a branch.
 *
 * The token goes to Octokit's `auth` and nowhere else: every error that leaves this file is
 * rebuilt from the HTTP status and GitHub's message, with the token replaced by [REDACTED].
 */

export interface Reviewers {
  users: string[];
  /** Team slugs (`@org/platform` → `platform`). */
  teams: string[];
}

export interface DraftPullRequest {
  owner: string;
  repo: string;
  token: string;
  /** The pushed branch (`branch`, or `user:branch` from a fork). */
  head: string;
  /** The branch the PR targets, usually the default branch. */
  base: string;
  title: string;
  body: string;
  labels: string[];
  reviewers: Reviewers;
  /** GitHub Enterprise Server: `https://github.example.com/api/v3`. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

export interface OpenedPullRequest {
  number: number;
  url: string;
  /** What was not done (a label or reviewer GitHub refused); the PR itself is open. */
  warnings: string[];
}

const REDACTED = '[REDACTED]';
const QUIET = { debug() {}, info() {}, warn() {}, error() {} };

export async function openDraftPullRequest(req: DraftPullRequest): Promise<OpenedPullRequest> {
  const { owner, repo, token } = req;
  if (!token.trim()) throw new FetchwrightError('usage', 'a GitHub token is needed to open a pull request', { hint: 'Set GITHUB_TOKEN to a token that can create pull requests in the repository.' });
  for (const [name, value] of [['owner', owner], ['repo', repo], ['head', req.head], ['base', req.base], ['title', req.title]] as const) {
    if (!value.trim()) throw new FetchwrightError('usage', `the pull request needs a ${name}`);
  }
  if (req.head === req.base) throw new FetchwrightError('usage', `the pull request's head and base are both ${req.base}`, { hint: 'Push the connector to a new branch first.' });

  const octokit = new Octokit({
    auth: token,
    userAgent: 'fetchwright',
    log: QUIET,
    ...(req.baseUrl ? { baseUrl: req.baseUrl.replace(/\/+$/, '') } : {}),
    ...(req.fetch ? { request: { fetch: req.fetch } } : {}),
  });
  const slug = `${owner}/${repo}`;

  const created = await octokit.rest.pulls.create({ owner, repo, head: req.head, base: req.base, title: req.title, body: req.body, draft: true }).catch((e: unknown) => {
    throw githubError(`open a draft pull request from ${req.head} into ${req.base} in ${slug}`, e, token);
  });
  const { number, html_url: url } = created.data;
  const warnings: string[] = [];

  // The PR exists from here on: nothing below may lose its number, so a refusal is a warning.
  const labels = unique(req.labels.map((l) => l.trim()).filter(Boolean));
  if (labels.length > 0) {
    try {
      await octokit.rest.issues.addLabels({ owner, repo, issue_number: number, labels });
    } catch (e) {
      warnings.push(`labels ${labels.join(', ')} were not added: ${describe(e, token)}`);
    }
  }

  const users = unique(req.reviewers.users.map((u) => u.trim().replace(/^@/, '')).filter(Boolean));
  const teams = unique(req.reviewers.teams.map(teamSlug).filter(Boolean));
  if (users.length + teams.length > 0) {
    try {
      await octokit.rest.pulls.requestReviewers({ owner, repo, pull_number: number, reviewers: users, team_reviewers: teams });
    } catch (e) {
      if (status(e) !== 422 || users.length + teams.length === 1) {
        warnings.push(`reviewers ${[...users.map((u) => `@${u}`), ...teams.map((t) => `team ${t}`)].join(', ')} were not requested: ${describe(e, token)}`);
      } else {
        // One reviewer GitHub will not accept (the PR's author, not a collaborator) fails the whole
        // request: ask for each alone, so everyone who can review is asked.
        for (const user of users) {
          try {
            await octokit.rest.pulls.requestReviewers({ owner, repo, pull_number: number, reviewers: [user] });
          } catch (e2) {
            warnings.push(`reviewer @${user} was not requested: ${describe(e2, token)}`);
          }
        }
        for (const team of teams) {
          try {
            await octokit.rest.pulls.requestReviewers({ owner, repo, pull_number: number, team_reviewers: [team] });
          } catch (e2) {
            warnings.push(`team ${team} was not requested as reviewer: ${describe(e2, token)}`);
          }
        }
      }
    }
  }

  return { number, url, warnings: warnings.map((w) => scrub(w, token)) };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function teamSlug(team: string): string {
  const t = team.trim().replace(/^@/, '');
  return t.slice(t.lastIndexOf('/') + 1);
}

function status(e: unknown): number | undefined {
  const s = (e as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
}

function scrub(text: string, token: string): string {
  let out = token ? text.split(token).join(REDACTED) : text;
  out = out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi, `$1${REDACTED}@`);
  return out;
}

/** `HTTP 422: Validation Failed (A pull request already exists for acme:fw/okta.)`, token-free. */
function describe(e: unknown, token: string): string {
  const s = status(e);
  const data = (e as { response?: { data?: unknown } } | null)?.response?.data as { message?: unknown; errors?: unknown } | undefined;
  let message: string;
  if (data && typeof data === 'object' && typeof data.message === 'string') {
    const details = Array.isArray(data.errors) ? data.errors.map(errorDetail).filter(Boolean) : [];
    message = details.length ? `${data.message} (${details.join('; ')})` : data.message;
  } else {
    message = e instanceof Error ? e.message : String(e);
  }
  if (message.length > 500) message = `${message.slice(0, 500)}…`;
  return scrub(s ? `HTTP ${s}: ${message}` : message, token);
}

/** One entry of GitHub's `errors` array: a message, or `field code` (`head invalid`). */
function errorDetail(x: unknown): string {
  if (typeof x === 'string') return x;
  if (!x || typeof x !== 'object') return '';
  const { message, field, resource, code } = x as Record<string, unknown>;
  if (typeof message === 'string') return message;
  return [field ?? resource, code].filter((v) => typeof v === 'string').join(' ');
}

function githubError(what: string, e: unknown, token: string): FetchwrightError {
  const s = status(e);
  const hint =
    s === 401 ? 'GitHub refused the token: check that it is valid and not expired.'
    : s === 403 ? 'The token lacks permission (it needs pull requests: write on the repository), or a rate limit was hit.'
    : s === 404 ? 'The repository was not found, or the token cannot see it.'
    : s === 422 ? 'GitHub rejected the request: is the branch pushed, does a pull request for it already exist, and does the repository allow draft pull requests?'
    : 'Check the network and the GitHub API URL.';
  return new FetchwrightError('github-failed', `could not ${what}: ${describe(e, token)}`, { hint });
}

// ---------------------------------------------------------------------------------------------
// CODEOWNERS

const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/** The text of the repository's CODEOWNERS file, looked up where GitHub looks (first found wins). */
export async function findCodeowners(repoPath: string): Promise<string | undefined> {
  for (const location of CODEOWNERS_LOCATIONS) {
    try {
      return await readFile(path.join(repoPath, location), 'utf8');
    } catch {
      // not here
    }
  }
  return undefined;
}

interface Rule {
  matches: RegExp;
  owners: string[];
}

/**
 * The owners GitHub would request for `filePath`: the last rule whose pattern matches wins (a
 * pattern with no owners means nobody). Email owners are ignored: a review can't be requested
 * from an email address.
 */
export function reviewersFromCodeowners(text: string, filePath: string): Reviewers {
  const target = filePath.replaceAll('\\', '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  let owners: string[] = [];
  for (const rule of parseCodeowners(text)) if (rule.matches.test(target)) owners = rule.owners;
  const users: string[] = [];
  const teams: string[] = [];
  for (const owner of owners) {
    if (!owner.startsWith('@')) continue;
    const name = owner.slice(1);
    if (name.includes('/')) teams.push(name.slice(name.indexOf('/') + 1));
    else users.push(name);
  }
  return { users: unique(users.filter(Boolean)), teams: unique(teams.filter(Boolean)) };
}

function parseCodeowners(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = stripComment(raw).trim();
    if (!line) continue;
    const [pattern, ...owners] = line.split(/\s+/);
    if (!pattern) continue;
    const matches = patternToRegExp(pattern.replaceAll('\\#', '#'));
    if (matches) rules.push({ matches, owners });
  }
  return rules;
}

/** `#` starts a comment at the start of a line or after whitespace; `\#` is a literal `#`. */
function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '#' && line[i - 1] !== '\\' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return line.slice(0, i);
  }
  return line;
}

/**
 * gitignore-style, as GitHub applies it to CODEOWNERS: a pattern with a slash before its end is
 * anchored at the root, one without matches at any depth; a trailing slash matches a directory's
 * contents; a pattern that names a directory owns everything beneath it, except that a final `/*`
 * owns only the files directly inside; `*` and `?` stay within one path segment, `**` spans many.
 * Negation (`!`) and character ranges are not supported by GitHub: such lines are skipped.
 */
function patternToRegExp(pattern: string): RegExp | undefined {
  if (pattern.startsWith('!') || /[[\]]/.test(pattern)) return undefined;
  let p = pattern;
  const dirOnly = p.endsWith('/');
  p = p.replace(/\/+$/, '');
  if (!p) return undefined;
  const anchored = p.includes('/');
  p = p.replace(/^\/+/, '');
  const onlyDirectChildren = p === '*' ? false : p.endsWith('/*');

  let body = '';
  for (let i = 0; i < p.length; ) {
    if (p.startsWith('**/', i) && (i === 0 || p[i - 1] === '/')) {
      body += '(?:.*/)?';
      i += 3;
    } else if (p.startsWith('**', i) && (i === 0 || p[i - 1] === '/') && i + 2 === p.length) {
      body += '.*';
      i += 2;
    } else if (p[i] === '*') {
      body += '[^/]*';
      i += 1;
    } else if (p[i] === '?') {
      body += '[^/]';
      i += 1;
    } else {
      body += (p[i] ?? '').replace(/[.+^${}()|\\]/g, '\\$&');
      i += 1;
    }
  }
  const prefix = anchored ? '^' : '^(?:.*/)?';
  const suffix = dirOnly ? '/.*$' : onlyDirectChildren ? '$' : '(?:/.*)?$';
  return new RegExp(`${prefix}${body}${suffix}`);
}

/**
 * The pull request (open or closed) whose head is `branch` of `owner/repo`, or undefined when there
 * is none: how expand tells a branch it proposed from one an earlier run pushed but could not open a
 * pull request for. Read-only (GET /repos/{owner}/{repo}/pulls?head=owner:branch&state=all). Throws
 * `github-failed` (exit 23) with the token redacted when GitHub refuses.
 */
export async function findPullRequest(req: { owner: string; repo: string; token: string; branch: string; baseUrl?: string; fetch?: typeof fetch }): Promise<{ number: number; url: string; state: string } | undefined> {
  const octokit = new Octokit({
    auth: req.token,
    userAgent: 'fetchwright',
    log: QUIET,
    ...(req.baseUrl ? { baseUrl: req.baseUrl.replace(/\/+$/, '') } : {}),
    ...(req.fetch ? { request: { fetch: req.fetch } } : {}),
  });
  const found = await octokit.rest.pulls.list({ owner: req.owner, repo: req.repo, head: `${req.owner}:${req.branch}`, state: 'all', per_page: 10 }).catch((e: unknown) => {
    throw githubError(`look for a pull request from ${req.branch} in ${req.owner}/${req.repo}`, e, req.token);
  });
  // Only one whose head is that very branch of that repository: GitHub's filter is not taken on trust.
  const pr = found.data.find((p) => p.head?.ref === req.branch && (p.head?.repo?.full_name ?? `${req.owner}/${req.repo}`).toLowerCase() === `${req.owner}/${req.repo}`.toLowerCase());
  return pr ? { number: pr.number, url: pr.html_url, state: pr.state } : undefined;
}
