import type { Db, Tx } from '../db/database.ts';
import type { Message } from '../db/generated/client.ts';
import type { EntryView } from '../events.ts';

export type Role = 'user' | 'assistant' | 'tecnico';

export interface NewEntry {
  role: Role;
  content: string;
  timestamp?: string;
  kind?: string;
  waId?: string;
  authorId?: number;
  authorName?: string;
  /** Set for messages that must reach the end user's WhatsApp: they start `queued`. */
  deliverTo?: string;
  extra?: Record<string, unknown>;
}

/** One row per entry, appended: nothing rewrites a shared history, so no writer loses another's. */
export function appendEntry(tx: Tx, ticketId: number, entry: NewEntry): Promise<Message> {
  return tx.message.create({
    data: {
      ticketId,
      role: entry.role,
      content: entry.content,
      timestamp: entry.timestamp ?? new Date().toISOString(),
      kind: entry.kind ?? 'text',
      waId: entry.waId,
      authorId: entry.authorId,
      authorName: entry.authorName,
      extra: entry.extra && Object.keys(entry.extra).length > 0 ? JSON.stringify(entry.extra) : null,
      delivery: entry.deliverTo ? 'queued' : null,
      phone: entry.deliverTo,
    },
  });
}

/** The columns an entry is built from (a Prisma row or a raw SQLite row alike). */
export type EntryRow = Pick<Message, 'id' | 'role' | 'content' | 'timestamp' | 'kind' | 'extra' | 'authorName' | 'delivery' | 'deliveryInfo'>;

/** The contract's shape: role, content, timestamp first, then what this service adds. */
export function toEntry(row: EntryRow): EntryView {
  const entry: EntryView = {
    role: row.role as Role,
    content: row.content,
    timestamp: row.timestamp,
    ...(row.extra ? (JSON.parse(row.extra) as Record<string, unknown>) : {}),
    id: row.id,
    kind: row.kind,
  };
  if (row.authorName) entry.author = row.authorName;
  if (row.delivery) entry.delivery = row.delivery;
  if (row.deliveryInfo) entry.deliveryInfo = row.deliveryInfo;
  return entry;
}

const COLUMNS = 'id, role, content, timestamp, kind, extra, authorName, delivery, deliveryInfo';
const HISTORY = `SELECT ${COLUMNS} FROM Message WHERE ticketId = ? AND id > ? AND id < ? ORDER BY id`;
const NEWEST = `SELECT ${COLUMNS} FROM Message WHERE ticketId = ? AND id > ? AND id < ? ORDER BY id DESC LIMIT ?`;

export interface HistoryWindow {
  /** Only entries after this id (what a poll has not seen yet). */
  after?: number;
  /** Only entries before this id (paging back through a long chat). */
  before?: number;
  /** Only the newest this many of the rest, still served oldest first. */
  limit?: number;
}

/** Polled every 5 s by every open chat: prepared statements, not Prisma queries. */
export function listHistory(db: Db, ticketId: number, window: HistoryWindow = {}): EntryView[] {
  const bounds = [ticketId, window.after ?? 0, window.before ?? Number.MAX_SAFE_INTEGER];
  const rows = window.limit
    ? (db.sql(NEWEST).all(...bounds, window.limit) as EntryRow[]).reverse()
    : (db.sql(HISTORY).all(...bounds) as EntryRow[]);
  return rows.map(toEntry);
}
