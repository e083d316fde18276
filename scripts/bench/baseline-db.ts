import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface Pragmas {
  journal_mode: string;
  synchronous: number;
}

/**
 * The baseline's own connection, on the app's settings (WAL, synchronous=FULL) set explicitly
 * and read back: this better-sqlite3 build would otherwise run WAL with synchronous=NORMAL.
 */
export function openBaselineDb(file: string): { db: Database.Database; pragmas: Pragmas } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS message (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ticketId INTEGER NOT NULL, role TEXT NOT NULL,
    content TEXT NOT NULL, timestamp TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'text',
    authorName TEXT, delivery TEXT, phone TEXT, createdAt TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS message_ticket ON message (ticketId, id);`);
  const pragmas = {
    journal_mode: String(db.pragma('journal_mode', { simple: true })),
    synchronous: Number(db.pragma('synchronous', { simple: true })),
  };
  if (pragmas.journal_mode !== 'wal' || pragmas.synchronous !== 2) {
    throw new Error(`baseline durability not in force: ${JSON.stringify(pragmas)}`);
  }
  return { db, pragmas };
}
