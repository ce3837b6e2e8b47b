import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // The default output, then every skipped test and why.
    reporters: ['default', './test/support/skipped-reporter.ts'],
    // Test files share one process per worker so they can share one PGlite (a fresh one takes seconds).
    pool: 'forks',
    isolate: false,
    maxWorkers: 2,
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
