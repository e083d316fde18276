// The Message reads of the folders above this one that are not the send path: the statistics,
// a ticket's transcript, the SLA clocks and the received files still to download. Each is one
// hand-written statement in both dialects (see db/database.ts's Statement); the dates compare as
// in insight/queries.ts (ISO text with "+00:00" on SQLite, UTC timestamps on PostgreSQL).
import { medianSql } from '../db/median.ts';
import type { Db, Statement } from '../db/database.ts';

/** A half-open range of instants, as `timeFor` writes them for this database. */
export interface Bounds {
  desde: string;
  hasta: string;
}

/** Minutes from a ticket's creation to the first technician's reply, for tickets created in the range. */
const FIRST_REPLY_MEDIANS: Statement = {
  sqlite: `WITH fr AS (
    SELECT t.id, t.assigneeId, (julianday(MIN(m.createdAt)) - julianday(t.createdAt)) * 1440.0 AS v
    FROM Ticket t JOIN Message m ON m.ticketId = t.id AND m.role = 'tecnico'
    WHERE t.createdAt >= :desde AND t.createdAt < :hasta
    GROUP BY t.id, t.assigneeId),
  todos AS (SELECT 0 AS g, v FROM fr UNION ALL SELECT assigneeId AS g, v FROM fr WHERE assigneeId IS NOT NULL),
  ${medianSql('todos', 'g')}`,
  postgres: `WITH fr AS (
    SELECT t.id, t."assigneeId", EXTRACT(EPOCH FROM (MIN(m."createdAt") - t."createdAt"))::float8 / 60.0 AS v
    FROM "Ticket" t JOIN "Message" m ON m."ticketId" = t.id AND m.role = 'tecnico'
    WHERE t."createdAt" >= :desde::timestamp AND t."createdAt" < :hasta::timestamp
    GROUP BY t.id, t."assigneeId", t."createdAt"),
  todos AS (SELECT 0 AS g, v FROM fr UNION ALL SELECT "assigneeId" AS g, v FROM fr WHERE "assigneeId" IS NOT NULL),
  ${medianSql('todos', 'g')}`,
};

const REPLIES_BY_AUTHOR: Statement = {
  sqlite: `SELECT authorId AS id, COUNT(*) AS n FROM Message
  WHERE role = 'tecnico' AND authorId IS NOT NULL AND createdAt >= :desde AND createdAt < :hasta
  GROUP BY authorId`,
  postgres: `SELECT "authorId" AS id, COUNT(*) AS n FROM "Message"
  WHERE role = 'tecnico' AND "authorId" IS NOT NULL AND "createdAt" >= :desde::timestamp AND "createdAt" < :hasta::timestamp
  GROUP BY "authorId"`,
};

const TRANSCRIPT_PAGE: Statement = {
  sqlite: `SELECT id, role, content, timestamp, kind, extra, authorName FROM Message
  WHERE ticketId = :ticketId AND id > :after AND (role <> 'nota' OR :notas = 1)
  ORDER BY id LIMIT :limit`,
  postgres: `SELECT id, role, content, timestamp, kind, extra, "authorName" FROM "Message"
  WHERE "ticketId" = :ticketId AND id > :after AND (role <> 'nota' OR :notas::int = 1)
  ORDER BY id LIMIT :limit`,
};

// Through the (ticketId, …) index, for the ids of one page only: a JSON array on SQLite
// (json_each), an int[] on PostgreSQL (= ANY).
const FIRST_REPLIES: Statement = {
  sqlite: `SELECT ticketId, MIN(createdAt) AS at FROM Message
  WHERE role = 'tecnico' AND ticketId IN (SELECT value FROM json_each(:ids)) GROUP BY ticketId`,
  postgres: `SELECT "ticketId", MIN("createdAt") AS at FROM "Message"
  WHERE role = 'tecnico' AND "ticketId" = ANY(:ids::int[]) GROUP BY "ticketId"`,
};

const AWAITING_FILE = `extra LIKE '%"adjunto_pendiente"%'`;
const AWAITING_FILE_BY_WA_ID: Statement = {
  sqlite: `SELECT id, ticketId, waId, extra FROM Message WHERE waId = :waId AND ${AWAITING_FILE}`,
  postgres: `SELECT id, "ticketId", "waId", extra FROM "Message" WHERE "waId" = :waId AND ${AWAITING_FILE}`,
};
const ALL_AWAITING_FILE: Statement = {
  sqlite: `SELECT id, ticketId, waId, extra FROM Message WHERE role = 'user' AND waId IS NOT NULL AND ${AWAITING_FILE} ORDER BY id`,
  postgres: `SELECT id, "ticketId", "waId", extra FROM "Message" WHERE role = 'user' AND "waId" IS NOT NULL AND ${AWAITING_FILE} ORDER BY id`,
};

/** The median first reply (minutes) of the range's tickets: key 0 over all, else per assignee id. */
export async function firstReplyMedians(db: Db, bounds: Bounds): Promise<Map<number, number>> {
  const rows = await db.all<{ grupo: number; mediana: number }>(FIRST_REPLY_MEDIANS, { ...bounds });
  return new Map(rows.map((row) => [row.grupo, row.mediana]));
}

/** Technicians' replies written within the range, by author id. */
export async function repliesByAuthor(db: Db, bounds: Bounds): Promise<Map<number, number>> {
  const rows = await db.all<{ id: number; n: number }>(REPLIES_BY_AUTHOR, { ...bounds });
  return new Map(rows.map((row) => [row.id, row.n]));
}

export interface TranscriptRow {
  id: number;
  role: string;
  content: string;
  timestamp: string;
  kind: string;
  extra: string | null;
  authorName: string | null;
}

/** One page of a ticket's transcript after entry `after`, oldest first; notes only when asked for. */
export function transcriptPage(db: Db, page: { ticketId: number; after: number; notas: boolean; limit: number }): Promise<TranscriptRow[]> {
  return db.all<TranscriptRow>(TRANSCRIPT_PAGE, { ...page, notas: page.notas ? 1 : 0 });
}

/** When each of these tickets got its first technician's reply (tickets without one are absent). */
export async function firstReplyTimes(db: Db, ticketIds: number[]): Promise<Map<number, string>> {
  const ids = db.dialect === 'postgres' ? ticketIds : JSON.stringify(ticketIds);
  const rows = await db.all<{ ticketId: number; at: string }>(FIRST_REPLIES, { ids });
  return new Map(rows.map((row) => [row.ticketId, row.at]));
}

/** A received entry whose file is still to be downloaded (its `extra` carries `adjunto_pendiente`). */
export interface AwaitingFileRow {
  id: number;
  ticketId: number;
  waId: string;
  extra: string;
}

export async function awaitingFile(db: Db, waId: string): Promise<AwaitingFileRow | null> {
  const [row] = await db.all<AwaitingFileRow>(AWAITING_FILE_BY_WA_ID, { waId });
  return row ?? null;
}

/** Every received entry still waiting for its file, oldest first. */
export function allAwaitingFile(db: Db): Promise<AwaitingFileRow[]> {
  return db.all<AwaitingFileRow>(ALL_AWAITING_FILE);
}
