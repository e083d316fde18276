import { defineConfig } from 'vitest/config';

// Browser tests: the built console against the real service (simulator driver) in Debian's
// Chromium through playwright-core. The console is built once, by the global setup.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: 'forks',
    // One Chromium and one service at a time: steadier timings for the "within one poll" checks.
    fileParallelism: false,
  },
});
