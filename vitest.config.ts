import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** One scratch folder per test run, removed at the end (test/global-setup.ts): every temp folder a test makes goes in it. */
const scratch = path.join(os.tmpdir(), `fetchwright-test-${process.pid}`);

export default defineConfig({
  test: {
    pool: 'forks',
    // isolated-vm needs the snapshot off; harmless for the other suites.
    execArgv: ['--no-node-snapshot'],
    include: ['agent/**/*.test.ts', 'sandbox/**/*.test.ts', 'templates/**/*.test.ts', 'synthetic-data/**/*.test.ts', 'policy/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    globalSetup: ['test/global-setup.ts'],
    // The security suite's per-class count of attacks tried and stopped, printed after any run that tried some (npm test, npm run security).
    reporters: ['default', './test/security/security-reporter.ts'],
    provide: { scratch },
    // os.tmpdir() follows TMPDIR; every CLI run appends to an audit log: keep both out of the user's folders.
    env: { TMPDIR: scratch, FETCHWRIGHT_STATE_DIR: path.join(scratch, 'state') },
  },
});
