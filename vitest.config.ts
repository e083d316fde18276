import { defineConfig } from 'vitest/config';

// Unit and integration tests: the server through app.inject on real SQLite files, the console's
// logic in happy-dom, and end-to-end runs of the real process under test/. Browser tests have
// their own config (vitest.browser.config.ts).
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['server/**/*.test.ts', 'console/**/*.test.{ts,tsx}', 'test/*.test.ts'],
    // *.pg.test.ts need the PostgreSQL cluster of vitest.postgres.config.ts (npm run test:postgres).
    exclude: ['**/node_modules/**', '**/*.pg.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
