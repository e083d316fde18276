import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/postgres.ts';
import { openDatabase, type Db, type Statement } from './database.ts';

// Group commit on PostgreSQL (database.ts), as group-commit.test.ts checks it on SQLite: writes
// waiting together share one transaction (one WAL flush); each is answered after the commit. Each
// row stores txid_current(), the id of the (top-level) transaction that wrote it, so "one commit"
// is counted exactly, whatever the machine's load (the test cluster runs without fsync, so
// flushes cannot be counted).
let db: Db;
let other: pg.Client;
beforeAll(async () => {
  const url = await freshDatabase();
  db = await openDatabase(url);
  other = new pg.Client({ connectionString: url });
  await other.connect();
});
afterAll(async () => {
  await other?.end();
  await db?.close();
});

const put = (key: string): Statement => ({ sqlite: '', postgres: `INSERT INTO "Setting" (key, value) VALUES ('${key}', txid_current()::text)` });
/** Committed rows as another connection sees them, in the order written, with their transaction. */
async function committed(prefix: string): Promise<{ key: string; xid: string }[]> {
  const { rows } = await other.query(`SELECT key, value AS xid FROM "Setting" WHERE key LIKE $1 ORDER BY value::bigint, ctid`, [`${prefix}%`]);
  return rows;
}

describe('group commit (PostgreSQL)', () => {
  it('20 writes asked together are one transaction; 20 asked one after the other are 20', async () => {
    for (let i = 0; i < 20; i++) await db.run(put(`one-${i}`));
    expect(new Set((await committed('one-')).map((row) => row.xid)).size).toBe(20);

    await Promise.all(Array.from({ length: 20 }, (_, i) => db.run(put(`together-${i}`))));
    const together = await committed('together-');
    expect(new Set(together.map((row) => row.xid)).size).toBe(1);
    expect(together.map((row) => row.key)).toEqual(Array.from({ length: 20 }, (_, i) => `together-${i}`));
  });

  it('each caller is answered after the commit: another connection already sees its row', async () => {
    const seen = await Promise.all(
      ['seen-1', 'seen-2', 'seen-3'].map((key) => db.run(put(key)).then(async () => (await committed(key)).length === 1)),
    );
    expect(seen).toEqual([true, true, true]);
  });

  it('a failing write is rolled back alone and answered with its error; the others commit', async () => {
    const results = await Promise.allSettled([
      db.run(put('fail-a')),
      db.pgWrite(async (sql) => {
        await sql(put('fail-bad').postgres);
        throw new Error('falla a propósito');
      }),
      db.run(put('fail-a')), // the primary key refuses it: rolled back alone too
      db.pgWrite(async (sql) => sql(put('fail-c').postgres)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('falla a propósito');
    expect((results[2] as PromiseRejectedResult).reason.code).toBe('23505');
    expect((await committed('fail-')).map((row) => row.key)).toEqual(['fail-a', 'fail-c']);
  });

  it('keeps the order writes were asked in, around a Prisma write', async () => {
    const order: string[] = [];
    await Promise.all([
      db.pgWrite(async () => void order.push('now-1')),
      db.write(async () => void order.push('prisma')),
      db.pgWrite(async () => void order.push('now-2')),
      db.run(put('order-run')).then(() => order.push('run')),
    ]);
    expect(order).toEqual(['now-1', 'prisma', 'now-2', 'run']);
  });
});
