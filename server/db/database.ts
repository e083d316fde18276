import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from './generated/client.ts';
import { migrate } from './migrate.ts';

export type Prisma = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export interface Db {
  prisma: PrismaClient;
  /**
   * Runs `work` in a transaction while holding the one write lock. The adapter keeps a single
   * SQLite connection, so a write issued while another transaction is open would land inside
   * it and vanish with its rollback; serialising writes here makes that impossible.
   */
  write<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function databaseFile(databaseUrl: string): string {
  return path.resolve(databaseUrl.replace(/^file:/, ''));
}

export async function openDatabase(databaseUrl: string): Promise<Db> {
  const file = databaseFile(databaseUrl);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  migrate(file);
  const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 5000 }) });
  await applyDurabilityPragmas(prisma);
  let queue: Promise<unknown> = Promise.resolve();
  return {
    prisma,
    write(work) {
      const run = queue.then(() => prisma.$transaction(work, { timeout: 30_000, maxWait: 30_000 }));
      queue = run.catch(() => undefined);
      return run;
    },
    close: () => prisma.$disconnect(),
  };
}

/**
 * WAL for concurrent readers, and synchronous=FULL because this better-sqlite3 build defaults
 * WAL to NORMAL, where a committed message can vanish on power loss. Read back, not assumed.
 */
async function applyDurabilityPragmas(prisma: PrismaClient): Promise<void> {
  await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await prisma.$executeRawUnsafe('PRAGMA synchronous = FULL');
  await prisma.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  const [journal] = await prisma.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
  const [sync] = await prisma.$queryRawUnsafe<{ synchronous: bigint | number }[]>('PRAGMA synchronous');
  if (journal.journal_mode !== 'wal' || Number(sync.synchronous) !== 2) {
    throw new Error(`SQLite durability not in force: journal_mode=${journal.journal_mode} synchronous=${sync.synchronous}`);
  }
}
