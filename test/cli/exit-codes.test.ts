import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodesMarkdown } from '../../agent/cli/program.ts';
import { errorCodes, EXIT, EXIT_CODES, FetchwrightError } from '../../agent/errors.ts';
import { EXIT_NODE_TOO_OLD, EXIT_PIPE_CLOSED } from '../../bin/preflight.js';
import { exitCodesSection } from '../../scripts/readme-section.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

/** One table of exit codes (agent/errors.ts): the code, --help and the README say the same. */
describe('exit codes', () => {
  it('the README\'s table is the code\'s table (npm run readme:exit-codes rewrites it)', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(exitCodesSection(readme)).toBe(exitCodesMarkdown());
  });

  it('each exit code means one thing', () => {
    const codes = Object.values(EXIT_CODES).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('an existing branch is 20 and a dirty tree 19, as the table says', () => {
    expect(new FetchwrightError('branch-exists', 'x').exitCode).toBe(20);
    expect(new FetchwrightError('dirty-worktree', 'x').exitCode).toBe(19);
    expect(exitCodesMarkdown()).toMatch(/\| 19 \| the repository has uncommitted changes/);
    expect(exitCodesMarkdown()).toMatch(/\| 20 \| the branch for this plan already exists/);
  });

  it('every error code exits with a code the table lists', () => {
    const listed = new Set<number>(Object.values(EXIT_CODES).map((e) => e.code));
    for (const [name, exit] of errorCodes()) expect(listed.has(exit), name).toBe(true);
  });

  it('the bin\'s own exit codes (old Node, closed pipe) are the table\'s', () => {
    expect(EXIT_NODE_TOO_OLD).toBe(EXIT.nodeTooOld);
    expect(EXIT_PIPE_CLOSED).toBe(EXIT.pipeClosed);
  });
});
