import { defineConfig } from 'vitest/config';

// The suite's PostgreSQL run: a throwaway cluster (test/support/postgres.ts) for the whole run,
// and every test that builds the service through test/support/app.ts gets its own database on it.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['server/**/*.pg.test.ts', 'test/*.pg.test.ts'],
    globalSetup: ['test/support/postgres-global.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
