import { sqlTime, type Db } from '../db/database.ts';
import { adjuntoOf, insertAttachment } from './attachments.ts';
import type { TicketRow } from '../db/rows.ts';
import { ackMovesForward } from './delivery.ts';
import type { EntryRow } from './entries.ts';
import type { MessageStore, OutgoingRow } from './store.ts';

const ENTRY = 'id, role, content, timestamp, kind, extra, authorName, delivery, deliveryInfo';
const OUTGOING = 'id, ticketId, phone, content, delivery, waId, attemptAt, createdAt';
const FENCED = 'EXISTS (SELECT 1 FROM WhatsAppLease WHERE id = 1 AND holder = ? AND generation = ?)';

const SQL = {
  history: `SELECT ${ENTRY} FROM Message WHERE ticketId = ? AND id > ? AND id < ? AND (role <> 'nota' OR ?) ORDER BY id`,
  newest: `SELECT ${ENTRY} FROM Message WHERE ticketId = ? AND id > ? AND id < ? AND (role <> 'nota' OR ?) ORDER BY id DESC LIMIT ?`,
  known: 'SELECT 1 FROM Message WHERE waId = ?',
  ticket: 'SELECT * FROM Ticket WHERE id = ?',
  reply: `INSERT INTO Message (ticketId, role, content, timestamp, kind, authorId, authorName, delivery, phone, attempts, createdAt)
    VALUES (?, 'tecnico', ?, ?, ?, ?, ?, 'queued', ?, 0, ?)`,
  extra: 'UPDATE Message SET extra = ? WHERE id = ?',
  key: 'INSERT INTO IdempotentRequest (key, ticketId, messageId, createdAt) VALUES (?, ?, ?, ?)',
  touch: 'UPDATE Ticket SET lastMessageAt = ?, updatedAt = ? WHERE id = ?',
  // Fenced: only while the lease names this process and generation (one process per file, so
  // this holds unless a test steals it; the same path as on PostgreSQL, at the cost of one lookup).
  sendingNow: `UPDATE Message SET delivery = 'sending', attempts = 1, attemptAt = ? WHERE id = ? AND ${FENCED}`,
  entry: 'SELECT * FROM Message WHERE id = ?',
  firstCall: `SELECT r.ticketId, r.messageId, r.outcome, m.delivery, m.waId
    FROM IdempotentRequest r JOIN Message m ON m.id = r.messageId WHERE r.key = ?`,
  outcome: 'UPDATE IdempotentRequest SET outcome = ? WHERE key = ?',
  pending: "SELECT id, phone FROM Message WHERE delivery IN ('queued', 'sending') ORDER BY id",
  pendingCount: "SELECT count(*) AS n FROM Message WHERE delivery IN ('queued', 'sending')",
  outgoing: `SELECT ${OUTGOING} FROM Message WHERE id = ?`,
  outgoingByWaId: `SELECT ${OUTGOING} FROM Message WHERE waId = ?`,
  attempt: `UPDATE Message SET delivery = 'sending', attempts = attempts + 1, attemptAt = ? WHERE id = ? AND ${FENCED}`,
  sent: "UPDATE Message SET delivery = 'sent', waId = ?, sentAt = ?, deliveryInfo = NULL WHERE id = ?",
  // A row left `sending` (a crash) is looked for before it is tried again, never marked anew here.
  attemptNext: `UPDATE Message SET delivery = 'sending', attempts = attempts + 1, attemptAt = ? WHERE id = ? AND delivery = 'queued' AND ${FENCED}`,
  delivery: 'UPDATE Message SET delivery = ?, deliveryInfo = ? WHERE id = ?',
  taken: 'SELECT 1 FROM Message WHERE waId = ? AND id != ?',
};

/** An outgoing file is an image or a document (docs/api.md's kinds); text otherwise. */
function kindOf(mimetype: string | undefined): string {
  if (!mimetype) return 'text';
  return mimetype.startsWith('image/') ? 'image' : 'document';
}

/**
 * The message store on SQLite: prepared better-sqlite3 statements on the hot path's own
 * connection (microseconds each, where a Prisma 6.19 query costs ≈0.5 ms of CPU; `npm run bench`).
 * Writes go through `db.writeNow`, under the one write lock Prisma's writes share.
 */
export function sqliteMessages(db: Db): MessageStore {
  const get = <T>(text: string, ...params: unknown[]) => db.sql(text).get(...params) as T | undefined;
  const write = (text: string, ...params: unknown[]) => db.writeNow(() => void db.sql(text).run(...params));
  return {
    async history(ticketId, window = {}) {
      const bounds = [ticketId, window.after ?? 0, window.before ?? Number.MAX_SAFE_INTEGER, window.notes ? 1 : 0];
      return window.limit
        ? (db.sql(SQL.newest).all(...bounds, window.limit) as EntryRow[]).reverse()
        : (db.sql(SQL.history).all(...bounds) as EntryRow[]);
    },
    async isKnownWaId(waId) {
      return get(SQL.known, waId) !== undefined;
    },
    storeReply(reply, claim) {
      // Synchronous inside one transaction: nothing can run between the claim and the commit.
      return db.writeNow(() => {
        const ticket = get<TicketRow>(SQL.ticket, reply.ticketId);
        if (!ticket) return null;
        const now = new Date();
        const at = sqlTime(now);
        const { lastInsertRowid } = db
          .sql(SQL.reply)
          .run(ticket.id, reply.text, now.toISOString(), kindOf(reply.attachment?.mimetype), reply.authorId ?? null, reply.authorName ?? null, ticket.phone, at);
        const id = Number(lastInsertRowid);
        if (reply.attachment) {
          // The entry carries its `adjunto` as served, so every reader (history, live events,
          // transcripts) shows it without a join; the Attachment row is the file's bookkeeping.
          const attachmentId = insertAttachment(db, { ...reply.attachment, messageId: id });
          const adjunto = adjuntoOf({ id: attachmentId, ...reply.attachment });
          db.sql(SQL.extra).run(JSON.stringify({ adjunto }), id);
        }
        if (reply.idempotencyKey) db.sql(SQL.key).run(reply.idempotencyKey, ticket.id, id, at);
        db.sql(SQL.touch).run(at, at, ticket.id);
        const message = get<EntryRow>(SQL.entry, id)!;
        const fence = claim({ id, phone: ticket.phone });
        if (fence && db.sql(SQL.sendingNow).run(at, id, fence.holder, fence.generation).changes === 1) message.delivery = 'sending';
        return { ticket: { ...ticket, lastMessageAt: at, updatedAt: at }, message };
      });
    },
    async firstCall(key) {
      const row = get<{ ticketId: number; messageId: number; outcome: string | null; delivery: string | null; waId: string | null }>(SQL.firstCall, key);
      return row ? { ...row, outcome: row.outcome ? JSON.parse(row.outcome) : null } : null;
    },
    recordOutcome: (key, outcome) => write(SQL.outcome, JSON.stringify(outcome), key),
    async pending() {
      return db.sql(SQL.pending).all() as { id: number; phone: string }[];
    },
    async pendingCount() {
      return get<{ n: number }>(SQL.pendingCount)!.n;
    },
    outgoing: async (id) => get<OutgoingRow>(SQL.outgoing, id),
    outgoingByWaId: async (waId) => get<OutgoingRow>(SQL.outgoingByWaId, waId),
    markAttempt: (id, at, fence) => db.writeNow(() => db.sql(SQL.attempt).run(sqlTime(at), id, fence.holder, fence.generation).changes === 1),
    // The sent mark alone skips the fsync: lost by a power loss, the row is `sending` again (its
    // mark was durable) and the outbox's look-up finds the send on the phone (never a second one).
    // Marking the next reply `sending` is durable: it is handed to WhatsApp right after, and a
    // lost mark would leave it `queued`, sent again without a look-up.
    markSent: (id, waId, at, next) =>
      db.writeNow(
        () => {
          db.sql(SQL.sent).run(waId, sqlTime(at), id);
          return next ? db.sql(SQL.attemptNext).run(sqlTime(at), next.id, next.fence.holder, next.fence.generation).changes === 1 : false;
        },
        { durable: next !== undefined },
      ),
    setDelivery: (id, delivery, deliveryInfo) => write(SQL.delivery, delivery, deliveryInfo, id),
    applyAck(waId, state, deliveryInfo) {
      // Read and compare inside the write lock, so two acks racing cannot land out of order.
      // Without fsync: a lost ack only shows an older state until WhatsApp's next one.
      return db.writeNow(
        () => {
          const row = get<OutgoingRow>(SQL.outgoingByWaId, waId);
          if (!row?.delivery || !ackMovesForward(row.delivery, state)) return null;
          db.sql(SQL.delivery).run(state, deliveryInfo, row.id);
          return row;
        },
        { durable: false },
      );
    },
    async waIdTakenByAnother(waId, messageId) {
      return get(SQL.taken, waId, messageId) !== undefined;
    },
  };
}
