import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // isolated-vm needs the snapshot off; harmless for the other suites.
    execArgv: ['--no-node-snapshot'],
    include: ['agent/**/*.test.ts', 'sandbox/**/*.test.ts', 'templates/**/*.test.ts', 'synthetic-data/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // Every CLI run appends to an audit log: keep the tests' out of the user's state folder.
    env: { FETCHWRIGHT_STATE_DIR: path.join(os.tmpdir(), `fetchwright-test-state-${process.pid}`) },
  },
});
