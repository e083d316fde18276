import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchDatabase } from '../health/database-watch.ts';
import { databaseFile, openDatabase, type Db } from './database.ts';

// Group commit on SQLite (database.ts): writes asked in the same turn of the event loop, or while
// the write lock is busy, share one transaction and one fsync; each is answered after the commit.
let dir: string;
let db: Db;
let file: string;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-group-'));
  file = path.join(dir, 'puente.db');
  db = await openDatabase(`file:${file}`);
});
afterEach(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const put = (key: string) => () => void db.sql('INSERT INTO Setting (key, value) VALUES (?, ?)').run(key, 'v');
const walBytes = () => fs.statSync(`${databaseFile(`file:${file}`)}-wal`).size;
/** Committed rows as another connection sees them. */
function committed(): string[] {
  const other = new Database(file, { readonly: true });
  try {
    return (other.prepare("SELECT key FROM Setting WHERE key LIKE 'k%' ORDER BY rowid").all() as { key: string }[]).map((row) => row.key);
  } finally {
    other.close();
  }
}

describe('group commit (SQLite)', () => {
  it('20 writes asked together are one commit: the WAL grows by a few pages, not 20 commits’ worth', async () => {
    await db.writeNow(put('warm'));
    const pageSize = Number(db.sql('PRAGMA page_size').pluck().get());
    let before = walBytes();
    for (let i = 0; i < 20; i++) await db.writeNow(put(`k-one-${i}`));
    const oneByOne = walBytes() - before;
    expect(oneByOne).toBeGreaterThanOrEqual(20 * pageSize); // each commit writes at least one page

    before = walBytes();
    await Promise.all(Array.from({ length: 20 }, (_, i) => db.writeNow(put(`k-together-${i}`))));
    const together = walBytes() - before;
    expect(together).toBeLessThan(4 * (pageSize + 24));
    expect(committed().slice(-20)).toEqual(Array.from({ length: 20 }, (_, i) => `k-together-${i}`));
  });

  it('each caller is answered after the commit: another connection already sees its row', async () => {
    const seen = await Promise.all(['k1', 'k2', 'k3'].map((key) => db.writeNow(put(key)).then(() => committed().includes(key))));
    expect(seen).toEqual([true, true, true]);
  });

  it('a failing write is rolled back alone and answered with its error; the others commit', async () => {
    const results = await Promise.allSettled([
      db.writeNow(put('k-a')),
      db.writeNow(() => {
        put('k-bad')();
        throw new Error('falla a propósito');
      }),
      db.writeNow(put('k-a')), // the primary key refuses it: rolled back alone too
      db.writeNow(put('k-c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('falla a propósito');
    expect(committed()).toEqual(['k-a', 'k-c']);
  });

  it('commits without fsync (synchronous NORMAL) only when every write of the batch may, then goes back to FULL', async () => {
    const sync = () => Number(db.sql('PRAGMA synchronous').pluck().get());
    expect(await db.writeNow(() => (put('k-lazy')(), sync()), { durable: false })).toBe(1);
    expect(sync()).toBe(2);
    expect(await db.writeNow(() => (put('k-full')(), sync()))).toBe(2);
    // One durable write in the batch makes the whole commit durable.
    const mixed = await Promise.all([db.writeNow(sync, { durable: false }), db.writeNow(put('k-mixed')), db.writeNow(sync, { durable: false })]);
    expect(mixed).toEqual([2, undefined, 2]);
    // A lazy write that throws still leaves the connection at FULL.
    await expect(db.writeNow(() => { throw new Error('falla'); }, { durable: false })).rejects.toThrow('falla');
    expect(sync()).toBe(2);
    expect(committed()).toEqual(['k-lazy', 'k-full', 'k-mixed']);
    // The service's Db is wrapped by the health watch: the option must reach the commit through it.
    const watched = watchDatabase(db, { databaseFailed: () => {}, databaseWorks: () => {} });
    expect(await watched.writeNow(sync, { durable: false })).toBe(1);
  });

  it('keeps the order writes were asked in, around a Prisma write', async () => {
    const order: string[] = [];
    await Promise.all([
      db.writeNow(() => void order.push('now-1')),
      db.write(async () => void order.push('prisma')),
      db.writeNow(() => void order.push('now-2')),
      db.run({ sqlite: "INSERT INTO Setting (key, value) VALUES ('k-run', 'v')", postgres: '' }).then(() => order.push('run')),
    ]);
    expect(order).toEqual(['now-1', 'prisma', 'now-2', 'run']);
  });
});
