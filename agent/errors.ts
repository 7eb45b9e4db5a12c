/**
 * Errors are data (like zod issues): a literal `code`, a message a person can act on, and typed
 * details. Every expected failure is a FetchwrightError; the CLI's one top-level catch maps it to
 * its exit code. Anything else is an internal error and says so.
 *
 * EXIT_CODES is the one table of exit codes: the code uses `EXIT.<name>`, `fetchwright --help`
 * lists it, and the README's list is checked against it by a test (test/cli/exit-codes.test.ts).
 */

export const EXIT_CODES = {
  ok: { code: 0, meaning: 'ok' },
  internal: { code: 1, meaning: 'internal error: a bug in fetchwright, please report it (for drift: a breaking change was found, as oasdiff\'s --fail-on; the report names it)' },
  usage: { code: 2, meaning: 'usage: an unknown command or option, an option value out of range, or `--planner llm|auto` without OPENAI_API_KEY, `--model` or an http(s) OPENAI_BASE_URL' },
  inputNotFound: { code: 3, meaning: 'not found: the docs, connector folder or repository named does not exist, or holds nothing to read' },
  unreadableDocs: { code: 4, meaning: 'unreadable docs: broken JSON or YAML (with line and column), nesting too deep, a server URL no request can be sent to, a page of a web reference that did not load (a 5xx, a timeout, too large)' },
  notASpec: { code: 5, meaning: 'not an OpenAPI 3.x or Swagger 2.0 description' },
  unresolvableRef: { code: 6, meaning: 'a $ref that points at nothing, or outside the docs folder' },
  noIdentities: { code: 7, meaning: 'no operation in the docs lists identities' },
  refusedByAssessment: { code: 8, meaning: 'manual build recommended: the docs are too thin to generate from (--force overrides)' },
  validationFailed: { code: 9, meaning: 'the sandbox proof failed' },
  outputUnwritable: { code: 10, meaning: 'the output file or folder cannot be written' },
  invalidSlot: { code: 11, meaning: 'a template slot fails its schema: the plan asks for what no approved template can express' },
  invalidConnector: { code: 12, meaning: 'not a connector folder written by fetchwright generate, or one of its files is damaged' },
  auditUnwritable: { code: 13, meaning: 'the audit log cannot be written' },
  signingKey: { code: 14, meaning: 'the signing key (FETCHWRIGHT_SIGNING_KEY) cannot be used' },
  prRefused: { code: 15, meaning: 'pull request refused: a failing proof (pr re-runs it), a file that is not what the approved templates and the recorded proof give, no commit to branch from, no GITHUB_TOKEN' },
  verifyFailed: { code: 16, meaning: 'verify failed: a signature or a hash does not match the change record' },
  notAGitRepo: { code: 17, meaning: '--repo is not inside a git working tree' },
  gitFailed: { code: 18, meaning: 'a git command failed' },
  dirtyWorktree: { code: 19, meaning: 'the repository has uncommitted changes (commit or stash them first)' },
  branchExists: { code: 20, meaning: 'the branch for this plan already exists (it was proposed before)' },
  nothingToCommit: { code: 21, meaning: 'nothing to commit: the repository already holds this connector' },
  pushRejected: { code: 22, meaning: 'the push was rejected (fetchwright never forces a push)' },
  githubFailed: { code: 23, meaning: 'GitHub refused the pull request' },
  evidenceNotInDocs: { code: 24, meaning: 'a plan quotes text its docs do not hold (from the heuristic planner, a bug: please report it)' },
  connectorDirHasUserFiles: { code: 25, meaning: 'the connector folder holds files fetchwright did not write (--force replaces it anyway)' },
  severalApis: { code: 26, meaning: 'the docs folder describes several different APIs: point at one vendor\'s docs' },
  nodeTooOld: { code: 27, meaning: 'Node is older than 24: install Node 24 or newer' },
  runIncomplete: { code: 28, meaning: 'run: a stream did not see its whole list (the report says why); a missing identity must not be taken as deprovisioned' },
  authRefused: { code: 29, meaning: 'run: the API refused the credential (401/403)' },
  runDrift: { code: 30, meaning: 'run: the live API answered in a shape the connector does not read (drift, classified in the report); regenerate with --observed' },
  auditTampered: { code: 31, meaning: 'the audit log was edited, truncated, reordered or replaced by a link: its hash chain is broken (fetchwright audit verify names the line)' },
  unsafeHost: { code: 32, meaning: 'the docs name a host no connector may call: loopback, private, link-local, metadata or multicast addresses, userinfo, or a scheme other than http(s)' },
  expandFailed: { code: 33, meaning: 'expand: some vendors failed or wait for a retry (the coverage summary gives each one\'s cause); the others were done' },
  invalidCatalogue: { code: 34, meaning: 'expand: the catalogue cannot be read, or some of its entries are invalid (each named with its field; the valid ones were still run)' },
  expandBusy: { code: 35, meaning: 'expand: another expand is running on the same state folder (its pid is named), or a queue\'s workers serve it (the queue is named); wait for it, give another --state, or use that --queue' },
  browserMissing: { code: 36, meaning: 'web-page docs need a Chromium browser and none is at /usr/bin/chromium (or FETCHWRIGHT_CHROMIUM): install Debian\'s chromium package' },
  queueUnreachable: { code: 37, meaning: 'expand --queue, worker: the queue\'s Redis did not answer at start (refused, unknown host, wrong password): start Redis, or correct --queue or FETCHWRIGHT_REDIS_PASSWORD' },
  interrupted: { code: 130, meaning: 'interrupted by Ctrl-C (SIGINT): the line on stderr says what is on disk; nothing is left half-written (for mock, Ctrl-C is its normal stop: exit 0)' },
  pipeClosed: { code: 141, meaning: 'the reader of the output closed the pipe (e.g. | head): output stopped early' },
  terminated: { code: 143, meaning: 'terminated by SIGTERM: as for 130' },
} as const satisfies Record<string, { code: number; meaning: string }>;

export type ExitName = keyof typeof EXIT_CODES;

/** Exit codes by name: `EXIT.usage === 2`. */
export const EXIT = Object.fromEntries(Object.entries(EXIT_CODES).map(([name, v]) => [name, v.code])) as { readonly [K in ExitName]: (typeof EXIT_CODES)[K]['code'] };

export type ErrorCode =
  | 'usage'
  | 'input-not-found'
  | 'unreadable-docs'
  | 'not-a-spec'
  | 'unresolvable-ref'
  | 'ref-outside-docs'
  | 'no-identity-operations'
  | 'invalid-plan'
  | 'invalid-slot'
  | 'manual-build-recommended'
  | 'invalid-connector'
  | 'audit-unwritable'
  | 'signing-key'
  | 'pr-refused'
  | 'verify-failed'
  | 'output-unwritable'
  | 'not-a-git-repo'
  | 'git-failed'
  | 'dirty-worktree'
  | 'branch-exists'
  | 'nothing-to-commit'
  | 'push-rejected'
  | 'github-failed'
  | 'evidence-not-in-docs'
  | 'connector-dir-has-user-files'
  | 'several-apis'
  | 'auth-refused'
  | 'token-endpoint-failed'
  | 'audit-tampered'
  | 'unsafe-host'
  | 'invalid-catalogue'
  | 'expand-busy'
  | 'browser-missing'
  | 'queue-unreachable';

const EXIT_BY_CODE: Record<ErrorCode, number> = {
  usage: EXIT.usage,
  'input-not-found': EXIT.inputNotFound,
  'unreadable-docs': EXIT.unreadableDocs,
  'not-a-spec': EXIT.notASpec,
  'unresolvable-ref': EXIT.unresolvableRef,
  'ref-outside-docs': EXIT.unresolvableRef,
  'no-identity-operations': EXIT.noIdentities,
  'invalid-plan': EXIT.internal,
  'invalid-slot': EXIT.invalidSlot,
  'manual-build-recommended': EXIT.refusedByAssessment,
  'invalid-connector': EXIT.invalidConnector,
  'audit-unwritable': EXIT.auditUnwritable,
  'signing-key': EXIT.signingKey,
  'pr-refused': EXIT.prRefused,
  'verify-failed': EXIT.verifyFailed,
  'output-unwritable': EXIT.outputUnwritable,
  'not-a-git-repo': EXIT.notAGitRepo,
  'git-failed': EXIT.gitFailed,
  'dirty-worktree': EXIT.dirtyWorktree,
  'branch-exists': EXIT.branchExists,
  'nothing-to-commit': EXIT.nothingToCommit,
  'push-rejected': EXIT.pushRejected,
  'github-failed': EXIT.githubFailed,
  'evidence-not-in-docs': EXIT.evidenceNotInDocs,
  'connector-dir-has-user-files': EXIT.connectorDirHasUserFiles,
  'several-apis': EXIT.severalApis,
  // run: the OAuth 2 token endpoint refused the client (RFC 6749 §5.2), or could not issue a usable token.
  'auth-refused': EXIT.authRefused,
  'token-endpoint-failed': EXIT.runIncomplete,
  // The audit log's hash chain does not hold: a line was edited, removed or reordered, or the file is a link.
  'audit-tampered': EXIT.auditTampered,
  // A server URL in the docs points at a host the connector must never be given (design: hosts from docs are public).
  'unsafe-host': EXIT.unsafeHost,
  // expand: the catalogue file itself cannot be read or holds no vendor list.
  'invalid-catalogue': EXIT.invalidCatalogue,
  // expand: another expand holds the state folder's lock.
  'expand-busy': EXIT.expandBusy,
  'browser-missing': EXIT.browserMissing,
  // expand --queue, worker: Redis did not answer at start (a later outage is waited out).
  'queue-unreachable': EXIT.queueUnreachable,
};

/** Every error code, each with the exit code it ends a run with. */
export function errorCodes(): [ErrorCode, number][] {
  return Object.entries(EXIT_BY_CODE) as [ErrorCode, number][];
}

export interface ErrorDetails {
  /** The file the problem is in, as the user named it. */
  file?: string;
  /** JSON pointer inside that file, or `line:column` for a syntax error. */
  at?: string;
  /** What the user can do about it. */
  hint?: string;
}

export class FetchwrightError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'FetchwrightError';
    this.code = code;
    this.details = details;
    this.exitCode = EXIT_BY_CODE[code];
  }

  /** One screen: what happened, where, and what to do. */
  render(): string {
    const lines = [`error[${this.code}]: ${this.message}`];
    if (this.details.file) lines.push(`  in: ${this.details.file}${this.details.at ? ` at ${this.details.at}` : ''}`);
    else if (this.details.at) lines.push(`  at: ${this.details.at}`);
    if (this.details.hint) lines.push(`  hint: ${this.details.hint}`);
    return lines.join('\n');
  }
}

export function isFetchwrightError(e: unknown): e is FetchwrightError {
  return e instanceof FetchwrightError;
}
