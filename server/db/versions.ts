import type { Db, Statement } from './database.ts';

/**
 * The stored versions the polled views answer 304 from (conditional GETs, server/http/etag.ts).
 * Database triggers bump them in the same transaction as the change (migration
 * 20261130130000_versions), so they are right on every write path and on every process sharing
 * a PostgreSQL database. Each read is one primary-key lookup.
 */
export type Counter = 'tickets' | 'link';

const COUNTER: Statement = {
  sqlite: 'SELECT value FROM ChangeCounter WHERE name = :name',
  postgres: 'SELECT value FROM "ChangeCounter" WHERE name = :name',
};

const TICKET: Statement = {
  sqlite: 'SELECT version FROM Ticket WHERE id = :id',
  postgres: 'SELECT version FROM "Ticket" WHERE id = :id',
};

/** "tickets": anything the ticket table shows; "link": the WhatsApp queue's size. */
export async function counter(db: Db, name: Counter): Promise<number> {
  const [row] = await db.all<{ value: number | bigint }>(COUNTER, { name });
  return Number(row?.value ?? 0);
}

/** The ticket's history version, or null when there is no such ticket. */
export async function historyVersion(db: Db, ticketId: number): Promise<number | null> {
  const [row] = await db.all<{ version: number }>(TICKET, { id: ticketId });
  return row ? Number(row.version) : null;
}
