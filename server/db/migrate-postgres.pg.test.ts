import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { freshDatabase, postgresBin } from '../../test/support/postgres.ts';
import { PrismaClient } from './generated-pg/client.ts';
import { migratePostgres, postgresMigrations } from './migrate-postgres.ts';
import { POSTGRES_SCHEMA } from './postgres-schema.ts';

const root = path.resolve(import.meta.dirname, '../..');
const HAND_WRITTEN = '-- Hand-written below';

describe('PostgreSQL migrations (own runner)', () => {
  it('applies each migration once even when several processes start together', async () => {
    const url = await freshDatabase();
    const runs = await Promise.all([migratePostgres(url), migratePostgres(url), migratePostgres(url)]);
    expect(runs.flat().sort()).toEqual(postgresMigrations());
    expect(await migratePostgres(url)).toEqual([]);
  });

  it('leaves the database exactly at prisma/postgres/schema.prisma (else: npm run db:postgres)', { timeout: 90_000 }, async () => {
    // The CLI cannot diff against a live database when an adapter is configured, so compare
    // two databases' schema dumps: one migrated step by step, one built from the schema at once.
    const [stepwise, atOnce] = [await freshDatabase(), await freshDatabase()];
    await migratePostgres(stepwise);
    const sql = execFileSync(
      path.join(root, 'node_modules/.bin/prisma'),
      ['migrate', 'diff', '--from-empty', '--to-schema-datamodel', POSTGRES_SCHEMA, '--script'],
      { cwd: root, encoding: 'utf8', stdio: 'pipe' },
    );
    // Triggers and their functions are hand-written at the end of a migration, after this marker.
    const handWritten = postgresMigrations()
      .map((name) => fs.readFileSync(path.join(root, 'prisma/postgres/migrations', name, 'migration.sql'), 'utf8'))
      .map((text) => (text.includes(HAND_WRITTEN) ? text.slice(text.indexOf('\n', text.indexOf(HAND_WRITTEN))) : ''))
      .join('\n');
    const client = new pg.Client({ connectionString: atOnce });
    await client.connect();
    await client.query(sql);
    await client.query(handWritten);
    await client.end();
    const dump = (url: string) =>
      execFileSync(path.join(postgresBin(), 'pg_dump'), ['--schema-only', '--no-owner', '--exclude-table=_prisma_migrations', url], {
        encoding: 'utf8',
      }).replace(/^\\(un)?restrict .*$/gm, ''); // a random key per dump
    expect(dump(stepwise)).toBe(dump(atOnce));
  });

  it('serves the generated PostgreSQL client through @prisma/adapter-pg', async () => {
    const url = await freshDatabase();
    await migratePostgres(url);
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    try {
      const user = await prisma.user.create({ data: { username: 'ana', passwordHash: 'x', role: 'tecnico' } });
      expect(await prisma.user.findUnique({ where: { id: user.id } })).toMatchObject({ username: 'ana', active: true });
    } finally {
      await prisma.$disconnect();
    }
  });
});
