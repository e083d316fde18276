import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import Database from 'better-sqlite3';
import { PrismaClient } from './generated/client.ts';
import { migrate } from './migrate.ts';

export type Prisma = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export interface Db {
  prisma: PrismaClient;
  /**
   * Runs `work` in a Prisma transaction while holding the one write lock. The adapter keeps a
   * single SQLite connection, so a write issued while another transaction is open would land
   * inside it and vanish with its rollback; serialising writes here makes that impossible.
   */
  write<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * The hot path's own connection to the same file, with prepared statements. Prisma 6.19's
   * client compiles every query anew (≈0.5 ms of CPU each, see `npm run bench`); a prepared
   * better-sqlite3 statement costs microseconds. Reads may run at any time (WAL).
   */
  sql(text: string): Database.Statement;
  /** Runs synchronous statements as one transaction, under the same write lock as `write`. */
  writeNow<T>(work: () => T): Promise<T>;
  close(): Promise<void>;
}

export function databaseFile(databaseUrl: string): string {
  return path.resolve(databaseUrl.replace(/^file:/, ''));
}

/** Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit offset. */
export const sqlTime = (date: Date) => date.toISOString().replace('Z', '+00:00');

export async function openDatabase(databaseUrl: string): Promise<Db> {
  const file = databaseFile(databaseUrl);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  migrate(file);
  const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 5000 }) });
  await applyDurabilityPragmas((text) => prisma.$queryRawUnsafe(text));
  const direct = new Database(file, { timeout: 5000 });
  await applyDurabilityPragmas(async (text) => direct.pragma(text.replace(/^PRAGMA /, '')));
  const statements = new Map<string, Database.Statement>();
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(work: () => Promise<T> | T): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    prisma,
    write: (work) => enqueue(() => prisma.$transaction(work, { timeout: 30_000, maxWait: 30_000 })),
    writeNow: (work) => enqueue(() => direct.transaction(work)()),
    sql(text) {
      let statement = statements.get(text);
      if (!statement) statements.set(text, (statement = direct.prepare(text)));
      return statement;
    },
    async close() {
      await enqueue(() => undefined);
      direct.close();
      await prisma.$disconnect();
    },
  };
}

type Pragma = (text: string) => Promise<unknown>;

/**
 * WAL for concurrent readers, and synchronous=FULL because this better-sqlite3 build defaults
 * WAL to NORMAL, where a committed message can vanish on power loss. Read back, not assumed,
 * on each connection (synchronous is per connection).
 */
async function applyDurabilityPragmas(pragma: Pragma): Promise<void> {
  await pragma('PRAGMA journal_mode = WAL');
  await pragma('PRAGMA synchronous = FULL');
  await pragma('PRAGMA foreign_keys = ON');
  const [journal] = (await pragma('PRAGMA journal_mode')) as { journal_mode: string }[];
  const [sync] = (await pragma('PRAGMA synchronous')) as { synchronous: bigint | number }[];
  if (journal.journal_mode !== 'wal' || Number(sync.synchronous) !== 2) {
    throw new Error(`SQLite durability not in force: journal_mode=${journal.journal_mode} synchronous=${sync.synchronous}`);
  }
}
