import { defineConfig } from 'vitest/config';

// npm run test:wa: the unmodified whatsapp-web.js Client and Puente's driver in this machine's
// Chromium against the local WhatsApp Web stand-in (test/wa/standin.ts). One Chromium at a time.
export default defineConfig({
  test: {
    include: ['test/wa/*.wa.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
