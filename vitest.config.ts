import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // isolated-vm needs the snapshot off; harmless for the other suites.
    execArgv: ['--no-node-snapshot'],
    include: ['agent/**/*.test.ts', 'sandbox/**/*.test.ts', 'templates/**/*.test.ts', 'synthetic-data/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
