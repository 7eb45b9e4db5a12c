/**
 * Errors are data (like zod issues): a literal `code`, a message a person can act on, and typed
 * details. Every expected failure is a FetchwrightError; the CLI's one top-level catch maps it to
 * its exit code. Anything else is an internal error and says so.
 */

export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  inputNotFound: 3,
  unreadableDocs: 4,
  notASpec: 5,
  unresolvableRef: 6,
  noIdentities: 7,
  refusedByAssessment: 8,
  validationFailed: 9,
  outputUnwritable: 10,
  invalidSlot: 11,
  invalidConnector: 12,
  auditUnwritable: 13,
  signingKey: 14,
  prRefused: 15,
  verifyFailed: 16,
  notAGitRepo: 17,
  gitFailed: 18,
  dirtyWorktree: 19,
  branchExists: 20,
  nothingToCommit: 21,
  pushRejected: 22,
  githubFailed: 23,
  /** A plan quotes text its docs do not hold at the cited place: a planner bug, or a model's invention. */
  evidenceNotInDocs: 24,
  /** The connector folder holds files fetchwright does not write there; `--force` replaces it anyway. */
  connectorDirHasUserFiles: 25,
} as const;

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
  | 'connector-dir-has-user-files';

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
};

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
