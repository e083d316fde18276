import { defineConfig } from 'vitest/config';

// The suite's PostgreSQL run: a throwaway cluster (test/support/postgres.ts) for the whole run;
// every test that builds the service through test/support/app.ts gets its own database on it,
// so the API tests below run unchanged on PostgreSQL. *.pg.test.ts are PostgreSQL-only.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: [
      'server/**/*.pg.test.ts',
      'test/*.pg.test.ts',
      'server/tickets/tickets.test.ts',
      'server/tickets/paging.test.ts',
      'server/replies/routes.test.ts',
      'server/auth/sessions.test.ts',
      'server/auth/passwords.test.ts',
      'server/auth/presence.test.ts',
      'server/audit/audit.test.ts',
      'server/audit/integrity.test.ts',
      'server/sla/routes.test.ts',
      'server/sla/backfill.test.ts',
      'server/conversation/routes.test.ts',
      'server/http/etag.test.ts',
      'server/live/live.test.ts',
      'server/inbound/file-inbound.test.ts',
      'server/insight/csat.test.ts',
      'server/insight/insight.test.ts',
      'server/media/inbound.test.ts',
      'test/lost-mark.test.ts',
      'server/messages/ack-rule.test.ts',
    ],
    globalSetup: ['test/support/postgres-global.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
