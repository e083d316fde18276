import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { migrate } from './migrate.ts';

const BEFORE_TEAM = ['20261123120000_init', '20261128110000_insight_indexes', '20261128110001_csat'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-migrate-'));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A database as the release before team work left it, with tickets and their messages. */
function databaseBeforeTeam(file: string, tickets: number) {
  const db = new Database(file);
  for (const name of BEFORE_TEAM) db.exec(fs.readFileSync(path.resolve('prisma/migrations', name, 'migration.sql'), 'utf8'));
  db.exec(`CREATE TABLE "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
  BEFORE_TEAM.forEach((name, i) => db.prepare(`INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name) VALUES (?, 'x', current_timestamp, ?)`).run(String(i), name));
  const ticket = db.prepare(`INSERT INTO Ticket (phone, phoneKey, subject, category, updatedAt) VALUES ('+5214771234567', '+524771234567', ?, 'hardware', 0)`);
  const message = db.prepare(`INSERT INTO Message (ticketId, role, content, timestamp) VALUES (?, 'user', 'hola', '2026-01-01T00:00:00Z')`);
  db.transaction(() => {
    for (let i = 1; i <= tickets; i++) message.run(ticket.run(`Ticket ${i}`).lastInsertRowid);
  })();
  db.close();
}

it('numbers every existing ticket uniquely, keeps its fields and messages, and seeds the categories', () => {
  const file = path.join(dir, 'old.db');
  databaseBeforeTeam(file, 5000);

  expect(migrate(file)).toContain('20261129100000_team');

  const db = new Database(file, { readonly: true });
  const rows = db.prepare('SELECT id, numero, subject, category FROM Ticket ORDER BY id').all() as { id: number; numero: string; subject: string; category: string }[];
  expect(rows).toHaveLength(5000);
  expect(new Set(rows.map((row) => row.numero)).size).toBe(5000);
  for (const row of rows) expect(row.numero).toMatch(/^TKT-[2-9A-HJ-NP-Z]{8}$/);
  expect(rows[41]).toMatchObject({ id: 42, subject: 'Ticket 42', category: 'hardware' });
  expect(db.prepare('SELECT count(*) AS n FROM Message m JOIN Ticket t ON t.id = m.ticketId').get()).toEqual({ n: 5000 });
  expect(db.prepare('SELECT name FROM Category ORDER BY position').all().map((row) => (row as { name: string }).name)).toEqual([
    'hardware', 'software', 'red', 'cuentas', 'impresoras', 'otro',
  ]);
  expect(db.pragma('foreign_key_check')).toEqual([]);
  db.close();
});
