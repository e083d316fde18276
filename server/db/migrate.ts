import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../prisma/migrations');

// Same bookkeeping table as `prisma migrate deploy`, so the Prisma CLI agrees about what is
// applied. Our own runner avoids spawning the CLI (a second or more) on every start and test.
const LEDGER = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`;

export function pendingMigrations(applied: Set<string>): string[] {
  return fs
    .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !applied.has(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** Applies every migration not yet recorded, each in its own transaction. Returns their names. */
export function migrate(file: string): string[] {
  const db = new Database(file);
  try {
    db.exec(LEDGER);
    const rows = db.prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL').all() as {
      migration_name: string;
    }[];
    const pending = pendingMigrations(new Set(rows.map((row) => row.migration_name)));
    for (const name of pending) applyOne(db, name);
    return pending;
  } finally {
    db.close();
  }
}

function applyOne(db: Database.Database, name: string): void {
  const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'), 'utf8');
  const checksum = createHash('sha256').update(sql).digest('hex');
  db.transaction(() => {
    db.exec(sql);
    db.prepare(
      `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count)
       VALUES (?, ?, current_timestamp, ?, 1)`,
    ).run(randomUUID(), checksum, name);
  })();
}
